#!/usr/bin/env bash
# Build the jig firmware (release) for both boards from one source and write,
# relative to the repo root:
#   target/firmware/pin13-jig.elf         Pico (RP2040), for probe-rs / a debugger
#   target/firmware/pin13-jig.uf2         Pico: drag onto the RPI-RP2 drive
#   target/firmware/pin13-jig-pico2.elf   Pico 2 (RP2350, feature pico2)
#   target/firmware/pin13-jig-pico2.uf2   Pico 2: drag onto the RP2350 drive
# Checks each UF2 (family id, flash base, 256-byte blocks) and that each flash
# image is at most 64 KiB. Works on a fresh machine with rustup: it adds the
# thumbv6m-none-eabi and thumbv8m.main-none-eabihf targets itself.
# Exit status: 0 ok, 1 build or check failed.
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
  for t in thumbv6m-none-eabi thumbv8m.main-none-eabihf; do
    if ! rustup target list --installed | grep -qx "$t"; then
      echo "build.sh: adding the $t target"
      rustup target add "$t"
    fi
  done
fi

mkdir -p "$out_dir"
uf2conv=(cargo run --quiet --locked -p uf2conv --)
start=$SECONDS

# board  cargo-features                        target                      output name
boards=(
  "pico  --features=pico                      thumbv6m-none-eabi          $elf_name"
  "pico2 --no-default-features,--features=pico2 thumbv8m.main-none-eabihf $elf_name-pico2"
)
for line in "${boards[@]}"; do
  read -r board feats target name <<<"$line"
  IFS=',' read -r -a feat_args <<<"$feats"
  t0=$SECONDS
  echo "build.sh: building the firmware for $board (release, $target)"
  (cd "$fw_dir" && cargo build --release "${locked[@]}" "${feat_args[@]}" --target "$target" --target-dir "$fw_target_dir")
  elf=$fw_target_dir/$target/release/$elf_name
  if [ ! -f "$elf" ]; then
    echo "build.sh: expected $elf after the build, it is not there" >&2
    exit 1
  fi
  cp "$elf" "$out_dir/$name.elf"
  echo "build.sh: converting to UF2 ($board)"
  "${uf2conv[@]}" --board "$board" convert "$out_dir/$name.elf" "$out_dir/$name.uf2"
  "${uf2conv[@]}" --board "$board" check "$out_dir/$name.uf2" --max-flash "$max_flash"
  if command -v size >/dev/null 2>&1; then
    # GNU size reads the ARM ELF section table.
    size -A "$out_dir/$name.elf" | awk '$1 ~ /^\.(boot2|vector_table|start_block|text|rodata|data|bss|uninit)$/ { printf "  %-14s %7d bytes\n", $1, $2 }'
  fi
  echo "build.sh: $board firmware build $((SECONDS - t0))s"
  echo "build.sh: wrote target/firmware/$name.elf and target/firmware/$name.uf2"
done
echo "build.sh: total $((SECONDS - start))s"
