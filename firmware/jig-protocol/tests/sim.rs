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
    let server = Server::new(JigDevice::new(jig, bench.delay(), 42), info());
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
