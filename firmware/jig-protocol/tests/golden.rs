//! Golden bytes: these frames are the wire format. If one of these tests
//! fails, the protocol changed: bump PROTOCOL_VERSION and update the bytes.

use jig_protocol::wire::{AnalogReport, AnalogVerdict, CardSide, Invalid};
use jig_protocol::{
    decode, encode, Envelope, FirmwareVersion, HelloInfo, JigKind, KillOp, KillReport, ProbeConfig,
    ProbeReport, Request, Response, SelfTestReport, Verdict, WireError, MAX_FRAME,
    PROTOCOL_VERSION,
};

fn frame<T: serde::Serialize>(id: u8, body: &T) -> Vec<u8> {
    let mut out = [0u8; MAX_FRAME];
    encode(id, body, &mut out).unwrap().to_vec()
}

fn check_req(id: u8, req: Request, bytes: &[u8]) {
    assert_eq!(frame(id, &req), bytes, "{req:?}");
    let mut b = bytes.to_vec();
    assert_eq!(
        decode::<Request>(&mut b).unwrap(),
        Envelope { id, body: req }
    );
}

fn check_resp(id: u8, resp: Response, bytes: &[u8]) {
    assert_eq!(frame(id, &resp), bytes, "{resp:?}");
    let mut b = bytes.to_vec();
    assert_eq!(
        decode::<Response>(&mut b).unwrap(),
        Envelope { id, body: resp }
    );
}

#[test]
fn protocol_version_is_2() {
    // 2: AnalogProbe request and response, WireError::NoAdc (appended).
    assert_eq!(PROTOCOL_VERSION, 2);
}

#[test]
fn requests() {
    // id 1, variant 0 (Hello), protocol 1: raw 01 00 01 -> COBS.
    check_req(
        1,
        Request::Hello { protocol: 1 },
        &[0x02, 0x01, 0x02, 0x01, 0x00],
    );
    // id 7, Probe { 100 samples, 200 us }: raw 07 01 64 c8 01.
    check_req(
        7,
        Request::Probe(ProbeConfig {
            samples: 100,
            settle_us: 200,
        }),
        &[0x06, 0x07, 0x01, 0x64, 0xc8, 0x01, 0x00],
    );
    check_req(
        2,
        Request::Kill(KillOp::Assert),
        &[0x03, 0x02, 0x02, 0x01, 0x00],
    );
    check_req(
        9,
        Request::Kill(KillOp::Bounce {
            transitions: 5,
            width_us: 300,
            end_asserted: true,
        }),
        &[0x08, 0x09, 0x02, 0x04, 0x05, 0xac, 0x02, 0x01, 0x00],
    );
    check_req(
        10,
        Request::Kill(KillOp::Toggle {
            period_us: 1000,
            count: 3,
        }),
        &[0x07, 0x0a, 0x02, 0x03, 0xe8, 0x07, 0x03, 0x00],
    );
    check_req(4, Request::SelfTest, &[0x03, 0x04, 0x03, 0x00]);
    check_req(5, Request::Abort, &[0x03, 0x05, 0x04, 0x00]);
    // id 7, AnalogProbe { 100 samples, 200 us }: raw 07 05 64 c8 01.
    check_req(
        7,
        Request::AnalogProbe(ProbeConfig {
            samples: 100,
            settle_us: 200,
        }),
        &[0x06, 0x07, 0x05, 0x64, 0xc8, 0x01, 0x00],
    );
}

#[test]
fn responses() {
    let hello = HelloInfo {
        protocol: 1,
        firmware: FirmwareVersion {
            major: 0,
            minor: 1,
            patch: 0,
        },
        kind: JigKind::Pico,
    };
    // raw 01 00 | 01 | 00 01 00 | 00
    check_resp(
        1,
        Response::Hello(hello),
        &[0x02, 0x01, 0x02, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00],
    );
    let report = ProbeReport {
        verdict: Verdict::Connected,
        samples: 100,
        contact_hits: 100,
        duration_us: 1000,
    };
    check_resp(
        7,
        Response::Probe(report),
        &[0x08, 0x07, 0x01, 0x01, 0x64, 0x64, 0xe8, 0x07, 0x00],
    );
    let kill = KillReport {
        op: KillOp::Pulse { width_us: 5 },
        edges: 2,
        left_asserted: false,
        duration_us: 5,
    };
    // raw 08 02 | 02 05 | 02 | 00 | 05
    check_resp(
        8,
        Response::Kill(kill),
        &[0x06, 0x08, 0x02, 0x02, 0x05, 0x02, 0x02, 0x05, 0x00],
    );
    check_resp(
        4,
        Response::SelfTest(SelfTestReport {
            checks: 4,
            failed: 2,
        }),
        &[0x05, 0x04, 0x03, 0x04, 0x02, 0x00],
    );
    check_resp(5, Response::Aborted, &[0x03, 0x05, 0x04, 0x00]);
    // id 3, Error(Invalid(Samples)): raw 03 05 02 00.
    check_resp(
        3,
        Response::Error(WireError::Invalid(Invalid::Samples)),
        &[0x04, 0x03, 0x05, 0x02, 0x01, 0x00],
    );
    check_resp(
        0,
        Response::Error(WireError::Decode),
        &[0x01, 0x02, 0x05, 0x01, 0x00],
    );
    // id 3, Error(NoAdc): raw 03 05 05.
    check_resp(
        3,
        Response::Error(WireError::NoAdc),
        &[0x04, 0x03, 0x05, 0x05, 0x00],
    );
    // id 9, AnalogProbe: isolated beyond the range, card 100 ohm to 100 mV,
    // boundary 300 ohm, 1 sample, 0 hits:
    // raw 09 06 | 00 00 | 01 01 64 64 | 01 ac 02 | 00 | 01 | 00.
    check_resp(
        9,
        Response::AnalogProbe(AnalogReport {
            verdict: AnalogVerdict::Isolated { leak_ohms: None },
            card: Some(CardSide {
                pull_ohms: Some(100),
                rail_mv: 100,
            }),
            boundary_ohms: Some(300),
            range_ohms: None,
            samples: 1,
            hits: 0,
        }),
        &[
            0x03, 0x09, 0x06, 0x01, 0x08, 0x01, 0x01, 0x64, 0x64, 0x01, 0xac, 0x02, 0x02, 0x01,
            0x01, 0x00,
        ],
    );
}

#[test]
fn verdict_indices_are_stable() {
    let all = [
        Verdict::Isolated,
        Verdict::Connected,
        Verdict::Intermittent,
        Verdict::StuckHigh,
        Verdict::StuckLow,
        Verdict::NoContact,
    ];
    for (i, v) in all.into_iter().enumerate() {
        let r = ProbeReport {
            verdict: v,
            samples: 0,
            contact_hits: 0,
            duration_us: 0,
        };
        let mut raw = [0u8; 16];
        let n = postcard::to_slice(&Response::Probe(r), &mut raw)
            .unwrap()
            .len();
        assert_eq!(&raw[..n], &[1, i as u8, 0, 0, 0], "{v:?}");
    }
}

#[test]
fn largest_messages_fit_a_frame() {
    let big_op = KillOp::Bounce {
        transitions: u32::MAX,
        width_us: u32::MAX,
        end_asserted: true,
    };
    let largest_resp = [
        Response::Kill(KillReport {
            op: big_op,
            edges: u32::MAX,
            left_asserted: true,
            duration_us: u64::MAX,
        }),
        Response::Probe(ProbeReport {
            verdict: Verdict::NoContact,
            samples: u32::MAX,
            contact_hits: u32::MAX,
            duration_us: u64::MAX,
        }),
        Response::Hello(HelloInfo {
            protocol: u16::MAX,
            firmware: FirmwareVersion {
                major: u16::MAX,
                minor: u16::MAX,
                patch: u16::MAX,
            },
            kind: JigKind::InProcess,
        }),
        Response::SelfTest(SelfTestReport {
            checks: u8::MAX,
            failed: u32::MAX,
        }),
        Response::AnalogProbe(AnalogReport {
            verdict: AnalogVerdict::Leaky {
                leak_ohms: u32::MAX,
            },
            card: Some(CardSide {
                pull_ohms: Some(u32::MAX),
                rail_mv: u16::MAX,
            }),
            boundary_ohms: Some(u32::MAX),
            range_ohms: Some(u32::MAX),
            samples: u32::MAX,
            hits: u32::MAX,
        }),
    ];
    for r in largest_resp {
        let f = frame(u8::MAX, &r);
        assert!(f.len() <= MAX_FRAME, "{r:?}: {} bytes", f.len());
    }
    let f = frame(u8::MAX, &Request::Kill(big_op));
    assert!(f.len() <= MAX_FRAME);
    let f = frame(
        u8::MAX,
        &Request::Probe(ProbeConfig {
            samples: u32::MAX,
            settle_us: u32::MAX,
        }),
    );
    assert!(f.len() <= MAX_FRAME);
}

#[test]
fn firmware_version_parses_cargo_versions() {
    assert_eq!(
        FirmwareVersion::parse("0.1.0"),
        FirmwareVersion {
            major: 0,
            minor: 1,
            patch: 0
        }
    );
    assert_eq!(
        FirmwareVersion::parse("12.34.56-rc1"),
        FirmwareVersion {
            major: 12,
            minor: 34,
            patch: 56
        }
    );
    assert_eq!(
        FirmwareVersion::parse("x"),
        FirmwareVersion {
            major: 0,
            minor: 0,
            patch: 0
        }
    );
    assert_eq!(FirmwareVersion::parse("1.2.3").to_string(), "1.2.3");
}
