# An unprivileged user. /dev/rfkill 0600 (devtmpfs's default): status falls back
# to sysfs, says so on stderr and gives the same answer; block, unblock and watch
# say which file and how to fix the permission, exit 1, change nothing.
# /dev/rfkill 0644: status works, block still cannot write.
# timeout: 120

a=$(rf_hwsim | head -n1)
rf_soft_set "$a" 1
switch_flip 0
wait_for 5 '[ "$(rf_attr "$(rf_idx dell-rbtn)" hard)" = 1 ]' || fail "switch did not turn off"
rfkill -J > /tmp/ref.json || fail "rfkill -J"
rfkill > /tmp/ref.table || fail "rfkill"
softs=$(rf_softs)

for mode in 0600 0644; do
  chmod "$mode" /dev/rfkill
  p13_as_lab /tmp/o /tmp/e status --json
  expect_rc 0 "status --json as lab, /dev/rfkill $mode" /tmp/e
  same_bytes "status --json as lab, /dev/rfkill $mode" /tmp/ref.json /tmp/o
  if [ "$mode" = 0600 ]; then
    [ -s /tmp/e ] || fail "status as lab with /dev/rfkill 0600: no note on stderr about the sysfs fallback"
    info "ok: $mode status note: $(head -n1 /tmp/e)"
  fi
  p13_as_lab /tmp/o /tmp/e status -o ID,TYPE,DEVICE,SOFT,HARD
  expect_rc 0 "status table as lab, /dev/rfkill $mode" /tmp/e
  same_bytes "status table as lab, /dev/rfkill $mode" /tmp/ref.table /tmp/o

  for cmd in "block $(rf_hwsim | tail -n1)" "unblock $a" "toggle all"; do
    # shellcheck disable=SC2086
    p13_as_lab /tmp/o /tmp/e $cmd
    expect_rc 1 "$cmd as lab, /dev/rfkill $mode" /tmp/e
    contains /tmp/e '/dev/rfkill' || fail "$cmd as lab: the message does not name /dev/rfkill: $(cat /tmp/e)"
    contains /tmp/e 'permission' || fail "$cmd as lab: the message does not say permission: $(cat /tmp/e)"
    contains /tmp/e 'group|udev|sudo' || fail "$cmd as lab: the message does not say how to fix it: $(cat /tmp/e)"
    [ "$(rf_softs)" = "$softs" ] || fail "$cmd as lab changed the states: $softs -> $(rf_softs)"
    info "ok: $mode $cmd -> exit 1: $(head -n1 /tmp/e)"
  done
done

chmod 0600 /dev/rfkill
p13_as_lab /tmp/o /tmp/e watch --json --count 1 --timeout 5
expect_rc 1 "watch as lab, /dev/rfkill 0600" /tmp/e
contains /tmp/e '/dev/rfkill' || fail "watch as lab: the message does not name /dev/rfkill: $(cat /tmp/e)"
info "ok: watch as lab -> exit 1: $(head -n1 /tmp/e)"
