//! `pin13`: see `pin13 --help`. All logic lives in the library; this file only
//! hands the process exit status back to the OS.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    pin13::app::run()
}
