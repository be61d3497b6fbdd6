# `pin13 status --json` is byte-identical to util-linux `rfkill -J` on the live
# kernel: hwsim radios, the hard switch in both positions, soft blocks, bluetooth.
# timeout: 120

check() {
  rfkill -J > /tmp/ref 2>/tmp/ref.err || fail "rfkill -J failed: $(cat /tmp/ref.err)"
  p13 /tmp/got /tmp/err status --json
  expect_rc 0 "pin13 status --json ($1)" /tmp/err
  same_bytes "status --json ($1)" /tmp/ref /tmp/got
  [ -s /tmp/err ] && fail "pin13 status --json ($1) wrote to stderr as root: $(cat /tmp/err)"
  info "ok: $1: $(rf_softs)"
}

check "all unblocked, switch on"
rf_soft_set "$(rf_idx phy1)" 1
check "phy1 soft-blocked"
switch_flip 0
wait_for 5 '[ "$(rf_attr "$(rf_idx dell-rbtn)" hard)" = 1 ]' || fail "switch did not turn off"
check "switch off (dell-rbtn hard-blocked)"
rf_soft_set "$(rf_list | tail -n1)" 1
check "switch off, bluetooth soft-blocked"
if ideapad_live; then
  ideapad_set 0
  wait_for 5 '[ "$(rf_attr "$(rf_idx ideapad_wlan)" hard)" = 1 ]' || fail "ideapad switch did not turn off"
  check "both switches off (ideapad_wlan: reason signal)"
else
  info "skipped: the IdeaPad switch does not follow its port on kernel $(uname -r)"
fi
switch_flip 1
ideapad_set 1
wait_for 5 '[ "$(rf_attr "$(rf_idx dell-rbtn)" hard)" = 0 ]' || fail "switch did not turn on"
wait_for 5 '[ "$(rf_attr "$(rf_idx ideapad_wlan)" hard)" = 0 ]' || fail "ideapad switch did not turn on"
check "switches back on"
for i in $(rf_list); do rf_soft_set "$i" 1; done
check "everything soft-blocked"

# only the hwsim radios (no switch, no bluetooth)
vhci_stop
rmmod dell-rbtn || fail "rmmod dell-rbtn"
rmmod ideapad-laptop || fail "rmmod ideapad-laptop"
wait_for 5 '[ "$(rf_count)" = 2 ]' || fail "expected 2 devices, have $(rf_count)"
check "two hwsim radios only, both soft-blocked"
for i in $(rf_list); do rf_soft_set "$i" 0; done
check "two hwsim radios only, unblocked"

# new indexes after a reload
hwsim_unload; hwsim_load
wait_for 5 '[ "$(rf_count)" = 2 ]' || fail "hwsim did not come back"
check "hwsim reloaded (indexes not starting at 0)"
