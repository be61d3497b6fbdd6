//! `pin13 jig emulate` + `pin13 jig probe --backend serial:PTY`, run as the
//! built binary: the real serial path (raw pty, COBS frames, protocol server)
//! must give the same verdicts, reports and exit statuses as `--backend sim`.

use serde_json::Value;
use std::process::Stdio;

use crate::harness::*;

/// The probe's JSON without the `backend` description, and the exit status.
fn probe(backend: &[&str]) -> (i32, Value) {
    let mut args = vec!["jig", "probe", "--json"];
    args.extend_from_slice(backend);
    let o = run(&args);
    let mut v = o.json();
    let described = v.as_object_mut().unwrap().remove("backend").unwrap();
    assert!(described.is_string());
    (o.code, v)
}

#[test]
fn serial_to_the_emulator_matches_the_sim_backend() {
    for (wire, verdict, status) in [
        ("open", "isolated", 0),
        ("connected", "connected", 5),
        ("no-contact", "no-contact", 5),
        ("stuck-high", "stuck-high", 5),
        ("stuck-low", "stuck-low", 5),
        ("intermittent:2%", "intermittent", 5),
    ] {
        let emu = Emulator::start(&["--wire", wire, "--seed", "7"]);
        let serial = probe(&["--backend", &emu.backend()]);
        let sim = probe(&["--backend", "sim", "--wire", wire, "--seed", "7"]);
        assert_eq!(serial, sim, "{wire}: serial vs sim");
        assert_eq!(serial.0, status, "{wire}: exit status");
        assert_eq!(serial.1["verdict"], verdict, "{wire}");
    }
}

#[test]
fn text_output_matches_too() {
    let emu = Emulator::start(&["--wire", "connected", "--seed", "1"]);
    let serial = run(&["jig", "probe", "--backend", &emu.backend()]);
    let sim = run(&["jig", "probe", "--backend", "sim", "--wire", "connected"]);
    assert_eq!(Some(serial.code), Some(5));
    assert_eq!(Some(sim.code), Some(5));
    let text = serial.stdout.clone();
    assert!(text.starts_with("connected: "), "{text}");
    assert!(
        text.contains(&format!("({} emulator ", emu.backend())),
        "{text}"
    );
    let strip = |s: &str| {
        s.lines()
            .map(|l| l.split(" (").next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&text), strip(&sim.stdout.clone()));
}

#[test]
fn kill_line_operations_over_serial() {
    let emu = Emulator::start(&["--wire", "open", "--seed", "1"]);
    let b = emu.backend();
    let o = run(&["jig", "kill", "--backend", &b, "--json"]);
    assert_eq!(Some(o.code), Some(0));
    let v = o.json();
    assert_eq!(
        (
            v["op"].as_str(),
            v["edges"].as_u64(),
            v["left_asserted"].as_bool()
        ),
        (Some("assert"), Some(1), Some(true))
    );
    // A new connection: the emulator kept the line asserted, so releasing is one edge.
    let v = run(&["jig", "release", "--backend", &b, "--json"]).json();
    assert_eq!(
        (v["edges"].as_u64(), v["left_asserted"].as_bool()),
        (Some(1), Some(false))
    );
    let v = run(&[
        "jig",
        "toggle",
        "--backend",
        &b,
        "--period",
        "2ms",
        "--count",
        "4",
        "--json",
    ])
    .json();
    assert_eq!(v["edges"].as_u64(), Some(8));
    let o = run(&["jig", "safe", "--backend", &b]);
    assert_eq!(Some(o.code), Some(0));
    assert!(o.stdout.clone().starts_with("every jig line is an input"));
}

#[test]
fn unreachable_jig_and_bad_emulator_model() {
    let o = run(&[
        "jig",
        "probe",
        "--backend",
        "serial:/dev/ttyACM-pin13-missing",
    ]);
    assert_eq!(Some(o.code), Some(1));
    let err = o.stderr.clone();
    assert!(
        err.starts_with("pin13: no jig at /dev/ttyACM-pin13-missing\nhint: "),
        "{err}"
    );
    let o = run(&["jig", "emulate", "--wire", "half-open"]);
    assert_eq!(Some(o.code), Some(2));
    assert!(o.stdout.is_empty(), "no pty path when the model is bad");
    let o = run(&[
        "jig",
        "probe",
        "--backend",
        "sim",
        "--wire",
        "open",
        "--drive",
        "5",
    ]);
    assert_eq!(Some(o.code), Some(2));
}

#[test]
fn self_test_over_serial_matches_the_sim_backend() {
    for (wire, status) in [("no-contact", 0), ("connected", 1)] {
        let emu = Emulator::start(&["--wire", wire, "--seed", "3"]);
        let serial = run(&["jig", "self-test", "--json", "--backend", &emu.backend()]);
        let sim = run(&[
            "jig",
            "self-test",
            "--json",
            "--backend",
            "sim",
            "--wire",
            wire,
            "--seed",
            "3",
        ]);
        assert_eq!(Some(serial.code), Some(status), "{wire}");
        assert_eq!(Some(sim.code), Some(status), "{wire}");
        let (mut a, mut b) = (serial.json(), sim.json());
        a.as_object_mut().unwrap().remove("backend");
        b.as_object_mut().unwrap().remove("backend");
        assert_eq!(a, b, "{wire}");
        assert_eq!(a["pass"], status == 0);
        assert_eq!(a["failed"].as_array().unwrap().is_empty(), status == 0);
    }
}

#[test]
fn emulate_serves_on_when_stderr_cannot_be_written() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let mut emu =
        Emulator::start_with_stderr(&["--wire", "open", "--seed", "1"], Stdio::from(full));
    let (status, v) = probe(&["--backend", &emu.backend()]);
    let alive = emu.child.try_wait().unwrap().is_none();
    assert!(
        alive,
        "the emulator died when its note could not be written"
    );
    assert_eq!((status, v["verdict"].as_str()), (0, Some("isolated")));
}
