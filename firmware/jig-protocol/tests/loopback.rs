//! Host client <-> protocol server through the in-memory transport: the same
//! framing the USB and pty links use, without hardware.

mod common;

use std::time::Duration;

use common::FakeJig;
use jig_core::{KillOp, ProbeConfig, Verdict};
use jig_protocol::client::{Client, ClientError, Transport, TransportError};
use jig_protocol::mem::Loopback;
use jig_protocol::wire::Invalid;
use jig_protocol::{
    encode, DeviceError, FirmwareVersion, HelloInfo, JigKind, Response, Server, WireError,
    MAX_FRAME, PROTOCOL_VERSION,
};

const CFG: ProbeConfig = ProbeConfig {
    samples: 16,
    settle_us: 100,
};

#[test]
fn hello_then_probe_returns_the_cores_report() {
    for verdict in [Verdict::Isolated, Verdict::Connected, Verdict::NoContact] {
        let mut c = Client::connect(Loopback::new(common::server(verdict))).unwrap();
        assert_eq!(c.info().protocol, PROTOCOL_VERSION);
        assert_eq!(c.info().kind, JigKind::InProcess);
        assert_eq!(
            c.info().firmware,
            FirmwareVersion {
                major: 0,
                minor: 1,
                patch: 0
            }
        );
        let r = c.probe(&CFG).unwrap();
        assert_eq!(r.verdict, verdict);
        assert_eq!(r.samples, 16);
        assert_eq!(
            r.contact_hits,
            if verdict == Verdict::Connected { 16 } else { 0 }
        );
        assert_eq!(r.duration_us, 4 * 16 * 100);
    }
}

#[test]
fn kill_self_test_and_abort() {
    let mut c = Client::connect(Loopback::new(common::server(Verdict::Isolated))).unwrap();
    let r = c.kill(&KillOp::Assert).unwrap();
    assert!(r.left_asserted);
    assert!(!c.transport().server().device().lines_safe);
    c.abort().unwrap();
    assert!(c.transport().server().device().lines_safe);
    let st = c.self_test().unwrap();
    assert!(st.passed());
    assert_eq!(
        c.transport().server().device().calls,
        vec!["kill", "safe", "self_test"]
    );
    // The host opened with a lone terminator, then Hello (id 1).
    assert_eq!(
        &c.transport().sent[..6],
        &[0x00, 0x02, 0x01, 0x02, 0x02, 0x00]
    );
}

#[test]
fn device_errors_come_back_typed_and_lines_are_made_safe() {
    let dev = FakeJig {
        fail: Some(DeviceError::Pin),
        ..FakeJig::new(Verdict::Isolated)
    };
    let mut c = Client::connect(Loopback::new(Server::new(dev, common::info()))).unwrap();
    let e = c.probe(&CFG).unwrap_err();
    assert!(matches!(e, ClientError::Refused(WireError::Pin)), "{e:?}");
    let dev = c.transport().server().device();
    assert_eq!(dev.calls, vec!["probe", "safe"]);
    assert!(dev.lines_safe);
}

#[test]
fn limits_are_checked_on_both_ends() {
    let mut c = Client::connect(Loopback::new(common::server(Verdict::Isolated))).unwrap();
    let e = c
        .probe(&ProbeConfig {
            samples: 0,
            settle_us: 100,
        })
        .unwrap_err();
    assert!(matches!(e, ClientError::Invalid(Invalid::Samples)), "{e:?}");
    let e = c
        .kill(&KillOp::Toggle {
            period_us: 1_000_000,
            count: 1000,
        })
        .unwrap_err();
    assert!(
        matches!(e, ClientError::Invalid(Invalid::KillTooLong)),
        "{e:?}"
    );
    // A host that skips the check still gets a refusal, and nothing runs.
    let mut out = [0u8; MAX_FRAME];
    let f = encode(
        42,
        &jig_protocol::Request::Probe(jig_protocol::ProbeConfig {
            samples: 0,
            settle_us: 1,
        }),
        &mut out,
    )
    .unwrap()
    .to_vec();
    let t = c.transport();
    t.send(&f).unwrap();
    let mut buf = [0u8; 64];
    let n = t.recv(&mut buf, Duration::ZERO).unwrap();
    let env = jig_protocol::decode::<Response>(&mut buf[..n].to_vec()).unwrap();
    assert_eq!(env.id, 42);
    assert_eq!(
        env.body,
        Response::Error(WireError::Invalid(Invalid::Samples))
    );
    assert!(!t.server().device().calls.contains(&"probe"));
}

#[test]
fn silent_jig_is_a_timeout() {
    let e = Client::connect(Loopback::new(common::server(Verdict::Isolated)).muted()).unwrap_err();
    assert!(matches!(e, ClientError::NoAnswer { .. }), "{e:?}");
}

#[test]
fn unplugged_mid_run_is_a_disconnect() {
    // Answers Hello, then goes away.
    let mut c =
        Client::connect(Loopback::new(common::server(Verdict::Isolated)).unplug_after(1)).unwrap();
    let e = c.probe(&CFG).unwrap_err();
    assert!(
        matches!(e, ClientError::Transport(TransportError::Disconnected)),
        "{e:?}"
    );
    let e = c.probe(&CFG).unwrap_err();
    assert!(
        matches!(e, ClientError::Transport(TransportError::Disconnected)),
        "{e:?}"
    );
}

#[test]
fn stale_and_garbage_frames_are_skipped() {
    let mut c = Client::connect(Loopback::new(common::server(Verdict::Connected))).unwrap();
    let mut out = [0u8; MAX_FRAME];
    // A late answer to an earlier request (id 200) and line noise.
    let stale = encode(200, &Response::Aborted, &mut out).unwrap().to_vec();
    c.transport().inject(&stale);
    c.transport().inject(&[0x13, 0x37, 0x00]);
    let r = c.probe(&CFG).unwrap();
    assert_eq!(r.verdict, Verdict::Connected);
}

/// A jig that answers Hello with a fixed frame.
#[derive(Debug)]
struct Canned(Vec<u8>, bool);

impl Transport for Canned {
    fn send(&mut self, _bytes: &[u8]) -> Result<(), TransportError> {
        Ok(())
    }
    fn recv(&mut self, buf: &mut [u8], _timeout: Duration) -> Result<usize, TransportError> {
        if self.1 {
            return Ok(0);
        }
        self.1 = true;
        buf[..self.0.len()].copy_from_slice(&self.0);
        Ok(self.0.len())
    }
}

#[test]
fn other_protocol_versions_are_refused_clearly() {
    let mut out = [0u8; MAX_FRAME];
    let hello = HelloInfo {
        protocol: 7,
        firmware: FirmwareVersion {
            major: 3,
            minor: 0,
            patch: 1,
        },
        kind: JigKind::Pico,
    };
    let f = encode(1, &Response::Hello(hello), &mut out)
        .unwrap()
        .to_vec();
    let e = Client::connect(Canned(f, false)).unwrap_err();
    match e {
        ClientError::VersionMismatch {
            jig: 7,
            host: PROTOCOL_VERSION,
            firmware: Some(v),
        } => assert_eq!(v.to_string(), "3.0.1"),
        e => panic!("{e:?}"),
    }
    // A future jig whose Hello has a layout this host cannot read: only the
    // frozen prefix (id, variant 0, protocol) is understood.
    let future: (u8, u8, u16, [u8; 3], u8) = (1, 0, 9, [1, 2, 3], 200);
    let raw = postcard::to_slice_cobs(&future, &mut out).unwrap().to_vec();
    let e = Client::connect(Canned(raw, false)).unwrap_err();
    assert!(
        matches!(
            e,
            ClientError::VersionMismatch {
                jig: 9,
                firmware: None,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn something_that_is_not_a_jig() {
    // Answers with a valid frame that is not a Hello response.
    let raw = {
        let mut raw = [0u8; MAX_FRAME];
        postcard::to_slice_cobs(&(1u8, 9u8, 9u8), &mut raw)
            .unwrap()
            .to_vec()
    };
    let e = Client::connect(Canned(raw, false)).unwrap_err();
    assert!(matches!(e, ClientError::Unexpected(_)), "{e:?}");
}

#[test]
fn line_noise_before_connecting_does_not_break_hello() {
    // A port prober (e.g. ModemManager) left "AT\r" in the jig: our resync
    // byte turns it into a frame the jig answers with an id-0 Decode error.
    let mut link = Loopback::new(common::server(Verdict::Isolated));
    link.send(b"AT\r").unwrap();
    let mut c = Client::connect(link).unwrap();
    assert_eq!(c.info().protocol, PROTOCOL_VERSION);
    assert_eq!(c.probe(&CFG).unwrap().verdict, Verdict::Isolated);
}
