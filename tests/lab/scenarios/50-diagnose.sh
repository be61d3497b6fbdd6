# `pin13 diagnose` on the live kernel: nothing blocked -> exit 0; a soft block
# only -> exit 3 and the unblock command; the platform switch off -> exit 4,
# cause platform-switch, naming dell-rbtn. The same from sysfs alone (non-root).
# The IdeaPad switch (hard block with reason signal on a platform device) is a
# platform switch too, not a card's kill line.
# timeout: 120

# jdev NAME < json: the flattened JSON object of device NAME
jdev() {
  tr '\n' ' ' | sed 's/[{]/\n{/g' | grep -E "\"device\" *: *\"$1\"" | sed 's/}.*/}/' | head -n1
}

p13 /tmp/o /tmp/e diagnose --json
expect_rc 0 "diagnose --json, nothing blocked" /tmp/e
for n in $(for i in $(rf_list); do rf_name "$i"; done); do
  obj=$(jdev "$n" < /tmp/o)
  [ -n "$obj" ] || { cat /tmp/o; fail "diagnose --json has no device $n"; }
  echo "$obj" | grep -qE '"cause" *: *"none"' || fail "$n: cause is not none: $obj"
done
info "ok: nothing blocked -> 0"

a=$(rf_hwsim | head -n1); an=$(rf_name "$a")
rf_soft_set "$a" 1
p13 /tmp/o /tmp/e diagnose --json
expect_rc 3 "diagnose --json, $an soft-blocked" /tmp/e
jdev "$an" < /tmp/o | grep -qE '"cause" *: *"soft"' || fail "$an: cause is not soft: $(jdev "$an" < /tmp/o)"
p13 /tmp/o /tmp/e diagnose
expect_rc 3 "diagnose, $an soft-blocked" /tmp/e
grep -q "pin13 unblock" /tmp/o || { cat /tmp/o; fail "diagnose does not give the pin13 unblock command"; }
info "ok: soft block -> 3"; cat /tmp/o

switch_flip 0
wait_for 5 '[ "$(rf_attr "$(rf_idx dell-rbtn)" hard)" = 1 ]' || fail "switch did not turn off"
p13 /tmp/o /tmp/e diagnose --json
expect_rc 4 "diagnose --json, switch off" /tmp/e
obj=$(jdev dell-rbtn < /tmp/o)
echo "$obj" | grep -qE '"cause" *: *"platform-switch"' || { cat /tmp/o; fail "dell-rbtn: cause is not platform-switch: $obj"; }
echo "$obj" | grep -qE '"driver" *: *"dell-rbtn"' || fail "dell-rbtn: driver is not dell-rbtn: $obj"
p13 /tmp/o /tmp/e diagnose
expect_rc 4 "diagnose, switch off" /tmp/e
grep -q "dell-rbtn" /tmp/o || { cat /tmp/o; fail "diagnose does not name dell-rbtn"; }
info "ok: switch off -> 4"; cat /tmp/o

p13 /tmp/o /tmp/e diagnose dell-rbtn
expect_rc 4 "diagnose dell-rbtn, switch off" /tmp/e
p13 /tmp/o /tmp/e diagnose "$an"
expect_rc 3 "diagnose $an (soft only)" /tmp/e

# from sysfs alone
chmod 0600 /dev/rfkill
p13_as_lab /tmp/o /tmp/e diagnose --json
expect_rc 4 "diagnose --json as lab (sysfs only), switch off" /tmp/e
jdev dell-rbtn < /tmp/o | grep -qE '"cause" *: *"platform-switch"' || fail "as lab: dell-rbtn cause is not platform-switch"
info "ok: sysfs only -> 4"

switch_flip 1
rf_soft_set "$a" 0
wait_for 5 rf_settled || fail "did not settle"
p13 /tmp/o /tmp/e diagnose
expect_rc 0 "diagnose after the switch is back on" /tmp/e

# a platform switch whose hard block carries reason signal (ideapad-laptop):
# still a platform switch, not the card's kill line
if ! has_reasons || ! ideapad_live; then
  info "skipped: the IdeaPad switch with reason signal (kernel $(uname -r): no hard_block_reasons or the switch does not follow its port)"
  exit 0
fi
ideapad_set 0
wait_for 5 '[ "$(rf_attr "$(rf_idx ideapad_wlan)" hard_block_reasons)" = 0x1 ]' || fail "ideapad switch did not turn off"
p13 /tmp/o /tmp/e diagnose --json
expect_rc 4 "diagnose --json, ideapad switch off" /tmp/e
obj=$(jdev ideapad_wlan < /tmp/o)
echo "$obj" | grep -qE '"cause" *: *"platform-switch"' || { cat /tmp/o; fail "ideapad_wlan: cause is not platform-switch: $obj"; }
echo "$obj" | grep -qE '"reasons" *: *\[ *"signal" *\]' || fail "ideapad_wlan: reasons are not [signal]: $obj"
p13 /tmp/o /tmp/e diagnose ideapad_wlan
expect_rc 4 "diagnose ideapad_wlan" /tmp/e
grep -q ideapad /tmp/o || { cat /tmp/o; fail "diagnose does not name the ideapad switch"; }
info "ok: ideapad switch off -> 4, platform-switch, reason signal"; cat /tmp/o
