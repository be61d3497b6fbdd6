//! `pin13 verify` end to end: the binary watches a capture file standing in
//! for /dev/rfkill (fixed 8-byte records, EOF ends the stream). Timing
//! (the 200 ms flicker, the countdown) is tested on the pure watcher and the
//! watch loop with a fake clock in src/cmd/verify.rs.

use crate::harness::*;

fn verify(cap: &std::path::Path, args: &[&str]) -> Run {
    let mut a = vec!["verify"];
    a.extend_from_slice(args);
    on(&sysfs("ipw2200-taped"), cap, &a)
}

#[test]
fn quiet_card_passes() {
    let dir = TempDir::new("verify-quiet");
    let cap = capture(&dir, &[rec(0, WLAN, ADD, 0, 0), rec(1, WLAN, ADD, 0, 0)]);
    let r = verify(&cap, &["--duration", "1"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .starts_with("Watching phy0 (rfkill 0, ipw2200, at 0000:06:04.0) for 1 s.\n"),
        "{}",
        r.stdout
    );
    has(
        &r.stdout,
        "* phy0           start: soft unblocked, hard unblocked\n",
    );
    has(&r.stdout, "\nPASS: phy0 was never hard-blocked");
    has(&r.stdout, "The tape on pin 13 holds");
    assert!(!r.stdout.contains('\r'), "no countdown without a terminal");
    assert!(!r.stderr.contains('\r'), "no countdown without a terminal");
}

#[test]
fn a_hard_block_in_the_stream_fails_with_the_timeline() {
    let dir = TempDir::new("verify-flicker");
    let cap = capture(
        &dir,
        &[
            rec(0, WLAN, ADD, 0, 0),
            rec(1, WLAN, ADD, 0, 0),
            rec(1, WLAN, CHANGE, 1, 0),
            rec(0, WLAN, CHANGE, 0, 1),
            rec(0, WLAN, CHANGE, 0, 0),
        ],
    );
    let r = verify(&cap, &["--duration", "2"]);
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    has(&r.stdout, "acer-wireless  soft blocked\n");
    has(&r.stdout, "* phy0           HARD BLOCKED\n");
    has(&r.stdout, "FAIL: phy0 was hard-blocked 1 time (");
    has(&r.stdout, "\nTimeline:\n");
    has(&r.stdout, "pin13 jig probe");

    let j = verify(&cap, &["--duration", "2", "--json"]);
    assert_eq!(j.code, 4);
    let v = j.json();
    assert_eq!(v["result"], "fail");
    assert_eq!(v["device"], "phy0");
    assert_eq!(v["failures"][0]["kind"], "hard-blocked");
    assert_eq!(v["ended"], "stream-ended");
}

#[test]
fn removed_device_fails_with_a_clear_line() {
    let dir = TempDir::new("verify-del");
    let cap = capture(
        &dir,
        &[
            rec(0, WLAN, ADD, 0, 0),
            rec(1, WLAN, ADD, 0, 0),
            rec(0, WLAN, DEL, 0, 0),
        ],
    );
    let r = verify(&cap, &["--duration", "1"]);
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    has(
        &r.stdout,
        "* phy0           REMOVED (the device went away)\n",
    );
    has(&r.stdout, "FAIL: phy0 disappeared at +");
}

#[test]
fn already_hard_blocked_fails() {
    let dir = TempDir::new("verify-start");
    let cap = capture(&dir, &[rec(0, WLAN, ADD, 0, 1), rec(1, WLAN, ADD, 0, 0)]);
    let r = on(
        &sysfs("ipw2200-hardkill"),
        &cap,
        &["verify", "--duration", "1"],
    );
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    has(
        &r.stdout,
        "FAIL: phy0 was already hard-blocked when the check started",
    );
    has(&r.stdout, "pin13 diagnose phy0");
}

#[test]
fn selecting_the_target() {
    let dir = TempDir::new("verify-select");
    let cap = capture(&dir, &[rec(0, WLAN, ADD, 0, 0), rec(1, WLAN, ADD, 0, 0)]);
    let r = verify(&cap, &["acer-wireless", "--duration", "0.2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("Watching acer-wireless (rfkill 1, acer-wmi, at acer-wmi)"),
        "{}",
        r.stdout
    );
    let r = verify(&cap, &["wlan", "--duration", "1"]);
    assert_eq!(r.code, 2);
    has(&r.stderr, "matches 2");
    let r = verify(&cap, &["nosuch", "--duration", "1"]);
    assert_eq!(r.code, 2);
}

#[test]
fn usage_and_runtime_errors() {
    let dir = TempDir::new("verify-errors");
    let cap = capture(&dir, &[rec(0, WLAN, ADD, 0, 0)]);
    for bad in ["0", "-3", "soon", "1e9"] {
        let r = verify(&cap, &["--duration", bad]);
        assert_eq!(r.code, 2, "--duration {bad}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    // No /dev/rfkill: verify cannot watch, and says why.
    let r = fixture("ipw2200-taped", &["verify", "--duration", "1"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    has(&r.stderr, "verify needs live rfkill events");
    // --replay cannot watch anything.
    let r = replay(&example("ipw2200-hardkill"), &["verify"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}
