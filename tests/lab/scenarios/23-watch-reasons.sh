# `pin13 watch --json` reports the hard-block reason from the kernel's 9-byte
# events: the IdeaPad switch (ideapad-laptop, rfkill_set_hw_state) blocks with
# reason signal, and clears it; the Dell switch (rfkill_set_states) never has a
# reason. Events equal `rfkill event`'s, and the reasons match sysfs.
# timeout: 120

has_reasons || skip "kernel $(uname -r) has no hard_block_reasons (8-byte events): 20 and 24 cover it"
ideapad_live || skip "the IdeaPad switch does not follow its port on kernel $(uname -r)"
ndev=$(rf_count)
ip=$(rf_idx ideapad_wlan) || fail "no ideapad_wlan"
rb=$(rf_idx dell-rbtn) || fail "no dell-rbtn"
bg pin13 watch --json > /tmp/w.json 2> /tmp/w.err
wpid=$BG_PID
bg rfkill event > /tmp/ref.txt 2>&1
rpid=$BG_PID
wait_for 20 lines_at_least /tmp/ref.txt "$ndev" || fail "rfkill event printed no ADD events"
wait_for 10 lines_at_least /tmp/w.json "$ndev" || { check_p13 /tmp/w.err "watch --json"; fail "pin13 watch printed $(wc -l < /tmp/w.json) lines for $ndev devices"; }

# each step: flip, wait until sysfs shows it, note the sysfs reasons
: > /tmp/expect
step() { # step ideapad|dell 0|1
  if [ "$1" = ideapad ]; then ideapad_set "$2"; i=$ip; else switch_flip "$2"; i=$rb; fi
  want=$(( $2 == 0 ))
  wait_for 5 '[ "$(rf_attr "$i" hard)" = "$want" ]' || fail "$1 switch $2: sysfs hard is not $want"
  echo "$i $(rf_attr "$i" hard) $(rf_attr "$i" hard_block_reasons)" >> /tmp/expect
  sleep 0.3
}
step ideapad 0
step ideapad 1
step dell 0
step ideapad 0
step dell 1
step ideapad 1
nref=$(wc -l < /tmp/ref.txt)
wait_for 10 lines_at_least /tmp/w.json "$nref" || true
kill "$wpid" "$rpid"
wait "$wpid" 2>/dev/null
check_p13 /tmp/w.err "watch --json"

unorm < /tmp/ref.txt > /tmp/ref.norm
jnorm < /tmp/w.json > /tmp/w.norm
same_bytes "event sequence (id type op soft hard)" /tmp/ref.norm /tmp/w.norm

# reasons on the change lines, in order, against sysfs at each step
tail -n +"$((ndev + 1))" /tmp/w.json | while IFS= read -r line; do
  id=$(echo "$line" | jfield id)
  hard=$(echo "$line" | jfield hard)
  r=$(echo "$line" | sed -n 's/.*"reasons" *: *\[\([^]]*\)\].*/\1/p' | tr -d ' "')
  echo "$id $hard ${r:--}"
done > /tmp/got.reasons
awk '{ h = ($2 == 1 ? "blocked" : "unblocked"); r = ($3 == "0x1" ? "signal" : ($3 == "0x0" ? "-" : $3)); print $1, h, r }' /tmp/expect > /tmp/want.reasons
same_bytes "id, hard and reasons of each change (sysfs hard_block_reasons: 0x1 = signal)" /tmp/want.reasons /tmp/got.reasons
info "ok: $(wc -l < /tmp/got.reasons) changes"; cat /tmp/got.reasons
grep "\"id\": *$ip" /tmp/w.json | grep '"signal"' | head -n1
