#!/usr/bin/env bash
# Static pin13 binaries for the users' machines: i686 (Pentium M laptops, old
# 32-bit distros), x86_64, and aarch64 with the Raspberry Pi GPIO jig backend
# (feature rpi; Raspberry Pi OS 64-bit, Bullseye as well as Bookworm: a
# glibc build from a new toolchain would need a newer glibc than Bullseye's
# 2.31), all linked against musl so they run on any Linux >= 3.2 without the
# distro's glibc. These are the binaries scripts/dist.sh packages.
#
#   bash scripts/build-static.sh
#
# Writes target/static/pin13-{i686,x86_64,aarch64}, then checks each one:
# statically linked and stripped (`file`), at most MAX_BYTES (1 MiB), and it answers
# correctly on a bundled sysfs fixture (the i686 binary is run here, on the
# x86_64 build machine, through the kernel's 32-bit support; the aarch64 one
# under qemu-aarch64 without any sysroot, which also proves it needs no
# libraries, and `jig probe --backend rpi` must say "not a Raspberry Pi").
#
# CPU baseline: i686-unknown-linux-musl is pentium4 (SSE2, no SSE3): a
# Pentium M runs it. x86_64 is the plain x86-64 baseline; aarch64 is ARMv8-A
# (Raspberry Pi 3, 4, 5, Zero 2 W).
#
# Linking: both targets link with rust-lld, which ships with the Rust
# toolchain, against the musl libc and start files that the rustup target
# ships ("self-contained"). So no C cross toolchain, no gcc-multilib (which
# conflicts with the aarch64 cross gcc CI also installs) and no musl-tools
# are needed. Without rust-lld we fall back to rustc's default linker (cc).
#
# Lean builds: --no-default-features leaves out the `generators` feature (the
# man page and completion writers, about 137 KB): the packages carry the files
# scripts/dist.sh generates with a full build, and these binaries' `pin13 man`
# and `pin13 completions` say where they are installed (checked below). The
# release profile (opt-level z, fat LTO, one codegen unit, panic=abort, no
# unwind tables: host-tool/build.rs) is the same as `cargo install`'s; see
# docs/benchmarks.md for what each choice costs and saves.
#
# Needs: rustup (or the three targets already installed), `file`, and
# qemu-user (`qemu-aarch64`) for the aarch64 run (skipped with a note without it).
# Environment: PIN13_STATIC_FIXTURE overrides the fixture tree used for the run.
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_BYTES=$((1024 * 1024)) # 1 MiB (issue 15)
OUT=target/static
FIXTURE=${PIN13_STATIC_FIXTURE:-tests/fixtures/sysfs/ipw2200-hardkill}
EXPECTED_DIR=scripts/static-expected
TARGETS=(i686-unknown-linux-musl x86_64-unknown-linux-musl aarch64-unknown-linux-musl)
NAMES=(pin13-i686 pin13-x86_64 pin13-aarch64)
FEATURES=("" "" rpi)

fail() {
  echo "build-static: FAIL: $*" >&2
  exit 1
}

command -v file >/dev/null || fail "the 'file' command is missing (apt-get install -y file)"

# 1. Targets.
if command -v rustup >/dev/null; then
  installed=$(rustup target list --installed)
  for t in "${TARGETS[@]}"; do
    if ! grep -qx "$t" <<<"$installed"; then
      echo "build-static: rustup target add $t"
      rustup target add "$t"
    fi
  done
fi

# 2. Linker: rust-lld from the toolchain when it exists.
host=$(rustc -vV | sed -n 's/^host: //p')
lld="$(rustc --print sysroot)/lib/rustlib/$host/bin/rust-lld"
linker_env=()
if [[ -x $lld ]]; then
  for t in "${TARGETS[@]}"; do
    var=CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"$t")_LINKER
    linker_env+=("$var=rust-lld")
  done
  echo "build-static: linking with rust-lld (self-contained musl)"
else
  echo "build-static: rust-lld not found at $lld; linking with the default cc"
fi

# 3. Build and copy.
mkdir -p "$OUT"
for i in "${!TARGETS[@]}"; do
  t=${TARGETS[$i]}
  feat=(--no-default-features)
  [[ -z ${FEATURES[$i]} ]] || feat+=(--features "${FEATURES[$i]}")
  echo "build-static: cargo build --release --target $t ${feat[*]}"
  env "${linker_env[@]}" cargo build --locked --release -p pin13 --target "$t" "${feat[@]}"
  cp "target/$t/release/pin13" "$OUT/${NAMES[$i]}"
done

# 4. Static, stripped, small enough.
printf '\n%-16s %10s %9s  %s\n' binary bytes KiB "file(1)"
too_big=()
for n in "${NAMES[@]}"; do
  bin="$OUT/$n"
  desc=$(file -b "$bin")
  bytes=$(stat -c %s "$bin")
  printf '%-16s %10d %9s  %s\n' "$n" "$bytes" "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1024 }')" "$desc"
  case $desc in
    *"statically linked"* | *"static-pie linked"*) ;;
    *) fail "$n is not statically linked: $desc" ;;
  esac
  case $desc in
    *"not stripped"*) fail "$n is not stripped: $desc" ;;
    *stripped*) ;;
    *) fail "file(1) does not say whether $n is stripped: $desc" ;;
  esac
  ((bytes <= MAX_BYTES)) || too_big+=("$n ($bytes bytes)")
done
printf 'limit: %d bytes (1 MiB)\n\n' "$MAX_BYTES"
((${#too_big[@]} == 0)) || fail "over the size limit: ${too_big[*]}"

# 5. Run them on the fixture.
#  - status --json must print exactly the util-linux JSON kept in
#    scripts/static-expected/<fixture>.status.json, exit 0;
#  - diagnose --json must exit 4 (hard-blocked) and name the card's kill line,
#    and the i686 answer must equal the x86_64 one byte for byte (catches
#    32-bit-only bugs: struct sizes, integer widths).
[[ -d $FIXTURE ]] || fail "fixture tree $FIXTURE is missing"
fixture_name=$(basename "$FIXTURE")
expected="$EXPECTED_DIR/$fixture_name.status.json"
[[ -f $expected ]] || fail "expected output $expected is missing"

# the aarch64 binary runs under qemu-user, with no -L: a static binary needs no sysroot
declare -A runner=([pin13-i686]="" [pin13-x86_64]="" [pin13-aarch64]="")
names_run=()
for n in "${NAMES[@]}"; do
  case $n in
    pin13-aarch64)
      if [[ $(uname -m) == aarch64 ]]; then
        names_run+=("$n")
      elif command -v qemu-aarch64 >/dev/null; then
        runner[$n]=qemu-aarch64
        names_run+=("$n")
      else
        echo "build-static: note: qemu-aarch64 missing (apt-get install qemu-user): $n not run"
      fi
      ;;
    *) names_run+=("$n") ;;
  esac
done

run() { # run NAME ARGS... -> stdout in $got, exit status in $rc
  local n=$1 r=()
  shift
  [[ -z ${runner[$n]} ]] || r=("${runner[$n]}")
  set +e
  got=$("${r[@]}" "$OUT/$n" --sysfs "$FIXTURE" --rfkill-dev /nonexistent "$@" 2>"$OUT/stderr")
  rc=$?
  set -e
}

declare -A diagnose_out
for n in "${names_run[@]}"; do
  run "$n" --version
  ((rc == 0)) || fail "$n --version did not run: $(cat "$OUT/stderr")"
  [[ $got == "pin13 "*" ("*")" ]] || fail "$n --version does not name the build: $got"
  echo "build-static: $n --version: $got"

  # lean build: no generators, a pointer to the installed files instead (exit 1)
  run "$n" man
  ((rc == 1)) && grep -q 'man pin13' "$OUT/stderr" ||
    fail "$n man: exit $rc, expected 1 and a pointer to 'man pin13': $(cat "$OUT/stderr")"

  run "$n" status --json
  ((rc == 0)) || fail "$n status --json on $fixture_name exited $rc: $(cat "$OUT/stderr")"
  diff -u "$expected" <(printf '%s\n' "$got") || fail "$n status --json on $fixture_name differs from $expected"
  echo "build-static: $n status --json on $fixture_name: exit 0, matches $expected"

  run "$n" diagnose --json
  ((rc == 4)) || fail "$n diagnose --json on $fixture_name exited $rc, expected 4: $(cat "$OUT/stderr")"
  grep -q '"card-kill-line"' <<<"$got" || fail "$n diagnose --json on $fixture_name does not name card-kill-line: $got"
  diagnose_out[$n]=$got
  echo "build-static: $n diagnose --json on $fixture_name: exit 4, cause card-kill-line"
done
for n in "${names_run[@]}"; do
  [[ ${diagnose_out[$n]} == "${diagnose_out[pin13-x86_64]}" ]] ||
    fail "diagnose --json differs between $n and pin13-x86_64:
$(diff <(echo "${diagnose_out[$n]}") <(echo "${diagnose_out[pin13-x86_64]}"))"
done

# The Raspberry Pi backend is in the aarch64 build; off a Pi it must say so, exit 1.
if [[ " ${names_run[*]} " == *" pin13-aarch64 "* && $(uname -m) != aarch64 ]]; then
  run pin13-aarch64 jig probe --backend rpi
  err="$got$(cat "$OUT/stderr")"
  ((rc == 1)) && grep -q 'not a Raspberry Pi' <<<"$err" ||
    fail "pin13-aarch64 jig probe --backend rpi: exit $rc, expected 1 and 'not a Raspberry Pi': $err"
  echo "build-static: pin13-aarch64 jig probe --backend rpi (not a Pi): exit 1, $(head -n1 <<<"$err")"
fi
rm -f "$OUT/stderr"
echo "build-static: OK (${NAMES[*]}: static, stripped, <= $((MAX_BYTES / 1024)) KiB, correct on $fixture_name)"
