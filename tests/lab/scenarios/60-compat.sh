# util-linux compatibility (issue 12): a matrix of `rfkill` invocations run by
# util-linux and by pin13 linked as `rfkill`: stdout, stderr and exit status
# byte-identical (list, table, -J, -r, -n, -o, --output-all, selectors by
# index and type, errors, event lines with the timestamps masked,
# block/unblock/toggle with the sysfs states compared after); and the forms
# pin13 keeps under its own name (list, event, -J, -r, -o) with the same stdout.
# timeout: 240

# Both run as a shell runs `rfkill` from PATH (argv[0] is `rfkill`: getopt's
# messages start with it).
ul_bin=/usr/sbin/rfkill
[ -x "$ul_bin" ] || ul_bin=$(command -v rfkill)
# The drop-in targets util-linux 2.38 (CI's Debian); 2.36 (the 32-bit lab's
# Debian 11) differs in its own -J output, so the byte comparison is not made there.
case "$("$ul_bin" --version 2>/dev/null)" in
  *2.38*) ;;
  *) skip "util-linux here is not 2.38: $("$ul_bin" --version 2>/dev/null | head -1)" ;;
esac
mkdir -p /tmp/mc /tmp/ul
ln -sf "$(command -v pin13)" /tmp/mc/rfkill
ln -sf "$ul_bin" /tmp/ul/rfkill
UL=ul_rfkill PR=pin13_rfkill
ul_rfkill() { env PATH="/tmp/ul:$PATH" rfkill "$@"; }
pin13_rfkill() { env PATH="/tmp/mc:$PATH" rfkill "$@"; }
N=0 NP=0

# m both|rf ARGS...: util-linux vs pin13-as-rfkill (stdout, stderr, status);
# with `both` also `pin13 ARGS` (stdout and status; stderr may hold hints).
m() {
  _mode=$1; shift
  "$UL" "$@" > /tmp/m.ref 2> /tmp/m.referr; _rrc=$?
  "$PR" "$@" > /tmp/m.got 2> /tmp/m.goterr; _grc=$?
  grep -q panicked /tmp/m.goterr && { cat /tmp/m.goterr; fail "rfkill $* panicked"; }
  same_bytes "rfkill $*: stdout" /tmp/m.ref /tmp/m.got
  same_bytes "rfkill $*: stderr" /tmp/m.referr /tmp/m.goterr
  [ "$_rrc" = "$_grc" ] || fail "rfkill $*: exit status $_grc, util-linux $_rrc"
  N=$((N + 1))
  if [ "$_mode" = both ]; then
    p13 /tmp/m.p13 /tmp/m.p13err "$@"
    same_bytes "pin13 $*: stdout" /tmp/m.ref /tmp/m.p13
    [ "$RC" = "$_rrc" ] || { show_last /tmp/m.p13err; fail "pin13 $*: exit status $RC, util-linux $_rrc"; }
    NP=$((NP + 1))
  fi
  info "ok ($_mode, exit $_rrc): rfkill $*"
}

set -- $(rf_hwsim)
p0=$1 p1=$2
bt=$(rf_of_type bluetooth)
[ -n "$bt" ] || fail "no bluetooth device"
rf_soft_set "$p0" 1
switch_flip 0
wait_for 5 '[ "$(rf_attr "$(rf_idx dell-rbtn)" hard)" = 1 ]' || fail "switch did not turn off"

# --- listing: every form ---------------------------------------------------------
m rf                                   # the table, util-linux's columns
m both -J
m both -r
m rf -n
m both -rn
m both -o ID,TYPE
m both -J -o ID,TYPE
m both -o +TYPE-DESC
m both -n -o ID,DEVICE,HARD
m both -r -o ID,TYPE-DESC,SOFT
m rf --output-all
m rf -J --output-all
m rf -r --output-all
m both list
m both list wlan
m both list wifi
m both list bluetooth
m both list all
m both list "$p1"
# shellcheck disable=SC2046
m both list $(printf '%s\n' "$p0" "$bt" | sort -n)   # in index order: pin13 lists in that order
m rf list wlan "$p0"                   # util-linux lists a radio twice; pin13 once
m rf -J list                           # 2.38: still the old text
m rf -o ID,TYPE,DEVICE,SOFT,HARD list "$p1"
m rf -J -o ID,DEVICE list wlan
m rf list -J bluetooth                 # options after the command (getopt permutes)
# --- errors --------------------------------------------------------------------
m rf list nosuch
m rf list WLAN
m rf list phy0
m rf list 99
m rf list 7abc
m rf list nosuch "$p1"
m rf lst
m rf -o FOO
m rf -o ID,FOO
m rf -J -r
m rf --nosuch
m rf -x
m rf block nosuch
m rf unblock 99
m rf toggle "$(rf_name "$p0")"
info "listing and errors: $N comparisons as rfkill, $NP as pin13"

# --- event lines: util-linux, pin13 as rfkill, pin13 event, read together ------------
ev_run() { # ev_run TZ
  rm -f /tmp/ev.*
  bg env TZ="$1" PATH="/tmp/ul:$PATH" rfkill event > /tmp/ev.ref 2>&1; _a=$BG_PID
  bg env TZ="$1" PATH="/tmp/mc:$PATH" rfkill event > /tmp/ev.got 2>&1; _b=$BG_PID
  bg env TZ="$1" pin13 event > /tmp/ev.p13 2>&1; _c=$BG_PID
  _n=$(rf_count)
  for f in ref got p13; do
    wait_for 20 lines_at_least "/tmp/ev.$f" "$_n" || fail "event ($f) printed no ADD events"
  done
  rf_soft_set "$p1" 1; sleep 0.3
  rf_soft_set "$p1" 0; sleep 0.3
  switch_flip 1; sleep 0.3
  switch_flip 0; sleep 0.3
  rf_soft_set "$bt" 1; sleep 0.5
  _want=$(wc -l < /tmp/ev.ref)
  wait_for 10 lines_at_least /tmp/ev.got "$_want" || true
  wait_for 10 lines_at_least /tmp/ev.p13 "$_want" || true
  kill "$_a" "$_b" "$_c"; wait "$_a" "$_b" "$_c" 2>/dev/null
  # the same time format: YYYY-MM-DD HH:MM:SS,uuuuuu+HH:MM
  for f in ref got p13; do
    grep -vqE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{6}[+-][0-9]{2}:[0-9]{2}: idx [0-9]+ type [0-9]+ op [0-9]+ soft [0-9]+ hard [0-9]+$' "/tmp/ev.$f" \
      && { cat "/tmp/ev.$f"; fail "event ($f, TZ=$1): a line not in util-linux's format"; }
    # mask the date and time, keep the UTC offset
    sed 's/^[0-9-]* [0-9:]*,[0-9]*//' "/tmp/ev.$f" > "/tmp/ev.$f.m"
  done
  same_bytes "rfkill event (TZ=$1)" /tmp/ev.ref.m /tmp/ev.got.m
  same_bytes "pin13 event (TZ=$1)" /tmp/ev.ref.m /tmp/ev.p13.m
  N=$((N + 1)) NP=$((NP + 1))
  info "ok: event lines (TZ=$1): $(wc -l < /tmp/ev.ref) lines, offset $(head -n1 /tmp/ev.ref | sed 's/^[0-9-]* [0-9:]*,[0-9]*\([^:]*:[0-9]*\).*/\1/')"
}
ev_run UTC0
ev_run ABC+3
rf_soft_set "$bt" 0

# --- block/unblock/toggle: silent, and the same sysfs states after -----------------
rmmod dell-rbtn || fail "rmmod dell-rbtn"   # its soft state follows its switch
state() { echo "$(rf_attr "$p0" soft) $(rf_attr "$p1" soft) $(rf_attr "$bt" soft)"; }
set_state() { # set_state "S0 S1 SBT"
  # shellcheck disable=SC2086
  set -- $1
  rf_soft_set "$p0" "$1"; rf_soft_set "$p1" "$2"; rf_soft_set "$bt" "$3"
  for _i in $(rf_list); do   # every other radio unblocked (toggle all reads them too)
    [ "$_i" = "$p0" ] || [ "$_i" = "$p1" ] || [ "$_i" = "$bt" ] || rf_soft_set "$_i" 0
  done
  _w="$1 $2 $3"
  wait_for 3 '[ "$(state)" = "$_w" ]' || fail "could not set the states to $_w: $(state)"
}
w() { # w "START STATE" ARGS...
  _st=$1; shift
  set_state "$_st"
  "$UL" "$@" > /tmp/w.ref 2> /tmp/w.referr; _rrc=$?
  sleep 0.3; _ref=$(state)
  set_state "$_st"
  "$PR" "$@" > /tmp/w.got 2> /tmp/w.goterr; _grc=$?
  wait_for 3 '[ "$(state)" = "$_ref" ]' || fail "rfkill $* from '$_st': states '$(state)', util-linux gave '$_ref'"
  same_bytes "rfkill $*: stdout" /tmp/w.ref /tmp/w.got
  same_bytes "rfkill $*: stderr" /tmp/w.referr /tmp/w.goterr
  [ "$_rrc" = "$_grc" ] || fail "rfkill $*: exit status $_grc, util-linux $_rrc"
  N=$((N + 1))
  info "ok: rfkill $* from '$_st' -> '$_ref' (exit $_rrc)"
}
w "0 0 0" block "$p0"
w "1 0 0" unblock "$p0"
w "0 0 0" block wlan
w "1 1 1" unblock wifi
w "0 0 0" block bluetooth
w "0 0 0" block all
w "1 1 1" unblock all
w "0 0 0" block "$p1" bluetooth
w "1 0 0" toggle "$p0"
w "0 0 0" toggle "$p1"
w "1 0 0" toggle wlan                  # mixed: util-linux's last radio decides
w "0 1 1" toggle all
w "0 0 1" toggle bluetooth
w "0 0 0" block nosuch "$p0"          # a bad one among good ones: exit 1, the good one done
w "0 0 0" unblock
info "compat matrix: $N comparisons as rfkill, $NP as pin13, all identical"
[ $((N + NP)) -ge 60 ] || fail "only $((N + NP)) comparisons"
