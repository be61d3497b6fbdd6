//! `pin13 jig emulate` + `pin13 jig probe --backend serial:PTY`, run as the
//! built binary: the real serial path (raw pty, COBS frames, protocol server)
//! must give the same verdicts, reports and exit statuses as `--backend sim`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

fn pin13(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pin13"))
        .args(args)
        .env_remove("PIN13_JIG_BACKEND")
        .output()
        .expect("run pin13")
}

/// A running `pin13 jig emulate`, stopped when dropped.
struct Emulator {
    child: Child,
    path: String,
}

impl Emulator {
    fn start(wire: &str, seed: &str) -> Emulator {
        Self::start_with_stderr(wire, seed, Stdio::piped())
    }

    fn start_with_stderr(wire: &str, seed: &str, stderr: Stdio) -> Emulator {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pin13"))
            .args(["jig", "emulate", "--wire", wire, "--seed", seed])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start pin13 jig emulate");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let path = first.trim_end().to_string();
        assert!(
            path.starts_with("/dev/"),
            "first stdout line is the pty path, got {first:?}"
        );
        Emulator { child, path }
    }

    fn backend(&self) -> String {
        format!("serial:{}", self.path)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// The probe's JSON without the `backend` description, and the exit status.
fn probe(backend: &[&str]) -> (i32, Value) {
    let mut args = vec!["jig", "probe", "--json"];
    args.extend_from_slice(backend);
    let o = pin13(&args);
    let mut v = json(&o);
    let described = v.as_object_mut().unwrap().remove("backend").unwrap();
    assert!(described.is_string());
    (o.status.code().unwrap(), v)
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
        let emu = Emulator::start(wire, "7");
        let serial = probe(&["--backend", &emu.backend()]);
        let sim = probe(&["--backend", "sim", "--wire", wire, "--seed", "7"]);
        assert_eq!(serial, sim, "{wire}: serial vs sim");
        assert_eq!(serial.0, status, "{wire}: exit status");
        assert_eq!(serial.1["verdict"], verdict, "{wire}");
    }
}

#[test]
fn text_output_matches_too() {
    let emu = Emulator::start("connected", "1");
    let serial = pin13(&["jig", "probe", "--backend", &emu.backend()]);
    let sim = pin13(&["jig", "probe", "--backend", "sim", "--wire", "connected"]);
    assert_eq!(serial.status.code(), Some(5));
    assert_eq!(sim.status.code(), Some(5));
    let text = String::from_utf8(serial.stdout).unwrap();
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
    assert_eq!(strip(&text), strip(&String::from_utf8(sim.stdout).unwrap()));
}

#[test]
fn kill_line_operations_over_serial() {
    let emu = Emulator::start("open", "1");
    let b = emu.backend();
    let o = pin13(&["jig", "kill", "--backend", &b, "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    assert_eq!(
        (
            v["op"].as_str(),
            v["edges"].as_u64(),
            v["left_asserted"].as_bool()
        ),
        (Some("assert"), Some(1), Some(true))
    );
    // A new connection: the emulator kept the line asserted, so releasing is one edge.
    let v = json(&pin13(&["jig", "release", "--backend", &b, "--json"]));
    assert_eq!(
        (v["edges"].as_u64(), v["left_asserted"].as_bool()),
        (Some(1), Some(false))
    );
    let v = json(&pin13(&[
        "jig",
        "toggle",
        "--backend",
        &b,
        "--period",
        "2ms",
        "--count",
        "4",
        "--json",
    ]));
    assert_eq!(v["edges"].as_u64(), Some(8));
    let o = pin13(&["jig", "safe", "--backend", &b]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8(o.stdout)
        .unwrap()
        .starts_with("every jig line is an input"));
}

#[test]
fn unreachable_jig_and_bad_emulator_model() {
    let o = pin13(&[
        "jig",
        "probe",
        "--backend",
        "serial:/dev/ttyACM-pin13-missing",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.starts_with("pin13: no jig at /dev/ttyACM-pin13-missing\nhint: "),
        "{err}"
    );
    let o = pin13(&["jig", "emulate", "--wire", "half-open"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "no pty path when the model is bad");
    let o = pin13(&[
        "jig",
        "probe",
        "--backend",
        "sim",
        "--wire",
        "open",
        "--drive",
        "5",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn self_test_over_serial_matches_the_sim_backend() {
    for (wire, status) in [("no-contact", 0), ("connected", 1)] {
        let emu = Emulator::start(wire, "3");
        let serial = pin13(&["jig", "self-test", "--json", "--backend", &emu.backend()]);
        let sim = pin13(&[
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
        assert_eq!(serial.status.code(), Some(status), "{wire}");
        assert_eq!(sim.status.code(), Some(status), "{wire}");
        let (mut a, mut b) = (json(&serial), json(&sim));
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
    let mut emu = Emulator::start_with_stderr("open", "1", Stdio::from(full));
    let (status, v) = probe(&["--backend", &emu.backend()]);
    let alive = emu.child.try_wait().unwrap().is_none();
    assert!(
        alive,
        "the emulator died when its note could not be written"
    );
    assert_eq!((status, v["verdict"].as_str()), (0, Some("isolated")));
}
