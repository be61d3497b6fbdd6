# pin13 lab guest helpers (busybox sh). Sourced by the scenario runner, by every
# scenario, by capture.sh and bench.sh.
#
# Devices in the lab (all rfkill type wlan unless said):
#   phyN, phyN+1  mac80211_hwsim radios=2 (soft-blockable; names grow after a reload)
#   dell-rbtn     the lab's hard switch (dell-rbtn on the SSDT in tests/lab/dellrbtn.asl)
#   ideapad_wlan  a second hard switch (ideapad-laptop on the same SSDT): its hard
#                 block carries reason 0x1 (signal); it follows its switch by itself
#   hciN          bluetooth, a virtual controller from hci_vhci (type bluetooth)

RF=/sys/class/rfkill
LAB_PIDS=/tmp/lab.pids

# --- reporting ------------------------------------------------------------------

fail() { echo "FAIL: $*"; exit 1; }
info() { echo "$*"; }

# NOT LANDED: the pin13 build rejects the command or says it is not implemented.
not_landed() { echo "NOT LANDED: $*"; exit 3; }

# --- modules -------------------------------------------------------------------

mod_loaded() { [ -d "/sys/module/$(echo "$1" | tr - _)" ]; }

mod_params() {
  case "$1" in
    mac80211_hwsim) echo "radios=2" ;;
    ideapad-laptop) echo "hw_rfkill_switch=1" ;;
  esac
}

# mod_load NAME: insmod NAME after what it needs (lib/modules/deps, from modinfo).
mod_load() {
  local _d
  mod_loaded "$1" && return 0
  for _d in $(awk -v m="$1" '$1 == m { $1 = ""; print }' /lib/modules/deps); do
    mod_load "$_d" || return 1
  done
  insmod "/lib/modules/$1.ko" $(mod_params "$1")
}
# load_modules: every lab module (lib/modules/load-order, dependencies first).
load_modules() {
  for _m in $(cat /lib/modules/load-order); do mod_load "$_m" || return 1; done
}

hwsim_load() { mod_loaded mac80211_hwsim || insmod /lib/modules/mac80211_hwsim.ko radios=2; }
hwsim_unload() { ! mod_loaded mac80211_hwsim || rmmod mac80211_hwsim; }

# The bluetooth controller exists while /dev/vhci is held open; hci_vhci creates it
# about a second after open.
VHCI_PIDFILE=/tmp/vhci.pid
vhci_start() {
  if [ -f "$VHCI_PIDFILE" ] && kill -0 "$(cat "$VHCI_PIDFILE")" 2>/dev/null; then return 0; fi
  (exec sleep 1000000 <>/dev/vhci) &
  echo $! > "$VHCI_PIDFILE"
  wait_for 10 rf_has_type bluetooth || fail "hci_vhci did not create a bluetooth rfkill device"
}
vhci_stop() {
  [ -f "$VHCI_PIDFILE" ] && kill "$(cat "$VHCI_PIDFILE")" 2>/dev/null
  rm -f "$VHCI_PIDFILE"
}

# --- rfkill devices --------------------------------------------------------------

# rf_list: the indexes of all rfkill devices, ascending.
rf_list() {
  for d in "$RF"/rfkill*; do [ -e "$d/index" ] && cat "$d/index"; done | sort -n
}
rf_count() { rf_list | wc -l; }
# rf_idx NAME: index of the first device called NAME (empty if none).
rf_idx() {
  for i in $(rf_list); do
    [ "$(cat "$RF/rfkill$i/name")" = "$1" ] && { echo "$i"; return 0; }
  done
  return 1
}
rf_attr() { cat "$RF/rfkill$1/$2"; }
rf_name() { cat "$RF/rfkill$1/name"; }
rf_has_type() {
  for i in $(rf_list); do [ "$(rf_attr "$i" type)" = "$1" ] && return 0; done
  return 1
}
# rf_of_type TYPE: indexes of devices of TYPE
rf_of_type() {
  for i in $(rf_list); do [ "$(rf_attr "$i" type)" = "$1" ] && echo "$i"; done
}
# hwsim radios: the phy devices, ascending
rf_hwsim() {
  for i in $(rf_list); do case "$(rf_name "$i")" in phy*) echo "$i" ;; esac; done
}
# rf_soft_set IDX 0|1 through sysfs (not through pin13)
rf_soft_set() { echo "$2" > "$RF/rfkill$1/soft"; }
# rf_softs: "name=soft" for every device, one line, to compare states
rf_softs() {
  for i in $(rf_list); do printf '%s=%s ' "$(rf_name "$i")" "$(rf_attr "$i" soft)"; done
  echo
}

# --- the hard switch (dell-rbtn) -----------------------------------------------------

# The switches live in I/O port 0xE0 (pc-testdev), read by the SSDT:
# bit 0 = the Dell switch, bit 1 = the IdeaPad switch; 1 = on (radio free).
port_get() { dd if=/dev/port bs=1 skip=224 count=1 2>/dev/null | od -An -tu1 | tr -d ' \n'; }
port_set() {
  # shellcheck disable=SC2059
  printf "\\$(printf '%03o' "$1")" | dd of=/dev/port bs=1 seek=224 count=1 conv=notrunc 2>/dev/null
}
port_bit() { # port_bit MASK 0|1
  _v=$(port_get)
  if [ "$2" = 1 ]; then _v=$((_v | $1)); else _v=$((_v & ~$1)); fi
  port_set "$_v"
}
# switch_set 0|1: the Dell switch position as GRBT reads it (0 = off = hard-blocked).
switch_set() { port_bit 1 "$1"; }
switch_get() { echo $(( $(port_get) & 1 )); }
# ideapad_set 0|1: the IdeaPad switch; the kernel notices within ~0.1 s (the
# SSDT's polled thermal zone sends the driver an ACPI notify).
ideapad_set() { port_bit 2 "$1"; }
# switch_poke: make dell-rbtn re-read the switch (the rfkill core queries the
# driver on every soft-state request); writes the current soft state back.
switch_poke() {
  i=$(rf_idx dell-rbtn) || fail "no dell-rbtn rfkill device"
  cat "$RF/rfkill$i/soft" > "$RF/rfkill$i/soft"
}
# switch_flip 0|1: move the switch and let the kernel see it.
switch_flip() { switch_set "$1"; switch_poke; }

# --- waiting ------------------------------------------------------------------

# wait_for SECS 'CMD': evaluate CMD (a string: quote it so that $(...) and
# variables are expanded on every try) every 0.1 s until it succeeds or SECS pass.
wait_for() {
  _t=$(( $1 * 10 )); shift
  while [ "$_t" -gt 0 ]; do
    eval "$*" && return 0
    sleep 0.1
    _t=$((_t - 1))
  done
  return 1
}
lines_at_least() { [ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]; }
size_at_least() { [ -f "$1" ] && [ "$(wc -c < "$1")" -ge "$2" ]; }

# bg CMD...: start CMD in the background, remember its pid (killed after the scenario).
bg() { "$@" & echo $! >> "$LAB_PIDS"; BG_PID=$!; }

# --- baseline ---------------------------------------------------------------------

# lab_reset: every module loaded, hwsim with 2 radios, the bluetooth controller
# up, the switch on (radio free) and everything soft-unblocked, /dev/rfkill 0600.
lab_reset() {
  load_modules || fail "insmod failed"
  vhci_start
  [ -c /dev/rfkill ] || fail "no /dev/rfkill"
  chmod 0600 /dev/rfkill
  port_set 3
  switch_poke
  wait_for 5 '[ "$(rf_attr "$(rf_idx ideapad_wlan)" hard)" = 0 ]' || fail "ideapad switch did not turn on"
  for i in $(rf_list); do rf_soft_set "$i" 0; done
  wait_for 5 rf_settled || fail "devices did not settle: $(rf_softs)"
}
rf_settled() {
  for i in $(rf_list); do
    [ "$(rf_attr "$i" soft)" = 0 ] && [ "$(rf_attr "$i" hard)" = 0 ] || return 1
  done
}

# --- pin13 -------------------------------------------------------------------------

# p13 OUT ERR ARGS...: run pin13 ARGS with stdout in OUT and stderr in ERR; sets RC.
# Stops the scenario as NOT LANDED when pin13 says the command is not there yet,
# and as failed on a panic.
p13() {
  _out=$1 _err=$2; shift 2
  pin13 "$@" > "$_out" 2> "$_err"
  RC=$?
  check_p13 "$_err" "$*"
  return 0
}
check_p13() {
  if grep -qiE 'not implemented|unexpected argument|unrecognized subcommand' "$1"; then
    not_landed "pin13 $2: $(head -n1 "$1")"
  fi
  if grep -q 'panicked' "$1"; then
    cat "$1"
    fail "pin13 $2 panicked"
  fi
}
# p13_as_lab OUT ERR ARGS...: the same, as the unprivileged user "lab".
p13_as_lab() {
  _out=$1 _err=$2; shift 2
  su lab -s /bin/sh -c 'exec /lab/bin/pin13 "$@"' -- sh "$@" > "$_out" 2> "$_err"
  RC=$?
  check_p13 "$_err" "$*"
  return 0
}

# --- comparing ---------------------------------------------------------------------

# same_bytes WHAT EXPECTED ACTUAL: the two files are byte-identical, or fail
# showing both (od -c shows the exact bytes).
same_bytes() {
  cmp -s "$2" "$3" && return 0
  echo "--- $1: diff expected (util-linux / kernel) -> got (pin13):"
  diff "$2" "$3" | head -n 40
  echo "--- first differing bytes: $(cmp "$2" "$3" 2>&1 | head -n1)"
  echo "--- expected:"; od -c "$2" | head -n 12
  echo "--- got:"; od -c "$3" | head -n 12
  fail "$1 differs"
}
expect_rc() { [ "$RC" = "$1" ] || { show_last "$3"; fail "$2: exit status $RC, expected $1"; }; }
show_last() { [ -n "${1:-}" ] && [ -f "$1" ] && { echo "--- stderr:"; head -n 20 "$1"; }; }
contains() { grep -qiE "$2" "$1"; }

# --- JSON lines (watch --json) --------------------------------------------------------

# jnorm: turn pin13 watch --json lines into "id type op soft hard" with the kernel's
# numbers, the form of `rfkill event` lines after unorm.
jnorm() {
  awk '
    function str(k,   r) { if (match($0, "\"" k "\"[ ]*:[ ]*\"[^\"]*\"")) { r = substr($0, RSTART, RLENGTH); sub(/^"[^"]*"[ ]*:[ ]*"/, "", r); sub(/"$/, "", r); return r } return "?" }
    function num(k,   r) { if (match($0, "\"" k "\"[ ]*:[ ]*[0-9]+")) { r = substr($0, RSTART, RLENGTH); sub(/^.*:[ ]*/, "", r); return r } return "?" }
    BEGIN { t["all"]=0; t["wlan"]=1; t["bluetooth"]=2; t["uwb"]=3; t["ultrawideband"]=3; t["wimax"]=4; t["wwan"]=5; t["gps"]=6; t["fm"]=7; t["nfc"]=8
            o["add"]=0; o["del"]=1; o["change"]=2; o["change-all"]=3; b["blocked"]=1; b["unblocked"]=0 }
    /^[ ]*$/ { next }
    { ty = str("type"); op = str("op"); so = str("soft"); ha = str("hard")
      printf "%s %s %s %s %s\n", num("id"), (ty in t ? t[ty] : ty), (op in o ? o[op] : op), (so in b ? b[so] : so), (ha in b ? b[ha] : ha) }'
}
# unorm: `rfkill event` lines -> "idx type op soft hard"
unorm() { sed -n 's/.*: idx \([0-9]*\) type \([0-9]*\) op \([0-9]*\) soft \([0-9]*\) hard \([0-9]*\)$/\1 \2 \3 \4 \5/p'; }
# jfield KEY < line: a string or number field of one JSON line
jfield() {
  sed -n "s/.*\"$1\"[ ]*:[ ]*\"\{0,1\}\([^\",}]*\).*/\1/p" | head -n1
}

# --- data port (ttyS1) to the host -----------------------------------------------------

# export_file NAME < data: the host decodes it into its output directory as NAME.
export_file() {
  { echo "@@FILE $1"; base64; echo "@@END"; } > /dev/ttyS1
}

# --- kernel differences (the 32-bit lab runs Linux 5.10) ----------------------------

# has_reasons: the kernel has hard_block_reasons (Linux 5.11+: 9-byte events).
has_reasons() { [ -e "$RF/rfkill$(rf_list | head -n1)/hard_block_reasons" ]; }
# ideapad_live: the IdeaPad switch follows port bit 1 on this kernel (6.1 does;
# on 5.10 ideapad-laptop never reports the hard block through the lab's SSDT).
# Probed once per boot: off, wait up to 3 s, back on.
ideapad_live() {
  if [ ! -f /tmp/.ideapad_live ]; then
    _i=$(rf_idx ideapad_wlan) || { echo no > /tmp/.ideapad_live; return 1; }
    ideapad_set 0
    if wait_for 3 '[ "$(rf_attr "$_i" hard)" = 1 ]'; then echo yes; else echo no; fi > /tmp/.ideapad_live
    ideapad_set 1
    wait_for 3 '[ "$(rf_attr "$_i" hard)" = 0 ]' || true
  fi
  [ "$(cat /tmp/.ideapad_live)" = yes ]
}
# skip MSG: the scenario does not apply to this kernel (verdict SKIP, not a failure).
skip() { echo "SKIP: $*"; exit 4; }
