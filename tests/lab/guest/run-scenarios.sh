# pin13 lab, scenarios mode: run every /lab/scenarios/*.sh and report on the
# console, one "@@LAB <VERDICT> <name> (<seconds>s)" line each, with the
# scenario's own output (indented "  | ") after any verdict but PASS.
#
# A scenario is a shell file run by busybox sh with lib.sh sourced. Header lines:
#   # phase: no-rfkill   run before any module is loaded (default: after
#                        lab_reset, with every lab module loaded)
#   # timeout: SECS      kill it after SECS (default 180)
# It passes by ending with status 0; `fail MSG` fails it; `not_landed MSG`
# (status 3) marks a pin13 command that the build under test does not have yet;
# `skip MSG` (status 4) a scenario that does not apply to this kernel (SKIP).
. /lab/lib.sh
mkdir -p /tmp/out

run_one() {
  f=$1
  phase=$2
  name=$(basename "$f" .sh)
  tmo=$(sed -n 's/^# timeout: *\([0-9][0-9]*\).*/\1/p' "$f" | head -n1)
  [ -n "$tmo" ] || tmo=180
  : > "$LAB_PIDS"
  t0=$(date +%s)
  timeout -s KILL "$tmo" sh -c '. /lab/lib.sh; if [ "$2" != no-rfkill ]; then lab_reset; fi; . "$1"' sh "$f" "$phase" \
    > "/tmp/out/$name.log" 2>&1 < /dev/null
  rc=$?
  for p in $(cat "$LAB_PIDS"); do kill "$p" 2>/dev/null; done
  sleep 0.2
  for p in $(cat "$LAB_PIDS"); do kill -9 "$p" 2>/dev/null; done
  dt=$(( $(date +%s) - t0 ))
  case "$rc" in
    0) verdict=PASS ;;
    3) verdict=NOT-LANDED ;;
    4) verdict=SKIP ;;
    124|137) verdict=TIMEOUT; echo "killed after ${tmo}s" >> "/tmp/out/$name.log" ;;
    *) verdict=FAIL ;;
  esac
  echo "@@LAB $verdict $name (${dt}s)"
  if [ "$verdict" = SKIP ]; then
    grep '^SKIP: ' "/tmp/out/$name.log" | head -n 3 | sed 's/^/  | /'
  elif [ "$verdict" != PASS ]; then
    tail -n 80 "/tmp/out/$name.log" | sed 's/^/  | /'
  fi
}

selected() {
  case "$(basename "$1" .sh)" in *"$LAB_ONLY"*) return 0 ;; esac
  return 1
}

# phase 1: scenarios that need a kernel without rfkill (nothing loaded yet)
for f in /lab/scenarios/*.sh; do
  selected "$f" || continue
  grep -q '^# phase: *no-rfkill' "$f" && run_one "$f" no-rfkill
done
# phase 2: everything else, each after lab_reset
for f in /lab/scenarios/*.sh; do
  selected "$f" || continue
  grep -q '^# phase: *no-rfkill' "$f" || run_one "$f" normal
done

# every scenario's full output, for the host ($WORK/logs/)
tar -cf - -C /tmp/out . | export_file logs.tar
