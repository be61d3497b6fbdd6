//! Issue 12 section 3, the points no other file pins: `sudo` in the advice
//! only when pin13 is not root (through the built binary, as root and as
//! nobody), and "no such file" for paths the user typed, on every command
//! that reads them.

use crate::harness::*;

const SOFT: &str = "tests/fixtures/sysfs/ipw2200-taped-softblock";

#[test]
fn advice_says_sudo_exactly_when_not_root() {
    let args = [
        "--sysfs",
        SOFT,
        "--rfkill-dev",
        "/nonexistent/rfkill",
        "diagnose",
    ];
    let me = run(&args);
    assert_eq!(me.code, 3, "{}", me.stderr);
    let plain = "1. Lift the soft block: `pin13 unblock phy0`.";
    let sudo = "1. Lift the soft block: `sudo pin13 unblock phy0`.";
    if !running_as_root() {
        has(&me.stdout, sudo);
        return;
    }
    has(&me.stdout, plain);
    assert!(!me.stdout.contains("sudo pin13"), "{}", me.stdout);
    let Some(nobody) = as_nobody(nobody_stage(&[SOFT]).as_ref(), &args) else {
        eprintln!("SKIPPED: no setpriv, the non-root form is not run through the binary");
        return;
    };
    assert_eq!(nobody.code, 3, "{}", nobody.stderr);
    has(&nobody.stdout, sudo);
    // The only difference is the prefix.
    assert_eq!(nobody.stdout.replace("`sudo pin13 ", "`pin13 "), me.stdout);
    // JSON is for programs: the same for everyone.
    let mut json = args.to_vec();
    json.push("--json");
    let nobody = as_nobody(nobody_stage(&[SOFT]).as_ref(), &json).unwrap();
    assert_eq!(nobody.stdout, run(&json).stdout);
}

/// A device path and a sysfs root the user typed that do not exist: every
/// command names the missing file and the options, never "modprobe".
#[test]
fn typed_paths_that_do_not_exist_are_no_such_file() {
    let empty = TempDir::new("wording-empty");
    let sysfs = empty.to_str().unwrap();
    for cmd in [
        &["status"][..],
        &["list"],
        &["event"],
        &["diagnose"],
        &["watch", "--count", "1"],
        &["block", "0"],
        &["toggle", "all"],
    ] {
        let mut a = vec!["--sysfs", sysfs, "--rfkill-dev", "/nonexistent/rfkill"];
        a.extend_from_slice(cmd);
        let r = run(&a);
        assert_eq!(r.code, 1, "{cmd:?}: {}", r.stderr);
        assert!(r.stdout.is_empty() || cmd[0] == "status", "{cmd:?}");
        has(&r.stderr, "no such file: /nonexistent/rfkill");
        assert!(!r.stderr.contains("modprobe"), "{cmd:?}: {}", r.stderr);
    }
    // A sysfs root that is not there is not a machine without rfkill.
    let r = run(&[
        "--sysfs",
        "/nonexistent/sys",
        "--rfkill-dev",
        "/nonexistent/rfkill",
        "snapshot",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    has(&r.stderr, "pin13: no such directory: /nonexistent/sys\n");
    has(&r.stderr, "hint: check the path given to --sysfs");
    assert!(!r.stderr.contains("rfkill not loaded"), "{}", r.stderr);
    // An existing root without rfkill still gives a snapshot (of the kernel).
    let r = run(&[
        "--sysfs",
        sysfs,
        "--rfkill-dev",
        "/nonexistent/rfkill",
        "snapshot",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}
