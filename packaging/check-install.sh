#!/usr/bin/env bash
# Install a pin13 .deb on this machine, check it the way a user would, remove it
# and check that nothing it installed is left. CI runs it (as root) on the amd64
# package; it changes the system's package database, so run it only where that is
# fine (a CI machine, a container, a VM).
#
#   bash packaging/check-install.sh target/dist/pin13_VER_amd64.deb
#
# Checks: `dpkg -i` works with no dependencies to fetch; `pin13 --version` names the
# package version; `man -w pin13` finds the page; a fresh bash with bash-completion
# loads pin13's completion and completes `pin13 st` to `status`; zsh and fish files
# are in their vendor paths; the udev rule is only an example (no rule installed);
# `dpkg -r pin13` removes every file the package listed and the package is gone
# (no conffiles, so nothing is left for purge).
# Needs: dpkg, man-db, bash-completion.
set -euo pipefail

deb=${1:?usage: check-install.sh PACKAGE.deb}
[[ -f $deb ]] || { echo "check-install: no such file: $deb" >&2; exit 1; }
fail() {
  echo "check-install: FAIL: $*" >&2
  exit 1
}
[[ $(id -u) == 0 ]] || fail "run as root (it installs and removes the package)"

version=$(dpkg-deb -f "$deb" Version)
if dpkg-query -W -f='${db:Status-Status}' pin13 2>/dev/null | grep -q '^installed$'; then
  fail "pin13 is already installed here; remove it first (dpkg -r pin13)"
fi
listing=$(mktemp "${TMPDIR:-/tmp}/pin13-check.XXXXXX")
trap 'rm -f "$listing"' EXIT

echo "check-install: dpkg -i $deb ($version)"
dpkg -i "$deb"
dpkg-query -L pin13 >"$listing"

# the program
got=$(pin13 --version)
[[ $got == "pin13 "*" ($version)" ]] || fail "pin13 --version says '$got', expected the package version $version"
echo "check-install: pin13 --version: $got"
[[ $(command -v pin13) == /usr/bin/pin13 ]] || fail "pin13 is $(command -v pin13), expected /usr/bin/pin13"

# the man page
page=$(man -w pin13) || fail "man -w pin13 finds no page"
[[ $page == /usr/share/man/man1/pin13.1.gz ]] || fail "man -w pin13 gives $page"
man pin13 2>/dev/null | grep -q 'pin13' || fail "man pin13 renders nothing"
echo "check-install: man -w pin13: $page"

# bash completion, in a fresh bash (no rc files) with bash-completion's loader
[[ -f /usr/share/bash-completion/bash_completion ]] || fail "bash-completion is not installed (apt-get install bash-completion)"
comp=$(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/nonexistent bash --norc --noprofile -c '
  . /usr/share/bash-completion/bash_completion || exit 1
  _completion_loader pin13 >/dev/null 2>&1 || true
  complete -p pin13 || exit 2
  fn=$(complete -p pin13 | sed -n "s/.*-F \([^ ]*\).*/\1/p")
  COMP_WORDS=(pin13 st); COMP_CWORD=1; COMP_LINE="pin13 st"; COMP_POINT=${#COMP_LINE}
  "$fn" pin13 st pin13
  printf "reply: %s\n" "${COMPREPLY[*]}"
') || fail "bash does not load a completion for pin13: $comp"
grep -q '^reply: .*\bstatus\b' <<<"$comp" || fail "bash completion of 'pin13 st' does not offer status: $comp"
echo "check-install: bash completion: $(head -n1 <<<"$comp"); 'pin13 st' -> $(sed -n 's/^reply: //p' <<<"$comp")"
for f in /usr/share/zsh/vendor-completions/_pin13 /usr/share/fish/vendor_completions.d/pin13.fish; do
  [[ -s $f ]] || fail "$f is missing"
done

# docs; the udev rule only as an example
for f in copyright changelog.gz examples/60-pin13-rfkill.rules; do
  [[ -s /usr/share/doc/pin13/$f ]] || fail "/usr/share/doc/pin13/$f is missing"
done
if grep -q '^/etc/\|^/lib/udev\|^/usr/lib/udev' "$listing"; then
  fail "the package installs into /etc or a udev rules directory: $(grep '^/etc/\|udev' "$listing")"
fi

# it works (nothing here is an rfkill machine for sure: the fixture would be in
# the source tree, so just ask for the jig simulator, which needs no hardware)
pin13 jig probe --backend sim --wire open >/dev/null || fail "pin13 jig probe --backend sim --wire open failed"

# removal
echo "check-install: dpkg -r pin13"
dpkg -r pin13
status=$(dpkg-query -W -f='${db:Status-Status}' pin13 2>/dev/null || echo not-installed)
[[ $status == not-installed ]] || fail "after dpkg -r, pin13 is '$status' (conffiles left?)"
left=()
while IFS= read -r p; do
  [[ -n $p ]] || continue
  if [[ -d $p && ! -L $p ]]; then
    # shared directories (/usr, /usr/share/man/man1, ...) stay; pin13's own must go
    case $p in
      /usr/share/doc/pin13 | /usr/share/doc/pin13/*) left+=("$p/") ;;
    esac
  elif [[ -e $p || -L $p ]]; then
    left+=("$p")
  fi
done <"$listing"
((${#left[@]} == 0)) || fail "dpkg -r left: ${left[*]}"
hash -r
[[ ! -e /usr/bin/pin13 ]] && ! command -v pin13 >/dev/null || fail "pin13 is still on PATH: $(command -v pin13)"
echo "check-install: OK ($(grep -c . "$listing") paths installed, all removed)"
