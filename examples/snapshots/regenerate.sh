#!/usr/bin/env bash
# Rebuild the example snapshots from the fixture trees. They are what
# `pin13 snapshot --reproducible` writes for each tree (no creation time,
# no /dev/rfkill), with repository-relative paths.
# host-tool/tests/cli/snapshot.rs fails when they are out of date.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q -p pin13
for t in ipw2200-hardkill ipw2200-taped ipw2200-taped-softblock thinkpad-radio-switch \
         dell-rbtn-legacy iwlwifi-not-owner pre511-ipw2200; do
  proc=()
  [ -d "tests/fixtures/proc/$t" ] && proc=(--proc "tests/fixtures/proc/$t")
  target/debug/pin13 --sysfs "tests/fixtures/sysfs/$t" --rfkill-dev /nonexistent/rfkill \
    snapshot --reproducible "${proc[@]}" -o "examples/snapshots/$t.json" 2>/dev/null
  echo "examples/snapshots/$t.json"
done
