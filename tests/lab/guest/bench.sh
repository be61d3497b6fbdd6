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

echo "@@BENCH status: $n runs each, alternating (A = pin13, B = util-linux)"
labtool alternate "$n" -- pin13 status --json -- rfkill -J 2>&1 | sed 's/^labtool:/@@BENCH error:/'
labtool alternate "$n" -- pin13 status -o ID,TYPE,DEVICE,SOFT,HARD -- rfkill 2>&1 | sed 's/^labtool:/@@BENCH error:/'

echo "@@BENCH watch latency: $flips flips each, 4 rounds alternating"
labtool latency "$flips" 4 "$rbtn" -- pin13 watch --json -- rfkill event 2>&1 |
  grep -v '^labtool: extra line' | sed 's/^labtool:/@@BENCH error:/'
