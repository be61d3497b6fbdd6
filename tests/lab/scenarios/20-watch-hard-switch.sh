# `pin13 watch --json` sees every flip of the hard switch, in order, with nothing
# lost or invented: its events equal those of util-linux `rfkill event` reading
# the same kernel at the same time, and the dell-rbtn hard states follow the flips.
# timeout: 180

ndev=$(rf_count)
rbtn=$(rf_idx dell-rbtn)
bg pin13 watch --json > /tmp/w.json 2> /tmp/w.err
wpid=$BG_PID
bg rfkill event > /tmp/ref.txt 2>&1
rpid=$BG_PID
wait_for 20 lines_at_least /tmp/ref.txt "$ndev" || fail "rfkill event printed no ADD events"
if wait_for 10 lines_at_least /tmp/w.json "$ndev"; then
  dump=yes
else
  check_p13 /tmp/w.err "watch --json"
  kill -0 "$wpid" 2>/dev/null || { cat /tmp/w.err; fail "pin13 watch exited early"; }
  dump=no   # pin13 does not print the devices present at start; compare changes only
fi
info "pin13 prints the initial devices: $dump"

flips="0 1 0 1 0 0 1 1 0 1"   # repeats (0 0, 1 1) must not invent events
expect=$(rf_attr "$rbtn" hard)
n=0
for pos in $flips; do
  switch_flip "$pos"
  n=$((n + 1))
  # wait for the kernel to report it (the reference sees it) before the next flip
  want=$((pos == 0))
  wait_for 5 '[ "$(rf_attr "$rbtn" hard)" = "$want" ]' || fail "flip $n: sysfs hard is not $want"
  sleep 0.3
done
# let both readers catch up, then stop them
nref=$(wc -l < /tmp/ref.txt)
nexp=$nref
[ "$dump" = no ] && nexp=$((nref - ndev))
wait_for 10 lines_at_least /tmp/w.json "$nexp" || true
kill "$wpid" "$rpid"   # SIGINT and its exit status are 22-watch-exit's business
wait "$wpid" 2>/dev/null
check_p13 /tmp/w.err "watch --json"

unorm < /tmp/ref.txt > /tmp/ref.norm
[ "$dump" = no ] && { tail -n +"$((ndev + 1))" /tmp/ref.norm > /tmp/ref.tmp; mv /tmp/ref.tmp /tmp/ref.norm; }
jnorm < /tmp/w.json > /tmp/w.norm
info "reference: $(wc -l < /tmp/ref.norm) events, pin13: $(wc -l < /tmp/w.norm) events"
same_bytes "event sequence (id type op soft hard)" /tmp/ref.norm /tmp/w.norm

# the switch's hard states, with repeats folded, are the flips in order
awk -v r="$rbtn" '$1 == r { print $5 }' /tmp/w.norm | uniq | tr '\n' ' ' > /tmp/seen
start=0; [ "$dump" = yes ] && start=$expect
want_seq=$( { [ "$dump" = yes ] && echo "$start"; for p in $flips; do echo $((p == 0)); done; } | uniq | tr '\n' ' ')
[ "$(cat /tmp/seen)" = "$want_seq" ] || fail "dell-rbtn hard states: got '$(cat /tmp/seen)', flips give '$want_seq'"

# every line: the keys, device name, type, reasons ([] on 9-byte events; on
# 8-byte ones null while hard-blocked, [] otherwise) and an RFC 3339 time with microseconds
reasons=no; has_reasons && reasons=yes
while IFS= read -r line; do
  for k in time id type device op soft hard reasons; do
    echo "$line" | grep -q "\"$k\"" || fail "line without \"$k\": $line"
  done
  t=$(echo "$line" | jfield time)
  echo "$t" | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}(Z|[+-][0-9]{2}:[0-9]{2})$' \
    || fail "time is not RFC 3339 with microseconds: '$t'"
  id=$(echo "$line" | jfield id)
  dev=$(echo "$line" | jfield device)
  [ "$dev" = "$(rf_name "$id")" ] || fail "id $id is $(rf_name "$id"), line says '$dev': $line"
  if [ "$id" = "$rbtn" ] && [ "$reasons" = yes ]; then
    echo "$line" | grep -qE '"reasons" *: *\[ *\]' || fail "dell-rbtn reports hard_block_reasons 0x0, line says otherwise: $line"
  elif [ "$id" = "$rbtn" ] && [ "$(echo "$line" | jfield hard)" = blocked ]; then
    # 8-byte events (before Linux 5.11) carry no reasons: a hard block's are unknown (null)
    echo "$line" | grep -qE '"reasons" *: *null' || fail "8-byte event, hard-blocked: reasons should be null (unknown): $line"
  elif [ "$id" = "$rbtn" ]; then
    echo "$line" | grep -qE '"reasons" *: *\[ *\]' || fail "8-byte event, not hard-blocked: reasons should be []: $line"
  fi
done < /tmp/w.json
info "ok: $(wc -l < /tmp/w.json) lines, flips $flips"
head -n 3 /tmp/w.json
