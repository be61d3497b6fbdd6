# `pin13 watch` stops cleanly: --count N after N events, --timeout after the
# time with no event, on a closed stdout (`pin13 watch | head -n 1`), and on
# SIGINT; exit status 0 each time.
# timeout: 120

# --count 1 with a flip
bg pin13 watch --json --count 1 > /tmp/c.json 2> /tmp/c.err
pid=$BG_PID
sleep 2
switch_flip 0
for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
kill -0 "$pid" 2>/dev/null && { kill "$pid"; fail "watch --count 1 still running after one event"; }
wait "$pid"; rc=$?
check_p13 /tmp/c.err "watch --json --count 1"
[ "$rc" = 0 ] || { cat /tmp/c.err; fail "watch --count 1 exited $rc"; }
[ "$(grep -c . /tmp/c.json)" = 1 ] || { cat /tmp/c.json; fail "watch --count 1 printed $(grep -c . /tmp/c.json) lines"; }
info "ok: --count 1: $(cat /tmp/c.json)"

# --timeout 2 with a quiet kernel (no flips): ends by itself
t0=$(date +%s)
p13 /tmp/t.out /tmp/t.err watch --timeout 2
dt=$(( $(date +%s) - t0 ))
expect_rc 0 "watch --timeout 2" /tmp/t.err
[ "$dt" -le 10 ] || fail "watch --timeout 2 took ${dt}s"
info "ok: --timeout 2 ended after ${dt}s"

# closed stdout: head takes one line and exits; watch must notice and exit 0
rm -f /tmp/rc.pipe
( pin13 watch 2> /tmp/p.err; echo $? > /tmp/rc.pipe ) | head -n 1 > /tmp/p.out &
# events after head has gone (in case watch does not print the devices at start)
sleep 2; switch_flip 1; sleep 1; switch_flip 0; sleep 1; switch_flip 1
wait_for 15 '[ -f /tmp/rc.pipe ]' || fail "pin13 watch | head -n 1: watch still running 15 s after head exited"
check_p13 /tmp/p.err "watch | head -n 1"
[ "$(cat /tmp/rc.pipe)" = 0 ] || { cat /tmp/p.err; fail "pin13 watch | head -n 1: exit $(cat /tmp/rc.pipe)"; }
info "ok: closed stdout -> exit 0 ($(cat /tmp/p.out))"

# SIGINT (a background job of this non-interactive shell starts with SIGINT
# ignored, as POSIX says; pin13 handles SIGINT itself, which overrides that)
bg pin13 watch > /tmp/s.out 2> /tmp/s.err
pid=$BG_PID
sleep 2
kill -INT "$pid"
wait_for 5 '! kill -0 "$pid" 2>/dev/null' || { kill "$pid"; fail "watch still running 5 s after SIGINT"; }
wait "$pid"; rc=$?
check_p13 /tmp/s.err "watch"
[ "$rc" = 0 ] || { cat /tmp/s.err; fail "watch exited $rc on SIGINT"; }
info "ok: SIGINT -> exit 0"
