#!/usr/bin/env bash
# Everything a user installs, from one command:
#
#   bash scripts/dist.sh                  # writes target/dist/
#   bash scripts/dist.sh --print-version  # only print the package version
#
# target/dist/ then holds (VER = the package version, see below):
#   pin13_VER_i386.deb   static i686 binary (SSE2: Pentium M and later), any i386 Debian/Ubuntu
#   pin13_VER_amd64.deb  static x86_64 binary
#   pin13_VER_arm64.deb  static aarch64 binary with the Raspberry Pi GPIO jig backend
#                        (feature rpi): Raspberry Pi OS 64-bit Bullseye and Bookworm
#   pin13-VER-{i686,x86_64,aarch64}.tar.gz   binary, man page, completions, README, guide,
#                        hardware reference, udev example, copyright
#   pin13-jig-VER.uf2    the Pico jig firmware (drag onto the RPI-RP2 drive)
#   SHA256SUMS           over all of the above (`sha256sum -c SHA256SUMS`)
#
# Each .deb installs /usr/bin/pin13, /usr/share/man/man1/pin13.1.gz, completions in
# the vendor paths (bash-completion, zsh vendor-completions, fish vendor_completions.d),
# /usr/share/doc/pin13/ (copyright, changelog.gz, README, guide, hardware reference,
# examples/60-pin13-rfkill.rules: documented, not active). No maintainer scripts,
# no Depends (the binaries are static).
#
# Why plain dpkg-deb and not cargo-deb: three targets (two of them cross, all static
# musl builds made by scripts/build-static.sh with rust-lld) go into packages with the
# same contents; dpkg-deb is on every Debian machine already, while cargo-deb would be
# one more tool to compile on a fresh CI machine and would still need per-target
# configuration, the generated man page and completions staged by hand.
#
# Package version: the workspace version (Cargo.toml) when the tree is exactly at tag
# v<version> or has no git; otherwise <version>+git<YYYYMMDD>.<commit> (+ ".dirty" with
# uncommitted changes), so a snapshot sorts after the release it builds on and names
# its commit. PIN13_PKG_VERSION overrides it. The binaries are built with
# PIN13_BUILD=<package version>, so `pin13 --version` names the package.
# File dates are the commit's (SOURCE_DATE_EPOCH); tar and gzip store no owner, name or
# time of their own.
#
# Needs: what scripts/build-static.sh and firmware/build.sh need (rustup, file,
# qemu-user for the aarch64 check), dpkg-deb, gzip, tar, sha256sum.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 022

fail() {
  echo "dist: FAIL: $*" >&2
  exit 1
}

# --- version -------------------------------------------------------------------

base_version=$(sed -n '/^\[workspace.package\]/,/^\[/ s/^version *= *"\(.*\)"/\1/p' Cargo.toml)
[[ -n $base_version ]] || fail "no version in Cargo.toml [workspace.package]"

if git rev-parse --git-dir >/dev/null 2>&1; then
  commit_epoch=$(git log -1 --format=%ct)
  if [[ $(git describe --tags --exact-match 2>/dev/null || true) == "v$base_version" ]] &&
    git diff --quiet HEAD 2>/dev/null; then
    version=$base_version
  else
    version="$base_version+git$(date -u -d "@$commit_epoch" +%Y%m%d).$(git rev-parse --short=7 HEAD)"
    git diff --quiet HEAD 2>/dev/null || version+=.dirty
  fi
else
  commit_epoch=$(stat -c %Y Cargo.toml)
  version=$base_version
fi
version=${PIN13_PKG_VERSION:-$version}
if [[ ${1:-} == --print-version ]]; then
  echo "$version"
  exit 0
fi
[[ $# -eq 0 ]] || fail "usage: bash scripts/dist.sh [--print-version]"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$commit_epoch}
export PIN13_BUILD=$version

# --- maintainer ------------------------------------------------------------------
# The project has no public home or address yet, so none is written into the
# packaging files: whoever builds packages names themselves, with the variables
# Debian's own tools read (DEBFULLNAME, DEBEMAIL), or PIN13_MAINTAINER whole.
# Without them a snapshot build gets a placeholder (an example.org address, which
# is nobody's) and a warning; a release build refuses.
placeholder='pin13 snapshot build <maintainer-unset@example.org>'
if [[ -n ${PIN13_MAINTAINER:-} ]]; then
  maintainer=$PIN13_MAINTAINER
elif [[ -n ${DEBFULLNAME:-} && -n ${DEBEMAIL:-} ]]; then
  maintainer="$DEBFULLNAME <$DEBEMAIL>"
elif [[ $version == "$base_version" ]]; then
  fail "release $version: set DEBFULLNAME and DEBEMAIL (or PIN13_MAINTAINER) to the packager's name and address for the Maintainer field"
else
  maintainer=$placeholder
  echo "dist: warning: no DEBFULLNAME/DEBEMAIL: Maintainer is the placeholder '$placeholder'; set them before publishing" >&2
fi
[[ $maintainer == *' <'*@*'>' && $maintainer != *[,\\/\&]* ]] ||
  fail "Maintainer '$maintainer' is not 'Name <address>' (without , / \\ or &: they break the control file or sed)"

for t in dpkg-deb gzip tar sha256sum; do
  command -v "$t" >/dev/null || fail "$t is missing"
done

OUT=target/dist
STAGE=target/dist-stage
rm -rf "$OUT" "$STAGE"
mkdir -p "$OUT" "$STAGE"

# --- builds ----------------------------------------------------------------------

echo "dist: version $version (PIN13_BUILD), file dates $(date -u -d "@$SOURCE_DATE_EPOCH" +%FT%TZ)"
bash scripts/build-static.sh
bash firmware/build.sh

host_bin=target/static/pin13-x86_64
[[ $(uname -m) == x86_64 ]] || fail "run dist.sh on x86_64 (it runs the x86_64 builds)"
got=$("$host_bin" --version)
[[ $got == "pin13 $base_version ($version)" ]] || fail "pin13 --version says '$got', expected 'pin13 $base_version ($version)'"

# Generated once, the same for every architecture, by a full build for this
# machine: the packaged binaries are built without the `generators` feature
# (scripts/build-static.sh), this one with it (the default; what `cargo install`
# gives). Same sources and version, so the same clap tree.
echo "dist: cargo build --release -p pin13 (with the generators, for the man page and completions)"
cargo build --locked --release -p pin13
gen_bin=target/release/pin13
got=$("$gen_bin" --version)
[[ $got == "pin13 $base_version ($version)" ]] || fail "$gen_bin --version says '$got', expected 'pin13 $base_version ($version)'"
gen=$STAGE/gen
mkdir -p "$gen"
"$gen_bin" man >"$gen/pin13.1"
"$gen_bin" completions bash >"$gen/pin13.bash"
"$gen_bin" completions zsh >"$gen/_pin13"
"$gen_bin" completions fish >"$gen/pin13.fish"
for f in pin13.1 pin13.bash _pin13 pin13.fish; do
  [[ -s $gen/$f ]] || fail "pin13 wrote an empty $f"
done

# The changelog: packaging/debian/changelog, with a snapshot entry on top when the
# version is not the release's.
top=$(sed -n '1s/^pin13 (\([^)]*\)).*/\1/p' packaging/debian/changelog)
[[ $top == "$base_version" ]] || fail "packaging/debian/changelog's newest entry is $top, Cargo.toml says $base_version"
{
  if [[ $version != "$base_version" ]]; then
    printf 'pin13 (%s) UNRELEASED; urgency=medium\n\n' "$version"
    printf '  * Snapshot of %s.\n\n' "$(git describe --always --dirty 2>/dev/null || echo "the source tree")"
    printf ' -- %s  %s\n\n' "$maintainer" \
      "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
  fi
  cat packaging/debian/changelog
} >"$gen/changelog"

gz() { # gz FILE -> FILE.gz (no name or time inside: reproducible)
  gzip -9nf "$1"
}

# stage_docs DIR: the documentation, the udev example and the copyright into DIR.
# Text files over 4 KiB are compressed in the package (Debian policy 12.3), not in
# the tarball.
stage_docs() {
  local d=$1 compress=$2 f
  install -d "$d/hardware" "$d/examples"
  install -m 0644 README.md "$d/README.md"
  install -m 0644 docs/guide.md "$d/guide.md"
  for f in pin13-reference.md bom.md jig.toml card-edge.svg jig-wiring.svg; do
    install -m 0644 "hardware/$f" "$d/hardware/$f"
  done
  install -m 0644 packaging/60-pin13-rfkill.rules "$d/examples/60-pin13-rfkill.rules"
  install -m 0644 packaging/debian/copyright "$d/copyright"
  if [[ $compress == yes ]]; then
    install -m 0644 "$gen/changelog" "$d/changelog"
    gz "$d/changelog"
    while IFS= read -r -d '' f; do
      if (($(stat -c %s "$f") > 4096)); then gz "$f"; fi
    done < <(find "$d" -type f ! -name copyright ! -name '*.gz' ! -path '*/examples/*' -print0)
  fi
}

# Every path's mtime = SOURCE_DATE_EPOCH.
clamp_dates() {
  find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

# --- packages --------------------------------------------------------------------

arches=(i386 amd64 arm64)
declare -A bin_of=([i386]=pin13-i686 [amd64]=pin13-x86_64 [arm64]=pin13-aarch64)
declare -A tar_arch=([i386]=i686 [amd64]=x86_64 [arm64]=aarch64)

for a in "${arches[@]}"; do
  bin=target/static/${bin_of[$a]}
  [[ -x $bin ]] || fail "$bin is missing (scripts/build-static.sh)"

  # .deb
  root=$STAGE/deb-$a
  install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man1" \
    "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
    "$root/usr/share/fish/vendor_completions.d" "$root/usr/share/doc/pin13"
  install -m 0755 "$bin" "$root/usr/bin/pin13"
  install -m 0644 "$gen/pin13.1" "$root/usr/share/man/man1/pin13.1"
  gz "$root/usr/share/man/man1/pin13.1"
  install -m 0644 "$gen/pin13.bash" "$root/usr/share/bash-completion/completions/pin13"
  install -m 0644 "$gen/_pin13" "$root/usr/share/zsh/vendor-completions/_pin13"
  install -m 0644 "$gen/pin13.fish" "$root/usr/share/fish/vendor_completions.d/pin13.fish"
  stage_docs "$root/usr/share/doc/pin13" yes
  # the override is for non-PIE static binaries only (lintian does not flag static-pie)
  if [[ $(file -b "$bin") != *static-pie* ]]; then
    install -d "$root/usr/share/lintian/overrides"
    install -m 0644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/pin13"
  fi
  (cd "$root" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
  chmod 0644 "$root/DEBIAN/md5sums"
  size_kib=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
  sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$a/" -e "s/@INSTALLED_SIZE@/$size_kib/" \
    -e "s/@MAINTAINER@/$maintainer/" \
    packaging/debian/control.in >"$root/DEBIAN/control"
  chmod 0644 "$root/DEBIAN/control"
  clamp_dates "$root"
  deb=$OUT/pin13_${version}_$a.deb
  dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
  # the binary inside must be the one for this architecture
  case $a:$(file -b "$bin") in
    i386:*"Intel 80386"* | amd64:*x86-64* | arm64:*aarch64*) ;;
    *) fail "$bin is not an $a binary: $(file -b "$bin")" ;;
  esac

  # tarball
  name=pin13-$version-${tar_arch[$a]}
  t=$STAGE/tar/$name
  install -d "$t/completions"
  install -m 0755 "$bin" "$t/pin13"
  install -m 0644 "$gen/pin13.1" "$t/pin13.1"
  install -m 0644 "$gen/pin13.bash" "$t/completions/pin13.bash"
  install -m 0644 "$gen/_pin13" "$t/completions/_pin13"
  install -m 0644 "$gen/pin13.fish" "$t/completions/pin13.fish"
  stage_docs "$t" no
  install -m 0644 "$gen/changelog" "$t/changelog"
  cat >"$t/INSTALL" <<EOF
pin13 $version for ${tar_arch[$a]} Linux: one static binary, no libraries needed.

As root, from this directory:

  install -m 0755 pin13 /usr/local/bin/pin13
  install -Dm 0644 pin13.1 /usr/local/share/man/man1/pin13.1
  install -Dm 0644 completions/pin13.bash /usr/local/share/bash-completion/completions/pin13
  install -Dm 0644 completions/_pin13 /usr/local/share/zsh/site-functions/_pin13
  install -Dm 0644 completions/pin13.fish /usr/local/share/fish/vendor_completions.d/pin13.fish

Then: pin13 diagnose   (and man pin13). On Debian and derivatives the .deb
package does the same (sudo apt install ./pin13_${version}_$a.deb).
Non-root block/unblock: examples/60-pin13-rfkill.rules (read it first).
EOF
  chmod 0644 "$t/INSTALL"
  clamp_dates "$t"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -C "$STAGE/tar" -cf - "$name" | gzip -9n >"$OUT/$name.tar.gz"
done

install -m 0644 target/firmware/pin13-jig.uf2 "$OUT/pin13-jig-$version.uf2"
(cd "$OUT" && find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%f\n' | LC_ALL=C sort |
  xargs sha256sum >SHA256SUMS)
rm -rf "$STAGE"

echo
echo "dist: target/dist/ ($version)"
(cd "$OUT" && for f in *; do printf '  %-44s %9d bytes\n' "$f" "$(stat -c %s "$f")"; done)
(cd "$OUT" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS does not verify"
echo "dist: OK"
