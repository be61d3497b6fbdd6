//! Helpers shared by the CLI tests: run the built `pin13` from the repository
//! root (so fixture paths read like README.md's), compare with golden files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

pub const BIN: &str = env!("CARGO_BIN_EXE_pin13");

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub fn fixtures() -> PathBuf {
    root().join("tests/fixtures")
}

/// A `pin13` command run from the repository root with a clean environment
/// for the variables pin13 reads.
pub fn pin13(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(root())
        .args(args)
        .env_remove("PIN13_SYSFS")
        .env_remove("PIN13_RFKILL_DEV")
        .env("TZ", "UTC")
        .stdin(Stdio::null());
    c
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str]) -> Run {
    finish(pin13(args).output().unwrap())
}

pub fn finish(o: Output) -> Run {
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    }
}

/// Compare `actual` with `host-tool/tests/golden/NAME`; `UPDATE_GOLDEN=1`
/// rewrites the file instead (then review the diff before committing).
pub fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    assert_eq!(actual, want, "output differs from {}", path.display());
}

/// A fresh, empty directory for one test.
pub fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "pin13-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// One 8-byte event as the kernel writes it (little-endian idx on x86).
pub fn rec(idx: u32, kind: u8, op: u8, soft: u8, hard: u8) -> Vec<u8> {
    let mut v = idx.to_ne_bytes().to_vec();
    v.extend_from_slice(&[kind, op, soft, hard]);
    v
}
