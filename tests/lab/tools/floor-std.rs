//! The floor program (floor.c) written with Rust's std, built like pin13's
//! static builds: what std's runtime and a Rust binary add to the least a
//! status can cost (docs/benchmarks.md, "What std's start-up costs"). Not a
//! row of the table; a one-off extra row:
//!
//! ```sh
//! rustc --edition 2021 -C opt-level=z -C panic=abort -C strip=symbols \
//!   -C relocation-model=static -C target-feature=+crt-static -C linker=rust-lld \
//!   --target x86_64-unknown-linux-musl tests/lab/tools/floor-std.rs -o target/floor-std
//! PIN13_BENCH_ARCHES=x86_64 PIN13_BENCH_EXTRA=floor-std:$PWD/target/floor-std \
//!   PIN13_BENCH_TABLE_ONLY=1 bash tests/lab/bench 200
//! ```
//!
//! The bench runs an extra row as `status --json`: the arguments are ignored.
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;

fn main() -> std::process::ExitCode {
    let Ok(mut f) = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(0o4000) // O_NONBLOCK
        .open("/dev/rfkill")
    else {
        eprintln!("floor-std: cannot open /dev/rfkill");
        return std::process::ExitCode::FAILURE;
    };
    let mut buf = [0u8; 64];
    let mut n = 0u32;
    // each read returns one event (8 or 9 bytes); stop at EAGAIN
    while matches!(f.read(&mut buf), Ok(k) if k > 0) {
        n += 1;
    }
    let _ = writeln!(std::io::stdout().lock(), "{n} events");
    std::process::ExitCode::SUCCESS
}
