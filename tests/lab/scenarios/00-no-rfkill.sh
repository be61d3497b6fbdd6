# A kernel without the rfkill module: no /dev/rfkill, no /sys/class/rfkill.
# Every command says so, says how to load it, and exits 1 (never a panic).
# phase: no-rfkill
# timeout: 60
[ ! -e /dev/rfkill ] && [ ! -d /sys/class/rfkill ] || fail "rfkill is already there: the phase is wrong"

for args in "status" "status --json" "" "block 0" "unblock wlan" "toggle all" "watch --count 1 --timeout 5"; do
  # shellcheck disable=SC2086
  p13 /tmp/o /tmp/e $args
  info "pin13 $args -> exit $RC: $(head -n1 /tmp/e)"
  expect_rc 1 "pin13 $args without rfkill" /tmp/e
  [ -s /tmp/e ] || fail "pin13 $args: nothing on stderr"
  contains /tmp/e 'rfkill' || fail "pin13 $args: the message does not mention rfkill: $(cat /tmp/e)"
  contains /tmp/e 'modprobe' || fail "pin13 $args: the message does not say how to load it (modprobe rfkill): $(cat /tmp/e)"
done
