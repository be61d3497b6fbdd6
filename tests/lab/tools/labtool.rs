//! pin13 lab helper (runs inside the QEMU guest; std only, built with rustc).
#![forbid(unsafe_code)]
fn main() {
    eprintln!("labtool: nothing here yet");
    std::process::exit(2);
}
