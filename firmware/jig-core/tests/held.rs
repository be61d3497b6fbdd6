//! The Raspberry Pi's digital probe with `HOLD` (jig_core::held) on the
//! simulated bench, swept over the card's pull (1 kΩ..none), its rail
//! (0..0.7 V), the tape's leak and both input models (a coin flip in the
//! undefined band, and Schmitt triggers).

use jig_core::held::{self, HeldReport, Pull};
use jig_core::probe::Never;
use jig_core::sim::{LineId, Mode, SimBench, SimConfig, NONE_OHMS};
use jig_core::{Error, ProbeConfig, Verdict};

const PULLS: [f64; 8] = [
    1_000.0, 2_200.0, 4_700.0, 10_000.0, 22_000.0, 47_000.0, 100_000.0, NONE_OHMS,
];
const RAILS: [f64; 4] = [0.0, 0.1, 0.3, 0.7];

/// Below this every leak is a sure hit, whatever the pull (the host's
/// stated limit, `NO_ADC_LIMITS`, says "about 5 kohm" for a 1 kohm pull
/// and more for weaker ones; see `sure_hit_below`).
fn sure_hit_below(pull: f64) -> f64 {
    if pull < 2_000.0 {
        4_700.0
    } else if pull < 4_000.0 {
        15_000.0
    } else {
        22_000.0
    }
}

fn bench(model: &str, pull: f64, rail: f64, leak: f64, hysteresis: bool, seed: u64) -> SimBench {
    let cfg = SimConfig {
        r_card_pull: pull,
        v_card_unpowered: rail,
        r_leak: leak,
        adc: false,
        hysteresis,
        ..SimConfig::DEFAULT
    };
    SimBench::new(model.parse().unwrap(), cfg, seed).unwrap()
}

fn probe_on(bench: &SimBench, cfg: &ProbeConfig) -> HeldReport {
    let r = held::run_until(
        &mut bench.drive(),
        &mut bench.sense_ref(),
        &mut bench.hold(),
        &mut bench.sense(),
        &mut bench.delay(),
        cfg,
        &mut Never,
    )
    .unwrap();
    assert!(bench.all_inputs());
    // DRIVE is only ever read: never driven, either way.
    assert_eq!(bench.drive_high_calls(LineId::Drive), 0);
    assert_eq!(bench.drive_high_calls(LineId::Sense), 0);
    r
}

fn run(model: &str, pull: f64, rail: f64, leak: f64, hysteresis: bool, seed: u64) -> HeldReport {
    probe_on(
        &bench(model, pull, rail, leak, hysteresis, seed),
        &ProbeConfig::DEFAULT,
    )
}

#[test]
fn good_tape_untaped_and_off_card_read_right_across_every_pull_and_rail() {
    for pull in PULLS {
        for rail in RAILS {
            for hysteresis in [false, true] {
                for seed in 0..8 {
                    let at = format!("pull {pull} rail {rail} hysteresis {hysteresis} seed {seed}");
                    let good = run("open", pull, rail, NONE_OHMS, hysteresis, seed);
                    assert_eq!(good.probe.verdict, Verdict::Isolated, "good tape, {at}");
                    assert_eq!(good.probe.contact_hits, 0);
                    assert!(good.pull.is_some(), "{at}");
                    let untaped = run("connected", pull, rail, NONE_OHMS, hysteresis, seed);
                    assert_eq!(untaped.probe.verdict, Verdict::Connected, "untaped, {at}");
                    let off = run("no-contact", pull, rail, NONE_OHMS, hysteresis, seed);
                    assert_eq!(off.probe.verdict, Verdict::NoContact, "off the card, {at}");
                    assert_eq!(off.pull, None, "off the card, {at}");
                }
            }
        }
    }
}

#[test]
fn leaks_below_the_boundary_fail_where_the_probe_claims_to_see_them() {
    let leaks = [
        100.0, 1_000.0, 2_200.0, 3_300.0, 4_700.0, 6_800.0, 10_000.0, 15_000.0, 22_000.0,
    ];
    for pull in PULLS {
        let boundary = 2.0 * 1.54 * pull;
        for rail in RAILS {
            for leak in leaks {
                if leak >= boundary.min(sure_hit_below(pull)) {
                    continue;
                }
                for hysteresis in [false, true] {
                    for seed in 0..4 {
                        let r = run("open", pull, rail, leak, hysteresis, seed);
                        assert_eq!(
                            r.probe.verdict,
                            Verdict::Connected,
                            "leak {leak} pull {pull} rail {rail} hysteresis {hysteresis} seed {seed}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn every_leak_below_the_boundary_fails_for_pulls_up_to_4k7() {
    // The boundary (2 x 1.54 x pull) is inside the sure range here.
    for pull in [1_000.0, 2_200.0, 4_700.0] {
        let boundary = 2.0 * 1.54 * pull;
        assert!(boundary <= sure_hit_below(pull), "{pull}");
        for rail in RAILS {
            let mut leak = 100.0;
            while leak < boundary {
                for hysteresis in [false, true] {
                    let r = run("open", pull, rail, leak, hysteresis, 1);
                    assert!(
                        !r.probe.verdict.is_pass(),
                        "leak {leak} pull {pull} rail {rail}"
                    );
                }
                leak *= 1.25;
            }
        }
    }
}

#[test]
fn the_pull_is_read_strong_only_where_sense_ref_alone_cannot_lift_the_net() {
    for rail in RAILS {
        for seed in 0..8 {
            for pull in [1_000.0, 2_200.0] {
                let r = run("open", pull, rail.min(0.3), NONE_OHMS, false, seed);
                assert_eq!(r.pull, Some(Pull::Strong), "pull {pull} rail {rail}");
            }
            for pull in [10_000.0, 47_000.0, NONE_OHMS] {
                let r = run("open", pull, rail, NONE_OHMS, false, seed);
                assert_eq!(r.pull, Some(Pull::Weak), "pull {pull} rail {rail}");
            }
        }
    }
}

#[test]
fn stuck_nets_and_powered_cards_are_named_and_never_pass() {
    for pull in PULLS {
        for seed in 0..8 {
            assert_eq!(
                run("stuck-high", pull, 0.1, NONE_OHMS, false, seed)
                    .probe
                    .verdict,
                Verdict::StuckHigh
            );
            assert_eq!(
                run("stuck-low", pull, 0.1, NONE_OHMS, false, seed)
                    .probe
                    .verdict,
                Verdict::StuckLow
            );
            if pull <= 47_000.0 {
                for model in [
                    "powered-open",
                    "powered-connected",
                    "powered-intermittent:5%",
                ] {
                    let r = run(model, pull, 0.1, NONE_OHMS, false, seed);
                    assert_eq!(r.probe.verdict, Verdict::StuckHigh, "{model} pull {pull}");
                }
            }
        }
    }
}

#[test]
fn one_percent_intermittent_is_caught_on_999_of_1000_seeds_or_more() {
    for pull in [1_000.0, 4_700.0, NONE_OHMS] {
        let caught = (0..1000)
            .filter(|&seed| {
                run("intermittent:1%", pull, 0.1, NONE_OHMS, false, seed)
                    .probe
                    .verdict
                    == Verdict::Intermittent
            })
            .count();
        assert!(caught >= 999, "pull {pull}: {caught} of 1000");
    }
}

#[test]
fn currents_stay_inside_a_pi_gpio_and_sense_slipping_midway_is_no_contact() {
    // HOLD into a short to ground: 3.3 V / 520 ohm (470 + the driver's 50).
    let short = run("stuck-low", 10_000.0, 0.1, NONE_OHMS, false, 1);
    assert_eq!(short.probe.verdict, Verdict::StuckLow);
    let b = bench("stuck-low", 10_000.0, 0.1, NONE_OHMS, false, 1);
    probe_on(&b, &ProbeConfig::DEFAULT);
    let hold = b.peak_current_ua(LineId::Hold);
    assert!((6_000..=7_000).contains(&hold), "HOLD {hold} µA");
    assert!(b.peak_current_ua(LineId::SenseRef) < 1_000);
    // A card net with a 1 kohm pull: 3.3 V / (520 + 1000 || 3950 ohm) =
    // 2.5 mA at most, the instant HOLD is high and SENSE_REF already low.
    let b = bench("open", 1_000.0, 0.0, NONE_OHMS, false, 1);
    probe_on(&b, &ProbeConfig::DEFAULT);
    let hold = b.peak_current_ua(LineId::Hold);
    assert!((2_000..=2_600).contains(&hold), "HOLD {hold} µA");
    // SENSE read low mid-run ends the probe: a stop hook that is never
    // asked would not do; a SENSE that reads its own pull does.
    let b = bench("open", 4_700.0, 0.1, NONE_OHMS, false, 1);
    let mut sense = b.sense();
    let mut reads = 0u32;
    struct Slipping<'a, S> {
        inner: &'a mut S,
        reads: &'a mut u32,
    }
    impl<S: embedded_hal::digital::ErrorType> embedded_hal::digital::ErrorType for Slipping<'_, S> {
        type Error = S::Error;
    }
    impl<S: jig_core::InputLine> jig_core::InputLine for Slipping<'_, S> {
        fn set_input(&mut self, bias: jig_core::Bias) -> Result<(), Self::Error> {
            self.inner.set_input(bias)
        }
        fn is_high(&mut self) -> Result<bool, Self::Error> {
            *self.reads += 1;
            // after the checks, the probe slips off: it reads low
            Ok(*self.reads < 40 && self.inner.is_high()?)
        }
    }
    let r = held::run_until(
        &mut b.drive(),
        &mut b.sense_ref(),
        &mut b.hold(),
        &mut Slipping {
            inner: &mut sense,
            reads: &mut reads,
        },
        &mut b.delay(),
        &ProbeConfig::DEFAULT,
        &mut Never,
    )
    .unwrap();
    assert_eq!(r.probe.verdict, Verdict::NoContact);
    assert!(
        r.probe.samples > 0 && r.probe.samples < 1000,
        "{}",
        r.probe.samples
    );
    assert!(b.all_inputs());
}

#[test]
fn a_stop_aborts_with_every_line_an_input_and_a_bad_config_moves_nothing() {
    let b = bench("open", 4_700.0, 0.1, NONE_OHMS, false, 1);
    let mut asked = 0u32;
    let mut stop = || {
        asked += 1;
        asked > 3
    };
    let r = held::run_until(
        &mut b.drive(),
        &mut b.sense_ref(),
        &mut b.hold(),
        &mut b.sense(),
        &mut b.delay(),
        &ProbeConfig::DEFAULT,
        &mut stop,
    );
    assert!(matches!(r, Err(Error::Aborted)));
    assert!(b.all_inputs());
    let b = bench("open", 4_700.0, 0.1, NONE_OHMS, false, 1);
    let bad = ProbeConfig {
        samples: 0,
        settle_us: 50,
    };
    let r = held::run_until(
        &mut b.drive(),
        &mut b.sense_ref(),
        &mut b.hold(),
        &mut b.sense(),
        &mut b.delay(),
        &bad,
        &mut Never,
    );
    assert!(matches!(r, Err(Error::Config(_))));
    assert_eq!(b.now_ns(), 0);
    assert!(LineId::ALL
        .iter()
        .all(|&l| b.mode(l) == Mode::Input(jig_core::Bias::None)));
}

#[test]
fn without_a_hold_resistor_it_never_passes_a_leak_or_a_strong_pull_falsely() {
    // A Pi jig built before HOLD existed: the line touches nothing.
    for pull in PULLS {
        for leak in [1_000.0, 4_700.0, NONE_OHMS] {
            let cfg = SimConfig {
                r_card_pull: pull,
                r_leak: leak,
                r_hold: NONE_OHMS,
                adc: false,
                ..SimConfig::DEFAULT
            };
            let b = SimBench::new("open".parse().unwrap(), cfg, 2).unwrap();
            let r = probe_on(&b, &ProbeConfig::DEFAULT);
            if leak < 2.0 * 1.54 * pull && leak < 4_700.0 {
                assert!(!r.probe.verdict.is_pass(), "pull {pull} leak {leak}");
            }
            if pull <= 2_200.0 {
                assert_ne!(
                    r.probe.verdict,
                    Verdict::Isolated,
                    "pull {pull} leak {leak}"
                );
            }
        }
    }
}

#[test]
fn the_self_test_with_hold_proves_holds_resistor_is_on_sense_refs_probe() {
    for (r_hold, failed) in [(470.0, 0u32), (NONE_OHMS, 0b11 << 16)] {
        for seed in 0..16 {
            let cfg = SimConfig {
                r_hold,
                adc: false,
                ..SimConfig::DEFAULT
            };
            let b = SimBench::new("no-contact".parse().unwrap(), cfg, seed).unwrap();
            let r = jig_core::selftest::run_with_hold(
                &mut b.drive(),
                &mut b.sense_ref(),
                &mut b.hold(),
                &mut b.sense(),
                &mut b.delay(),
            )
            .unwrap();
            assert_eq!(
                (r.checks, r.failed),
                (18, failed),
                "r_hold {r_hold} seed {seed}"
            );
            assert!(b.all_inputs());
            assert_eq!(b.drive_high_calls(LineId::Drive), 0);
            if failed != 0 {
                let names: Vec<&str> = r.failed_checks().collect();
                assert_eq!(names, jig_core::selftest::HOLD_CHECKS);
            }
        }
    }
}
