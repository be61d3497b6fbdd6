//! `pin13 --version` names the version and the build (git describe, the
//! package version from scripts/dist.sh, or "unknown"), so a bug report says
//! what the user ran.

use std::process::Command;

#[test]
fn version_names_the_build() {
    let out = Command::new(env!("CARGO_BIN_EXE_pin13"))
        .arg("--version")
        .output()
        .expect("run pin13 --version");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let want = format!(
        "pin13 {} ({})\n",
        env!("CARGO_PKG_VERSION"),
        env!("PIN13_BUILD")
    );
    assert_eq!(text, want);
    assert!(!env!("PIN13_BUILD").is_empty());
}

#[test]
fn subcommand_version_is_the_same() {
    let out = Command::new(env!("CARGO_BIN_EXE_pin13"))
        .args(["status", "--version"])
        .output()
        .expect("run pin13 status --version");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains(env!("PIN13_BUILD")), "{text}");
}
