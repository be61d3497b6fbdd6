# pin13 lab, bench mode: pin13 against util-linux rfkill on the live kernel.
# Prints "@@BENCH ..." lines for tests/lab/bench. Not a test: nothing here fails.
. /lab/lib.sh

n=300; flips=200
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    lab.n=*) n=${arg#lab.n=} ;;
    lab.flips=*) flips=${arg#lab.flips=} ;;
    lab.tableonly=*) tableonly=${arg#lab.tableonly=} ;;
  esac
done

( lab_reset ) || { echo "@@BENCH error: lab_reset failed"; exit 0; }
rbtn=$(rf_idx dell-rbtn)
echo "@@BENCH setup: $(rf_count) rfkill devices ($(for i in $(rf_list); do rf_name "$i"; done | tr '\n' ' ')), kernel $(uname -r), $(rfkill --version)"
echo "@@BENCH pin13: $(pin13 --version 2>&1 | head -n1)"

# Every shipped build in one table, in rotating order, against util-linux (the
# reference, ratio 1.00) and the floor (tools/floor.c: open /dev/rfkill, drain
# it, one line, no libc). Builds present in this guest (tests/lab/bench puts them
# there): /lab/bin/pin13 (the static build under test: x86_64, or i686 in the
# 32-bit guest), pin13-glibc, pin13-i686 (via the 64-bit kernel's 32-bit support).
table_bench() {
  echo "@@BENCH table [$1]: status --json, $n runs each, rotating; ratio = median / util-linux's"
  set -- "@util-linux" /usr/sbin/rfkill -J
  if [ -x /lab/bin/pin13-glibc ]; then set -- "$@" -- "@glibc-x86_64" pin13-glibc status --json; fi
  if [ "$(uname -m)" = x86_64 ]; then
    set -- "$@" -- "@static-x86_64" pin13 status --json
  else
    set -- "$@" -- "@static-i686" pin13 status --json
  fi
  if [ -x /lab/bin/pin13-i686 ]; then set -- "$@" -- "@static-i686(compat)" pin13-i686 status --json; fi
  if [ -x /lab/bin/pin13-extra ]; then set -- "$@" -- "@$(cat /lab/extra-label)" pin13-extra status --json; fi
  if [ -x /lab/bin/floor ]; then set -- "$@" -- "@floor" floor; fi
  if [ -x /lab/bin/floor32 ]; then set -- "$@" -- "@floor-i386(compat)" floor32; fi
  labtool rotate "$n" -- "$@" 2>&1 | sed 's/^labtool:/@@BENCH error:/'
}

status_bench() {
  echo "@@BENCH status [$1]: $n runs each, alternating (A = pin13, B = util-linux)"
  labtool alternate "$n" -- pin13 status --json -- rfkill -J 2>&1 | sed 's/^labtool:/@@BENCH error:/'
  labtool alternate "$n" -- pin13 status -o ID,TYPE,DEVICE,SOFT,HARD -- rfkill 2>&1 | sed 's/^labtool:/@@BENCH error:/'
  m=$((n / 3))
  echo "@@BENCH breakdown [$1] ($m runs each): process start only (--version; labtool true = a static Rust binary doing nothing); status from sysfs alone"
  labtool alternate "$m" -- pin13 --version -- rfkill --version 2>&1 | sed 's/^labtool:/@@BENCH error:/'
  labtool alternate "$m" -- pin13 --version -- labtool true 2>&1 | sed 's/^labtool:/@@BENCH error:/'
  labtool alternate "$m" -- pin13 --rfkill-dev /nonexistent status --json -- rfkill -J 2>&1 | sed 's/^labtool:/@@BENCH error:/'
}
# TCG translates guest code per virtual address: with address-space randomisation
# (the default) every run of a PIE binary or shared library is translated anew,
# which real CPUs do not pay. So: once as booted, once with randomisation off.
table_bench "ASLR on"
[ "${tableonly:-0}" = 1 ] || status_bench "ASLR on (randomize_va_space=$(cat /proc/sys/kernel/randomize_va_space))"
echo 0 > /proc/sys/kernel/randomize_va_space
table_bench "ASLR off"
[ "${tableonly:-0}" = 1 ] || status_bench "ASLR off (randomize_va_space=0)"
echo 2 > /proc/sys/kernel/randomize_va_space

# syscalls per run (deterministic, unlike the times): strace -c
if command -v strace > /dev/null; then
  for c in "pin13 status --json" "rfkill -J" "pin13 --rfkill-dev /nonexistent status --json"; do
    # shellcheck disable=SC2086
    strace -f -c -o /tmp/sc.txt $c > /dev/null 2>&1
    tot=$(awk '$NF == "total" { print $4 }' /tmp/sc.txt)
    echo "@@BENCH syscalls [$c]: total $tot"
    sed -n '3,12p' /tmp/sc.txt | awk '$1 !~ /^-/ { printf "@@BENCH   %s\n", $0 }'
  done
else
  echo "@@BENCH syscalls: strace not installed on the host, skipped"
fi

if [ "${tableonly:-0}" = 1 ]; then exit 0; fi
echo "@@BENCH watch latency: $flips flips each, 4 rounds alternating"
labtool latency "$flips" 4 "$rbtn" -- pin13 watch --json -- rfkill event 2>&1 |
  grep -v '^labtool: extra line' | sed 's/^labtool:/@@BENCH error:/'
