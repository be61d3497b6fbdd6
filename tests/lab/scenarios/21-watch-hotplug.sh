# `pin13 watch --json` survives rmmod/insmod of mac80211_hwsim 10 times and
# reports every del and add, like util-linux `rfkill event`.
# timeout: 300

ndev=$(rf_count)
bg pin13 watch --json > /tmp/w.json 2> /tmp/w.err
wpid=$BG_PID
bg rfkill event > /tmp/ref.txt 2>&1
rpid=$BG_PID
wait_for 20 lines_at_least /tmp/ref.txt "$ndev" || fail "rfkill event printed no ADD events"
if wait_for 10 lines_at_least /tmp/w.json "$ndev"; then dump=yes; else
  check_p13 /tmp/w.err "watch --json"
  kill -0 "$wpid" 2>/dev/null || { cat /tmp/w.err; fail "pin13 watch exited early"; }
  dump=no
fi

# remember the names of the radios as they come and go (for the del lines)
: > /tmp/names
for i in $(rf_hwsim); do echo "$i $(rf_name "$i")" >> /tmp/names; done
cycles=10
c=0
while [ "$c" -lt "$cycles" ]; do
  c=$((c + 1))
  rmmod mac80211_hwsim || fail "rmmod, cycle $c"
  insmod /lib/modules/mac80211_hwsim.ko radios=2 || fail "insmod, cycle $c"
  wait_for 10 '[ "$(rf_hwsim | wc -l)" = 2 ]' || fail "radios did not come back, cycle $c"
  for i in $(rf_hwsim); do echo "$i $(rf_name "$i")" >> /tmp/names; done
  kill -0 "$wpid" 2>/dev/null || { cat /tmp/w.err; fail "pin13 watch died in cycle $c"; }
done
nref_expected=$((ndev + 4 * cycles))
wait_for 20 lines_at_least /tmp/ref.txt "$nref_expected" || fail "rfkill event saw $(wc -l < /tmp/ref.txt) events, expected $nref_expected"
nexp=$nref_expected; [ "$dump" = no ] && nexp=$((4 * cycles))
wait_for 20 lines_at_least /tmp/w.json "$nexp" || true
kill "$wpid" "$rpid"   # SIGINT and its exit status are 22-watch-exit's business
wait "$wpid" 2>/dev/null
check_p13 /tmp/w.err "watch --json"

unorm < /tmp/ref.txt > /tmp/ref.norm
[ "$dump" = no ] && { tail -n +"$((ndev + 1))" /tmp/ref.norm > /tmp/x; mv /tmp/x /tmp/ref.norm; }
jnorm < /tmp/w.json > /tmp/w.norm
same_bytes "event sequence over $cycles reloads" /tmp/ref.norm /tmp/w.norm
dels=$(grep -c '"op" *: *"del"' /tmp/w.json)
adds=$(grep -c '"op" *: *"add"' /tmp/w.json)
[ "$dels" = $((2 * cycles)) ] || fail "$dels del events, expected $((2 * cycles))"
info "ok: $adds add, $dels del over $cycles cycles"

# del and add lines name the radio (a del names the device that went away)
grep -E '"op" *: *"(add|del)"' /tmp/w.json | while IFS= read -r line; do
  id=$(echo "$line" | jfield id); dev=$(echo "$line" | jfield device)
  want=$(awk -v i="$id" '$1 == i { print $2; exit }' /tmp/names)
  [ -z "$want" ] && continue   # not a hwsim radio
  [ "$dev" = "$want" ] || fail "id $id was $want, line says '$dev': $line"
done || exit 1
