//! The serial backend over a real pseudo-terminal: the emulator's protocol
//! server on the master side, `SerialBackend` (raw termios, deadlines) on the
//! slave side. Also the failure modes: no device, not a tty, a silent device,
//! another protocol version, a jig that goes away mid-run.

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use jig_core::sim::{SimBench, SimConfig, WireModel};
use jig_core::{Jig, KillOp, ProbeConfig, Verdict};
use jig_protocol::{
    encode, Device, FirmwareVersion, HelloInfo, JigDevice, JigKind, Response, MAX_FRAME,
};
use pin13::jig::backend::{Backend, JigError};
use pin13::jig::emulate::{open_pty, serve, server, Pty};
use pin13::jig::serial::SerialBackend;

/// Start an emulator for `model` on a thread; returns the pty path.
fn emulator(model: &str, seed: u64) -> PathBuf {
    let model: WireModel = model.parse().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let bench = SimBench::new(model, SimConfig::DEFAULT, seed).unwrap();
        let mut stream = server(&bench);
        let pty = open_pty().unwrap();
        tx.send(pty.path.clone()).unwrap();
        let _ = serve(&pty, &mut stream);
    });
    rx.recv().unwrap()
}

/// The same probe in process, for comparison.
fn in_process(model: &str, seed: u64, cfg: &ProbeConfig) -> jig_core::ProbeReport {
    let bench = SimBench::new(model.parse().unwrap(), SimConfig::DEFAULT, seed).unwrap();
    let jig = Jig::new(bench.drive(), bench.sense_ref(), bench.sense()).unwrap();
    let mut dev = JigDevice::new(jig, bench.delay());
    dev.probe(cfg).unwrap()
}

#[test]
fn serial_reports_equal_in_process_reports() {
    let cfg = ProbeConfig::DEFAULT;
    for (model, verdict) in [
        ("open", Verdict::Isolated),
        ("connected", Verdict::Connected),
        ("no-contact", Verdict::NoContact),
        ("stuck-high", Verdict::StuckHigh),
        ("stuck-low", Verdict::StuckLow),
        ("intermittent:5%", Verdict::Intermittent),
    ] {
        let path = emulator(model, 7);
        let mut jig = SerialBackend::open(&path).unwrap();
        assert_eq!(jig.info().kind, JigKind::Emulator);
        assert!(
            jig.describe()
                .starts_with(&format!("serial:{} emulator ", path.display())),
            "{}",
            jig.describe()
        );
        let over_serial = jig.probe(&cfg).unwrap();
        assert_eq!(over_serial.verdict, verdict, "{model}");
        assert_eq!(
            over_serial,
            in_process(model, 7, &cfg),
            "{model}: the wire changes nothing"
        );
    }
}

#[test]
fn kill_line_and_release_over_serial() {
    let path = emulator("open", 3);
    let mut jig = SerialBackend::open(&path).unwrap();
    let r = jig.kill(&KillOp::Assert).unwrap();
    assert!(r.left_asserted);
    // The line is already asserted, so the toggle's first assert is no edge.
    let r = jig
        .kill(&KillOp::Toggle {
            period_us: 1000,
            count: 5,
        })
        .unwrap();
    assert_eq!(r.edges, 9);
    let r = jig
        .kill(&KillOp::Toggle {
            period_us: 1000,
            count: 5,
        })
        .unwrap();
    assert_eq!(r.edges, 10);
    assert!(!r.left_asserted);
    jig.safe().unwrap();
    // A core refusal comes back as a message, not a hang.
    let e = jig.kill(&KillOp::Pulse { width_us: 0 }).unwrap_err();
    assert!(e.to_string().contains("width"), "{e}");
    // Two clients one after the other on the same emulator.
    drop(jig);
    let mut again = SerialBackend::open(&path).unwrap();
    assert_eq!(
        again.probe(&ProbeConfig::DEFAULT).unwrap().verdict,
        Verdict::Isolated
    );
}

#[test]
fn no_device_and_not_a_tty() {
    let e = SerialBackend::open("/dev/ttyACM-pin13-test-none".as_ref()).unwrap_err();
    assert!(matches!(e, JigError::Unavailable { .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("no jig at /dev/ttyACM-pin13-test-none"),
        "{e}"
    );
    assert!(e.hint().unwrap().contains("/dev/ttyACM0"));
    let e = SerialBackend::open("/dev/null".as_ref()).unwrap_err();
    assert_eq!(e.to_string(), "/dev/null is not a serial port");
}

/// A pty whose master side is driven by `f` (a fake jig).
fn fake_jig(f: impl FnOnce(Pty) + Send + 'static) -> PathBuf {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let pty = open_pty().unwrap();
        tx.send(pty.path.clone()).unwrap();
        f(pty)
    });
    rx.recv().unwrap()
}

fn read_some(pty: &Pty) -> Vec<u8> {
    let mut buf = [0u8; 64];
    let n = rustix::io::read(&pty.master, &mut buf).unwrap();
    buf[..n].to_vec()
}

#[test]
fn silent_device_is_not_a_jig() {
    let path = fake_jig(|pty| {
        // Read and ignore everything.
        loop {
            let _ = read_some(&pty);
        }
    });
    let e = SerialBackend::open(&path).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("no pin13 jig answered on {}", path.display())),
        "{e}"
    );
    assert!(e.hint().unwrap().contains("pin13-jig.uf2"));
}

#[test]
fn other_protocol_version_is_refused() {
    let path = fake_jig(|pty| {
        // Wait for the Hello frame (after the lone 0x00), answer as protocol 3.
        let mut got = Vec::new();
        while got.iter().filter(|&&b| b == 0).count() < 2 {
            got.extend(read_some(&pty));
        }
        let hello = HelloInfo {
            protocol: 3,
            firmware: FirmwareVersion {
                major: 9,
                minor: 0,
                patch: 0,
            },
            kind: JigKind::Pico,
        };
        let mut out = [0u8; MAX_FRAME];
        let f = encode(1, &Response::Hello(hello), &mut out).unwrap();
        rustix::io::write(&pty.master, f).unwrap();
        thread::sleep(Duration::from_secs(5));
    });
    let e = SerialBackend::open(&path).unwrap_err();
    assert!(matches!(e, JigError::Protocol { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "the jig on {} speaks protocol 3 (firmware 9.0.0), this pin13 speaks 2",
            path.display()
        )
    );
    assert!(e.hint().unwrap().contains("newer"), "{:?}", e.hint());
}

#[test]
fn jig_gone_mid_run_is_reported() {
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let path = {
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let bench = SimBench::new("open".parse().unwrap(), SimConfig::DEFAULT, 1).unwrap();
            let mut stream = server(&bench);
            let pty = open_pty().unwrap();
            tx.send(pty.path.clone()).unwrap();
            // Answer the greeting, then "unplug": close both pty ends.
            let mut answered = false;
            while !answered {
                for b in read_some(&pty) {
                    if let Some(f) = stream.push(b) {
                        rustix::io::write(&pty.master, f).unwrap();
                        answered = true;
                    }
                }
            }
            let _ = done_rx.recv();
            drop(pty);
        });
        rx.recv().unwrap()
    };
    let mut jig = SerialBackend::open(&path).unwrap();
    done_tx.send(()).unwrap();
    thread::sleep(Duration::from_millis(200));
    let e = jig.probe(&ProbeConfig::DEFAULT).unwrap_err();
    assert!(matches!(e, JigError::Failed { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "the jig on {} disconnected during the probe",
            path.display()
        )
    );
}

/// The analog probe over the serial protocol (protocol 2) gives what the
/// same probe gives in process.
#[test]
fn analog_probe_over_serial_equals_in_process() {
    use jig_core::probe::Never;
    let cfg = ProbeConfig::DEFAULT;
    for model in ["open", "connected", "no-contact"] {
        let path = emulator(model, 5);
        let mut jig = SerialBackend::open(&path).unwrap();
        let remote = jig.analog_probe_until(&cfg, &mut Never).unwrap();
        let bench = SimBench::new(model.parse().unwrap(), SimConfig::DEFAULT, 5).unwrap();
        let j = Jig::new(bench.drive(), bench.sense_ref(), bench.sense()).unwrap();
        let mut dev = JigDevice::new(j, bench.delay());
        let local = dev.analog_probe_until(&cfg, &mut Never).unwrap();
        assert_eq!(remote, local, "{model}");
    }
}
