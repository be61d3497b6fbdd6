//! `uf2conv convert IN.elf OUT.uf2` and `uf2conv check FILE.uf2 [--max-flash BYTES]`
//! for the Raspberry Pi Pico (used by firmware/build.sh).
//!
//! Exit status: 0 ok, 1 conversion or check failed, 2 usage error.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use uf2conv::{check, elf_to_uf2, PICO};

const USAGE: &str =
    "usage: uf2conv convert IN.elf OUT.uf2\n       uf2conv check FILE.uf2 [--max-flash BYTES]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["convert", input, output] => convert(input, output),
        ["check", file] => check_file(file, None),
        ["check", file, "--max-flash", max] => match max.parse::<u32>() {
            Ok(m) => check_file(file, Some(m)),
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

fn convert(input: &str, output: &str) -> ExitCode {
    let elf = match std::fs::read(input) {
        Ok(b) => b,
        Err(e) => return fail(format!("cannot read {input}: {e}")),
    };
    let uf2 = match elf_to_uf2(&elf, PICO) {
        Ok(u) => u,
        Err(e) => return fail(format!("{input}: {e}")),
    };
    // Check what we wrote with the same rules the checker applies.
    if let Err(e) = check(&uf2, PICO) {
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

fn check_file(file: &str, max_flash: Option<u32>) -> ExitCode {
    let uf2 = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => return fail(format!("cannot read {file}: {e}")),
    };
    let info = match check(&uf2, PICO) {
        Ok(i) => i,
        Err(e) => return fail(format!("{file}: invalid UF2: {e}")),
    };
    let span = info.flash_span(PICO);
    println!(
        "{file}: valid RP2040 UF2, {} blocks, flash 0x{:08x}..0x{:08x} ({span} bytes)",
        info.blocks, PICO.flash_base, info.end
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
