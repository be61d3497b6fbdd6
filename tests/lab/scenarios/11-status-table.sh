# The table forms of `pin13 status` against util-linux `rfkill`: the default
# columns (-o ID,TYPE,DEVICE,SOFT,HARD), -n, -r, TYPE-DESC, and selectors by
# index, type and name; and the default table names every device.
# timeout: 120

cmp_ref() { # cmp_ref WHAT "rfkill args" "pin13 args"
  # shellcheck disable=SC2086
  rfkill $2 > /tmp/ref 2>/tmp/ref.err || fail "rfkill $2 failed: $(cat /tmp/ref.err)"
  # shellcheck disable=SC2086
  p13 /tmp/got /tmp/err $3
  expect_rc 0 "pin13 $3" /tmp/err
  same_bytes "$1: pin13 $3 vs rfkill $2" /tmp/ref /tmp/got
  info "ok: $1"
}
cols=ID,TYPE,DEVICE,SOFT,HARD

state_checks() {
  cmp_ref "table ($1)" "" "status -o $cols"
  cmp_ref "table -n ($1)" "-n" "status -n -o $cols"
  cmp_ref "table -r ($1)" "-r" "status -r -o $cols"
  cmp_ref "json -o ($1)" "-J -o ID,DEVICE,HARD" "status --json -o ID,DEVICE,HARD"
}

set -- $(rf_hwsim)
p0=$1 p1=$2 p1n=$(rf_name "$2")   # names and indexes grow after a hwsim reload
rf_soft_set "$p0" 1
state_checks "first radio soft-blocked, switch on"
switch_flip 0
wait_for 5 '[ "$(rf_attr "$(rf_idx dell-rbtn)" hard)" = 1 ]' || fail "switch did not turn off"
state_checks "switch off"

# selectors
cmp_ref "selector: index" "-o $cols list $p1" "status -o $cols $p1"
cmp_ref "selector: type" "-J -o $cols list wlan" "status --json wlan"
cmp_ref "selector: type alias wifi" "-J -o $cols list wifi" "status --json wifi"
cmp_ref "selector: bluetooth" "-J -o $cols list bluetooth" "status --json bluetooth"
cmp_ref "selector: all" "-J -o $cols list all" "status --json all"
cmp_ref "selector: name $p1n = index $p1" "-J -o $cols list $p1" "status --json $p1n"
cmp_ref "selector: name dell-rbtn" "-J -o $cols list $(rf_idx dell-rbtn)" "status --json dell-rbtn"

# TYPE-DESC: compared when pin13 knows the column
p13 /tmp/got /tmp/err status -o ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD
if [ "$RC" = 0 ]; then
  cmp_ref "TYPE-DESC table" "-o ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD" "status -o ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD"
  cmp_ref "TYPE-DESC json" "-J -o ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD" "status --json -o ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD"
else
  info "note: pin13 has no TYPE-DESC column (exit $RC: $(head -n1 /tmp/err)); not compared"
fi

# the default table (with pin13's extra columns): every device on its own row
# with id, type, name, soft and hard in that order
p13 /tmp/got /tmp/err status
expect_rc 0 "pin13 status" /tmp/err
p13 /tmp/got2 /tmp/err2
expect_rc 0 "pin13 (no command)" /tmp/err2
same_bytes "bare pin13 = pin13 status" /tmp/got /tmp/got2
for i in $(rf_list); do
  n=$(rf_name "$i"); t=$(rf_attr "$i" type)
  s=unblocked; [ "$(rf_attr "$i" soft)" = 1 ] && s=blocked
  h=unblocked; [ "$(rf_attr "$i" hard)" = 1 ] && h=blocked
  grep -qE "^ *$i +$t +$n +$s +$h( |$)" /tmp/got || { cat /tmp/got; fail "default table has no row '$i $t $n $s $h'"; }
done
info "ok: default table"; cat /tmp/got

# unknown selector: usage error (2) that lists what exists
p13 /tmp/got /tmp/err status --json nosuchradio
expect_rc 2 "pin13 status nosuchradio" /tmp/err
contains /tmp/err "$p1n" || fail "unknown selector: stderr does not list the devices: $(cat /tmp/err)"
info "ok: unknown selector -> $(head -n1 /tmp/err)"
