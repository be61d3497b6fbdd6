# pin13 lab, host side: fetch the kernel, build the initramfs, boot QEMU.
# Sourced by tests/lab/run, tests/lab/bench and tests/lab/capture (bash).
#
# Environment (all optional):
#   PIN13_LAB_CACHE       cache directory (default ~/.cache/pin13-lab); never inside the repo
#   PIN13_LAB_KERNEL_PKG  Debian kernel package (default: what linux-image-amd64 depends on)
#   PIN13_LAB_TIMEOUT     seconds before a VM is declared hung (default 900)
#   PIN13_LAB_ONLY        only run scenarios whose file name contains this string
#   PIN13_LAB_PIN13       use this pin13 binary instead of building one (must be static)
#   PIN13_LAB_VERBOSE=1   echo the whole serial console, not only the report
#   PIN13_LAB_ARCH        x86_64 (default: this machine's Debian kernel) or i386
#                         (Debian 11's 686 kernel, Linux 5.10, busybox and util-linux
#                         2.36 from bullseye, the static i686 pin13, qemu-system-i386
#                         on a Pentium-M-like CPU: SSE2, no SSE3); tests/lab/run32

set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=$(cd "$LAB_DIR/../.." && pwd)
CACHE=${PIN13_LAB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/pin13-lab}
LAB_ARCH=${PIN13_LAB_ARCH:-x86_64}
case "$LAB_ARCH" in
  x86_64)
    MUSL_TARGET=x86_64-unknown-linux-musl
    QEMU=(qemu-system-x86_64 -accel tcg -cpu max -m 512)
    ;;
  i386)
    MUSL_TARGET=i686-unknown-linux-musl
    # pentium3 + SSE2 = no SSE3, no CMOV-less surprises: what a Pentium M runs.
    # TCG refuses instructions the model lacks, as the laptop would.
    QEMU=(qemu-system-i386 -accel tcg -cpu pentium3,+sse2 -m 256)
    ;;
  *) printf 'lab: error: PIN13_LAB_ARCH=%s (x86_64 or i386)\n' "$LAB_ARCH" >&2; exit 1 ;;
esac
# Debian 11 (bullseye) i386, for the 32-bit lab: packages fetched through a
# private apt configuration in the cache (the system's sources stay untouched).
OLD_SUITE=bullseye
OLD_PKGS=(linux-image-686 busybox-static rfkill libsmartcols1 libc6)

# The modules the guest loads, in the order given; their dependencies (modinfo
# depends=) are resolved and put first.
LAB_MODULES=(rfkill cfg80211 mac80211 mac80211_hwsim dell-rbtn bluetooth hci_vhci ideapad-laptop)

log() { printf '[lab %3ss] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

need_tools() {
  local t missing=()
  for t in "${QEMU[0]}" busybox iasl cpio xz gzip dpkg dpkg-deb apt-get apt-cache modinfo ldd rustc cargo timeout base64; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  [ "$LAB_ARCH" != x86_64 ] || [ -x /usr/sbin/rfkill ] || missing+=(/usr/sbin/rfkill)
  if [ ${#missing[@]} -gt 0 ]; then
    die "missing tools: ${missing[*]} (apt-get install qemu-system-x86 busybox-static acpica-tools cpio xz-utils rfkill kmod)"
  fi
  [ "$LAB_ARCH" != x86_64 ] || file_is_static /bin/busybox || die "/bin/busybox is not static: apt-get install busybox-static"
}

# --- Debian 11 i386 (the 32-bit lab) ------------------------------------------------

# The system's own Debian mirror (deb822 or one-line sources), for bullseye.
old_mirror() {
  local u
  u=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}')
  [ -n "$u" ] || u=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '$1 == "deb" && $2 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:/) {print $i; exit}}')
  echo "${u:-http://deb.debian.org/debian}"
}

# fetch_old_root: download OLD_PKGS (i386, bullseye) with a private apt
# configuration and unpack them into $CACHE/i386/root. Sets OLD_ROOT. Once.
fetch_old_root() {
  local base=$CACHE/i386 dl pkgs=() p
  OLD_ROOT=$base/root
  [ -f "$OLD_ROOT/.unpacked" ] && return 0
  mkdir -p "$base/lists/partial" "$base/archives/partial" "$base/etc"
  printf 'deb [arch=i386 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
    "$(old_mirror)" "$OLD_SUITE" > "$base/etc/sources.list"
  OLD_APT=(-o Dir::Etc::sourcelist="$base/etc/sources.list" -o Dir::Etc::sourceparts=- \
    -o Dir::State::Lists="$base/lists" -o Dir::Cache::Archives="$base/archives" \
    -o APT::Architectures::=i386 -o APT::Architecture=i386 -o Debug::NoLocking=1 \
    -o APT::Sandbox::User=root)
  log "fetching Debian 11 i386 packages (${OLD_PKGS[*]}; private apt lists in $base)"
  apt-get "${OLD_APT[@]}" -q update >/dev/null || die "apt-get update for $OLD_SUITE i386 failed"
  # linux-image-686 is a metapackage: take the kernel it depends on
  for p in "${OLD_PKGS[@]}"; do
    if [ "$p" = linux-image-686 ]; then
      p=$(apt-cache "${OLD_APT[@]}" depends linux-image-686:i386 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
      [ -n "$p" ] || die "bullseye has no kernel for linux-image-686"
      p=${p%:i386}
    fi
    pkgs+=("$p:i386")
  done
  dl=$(mktemp -d "${TMPDIR:-/tmp}/pin13-lab-dl.XXXXXX")
  chmod 0777 "$dl"
  (cd "$dl" && apt-get "${OLD_APT[@]}" download -q "${pkgs[@]}" >/dev/null) || { rm -rf "$dl"; die "apt-get download ${pkgs[*]} failed"; }
  rm -rf "$OLD_ROOT"
  mkdir -p "$OLD_ROOT"
  for p in "$dl"/*.deb; do dpkg -x "$p" "$OLD_ROOT"; done
  rm -rf "$dl" "$base/archives"
  touch "$OLD_ROOT/.unpacked"
}

# Copy BIN from the i386 root with the libraries it needs (DT_NEEDED, found in
# the root's lib directories, recursively) and the loader, to the same paths.
install_old_dynamic() {
  local root=$1 bin=$2 todo lib need found d
  mkdir -p "$root$(dirname "$bin")"
  cp -L "$OLD_ROOT$bin" "$root$bin"
  todo=("$OLD_ROOT$bin")
  declare -A seen=()
  while [ ${#todo[@]} -gt 0 ]; do
    lib=${todo[0]}
    todo=("${todo[@]:1}")
    for need in $(LC_ALL=C readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      [ -n "${seen[$need]:-}" ] && continue
      seen[$need]=1
      found=
      for d in /lib/i386-linux-gnu /usr/lib/i386-linux-gnu /lib /usr/lib; do
        if [ -e "$OLD_ROOT$d/$need" ]; then found=$d/$need; break; fi
      done
      [ -n "$found" ] || die "library $need of $bin not in the i386 root"
      mkdir -p "$root$(dirname "$found")"
      cp -L "$OLD_ROOT$found" "$root$found"
      todo+=("$OLD_ROOT$found")
    done
  done
  mkdir -p "$root/lib"
  cp -L "$OLD_ROOT/lib/ld-linux.so.2" "$root/lib/ld-linux.so.2"
}

file_is_static() {
  # ldd: "not a dynamic executable" (exit 1) or, for static-pie, "statically linked"
  local o
  o=$(ldd "$1" 2>&1) || return 0
  case "$o" in *"statically linked"*) return 0 ;; esac
  return 1
}

# --- kernel -----------------------------------------------------------------

kernel_pkg() {
  if [ -n "${PIN13_LAB_KERNEL_PKG:-}" ]; then
    echo "$PIN13_LAB_KERNEL_PKG"
    return
  fi
  local p
  p=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  [ -n "$p" ] || die "apt-cache does not know linux-image-amd64: run apt-get update first"
  echo "$p"
}

# Sets KDIR (unpacked package), VMLINUZ, MODDIR.
fetch_kernel() {
  local pkg dl
  if [ "$LAB_ARCH" = i386 ]; then
    fetch_old_root
    KDIR=$OLD_ROOT
  else
    pkg=$(kernel_pkg)
    KDIR=$CACHE/kernel/$pkg
    if [ ! -f "$KDIR/.unpacked" ]; then
      log "downloading $pkg (apt-get download, cached in $CACHE)"
      dl=$(mktemp -d "${TMPDIR:-/tmp}/pin13-lab-dl.XXXXXX")
      chmod 0777 "$dl"   # apt's _apt sandbox user writes here
      (cd "$dl" && apt-get download -q "$pkg" >/dev/null) || die "apt-get download $pkg failed"
      rm -rf "$KDIR"
      mkdir -p "$KDIR"
      dpkg -x "$dl"/*.deb "$KDIR"
      rm -rf "$dl"
      touch "$KDIR/.unpacked"
      # keep only this kernel in the cache
      find "$CACHE/kernel" -mindepth 1 -maxdepth 1 ! -name "$pkg" -exec rm -rf {} +
    fi
  fi
  VMLINUZ=$(ls "$KDIR"/boot/vmlinuz-* 2>/dev/null | head -n1)
  MODDIR=$(ls -d "$KDIR"/lib/modules/*/ 2>/dev/null | head -n1)
  [ -n "$VMLINUZ" ] && [ -n "$MODDIR" ] || die "${pkg:-the i386 kernel} has no vmlinuz or modules"
  MODDIR=${MODDIR%/}
}

# Path of module NAME (.ko, .ko.xz, .ko.zst or .ko.gz); - and _ are the same.
module_file() {
  local n=$1 alt
  alt=$(printf '%s' "$n" | tr '_-' '-_')
  find "$MODDIR/kernel" \( -name "$n.ko" -o -name "$n.ko.*" -o -name "$alt.ko" -o -name "$alt.ko.*" \) -print -quit
}

# Print NAME's dependencies (recursively, deepest first), then NAME. Dedups via RESOLVED.
declare -A RESOLVED=()
resolve_module() {
  local n=$1 f dep
  [ -n "${RESOLVED[$n]:-}" ] && return 0
  f=$(module_file "$n")
  [ -n "$f" ] || die "module $n not found in $MODDIR"
  for dep in $(modinfo -F depends "$f" | tr ',' ' '); do
    resolve_module "$dep"
  done
  RESOLVED[$n]=1
  echo "$n"
}

# Copy the modules (decompressed) into $1/lib/modules and write load-order there.
install_modules() {
  local root=$1 n f order=()
  mkdir -p "$root/lib/modules"
  RESOLVED=()
  for n in "${LAB_MODULES[@]}"; do
    while read -r m; do order+=("$m"); done < <(resolve_module "$n")
  done
  : > "$root/lib/modules/load-order"
  : > "$root/lib/modules/deps"
  for n in "${order[@]}"; do
    f=$(module_file "$n")
    case "$f" in
      *.ko) cp "$f" "$root/lib/modules/$n.ko" ;;
      *.ko.xz) xz -dc "$f" > "$root/lib/modules/$n.ko" ;;
      *.ko.zst) zstd -qdc "$f" > "$root/lib/modules/$n.ko" ;;
      *.ko.gz) gzip -dc "$f" > "$root/lib/modules/$n.ko" ;;
      *) die "unknown module format: $f" ;;
    esac
    echo "$n" >> "$root/lib/modules/load-order"
    echo "$n $(modinfo -F depends "$f" | tr ',' ' ')" >> "$root/lib/modules/deps"
  done
}

# --- binaries ------------------------------------------------------------------

# Link musl binaries with the toolchain's rust-lld when it is there, as
# scripts/build-static.sh does (no C toolchain needed); sets MUSL_LINKER_ENV
# and LABTOOL_LINK (rustc flags).
musl_linker() {
  local host lld
  host=$(rustc -vV | sed -n 's/^host: //p')
  lld="$(rustc --print sysroot)/lib/rustlib/$host/bin/rust-lld"
  MUSL_LINKER_ENV=()
  LABTOOL_LINK=()
  if [ -x "$lld" ]; then
    MUSL_LINKER_ENV=("CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"$MUSL_TARGET")_LINKER=rust-lld")
    LABTOOL_LINK=(-C linker=rust-lld)
  fi
}

# Sets PIN13_BIN: the same build as scripts/build-static.sh's x86_64 binary.
build_pin13() {
  musl_linker
  if [ -n "${PIN13_LAB_PIN13:-}" ]; then
    PIN13_BIN=$PIN13_LAB_PIN13
  else
    log "building pin13 (release, $MUSL_TARGET)"
    (cd "$REPO" && env "${MUSL_LINKER_ENV[@]}" cargo build -q --release --locked --no-default-features --target "$MUSL_TARGET" -p pin13) \
      || die "cargo build of pin13 for $MUSL_TARGET failed (rustup target add $MUSL_TARGET)"
    local tdir=${CARGO_TARGET_DIR:-$REPO/target}
    PIN13_BIN=$tdir/$MUSL_TARGET/release/pin13
  fi
  [ -x "$PIN13_BIN" ] || die "no pin13 binary at $PIN13_BIN"
  # a script (the self-test double) runs under the guest's busybox sh
  if [ "$(head -c2 "$PIN13_BIN")" != '#!' ]; then
    file_is_static "$PIN13_BIN" || die "$PIN13_BIN is not a static binary"
  fi
}

# labtool: std-only Rust helper for timing (tests/lab/tools/labtool.rs). Sets LABTOOL_BIN.
build_labtool() {
  musl_linker
  LABTOOL_BIN=$CACHE/build/labtool-$MUSL_TARGET
  mkdir -p "$CACHE/build"
  if [ ! -x "$LABTOOL_BIN" ] || [ "$LAB_DIR/tools/labtool.rs" -nt "$LABTOOL_BIN" ]; then
    log "building labtool"
    rustc --edition 2021 -O --target "$MUSL_TARGET" -C target-feature=+crt-static "${LABTOOL_LINK[@]}" \
      -o "$LABTOOL_BIN" "$LAB_DIR/tools/labtool.rs" || die "rustc labtool.rs failed"
  fi
}

# For the benchmark's table of every shipped build (LAB_BENCH_BUILDS=1, set by
# tests/lab/bench): the other builds and the floor program. Sets BENCH_FILES
# ("guest-name:host-path" pairs; a dynamic one gets its libraries).
#   x86_64 guest: pin13-glibc (the distro build, `cargo build --release` for the
#   host: what `cargo install` gives), pin13-i686 (static, run through the 64-bit
#   kernel's 32-bit support), floor and floor32 (tools/floor.c);
#   i386 guest: floor (i386).
build_bench_extras() {
  BENCH_FILES=()
  [ "${LAB_BENCH_BUILDS:-0}" = 1 ] || return 0
  local tdir=${CARGO_TARGET_DIR:-$REPO/target} cflags=(-Os -static -nostdlib -fno-pie -no-pie -fno-stack-protector)
  command -v gcc >/dev/null || die "the benchmark's floor program needs gcc"
  mkdir -p "$CACHE/build"
  # PIN13_BENCH_EXTRA=LABEL:PATH: one more static build as a row (an experiment)
  if [ -n "${PIN13_BENCH_EXTRA:-}" ]; then BENCH_FILES+=("pin13-extra:${PIN13_BENCH_EXTRA#*:}"); fi
  if [ "$LAB_ARCH" = x86_64 ]; then
    if [ -n "${PIN13_BENCH_GLIBC:-}" ]; then BENCH_FILES+=("pin13-glibc:$PIN13_BENCH_GLIBC"); else
      log "building pin13 for the host (glibc, the distro build)"
      (cd "$REPO" && cargo build -q --release --locked -p pin13) || die "cargo build --release -p pin13 failed"
      BENCH_FILES+=("pin13-glibc:$tdir/release/pin13")
    fi
    if [ -n "${PIN13_BENCH_I686:-}" ]; then BENCH_FILES+=("pin13-i686:$PIN13_BENCH_I686"); else
      log "building pin13 (release, i686-unknown-linux-musl)"
      local lenv=()
      [ ${#MUSL_LINKER_ENV[@]} -eq 0 ] || lenv=(CARGO_TARGET_I686_UNKNOWN_LINUX_MUSL_LINKER=rust-lld)
      (cd "$REPO" && env "${lenv[@]}" cargo build -q --release --locked --no-default-features --target i686-unknown-linux-musl -p pin13) ||
        die "cargo build for i686-unknown-linux-musl failed (rustup target add i686-unknown-linux-musl)"
      BENCH_FILES+=("pin13-i686:$tdir/i686-unknown-linux-musl/release/pin13")
    fi
    gcc "${cflags[@]}" -o "$CACHE/build/floor" "$LAB_DIR/tools/floor.c" || die "gcc floor.c failed"
    gcc -m32 "${cflags[@]}" -o "$CACHE/build/floor32" "$LAB_DIR/tools/floor.c" || die "gcc -m32 floor.c failed"
    BENCH_FILES+=("floor:$CACHE/build/floor" "floor32:$CACHE/build/floor32")
  else
    gcc -m32 "${cflags[@]}" -o "$CACHE/build/floor32" "$LAB_DIR/tools/floor.c" || die "gcc -m32 floor.c failed"
    BENCH_FILES+=("floor:$CACHE/build/floor32")
  fi
}

# Copy a dynamic binary with every library ldd names, and the loader.
install_dynamic() {
  local root=$1 bin=$2 lib
  mkdir -p "$root$(dirname "$bin")"
  cp -L "$bin" "$root$bin"
  for lib in $(ldd "$bin" | awk '/=> \// {print $3} /^[[:space:]]*\// {print $1}'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

# --- initramfs -------------------------------------------------------------------

# build_initramfs OUT.gz: busybox, modules, rfkill, pin13, labtool, guest scripts.
build_initramfs() {
  local out=$1 root
  root=$(mktemp -d "${TMPDIR:-/tmp}/pin13-lab-root.XXXXXX")
  chmod 0755 "$root"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,home/lab,lab/bin}
  install_modules "$root"
  if [ "$LAB_ARCH" = i386 ]; then
    cp "$OLD_ROOT/bin/busybox" "$root/bin/busybox"
    install_old_dynamic "$root" /usr/sbin/rfkill
    # util-linux 2.36's JSON in the current layout for the scenarios (guest/rfkill-compat)
    cp "$LAB_DIR/guest/rfkill-compat" "$root/lab/bin/rfkill"
    chmod 0755 "$root/lab/bin/rfkill"
  else
    cp /bin/busybox "$root/bin/busybox"
    install_dynamic "$root" /usr/sbin/rfkill
    # optional, for the benchmark's syscall counts
    if [ -x /usr/bin/strace ]; then install_dynamic "$root" /usr/bin/strace; fi
  fi
  cp "$PIN13_BIN" "$root/lab/bin/pin13"
  cp "$LABTOOL_BIN" "$root/lab/bin/labtool"
  local bf
  for bf in "${BENCH_FILES[@]}"; do
    [ -z "${PIN13_BENCH_EXTRA:-}" ] || echo "${PIN13_BENCH_EXTRA%%:*}" > "$root/lab/extra-label"
    if file_is_static "${bf#*:}"; then
      cp "${bf#*:}" "$root/lab/bin/${bf%%:*}"
    else
      install_dynamic "$root" "${bf#*:}"
      mv "$root${bf#*:}" "$root/lab/bin/${bf%%:*}"
    fi
  done
  cp "$LAB_DIR/guest/init" "$root/init"
  cp "$LAB_DIR"/guest/*.sh "$root/lab/"
  cp -r "$LAB_DIR/scenarios" "$root/lab/scenarios"
  chmod 0755 "$root/init"
  printf 'root:x:0:0:root:/root:/bin/sh\nlab:x:1000:1000:lab user:/home/lab:/bin/sh\n' > "$root/etc/passwd"
  printf 'root:x:0:\nlab:x:1000:\n' > "$root/etc/group"
  # every file belongs to root in the guest; init gives /home/lab to the lab user
  (cd "$root" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet | gzip -1) > "$out.tmp"
  rm -rf "$root"
  mv "$out.tmp" "$out"
}

build_ssdt() {
  local out=$1 d
  d=$(mktemp -d "${TMPDIR:-/tmp}/pin13-lab-asl.XXXXXX")
  cp "$LAB_DIR/dellrbtn.asl" "$d/"
  (cd "$d" && iasl -p "$d/lab" dellrbtn.asl >"$d/iasl.log" 2>&1) || { cat "$d/iasl.log" >&2; die "iasl failed"; }
  mv "$d/lab.aml" "$out"
  rm -rf "$d"
}

# prepare WORKDIR: everything a boot needs, in WORKDIR.
prepare() {
  WORK=$1
  mkdir -p "$WORK"
  need_tools
  fetch_kernel
  build_pin13
  build_labtool
  build_bench_extras
  build_ssdt "$WORK/lab.aml"
  build_initramfs "$WORK/initrd.gz"
  log "kernel $(basename "$VMLINUZ"), initramfs $(du -k "$WORK/initrd.gz" | cut -f1) KiB"
}

# boot MODE [extra kernel args]: boots one VM; the console goes to $WORK/console.log,
# the data port (ttyS1) to $WORK/data.txt. Returns QEMU's status (124 = timed out).
boot() {
  local mode=$1; shift
  local t=${PIN13_LAB_TIMEOUT:-900} rc=0
  # callers run `boot ... || rc=$?`, so errexit is off in here and PIPESTATUS survives
  rm -f "$WORK/console.log" "$WORK/data.txt"
  log "booting VM (mode $mode, timeout ${t}s)"
  if [ "$mode" = shell ]; then
    "${QEMU[@]}" -display none -monitor none -no-reboot \
      -serial stdio -serial "file:$WORK/data.txt" \
      -device pc-testdev -acpitable "file=$WORK/lab.aml" \
      -kernel "$VMLINUZ" -initrd "$WORK/initrd.gz" -append "console=ttyS0 quiet panic=-1 lab.mode=shell $*"
    return
  fi
  timeout -k 10 "$t" "${QEMU[@]}" -smp 1 \
    -display none -monitor none -no-reboot \
    -serial stdio -serial "file:$WORK/data.txt" \
    -device pc-testdev -acpitable "file=$WORK/lab.aml" \
    -kernel "$VMLINUZ" -initrd "$WORK/initrd.gz" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 lab.mode=$mode lab.only=${PIN13_LAB_ONLY:-} $*" \
    </dev/null | tee "$WORK/console.log" | console_filter
  rc=${PIPESTATUS[0]}
  return "$rc"
}

# Show the report lines live; the full console stays in console.log.
console_filter() {
  if [ "${PIN13_LAB_VERBOSE:-0}" = 1 ]; then
    tr -d '\r'
  else
    tr -d '\r' | grep --line-buffered -E '^(@@|  \|)' || true
  fi
}

# Decode the files the guest exported on ttyS1 into DIR.
# Format: "@@FILE name" / base64 lines / "@@END".
extract_data() {
  local dir=$1
  mkdir -p "$dir"
  tr -d '\r' < "$WORK/data.txt" | awk -v dir="$dir" '
    /^@@FILE / { name = $2; out = dir "/" name ".b64"; printf "" > out; next }
    /^@@END/   { close(out); print name; name = ""; next }
    name != "" { print >> out }
  ' | while read -r name; do
    mkdir -p "$(dirname "$dir/$name")"
    base64 -d < "$dir/$name.b64" > "$dir/$name"
    rm -f "$dir/$name.b64"
  done
}
