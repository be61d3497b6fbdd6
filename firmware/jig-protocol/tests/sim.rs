//! Host client <-> protocol server <-> jig-core on the simulated bench, all
//! in memory: the firmware's request path without hardware.

use jig_core::selftest::CHECKS as SELF_TEST_CHECKS;
use jig_core::sim::{SimBench, SimConfig, SimDelay, SimLine, SimSense, WireModel};
use jig_core::{Jig, KillOp, ProbeConfig, Verdict};
use jig_protocol::client::Client;
use jig_protocol::mem::Loopback;
use jig_protocol::{FirmwareVersion, HelloInfo, JigDevice, JigKind, Server};

fn info() -> HelloInfo {
    HelloInfo {
        protocol: 0,
        firmware: FirmwareVersion {
            major: 0,
            minor: 1,
            patch: 0,
        },
        kind: JigKind::InProcess,
    }
}

type SimDevice<'a> = JigDevice<SimLine<'a>, SimLine<'a>, SimSense<'a>, SimDelay<'a>>;

/// Run `f` with a client connected to jig-core on a simulated bench.
fn with_jig<R>(
    model: &str,
    f: impl for<'a> FnOnce(&mut Client<Loopback<SimDevice<'a>>>, &'a SimBench) -> R,
) -> R {
    let model: WireModel = model.parse().unwrap();
    let bench = SimBench::new(model, SimConfig::DEFAULT, 42).unwrap();
    let jig = Jig::new(bench.drive(), bench.sense_ref(), bench.sense()).unwrap();
    let server = Server::new(JigDevice::new(jig, bench.delay()), info());
    let mut client = Client::connect(Loopback::new(server)).unwrap();
    f(&mut client, &bench)
}

#[test]
fn verdicts_through_the_protocol() {
    for (model, verdict) in [
        ("open", Verdict::Isolated),
        ("connected", Verdict::Connected),
        ("intermittent:10%", Verdict::Intermittent),
        ("stuck-high", Verdict::StuckHigh),
        ("stuck-low", Verdict::StuckLow),
        ("no-contact", Verdict::NoContact),
    ] {
        with_jig(model, |c, bench| {
            let r = c.probe(&ProbeConfig::DEFAULT).unwrap();
            assert_eq!(r.verdict, verdict, "{model}");
            assert!(
                bench.all_inputs(),
                "{model}: every line an input after the probe"
            );
        });
    }
}

#[test]
fn kill_assert_holds_until_abort() {
    with_jig("powered-open", |c, bench| {
        let r = c.kill(&KillOp::Assert).unwrap();
        assert!(r.left_asserted);
        assert!(!bench.all_inputs());
        c.abort().unwrap();
        assert!(bench.all_inputs());
    });
}

#[test]
fn core_refusals_are_typed() {
    with_jig("open", |c, _| {
        // Within the protocol's limits, refused by jig-core itself.
        let e = c
            .kill(&KillOp::Bounce {
                transitions: 0,
                width_us: 10,
                end_asserted: false,
            })
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the jig refused the request: count must be at least 1"
        );
    });
}

#[test]
fn self_test_passes_with_probes_off_the_card() {
    with_jig("no-contact", |c, bench| {
        let r = c.self_test().unwrap();
        assert_eq!(r.checks as usize, SELF_TEST_CHECKS.len());
        assert_eq!(r.failed, 0, "failed: {:#x}", r.failed);
        assert!(bench.all_inputs());
    });
}

#[test]
fn self_test_notices_a_card_or_a_short() {
    // Probes on an unpowered card: the card's pull beats SENSE's pull-up.
    with_jig("open", |c, _| {
        let r = c.self_test().unwrap();
        assert_ne!(
            r.failed & 1,
            0,
            "SENSE pull-up check fails on a card: {:#x}",
            r.failed
        );
    });
    // Conducting tape: DRIVE reaches SENSE, a short for the self-test.
    with_jig("connected", |c, bench| {
        let r = c.self_test().unwrap();
        assert_ne!(
            r.failed & (0b11 << 10),
            0,
            "DRIVE-SENSE short seen: {:#x}",
            r.failed
        );
        assert!(bench.all_inputs());
        // The jig still works afterwards.
        assert_eq!(
            c.probe(&ProbeConfig::DEFAULT).unwrap().verdict,
            Verdict::Connected
        );
    });
}

/// An `Abort` read ahead while a probe runs stops it: the probe is answered
/// `Aborted`, every line is an input, then the `Abort` gets its own answer.
#[test]
fn abort_during_a_probe_stops_it_and_both_requests_are_answered() {
    use jig_protocol::{decode, encode, AbortWatch, Inbox, Request, Response, StreamServer};
    let bench = SimBench::new("open".parse().unwrap(), SimConfig::DEFAULT, 42).unwrap();
    let jig = Jig::new(bench.drive(), bench.sense_ref(), bench.sense()).unwrap();
    let mut stream = StreamServer::new(Server::new(JigDevice::new(jig, bench.delay()), info()));
    let long = ProbeConfig {
        samples: 10_000,
        settle_us: 50,
    };
    let mut buf = [0u8; jig_protocol::MAX_FRAME];
    let mut wire = encode(1, &Request::Probe(long), &mut buf).unwrap().to_vec();
    let probe_len = wire.len();
    wire.extend_from_slice(encode(2, &Request::Abort, &mut buf).unwrap());
    // The transport hands over the probe frame first; the Abort arrives
    // while the probe runs (the watch's first read).
    let mut inbox = Inbox::<256>::new();
    inbox.room()[..probe_len].copy_from_slice(&wire[..probe_len]);
    inbox.filled(probe_len);
    let mut late = Some(wire[probe_len..].to_vec());
    let mut answers = Vec::new();
    while let Some(b) = inbox.pop() {
        let mut watch = AbortWatch::new(&mut inbox, 1, |room: &mut [u8]| match late.take() {
            Some(bytes) => {
                room[..bytes.len()].copy_from_slice(&bytes);
                bytes.len()
            }
            None => 0,
        });
        if let Some(frame) = stream.push_until(b, &mut watch) {
            let mut f = frame.to_vec();
            answers.push(decode::<Response>(&mut f).unwrap());
        }
    }
    let got: Vec<(u8, Response)> = answers.iter().map(|e| (e.id, e.body)).collect();
    assert_eq!(got, vec![(1, Response::Aborted), (2, Response::Aborted)]);
    assert!(bench.all_inputs());
    // Stopped on the first look: the line is read before the checks run.
    assert_eq!(bench.now_ns(), 0);
}
