//! `pin13 verify` end to end: the binary watches a capture file standing in
//! for /dev/rfkill (fixed 8-byte records, EOF ends the stream, so the run is
//! incomplete unless it already failed), or a pipe held open like the real
//! device (a PASS needs the whole duration). Timing (the 200 ms flicker, the
//! countdown) is tested on the pure watcher and the watch loop with a fake
//! clock in src/cmd/verify.rs.

use crate::harness::*;

fn verify(cap: &std::path::Path, args: &[&str]) -> Run {
    let mut a = vec!["verify"];
    a.extend_from_slice(args);
    on(&sysfs("ipw2200-taped"), cap, &a)
}

/// `pin13 verify ARGS` on the ipw2200-taped tree, reading `records` from a
/// pipe that stays open until it exits.
fn verify_live(records: &[Vec<u8>], args: &[&str]) -> Run {
    let mut a = vec![
        "--sysfs",
        "tests/fixtures/sysfs/ipw2200-taped",
        "--rfkill-dev",
        "/dev/stdin",
        "verify",
    ];
    a.extend_from_slice(args);
    live(pin13(&a), &records.concat())
}

#[test]
fn quiet_card_passes() {
    let r = verify_live(
        &[rec(0, WLAN, ADD, 0, 0), rec(1, WLAN, ADD, 0, 0)],
        &["--duration", "1"],
    );
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
fn a_capture_that_ends_before_the_duration_is_incomplete_never_pass() {
    let dir = TempDir::new("verify-short");
    let cap = capture(&dir, &[rec(0, WLAN, ADD, 0, 0), rec(1, WLAN, ADD, 0, 0)]);
    let r = verify(&cap, &["--duration", "30"]);
    assert_eq!(r.code, 6, "{}{}", r.stdout, r.stderr);
    has(
        &r.stdout,
        "INCOMPLETE: phy0 was watched for 0.000 s of 30 s: the event stream ended",
    );
    assert!(!r.stdout.contains("PASS") && !r.stdout.contains("holds"));
    let j = verify(&cap, &["--duration", "30", "--json"]);
    assert_eq!(j.code, 6);
    assert_eq!(j.json()["result"], "incomplete");
    assert_eq!(j.json()["ended"], "stream-ended");
}

#[test]
fn a_signal_ends_verify_as_incomplete_with_the_countdown_line_ended() {
    // SIGTERM and SIGHUP (a dropped ssh session) as well as Ctrl-C.
    for sig in ["INT", "TERM", "HUP"] {
        let mut c = clean("sh");
        c.current_dir(root()).args([
            "-c",
            &format!(
                "exec 3<&0; \"$0\" --sysfs tests/fixtures/sysfs/ipw2200-taped --rfkill-dev /dev/stdin \
                 verify --duration 60 <&3 & pid=$!; sleep 1; kill -{sig} $pid; wait $pid"
            ),
            BIN,
        ]);
        let r = live(
            c,
            &[rec(0, WLAN, ADD, 0, 0), rec(1, WLAN, ADD, 0, 0)].concat(),
        );
        assert_eq!(r.code, 6, "SIG{sig}: {}{}", r.stdout, r.stderr);
        has(&r.stdout, "INCOMPLETE: phy0 was watched for ");
        has(&r.stdout, "it was interrupted");
        assert!(r.stdout.ends_with('\n'), "SIG{sig}: {:?}", r.stdout);
    }
}

#[test]
fn selecting_the_target() {
    let dir = TempDir::new("verify-select");
    let cap = capture(&dir, &[rec(0, WLAN, ADD, 0, 0), rec(1, WLAN, ADD, 0, 0)]);
    let r = verify_live(
        &[rec(0, WLAN, ADD, 0, 0), rec(1, WLAN, ADD, 0, 0)],
        &["acer-wireless", "--duration", "1"],
    );
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
    for (bad, why) in [
        ("0", "too short: at least 1 s"),
        ("0.2", "too short: at least 1 s"),
        ("1e-12", "too short: at least 1 s"),
        ("-3", "cannot be negative"),
        ("-1", "cannot be negative"),
        ("soon", "not a duration"),
        ("1e9", "too long"),
    ] {
        let r = verify(&cap, &["--duration", bad]);
        assert_eq!(r.code, 2, "--duration {bad}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        has(&r.stderr, why);
        assert!(!r.stderr.contains("'-- "), "--duration {bad}: {}", r.stderr);
    }
    let r = verify(&cap, &["-d", "-1"]);
    assert_eq!(r.code, 2);
    has(&r.stderr, "cannot be negative");
    // No /dev/rfkill: verify cannot watch, and says why.
    let r = fixture("ipw2200-taped", &["verify", "--duration", "1"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    has(&r.stderr, "verify needs live rfkill events");
    // --replay cannot watch anything.
    let r = replay(&example("ipw2200-hardkill"), &["verify"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}
