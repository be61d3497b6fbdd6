# `pin13 verify` on the live hard switches: a quiet switch passes (exit 0); a
# half-second flicker fails (exit 4), on the Dell and on the IdeaPad switch;
# so does a device that goes away, and a switch that is already off.
# timeout: 120

p13 /tmp/o /tmp/e verify dell-rbtn --duration 3
expect_rc 0 "verify, quiet switch" /tmp/e
grep -q PASS /tmp/o || { cat /tmp/o; fail "verify, quiet switch: no PASS"; }
info "ok: quiet -> PASS"; cat /tmp/o

bg sh -c 'pin13 verify dell-rbtn --duration 5 > /tmp/o 2> /tmp/e; echo $? > /tmp/rc'
sleep 1.5
switch_flip 0
sleep 0.5
switch_flip 1
wait_for 15 '[ -s /tmp/rc ]' || fail "verify did not end"
RC=$(cat /tmp/rc); check_p13 /tmp/e "verify --duration 5"
expect_rc 4 "verify, half-second flicker" /tmp/e
grep -q FAIL /tmp/o || { cat /tmp/o; fail "verify, flicker: no FAIL"; }
info "ok: flicker -> FAIL"; cat /tmp/o

# the IdeaPad switch changes by itself (ACPI notify), no soft write involved
if ideapad_live; then
  rm -f /tmp/rc
  bg sh -c 'pin13 verify ideapad_wlan --duration 5 > /tmp/o 2> /tmp/e; echo $? > /tmp/rc'
  sleep 1.5
  ideapad_set 0
  sleep 0.5
  ideapad_set 1
  wait_for 15 '[ -s /tmp/rc ]' || fail "verify did not end"
  RC=$(cat /tmp/rc); check_p13 /tmp/e "verify ideapad_wlan --duration 5"
  expect_rc 4 "verify ideapad_wlan, half-second flicker" /tmp/e
  grep -q FAIL /tmp/o || { cat /tmp/o; fail "verify ideapad_wlan, flicker: no FAIL"; }
  info "ok: ideapad flicker -> FAIL"; cat /tmp/o
else
  info "skipped: the IdeaPad switch does not follow its port on kernel $(uname -r)"
fi

rm -f /tmp/rc
bg sh -c 'pin13 verify dell-rbtn --duration 5 > /tmp/o 2> /tmp/e; echo $? > /tmp/rc'
sleep 1.5
rmmod dell-rbtn
wait_for 15 '[ -s /tmp/rc ]' || fail "verify did not end"
RC=$(cat /tmp/rc); check_p13 /tmp/e "verify --duration 5"
expect_rc 4 "verify, device removed" /tmp/e
grep -q FAIL /tmp/o || { cat /tmp/o; fail "verify, device removed: no FAIL"; }
info "ok: removed -> FAIL"; cat /tmp/o

insmod /lib/modules/dell-rbtn.ko
wait_for 5 rf_idx dell-rbtn > /dev/null || fail "no dell-rbtn"
switch_flip 0
p13 /tmp/o /tmp/e verify dell-rbtn --duration 2
expect_rc 4 "verify, switch already off" /tmp/e
info "ok: already off -> FAIL"
