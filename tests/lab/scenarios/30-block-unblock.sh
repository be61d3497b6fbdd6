# block/unblock/toggle by index, name, type (and alias) and all, checked through
# sysfs: exactly the selected radios change. Bad selectors change nothing.
# timeout: 180

# dell-rbtn's soft state follows its switch (the kernel re-reads it on every
# request), so the exact checks use the hwsim radios and the bluetooth controller.
rmmod dell-rbtn || fail "rmmod dell-rbtn"
set -- $(rf_hwsim)
a=$1 b=$2
an=$(rf_name "$a") bn=$(rf_name "$b")
bt=$(rf_of_type bluetooth)
[ -n "$bt" ] || fail "no bluetooth device"
info "radios: $an=$a $bn=$b hci=$bt"

# state: "a b bt" soft values from sysfs
state() { echo "$(rf_attr "$a" soft) $(rf_attr "$b" soft) $(rf_attr "$bt" soft)"; }
# step "pin13 args" "expected state": run, expect exit 0 and the state
step() {
  # shellcheck disable=SC2086
  p13 /tmp/o /tmp/e $1
  expect_rc 0 "pin13 $1" /tmp/e
  want=$2
  wait_for 3 '[ "$(state)" = "$want" ]' || fail "pin13 $1: soft states (a b bt) are '$(state)', expected '$2'"
  info "ok: pin13 $1 -> $2"
}
# no_change "pin13 args" STATUS: the command fails with STATUS and changes nothing
no_change() {
  before=$(state)
  # shellcheck disable=SC2086
  p13 /tmp/o /tmp/e $1
  expect_rc "$2" "pin13 $1" /tmp/e
  sleep 0.3
  [ "$(state)" = "$before" ] || fail "pin13 $1 failed but changed the soft states: '$before' -> '$(state)'"
  info "ok: pin13 $1 -> exit $2, nothing changed ($(head -n1 /tmp/e))"
}

[ "$(state)" = "0 0 0" ] || fail "not all unblocked at start: $(state)"
step "block $a" "1 0 0"
grep -q "$an" /tmp/o /tmp/e || fail "pin13 block $a does not report what changed ($an): $(cat /tmp/o /tmp/e)"
step "unblock $a" "0 0 0"
step "block $bn" "0 1 0"
step "toggle $bn" "0 0 0"
step "toggle $a" "1 0 0"
step "toggle $a" "0 0 0"
step "block wlan" "1 1 0"
step "unblock wifi" "0 0 0"
step "block bluetooth" "0 0 1"
step "unblock all" "0 0 0"
step "block all" "1 1 1"
step "unblock all" "0 0 0"
step "block $a bluetooth" "1 0 1"
step "unblock $a $bt" "0 0 0"
step "toggle wlan" "1 1 0"
step "toggle wlan" "0 0 0"
step "block $(rf_name "$bt")" "0 0 1"
step "unblock $(rf_name "$bt")" "0 0 0"

no_change "block nosuchradio" 2
contains /tmp/e "$an" || fail "unknown selector: the message does not list the radios: $(cat /tmp/e)"
no_change "block 99" 2
no_change "block $a nosuchradio" 2
no_change "unblock WLANX" 2

# with the platform switch present: block all still blocks every radio that can be
# soft-blocked (the output is shown for the record; dell-rbtn follows its switch)
insmod /lib/modules/dell-rbtn.ko || fail "insmod dell-rbtn"
wait_for 5 rf_idx dell-rbtn > /dev/null || fail "no dell-rbtn"
p13 /tmp/o /tmp/e block all
info "with dell-rbtn: pin13 block all -> exit $RC"; cat /tmp/o /tmp/e
wait_for 3 '[ "$(state)" = "1 1 1" ]' || fail "block all with dell-rbtn present: states '$(state)'"
p13 /tmp/o /tmp/e unblock all
wait_for 3 '[ "$(state)" = "0 0 0" ]' || fail "unblock all with dell-rbtn present: states '$(state)'"
