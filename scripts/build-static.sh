#!/usr/bin/env bash
# Static pin13 binaries for the users' machines: i686 (Pentium M laptops, old
# 32-bit distros) and x86_64, both linked against musl so they run on any
# Linux >= 3.2 without the distro's glibc.
#
#   bash scripts/build-static.sh
#
# Writes target/static/pin13-i686 and target/static/pin13-x86_64, then checks
# each one: statically linked and stripped (`file`), at most 1.5 MiB, and it
# answers correctly on a bundled sysfs fixture (the i686 binary is run here, on
# the x86_64 build machine, through the kernel's 32-bit support).
#
# Linking: both targets link with rust-lld, which ships with the Rust
# toolchain, against the musl libc and start files that the rustup target
# ships ("self-contained"). So no C cross toolchain, no gcc-multilib (which
# conflicts with the aarch64 cross gcc CI also installs) and no musl-tools
# are needed. Without rust-lld we fall back to rustc's default linker (cc).
#
# Needs: rustup (or the two targets already installed), `file`.
# Environment: PIN13_STATIC_FIXTURE overrides the fixture tree used for the run.
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_BYTES=$((1536 * 1024)) # 1.5 MiB
OUT=target/static
FIXTURE=${PIN13_STATIC_FIXTURE:-tests/fixtures/sysfs/ipw2200-hardkill}
EXPECTED_DIR=scripts/static-expected
TARGETS=(i686-unknown-linux-musl x86_64-unknown-linux-musl)
NAMES=(pin13-i686 pin13-x86_64)

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
  echo "build-static: cargo build --release --target $t"
  env "${linker_env[@]}" cargo build --locked --release -p pin13 --target "$t"
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
printf 'limit: %d bytes (1.5 MiB)\n\n' "$MAX_BYTES"
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

run() { # run BIN ARGS... -> stdout in $got, exit status in $rc
  local bin=$1
  shift
  set +e
  got=$("$bin" --sysfs "$FIXTURE" --rfkill-dev /nonexistent "$@" 2>"$OUT/stderr")
  rc=$?
  set -e
}

declare -A diagnose_out
for n in "${NAMES[@]}"; do
  bin="$OUT/$n"
  "$bin" --version >/dev/null || fail "$n --version did not run"

  run "$bin" status --json
  ((rc == 0)) || fail "$n status --json on $fixture_name exited $rc: $(cat "$OUT/stderr")"
  diff -u "$expected" <(printf '%s\n' "$got") || fail "$n status --json on $fixture_name differs from $expected"
  echo "build-static: $n status --json on $fixture_name: exit 0, matches $expected"

  run "$bin" diagnose --json
  ((rc == 4)) || fail "$n diagnose --json on $fixture_name exited $rc, expected 4: $(cat "$OUT/stderr")"
  grep -q '"card-kill-line"' <<<"$got" || fail "$n diagnose --json on $fixture_name does not name card-kill-line: $got"
  diagnose_out[$n]=$got
  echo "build-static: $n diagnose --json on $fixture_name: exit 4, cause card-kill-line"
done
[[ ${diagnose_out[pin13-i686]} == "${diagnose_out[pin13-x86_64]}" ]] ||
  fail "diagnose --json differs between i686 and x86_64:
$(diff <(echo "${diagnose_out[pin13-i686]}") <(echo "${diagnose_out[pin13-x86_64]}"))"
rm -f "$OUT/stderr"
echo "build-static: OK (${NAMES[*]}: static, stripped, <= 1.5 MiB, correct on $fixture_name)"
