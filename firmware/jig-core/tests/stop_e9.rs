//! Stopping a running probe (the hook the firmware's `Abort` and the host's
//! Ctrl-C use), and the RP2350 erratum E9 on the simulated bench.

use jig_core::probe::{self, Stop, REFERENCE_EVERY, STOP_POLL_SAMPLES};
use jig_core::sim::{LineId, SimBench, SimConfig, WireModel, V_E9_LATCH};
use jig_core::{Error, Jig, NoPullDown, ProbeConfig, Verdict};

fn parse(s: &str) -> WireModel {
    s.parse().unwrap()
}

/// Stops on its `n`-th question (1-based); counts the questions.
struct StopAt {
    n: u32,
    asked: u32,
}

impl Stop for StopAt {
    fn stop(&mut self) -> bool {
        self.asked += 1;
        self.asked >= self.n
    }
}

const LONG: ProbeConfig = ProbeConfig {
    samples: 10_000,
    settle_us: 50,
};

#[test]
fn a_stopped_probe_ends_early_with_every_line_an_input() {
    for model in ["open", "connected", "intermittent:5%"] {
        let bench = SimBench::new(parse(model), SimConfig::DEFAULT, 9).unwrap();
        let mut jig = Jig::new(bench.drive(), bench.sense_ref(), bench.sense()).unwrap();
        // Stop on the 4th question: before the checks, then every 16 samples.
        let mut stop = StopAt { n: 4, asked: 0 };
        let got = jig.probe_until(&mut bench.delay(), &LONG, &mut stop);
        assert_eq!(got, Err(Error::Aborted), "{model}");
        assert!(bench.all_inputs(), "{model}");
        assert_eq!(stop.asked, 4);
        // 4 check steps, 3 × 16 − 1 samples (asked before the 16th, 32nd and
        // 48th) and a reference check after every 8th of those.
        let samples = 3 * STOP_POLL_SAMPLES as u64 - 1;
        let settles = 4 + samples + samples / REFERENCE_EVERY as u64;
        assert_eq!(bench.now_ns(), settles * 50_000, "{model}");
        assert!(bench.now_ns() < LONG.full_duration_us() * 1000 / 100);
        // The jig runs a whole probe again afterwards.
        let r = jig
            .probe(&mut bench.delay(), &ProbeConfig::DEFAULT)
            .unwrap();
        assert_eq!(r.samples, ProbeConfig::DEFAULT.samples);
    }
}

#[test]
fn stop_before_the_first_check_moves_no_line() {
    let bench = SimBench::new(parse("open"), SimConfig::DEFAULT, 1).unwrap();
    let got = probe::run_until(
        &mut bench.drive(),
        &mut bench.sense_ref(),
        &mut bench.sense(),
        &mut bench.delay(),
        &LONG,
        &mut || true,
    );
    assert_eq!(got, Err(Error::Aborted));
    assert_eq!(bench.now_ns(), 0);
    assert_eq!(bench.drive_high_calls(LineId::SenseRef), 0);
    assert!(bench.all_inputs());
}

#[test]
fn a_hook_that_never_stops_gives_the_plain_probe_report() {
    let a = SimBench::new(parse("intermittent:2%"), SimConfig::DEFAULT, 5).unwrap();
    let b = SimBench::new(parse("intermittent:2%"), SimConfig::DEFAULT, 5).unwrap();
    let mut asked = 0u32;
    let until = probe::run_until(
        &mut a.drive(),
        &mut a.sense_ref(),
        &mut a.sense(),
        &mut a.delay(),
        &ProbeConfig::DEFAULT,
        &mut || {
            asked += 1;
            false
        },
    )
    .unwrap();
    let plain = probe::run(
        &mut b.drive(),
        &mut b.sense_ref(),
        &mut b.sense(),
        &mut b.delay(),
        &ProbeConfig::DEFAULT,
    )
    .unwrap();
    assert_eq!(until, plain);
    assert_eq!(asked, 1 + ProbeConfig::DEFAULT.samples / STOP_POLL_SAMPLES);
}

/// A probe on a simulated Pico 2 (erratum E9 modelled), its lines wrapped
/// in `NoPullDown` (`e9_safe`, what the Pico 2 firmware does) or not.
fn pico2_probe(model: &str, seed: u64, e9_safe: bool) -> Verdict {
    let bench = SimBench::new(parse(model), SimConfig::PICO2, seed).unwrap();
    let cfg = ProbeConfig::DEFAULT;
    let report = if e9_safe {
        probe::run(
            &mut NoPullDown(bench.drive()),
            &mut NoPullDown(bench.sense_ref()),
            &mut NoPullDown(bench.sense()),
            &mut bench.delay(),
            &cfg,
        )
    } else {
        probe::run(
            &mut bench.drive(),
            &mut bench.sense_ref(),
            &mut bench.sense(),
            &mut bench.delay(),
            &cfg,
        )
    };
    assert!(bench.all_inputs());
    report.unwrap().verdict
}

#[test]
fn e9_a_pulled_down_input_off_the_card_reads_high_on_the_pico2_bench() {
    use jig_core::InputLine;
    const { assert!(V_E9_LATCH > SimConfig::PICO2.v_ih) };
    for (cfg, high) in [(SimConfig::DEFAULT, false), (SimConfig::PICO2, true)] {
        let bench = SimBench::new(parse("no-contact"), cfg, 1).unwrap();
        let mut sense = bench.sense();
        sense.set_input(jig_core::Bias::PullDown).unwrap();
        assert_eq!(sense.is_high().unwrap(), high);
    }
}

#[test]
fn e9_the_pico2_probe_without_pull_downs_gets_the_verdicts_right() {
    for seed in 0..200 {
        for (model, want) in [
            ("open", Verdict::Isolated),
            ("connected", Verdict::Connected),
            ("stuck-high", Verdict::StuckHigh),
            ("stuck-low", Verdict::StuckLow),
        ] {
            assert_eq!(pico2_probe(model, seed, true), want, "{model} seed {seed}");
        }
        let v = pico2_probe("intermittent:5%", seed, true);
        assert_eq!(v, Verdict::Intermittent, "seed {seed}");
        // Off the card SENSE floats where it used to be pulled low: a FAIL
        // either way (the limit documented on NoPullDown).
        let v = pico2_probe("no-contact", seed, true);
        assert!(
            matches!(v, Verdict::NoContact | Verdict::StuckHigh),
            "seed {seed}: {v:?}"
        );
    }
}

#[test]
fn e9_a_probe_that_uses_the_pull_down_misreads_on_the_pico2() {
    // With the latch, a SENSE off the card reads high when pulled down, so
    // the stuck check sees "high whatever the jig does": every seed names a
    // short to 3.3 V that is not there.
    for seed in 0..50 {
        assert_eq!(pico2_probe("no-contact", seed, false), Verdict::StuckHigh);
    }
    // The same probe on the RP2040 bench reads it right.
    let bench = SimBench::new(parse("no-contact"), SimConfig::DEFAULT, 3).unwrap();
    let r = probe::run(
        &mut bench.drive(),
        &mut bench.sense_ref(),
        &mut bench.sense(),
        &mut bench.delay(),
        &ProbeConfig::DEFAULT,
    )
    .unwrap();
    assert_eq!(r.verdict, Verdict::NoContact);
}

#[test]
fn the_pico2_self_test_does_not_run_the_pull_down_checks_and_passes() {
    use jig_core::selftest::{CHECKS, PULL_DOWN_CHECKS};
    for seed in 0..32 {
        let bench = SimBench::new(parse("no-contact"), SimConfig::PICO2, seed).unwrap();
        let mut jig = Jig::new(
            NoPullDown(bench.drive()),
            NoPullDown(bench.sense_ref()),
            NoPullDown(bench.sense()),
        )
        .unwrap();
        let r = jig.self_test(&mut bench.delay()).unwrap();
        assert_eq!(r.checks, 10, "seed {seed}");
        assert_eq!(
            r.failed,
            0,
            "seed {seed}: {:?}",
            r.failed_checks().collect::<Vec<_>>()
        );
        assert_eq!(r.not_run(), PULL_DOWN_CHECKS);
        assert_eq!(r.not_run_checks().count(), 6);
        assert!(r.not_run_checks().all(|c| CHECKS.contains(&c)));
        assert!(bench.all_inputs());
        // The RP2040 runs all 16 on the same bench.
        let bench = SimBench::new(parse("no-contact"), SimConfig::DEFAULT, seed).unwrap();
        let mut jig = Jig::new(bench.drive(), bench.sense_ref(), bench.sense()).unwrap();
        let r = jig.self_test(&mut bench.delay()).unwrap();
        assert_eq!((r.checks, r.failed, r.not_run()), (16, 0, 0), "seed {seed}");
    }
}
