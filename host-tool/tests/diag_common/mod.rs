//! Helpers for the diagnose/verify/snapshot CLI tests: run the built binary
//! on fixture trees and capture files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn sysfs(name: &str) -> PathBuf {
    repo().join("tests/fixtures/sysfs").join(name)
}

pub fn proc(name: &str) -> PathBuf {
    repo().join("tests/fixtures/proc").join(name)
}

pub fn example(name: &str) -> PathBuf {
    repo()
        .join("examples/snapshots")
        .join(format!("{name}.json"))
}

/// The trees made for issue 3 (with a `proc/` twin) and the host-core ones reused here.
pub const OWN_TREES: &[&str] = &[
    "ipw2200-taped",
    "ipw2200-taped-softblock",
    "thinkpad-radio-switch",
    "dell-rbtn-legacy",
    "iwlwifi-not-owner",
    "pre511-ipw2200",
];
pub const CORE_TREES: &[&str] = &[
    "ipw2200-hardkill",
    "pre511-ipw2200-btusb",
    "qemu-all-types",
    "qemu-hwsim2",
];

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8(o.stdout).unwrap(),
            stderr: String::from_utf8(o.stderr).unwrap(),
        }
    }
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// A clean command: no PIN13_* from the caller's environment.
pub fn pin13() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pin13"));
    c.env_remove("PIN13_SYSFS")
        .env_remove("PIN13_RFKILL_DEV")
        .env_remove("PIN13_PROC")
        .env("LC_ALL", "C");
    c
}

/// `pin13 --sysfs TREE --rfkill-dev DEV ARGS...`
pub fn on(tree: &Path, dev: &Path, args: &[&str]) -> Run {
    pin13()
        .arg("--sysfs")
        .arg(tree)
        .arg("--rfkill-dev")
        .arg(dev)
        .args(args)
        .output()
        .unwrap()
        .into()
}

/// `pin13 --sysfs FIXTURE --rfkill-dev /nonexistent ARGS...` (sysfs alone).
pub fn fixture(name: &str, args: &[&str]) -> Run {
    on(&sysfs(name), Path::new("/nonexistent/rfkill"), args)
}

pub fn replay(file: &Path, args: &[&str]) -> Run {
    pin13()
        .arg("--replay")
        .arg(file)
        .args(args)
        .output()
        .unwrap()
        .into()
}

/// One 8-byte rfkill event record (`dd if=/dev/rfkill bs=8`).
pub fn rec(idx: u32, kind: u8, op: u8, soft: u8, hard: u8) -> Vec<u8> {
    let mut v = idx.to_ne_bytes().to_vec();
    v.extend_from_slice(&[kind, op, soft, hard]);
    v
}

pub const ADD: u8 = 0;
pub const DEL: u8 = 1;
pub const CHANGE: u8 = 2;
pub const WLAN: u8 = 1;

/// A scratch directory for one test.
pub fn scratch(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pin13-diag-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Write a capture file of records and return its path.
pub fn capture(dir: &Path, records: &[Vec<u8>]) -> PathBuf {
    let p = dir.join("rfkill.capture");
    std::fs::write(&p, records.concat()).unwrap();
    p
}
