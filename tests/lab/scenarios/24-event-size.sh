# The size of the events this kernel's /dev/rfkill delivers (8 bytes before
# Linux 5.11, 9 since hard_block_reasons: the 32-bit lab's 5.10 is the real
# test of the 8-byte path), and pin13 reading them: one read gives one event of
# that size; `pin13 watch --json --count N` reports the N devices present, each
# with its sysfs name and state; a capture of those raw events given as
# --rfkill-dev gives the same status as the live device.

first=$(rf_list | head -n1)
if [ -e "$RF/rfkill$first/hard_block_reasons" ]; then want=9; else want=8; fi
sz=$(dd if=/dev/rfkill bs=64 count=1 2>/dev/null | wc -c)
[ "$sz" = "$want" ] || fail "one read of /dev/rfkill returned $sz bytes, expected $want"
info "kernel $(uname -r): $sz-byte events"

ndev=$(rf_count)
p13 /tmp/w.json /tmp/w.err watch --json --count "$ndev" --timeout 20
expect_rc 0 "watch --json --count $ndev" /tmp/w.err
[ "$(grep -c . /tmp/w.json)" = "$ndev" ] || { cat /tmp/w.json; fail "watch printed $(grep -c . /tmp/w.json) lines, expected $ndev"; }
for i in $(rf_list); do
  line=$(grep "\"id\": *$i[,}]" /tmp/w.json) || { cat /tmp/w.json; fail "no event for rfkill$i"; }
  [ "$(echo "$line" | jfield device)" = "$(rf_name "$i")" ] || fail "rfkill$i: device $(echo "$line" | jfield device), sysfs says $(rf_name "$i")"
  [ "$(echo "$line" | jfield op)" = add ] || fail "rfkill$i: op $(echo "$line" | jfield op), expected add"
  soft=$( [ "$(rf_attr "$i" soft)" = 1 ] && echo blocked || echo unblocked)
  [ "$(echo "$line" | jfield soft)" = "$soft" ] || fail "rfkill$i: soft $(echo "$line" | jfield soft), sysfs says $soft"
done
info "watch --json: $ndev add events, names and states match sysfs"

# a raw capture of this kernel's events (the ADD burst), read back as a file
dd if=/dev/rfkill of=/tmp/cap.bin bs="$sz" count="$ndev" 2>/dev/null
[ "$(wc -c < /tmp/cap.bin)" = $((sz * ndev)) ] || fail "capture has $(wc -c < /tmp/cap.bin) bytes"
if [ "$sz" = 8 ]; then
  p13 /tmp/a.json /tmp/a.err --rfkill-dev /tmp/cap.bin status --json
  expect_rc 0 "status --json from an 8-byte capture" /tmp/a.err
  p13 /tmp/b.json /tmp/b.err status --json
  same_bytes "status --json from the capture vs the live device" /tmp/b.json /tmp/a.json
  info "status --json from an 8-byte capture file equals the live one"
fi
rm -f /tmp/cap.bin /tmp/w.json /tmp/a.json /tmp/b.json
