# pin13 lab, capture mode: record util-linux rfkill output, the sysfs rfkill
# tree and raw /dev/rfkill events from the real kernel, and send them to the
# host (tests/lab/capture places them under tests/fixtures/: expected/util-linux/,
# sysfs/qemu-*, events/qemu-all-types).
. /lab/lib.sh

C=/tmp/cap
mkdir -p "$C"

# ref NAME CMD...: run a reference command; NAME.out is its stdout, and a line
# in commands.tsv records the command line, exit status and stderr file.
ref() {
  _n=$1; shift
  "$@" > "$S/$_n.out" 2> "$S/$_n.err"
  _rc=$?
  [ -s "$S/$_n.err" ] || rm -f "$S/$_n.err"
  printf '%s\t%s\t%s.out\n' "$*" "$_rc" "$_n" >> "$S/commands.tsv"
}

# copy_attr SRC DST: a sysfs attribute (read with cat: sysfs sizes lie).
copy_attr() { [ -r "$1" ] && [ -f "$1" ] && cat "$1" > "$2" 2>/dev/null; }

# copy_entry LINK TREE: recreate the symlink LINK in TREE unless it is there
copy_entry() {
  [ -L "$1" ] || return 0
  [ -L "$2${1#/sys}" ] && return 0
  ln -sn "$(readlink "$1")" "$2${1#/sys}"
}

# copy_link DIR NAME TREE: recreate the symlink DIR/NAME (relative, as the kernel
# makes it) in TREE and create its target directory there; note it in links.txt.
copy_link() {
  [ -L "$1/$2" ] || return 0
  _t=$(readlink "$1/$2")
  _r=$(readlink -f "$1/$2")
  ln -s "$_t" "$3${1#/sys}/$2"
  mkdir -p "$3${_r#/sys}"
  printf '%s/%s -> %s\n' "${1#/sys/}" "$2" "$_t" >> "$S/links.txt"
  # fill the target as the kernel does (git keeps no empty directories, and a
  # link to a missing directory would dangle after a clone):
  _b=${1##*/}
  case "$2" in
    subsystem) # class/X/<dev> or bus/X/devices/<dev> -> the device
      copy_entry "$_r/$_b" "$3"
      if [ -L "$_r/devices/$_b" ]; then
        mkdir -p "$3${_r#/sys}/devices"
        copy_entry "$_r/devices/$_b" "$3"
      fi ;;
    driver) # bus/X/drivers/D/<dev> -> the device
      copy_entry "$_r/$_b" "$3" ;;
    module) # module/M/initstate ("live")
      [ -f "$_r/initstate" ] && cat "$_r/initstate" > "$3${_r#/sys}/initstate" ;;
  esac
  return 0
}

# sysfs_tree TREE: a copy of /sys/class/rfkill/* with everything the tool
# follows: the rfkill attributes, the `device` link, and for every ancestor
# directory up to /sys/devices its uevent, subsystem, driver (and the driver's
# module) links and identifying attributes.
sysfs_tree() {
  T=$1
  mkdir -p "$T/class/rfkill"
  : > "$S/links.txt"
  for c in /sys/class/rfkill/rfkill*; do
    [ -e "$c" ] || continue
    n=${c##*/}
    ln -s "$(readlink "$c")" "$T/class/rfkill/$n"
    printf 'class/rfkill/%s -> %s\n' "$n" "$(readlink "$c")" >> "$S/links.txt"
    real=$(readlink -f "$c")
    mkdir -p "$T${real#/sys}"
    for a in name type index soft hard state persistent hard_block_reasons uevent; do
      copy_attr "$real/$a" "$T${real#/sys}/$a"
    done
    copy_link "$real" device "$T"
    copy_link "$real" subsystem "$T"
    d=$(dirname "$real")
    while [ "$d" != /sys/devices ] && [ "$d" != /sys ]; do
      if [ ! -f "$T${d#/sys}/.copied" ]; then
        mkdir -p "$T${d#/sys}"
        for a in uevent modalias name index hid path vendor device subsystem_vendor subsystem_device class macaddress; do
          copy_attr "$d/$a" "$T${d#/sys}/$a"
        done
        for l in subsystem driver device; do copy_link "$d" "$l" "$T"; done
        if [ -L "$d/driver" ]; then
          dr=$(readlink -f "$d/driver")
          [ -L "$dr/module" ] && [ ! -L "$T${dr#/sys}/module" ] && copy_link "$dr" module "$T"
        fi
        : > "$T${d#/sys}/.copied"
      fi
      d=$(dirname "$d")
    done
  done
  find "$T" -name .copied -exec rm {} +
  # every directory must hold something (git stores no empty directories)
  find "$T" -type d -empty | sed "s|^$T/|empty directory in the tree: |" >&2
}

# scene NAME: the reference commands and the sysfs tree in the present state.
scene() {
  S=$C/$1
  mkdir -p "$S"
  : > "$S/commands.tsv"
  ref rfkill-J rfkill -J
  ref rfkill rfkill
  ref rfkill-list rfkill list
  ref rfkill-J-o-all rfkill -J -o ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD
  ref rfkill-r rfkill -r
  ref rfkill-n rfkill -n
  ref rfkill-output-all rfkill --output-all
  ref rfkill-J-output-all rfkill -J --output-all
  ref rfkill-o-all rfkill -o ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD
  ref rfkill-J-list rfkill -J list
  ref rfkill-list-wlan rfkill list wlan
  ref rfkill-J-o-list-wlan rfkill -J -o ID,TYPE,DEVICE,SOFT,HARD list wlan
  ref rfkill-list-1 rfkill list 1
  ref rfkill-o-list-1 rfkill -o ID,TYPE,DEVICE,SOFT,HARD list 1
  ref rfkill-err-WLAN rfkill list WLAN
  ref rfkill-err-99 rfkill list 99
  ref rfkill-err-phy0 rfkill list phy0
  ref rfkill-err-column rfkill -o FOO
  ref rfkill-err-J-r rfkill -J -r
  ref rfkill-nonroot-0600 su lab -s /bin/sh -c "rfkill -J"
  chmod 0644 /dev/rfkill
  ref rfkill-nonroot-0644 su lab -s /bin/sh -c "rfkill -J"
  ref rfkill-nonroot-0644-block su lab -s /bin/sh -c "rfkill block 0"
  chmod 0600 /dev/rfkill
  sysfs_tree "$S/sys"
  info "scene $1: $(rf_softs)"
}

# wait until FILE stops growing (0.5 s without change), at most 10 s
settle() {
  _prev=-1 _n=0
  while [ "$_n" -lt 100 ]; do
    _cur=$(wc -c < "$1")
    if [ "$_cur" = "$_prev" ]; then return 0; fi
    _prev=$_cur
    sleep 0.5
    _n=$((_n + 5))
  done
}

{
  echo "kernel: $(uname -srvm)"
  echo "rfkill: $(rfkill --version)"
  echo "pin13 lab: $(cat /proc/cmdline)"
} > "$C/versions.txt"

# (0) no rfkill module: /dev/rfkill and /sys/class/rfkill do not exist
S=$C/no-rfkill
mkdir -p "$S"
: > "$S/commands.tsv"
ref rfkill-J rfkill -J
ref rfkill rfkill
ref rfkill-list rfkill list
ref rfkill-block-0 rfkill block 0
ref rfkill-block-wlan rfkill block wlan
ref rfkill-event rfkill event

# (a) two hwsim radios, nothing else
mod_load mac80211_hwsim || fail "insmod mac80211_hwsim"
ls -ln /dev/rfkill > "$C/dev-rfkill.txt"
scene hwsim2

# (b) + dell-rbtn, switch on (free); phy1 soft-blocked
switch_set 1
mod_load dell-rbtn || fail "insmod dell-rbtn"
wait_for 5 rf_idx dell-rbtn >/dev/null || fail "no dell-rbtn device"
rf_soft_set "$(rf_idx phy1)" 1
scene hwsim-rbtn-on

# (c) switch off (hard-blocked); phy1 still soft-blocked
switch_flip 0
sleep 1
scene hwsim-rbtn-off

# (d) everything: + a bluetooth controller (hci_vhci), switch off, hci0 soft-blocked
mod_load hci_vhci || fail "insmod hci_vhci"
vhci_start
rf_soft_set "$(rf_idx hci0)" 1
sleep 1
scene all-types

# raw events: 8-byte reads (dd bs=8) and 64-byte reads (dd bs=64: the kernel
# still returns one 8-byte event per read, so dd counts partial records),
# side by side with `rfkill event`.
E=$C/events
mkdir -p "$E"
n=$(rf_count)
dd if=/dev/rfkill of="$E/events.bin" bs=8 2> "$E/dd-bs8.txt" &
p1=$!
dd if=/dev/rfkill of="$E/events-bs64.bin" bs=64 2> "$E/dd-bs64.txt" &
p2=$!
rfkill event > "$E/rfkill-event.txt" 2>&1 &
p3=$!
wait_for 20 size_at_least "$E/events.bin" $((n * 8)) || fail "no initial events on /dev/rfkill"
wait_for 20 lines_at_least "$E/rfkill-event.txt" "$n" || fail "rfkill event printed nothing"
: > "$E/actions.txt"
act() {
  echo "$*" >> "$E/actions.txt"
  eval "$*"
  settle "$E/events.bin"
  echo "  -> $(wc -c < "$E/events.bin") bytes so far" >> "$E/actions.txt"
}
act 'switch_flip 1'
act 'switch_flip 0'
act 'switch_flip 1'
act 'rfkill block $(rf_idx phy0)'
act 'rfkill unblock $(rf_idx phy0)'
act 'rfkill block wlan'
act 'rfkill unblock all'
act 'rfkill block bluetooth'
act 'rmmod mac80211_hwsim'
act 'insmod /lib/modules/mac80211_hwsim.ko radios=2'
act 'rfkill unblock all'
sleep 1
kill -USR1 "$p1" "$p2" 2>/dev/null
sleep 0.5
kill "$p1" "$p2" "$p3"
wait "$p1" "$p2" "$p3" 2>/dev/null
od -An -tx1 -w8 -v "$E/events.bin" > "$E/events.hex"
od -An -tx1 -w8 -v "$E/events-bs64.bin" > "$E/events-bs64.hex"

# (e) + the IdeaPad switch (ideapad-laptop hw_rfkill_switch=1) off: hard block
# with hard_block_reasons 0x1 (signal) on a platform device; the Dell switch on
ideapad_set 0
switch_flip 1
mod_load ideapad-laptop || fail "insmod ideapad-laptop"
wait_for 5 'rf_idx ideapad_wlan > /dev/null' || fail "no ideapad_wlan"
wait_for 5 '[ "$(rf_attr "$(rf_idx ideapad_wlan)" hard_block_reasons)" = 0x1 ]' || fail "ideapad_wlan is not blocked with reason signal"
scene platform-signal
vhci_stop

tar -cf - -C "$C" . | export_file capture.tar
info "capture sent: $(tar -cf - -C "$C" . | wc -c) bytes"
