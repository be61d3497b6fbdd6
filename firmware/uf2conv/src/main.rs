//! `uf2conv convert IN.elf OUT.uf2` and `uf2conv check FILE.uf2 [--max-flash BYTES]`
//! for the Raspberry Pi Pico (used by firmware/build.sh); `--board pico2` (first
//! argument) for the Pico 2 (RP2350).
//!
//! Exit status: 0 ok, 1 conversion or check failed, 2 usage error.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use uf2conv::{board, check, elf_to_uf2, Target, PICO};

const USAGE: &str = "usage: uf2conv [--board pico|pico2] convert IN.elf OUT.uf2\n       \
                     uf2conv [--board pico|pico2] check FILE.uf2 [--max-flash BYTES]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut target = PICO;
    if let ["--board", name, ..] = args.as_slice() {
        match board(name) {
            Some(t) => target = t,
            None => return usage(&format!("unknown board {name:?} (pico or pico2)")),
        }
        args.drain(..2);
    }
    match args.as_slice() {
        ["convert", input, output] => convert(input, output, target),
        ["check", file] => check_file(file, None, target),
        ["check", file, "--max-flash", max] => match max.parse::<u32>() {
            Ok(m) => check_file(file, Some(m), target),
            Err(_) => usage(&format!("--max-flash wants a number of bytes, got {max:?}")),
        },
        _ => usage("unknown arguments"),
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("uf2conv: {msg}\n{USAGE}");
    ExitCode::from(2)
}

fn fail(msg: String) -> ExitCode {
    eprintln!("uf2conv: {msg}");
    ExitCode::from(1)
}

fn convert(input: &str, output: &str, target: Target) -> ExitCode {
    let elf = match std::fs::read(input) {
        Ok(b) => b,
        Err(e) => return fail(format!("cannot read {input}: {e}")),
    };
    let uf2 = match elf_to_uf2(&elf, target) {
        Ok(u) => u,
        Err(e) => return fail(format!("{input}: {e}")),
    };
    // Check what we wrote with the same rules the checker applies.
    if let Err(e) = check(&uf2, target) {
        return fail(format!(
            "internal error, converted image fails its check: {e}"
        ));
    }
    if let Err(e) = std::fs::write(output, &uf2) {
        return fail(format!("cannot write {output}: {e}"));
    }
    println!("{output}: {} UF2 blocks", uf2.len() / uf2conv::BLOCK_SIZE);
    ExitCode::SUCCESS
}

fn check_file(file: &str, max_flash: Option<u32>, target: Target) -> ExitCode {
    let uf2 = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => return fail(format!("cannot read {file}: {e}")),
    };
    let info = match check(&uf2, target) {
        Ok(i) => i,
        Err(e) => return fail(format!("{file}: invalid UF2: {e}")),
    };
    let span = info.flash_span(target);
    println!(
        "{file}: valid {} UF2 (family 0x{:08x}), {} blocks, flash 0x{:08x}..0x{:08x} ({span} bytes)",
        target.chip, target.family, info.blocks, target.flash_base, info.end
    );
    if let Some(max) = max_flash {
        if span > max {
            return fail(format!(
                "{file}: flash image is {span} bytes, over the {max}-byte limit"
            ));
        }
    }
    ExitCode::SUCCESS
}
