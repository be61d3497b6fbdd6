# The 8-byte events: a reader that does not ask for more (the
# RFKILL_IOCTL_MAX_SIZE ioctl, Linux 5.11+, which pin13 uses to get the 9th byte,
# hard_block_reasons) gets one 8-byte event per read on every kernel, and 8 bytes
# is all Linux 5.10 (the 32-bit lab) has: the real test of pin13's 8-byte path.
# `pin13 watch --json --count N` reports the N devices present, each with its
# sysfs name and state; a raw capture of those events (dd bs=8) given as
# --rfkill-dev gives the same `status --json` as the live device.

sz=$(dd if=/dev/rfkill bs=64 count=1 2>/dev/null | wc -c)
[ "$sz" = 8 ] || fail "one plain read of /dev/rfkill returned $sz bytes, expected 8"
if has_reasons; then info "kernel $(uname -r): 8-byte events by default, 9 on request"; else info "kernel $(uname -r): 8-byte events only"; fi

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
p13 /tmp/a.json /tmp/a.err --rfkill-dev /tmp/cap.bin status --json
expect_rc 0 "status --json from an 8-byte capture" /tmp/a.err
p13 /tmp/b.json /tmp/b.err status --json
same_bytes "status --json from the capture vs the live device" /tmp/b.json /tmp/a.json
info "status --json from an 8-byte capture file equals the live one"
rm -f /tmp/cap.bin /tmp/w.json /tmp/a.json /tmp/b.json
