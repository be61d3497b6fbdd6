# pin13 lab, bench mode: pin13 against util-linux rfkill on the live kernel.
# Prints "@@BENCH ..." lines for tests/lab/bench. Not a test: nothing here fails.
. /lab/lib.sh

n=300; flips=200
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    lab.n=*) n=${arg#lab.n=} ;;
    lab.flips=*) flips=${arg#lab.flips=} ;;
  esac
done

( lab_reset ) || { echo "@@BENCH error: lab_reset failed"; exit 0; }
rbtn=$(rf_idx dell-rbtn)
echo "@@BENCH setup: $(rf_count) rfkill devices ($(for i in $(rf_list); do rf_name "$i"; done | tr '\n' ' ')), kernel $(uname -r), $(rfkill --version)"
echo "@@BENCH pin13: $(pin13 --version 2>&1 | head -n1)"

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
status_bench "ASLR on (randomize_va_space=$(cat /proc/sys/kernel/randomize_va_space))"
echo 0 > /proc/sys/kernel/randomize_va_space
status_bench "ASLR off (randomize_va_space=0)"
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

echo "@@BENCH watch latency: $flips flips each, 4 rounds alternating"
labtool latency "$flips" 4 "$rbtn" -- pin13 watch --json -- rfkill event 2>&1 |
  grep -v '^labtool: extra line' | sed 's/^labtool:/@@BENCH error:/'
