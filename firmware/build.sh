#!/usr/bin/env bash
# Build the Pico jig firmware (release) and write, relative to the repo root:
#   target/firmware/pin13-jig.elf   (for probe-rs / a debugger)
#   target/firmware/pin13-jig.uf2   (drag onto the Pico's RPI-RP2 drive)
# Checks that the UF2 is valid for the RP2040 and that the flash image is at
# most 64 KiB. Works on a fresh machine with rustup: it adds the
# thumbv6m-none-eabi target itself. Exit status: 0 ok, 1 build or check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

max_flash=$((64 * 1024))
fw_dir=firmware/rp2040
fw_target_dir=$root/$fw_dir/target
out_dir=$root/target/firmware
elf_name=pin13-jig

locked=()
if [ -f "$fw_dir/Cargo.lock" ]; then locked=(--locked); fi

if command -v rustup >/dev/null 2>&1; then
  if ! rustup target list --installed | grep -qx thumbv6m-none-eabi; then
    echo "build.sh: adding the thumbv6m-none-eabi target (Cortex-M0+)"
    rustup target add thumbv6m-none-eabi
  fi
fi

start=$SECONDS
echo "build.sh: building the firmware (release, thumbv6m-none-eabi)"
(cd "$fw_dir" && cargo build --release "${locked[@]}" --target-dir "$fw_target_dir")
fw_secs=$((SECONDS - start))

elf=$fw_target_dir/thumbv6m-none-eabi/release/$elf_name
if [ ! -f "$elf" ]; then
  echo "build.sh: expected $elf after the build, it is not there" >&2
  exit 1
fi
mkdir -p "$out_dir"
cp "$elf" "$out_dir/$elf_name.elf"

echo "build.sh: converting to UF2"
uf2conv=(cargo run --quiet --locked -p uf2conv --)
"${uf2conv[@]}" convert "$out_dir/$elf_name.elf" "$out_dir/$elf_name.uf2"
"${uf2conv[@]}" check "$out_dir/$elf_name.uf2" --max-flash "$max_flash"

if command -v size >/dev/null 2>&1; then
  # GNU size reads the ARM ELF section table.
  size -A "$out_dir/$elf_name.elf" | awk '$1 ~ /^\.(boot2|vector_table|text|rodata|data|bss|uninit)$/ { printf "  %-14s %7d bytes\n", $1, $2 }'
fi
echo "build.sh: firmware build ${fw_secs}s, total $((SECONDS - start))s"
echo "build.sh: wrote target/firmware/$elf_name.elf and target/firmware/$elf_name.uf2"
