# `pin13 snapshot` of the live kernel, replayed with --replay: status --json
# equals util-linux at capture time, diagnose equals the live diagnose, and the
# replay keeps answering from the file after the machine has changed. As the
# unprivileged user too (sysfs alone).
# timeout: 120

a=$(rf_hwsim | head -n1)
rf_soft_set "$a" 1
switch_flip 0
wait_for 5 '[ "$(rf_attr "$(rf_idx dell-rbtn)" hard)" = 1 ]' || fail "switch did not turn off"
rfkill -J > /tmp/ref.json || fail "rfkill -J"

p13 /tmp/o /tmp/e snapshot -o /tmp/snap.json
expect_rc 0 "snapshot -o" /tmp/e
[ -s /tmp/snap.json ] || fail "snapshot -o wrote nothing"
grep -q "$(uname -r)" /tmp/snap.json || fail "the snapshot does not hold the kernel version $(uname -r)"
for i in $(rf_list); do
  grep -q "\"$(rf_name "$i")\"" /tmp/snap.json || fail "the snapshot does not name $(rf_name "$i")"
done
info "ok: snapshot $(wc -c < /tmp/snap.json) bytes"

p13 /tmp/live.json /tmp/e diagnose --json
live_rc=$RC
[ "$live_rc" = 4 ] || fail "live diagnose --json: exit $live_rc, expected 4"

no_source() { sed 's/"source" *: *"[^"]*" *,\{0,1\}//'; }
check_replay() { # check_replay WHEN SNAPSHOT
  p13 /tmp/o /tmp/e --replay "$2" status --json
  expect_rc 0 "--replay status --json ($1)" /tmp/e
  same_bytes "--replay status --json ($1) vs rfkill -J at capture time" /tmp/ref.json /tmp/o
  p13 /tmp/o /tmp/e --replay "$2" diagnose --json
  expect_rc "$live_rc" "--replay diagnose --json ($1)" /tmp/e
  # everything but "source" (which says where the answer came from) must match
  no_source < /tmp/live.json > /tmp/live.cmp
  no_source < /tmp/o > /tmp/o.cmp
  grep -q '"source"' /tmp/o && ! grep -q '"source" *: *"replay"' /tmp/o && fail "--replay diagnose: source is not replay"
  same_bytes "--replay diagnose --json ($1) vs live diagnose --json (without source)" /tmp/live.cmp /tmp/o.cmp
  info "ok: replay $1"
}
check_replay "right after" /tmp/snap.json

# the machine changes; the replay must not notice
switch_flip 1
rf_soft_set "$a" 0
wait_for 5 rf_settled || fail "did not settle"
check_replay "after the machine changed" /tmp/snap.json

# as the unprivileged user, /dev/rfkill 0600: the snapshot comes from sysfs
rf_soft_set "$a" 1
switch_flip 0
wait_for 5 '[ "$(rf_attr "$(rf_idx dell-rbtn)" hard)" = 1 ]' || fail "switch did not turn off"
rfkill -J > /tmp/ref.json || fail "rfkill -J"
p13 /tmp/live.json /tmp/e diagnose --json
chmod 0600 /dev/rfkill
p13_as_lab /tmp/o /tmp/e snapshot -o /home/lab/snap.json
expect_rc 0 "snapshot as lab (/dev/rfkill 0600)" /tmp/e
check_replay "snapshot taken as lab" /home/lab/snap.json
