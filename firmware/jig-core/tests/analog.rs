//! The analog probe (jig_core::analog) on the simulated bench, swept over
//! the card's pull (1 kΩ..none), its rail (0..0.7 V) and the tape's leak.

use jig_core::analog::{self, AnalogConfig, AnalogReport, AnalogVerdict, ACCURACY};
use jig_core::probe::Never;
use jig_core::sim::{SimBench, SimConfig, WireModel, NONE_OHMS};

const PULLS: [f64; 8] = [
    1_000.0, 2_200.0, 4_700.0, 10_000.0, 22_000.0, 47_000.0, 100_000.0, NONE_OHMS,
];
const RAILS: [f64; 4] = [0.0, 0.1, 0.3, 0.7];

fn run(model: &str, pull: f64, rail: f64, leak: f64, seed: u64) -> AnalogReport {
    let model: WireModel = model.parse().unwrap();
    let cfg = SimConfig {
        r_card_pull: pull,
        v_card_unpowered: rail,
        r_leak: leak,
        ..SimConfig::DEFAULT
    };
    let bench = SimBench::new(model, cfg, seed).unwrap();
    let r = analog::run(
        &mut bench.drive(),
        &mut bench.sense_ref(),
        &mut bench.sense(),
        &mut bench.delay(),
        &AnalogConfig::DEFAULT,
        &mut Never,
    )
    .unwrap();
    assert!(bench.all_inputs());
    assert_eq!(bench.drive_high_calls(jig_core::sim::LineId::Drive), 0);
    r
}

fn label(pull: f64) -> String {
    if pull >= NONE_OHMS {
        "none".into()
    } else {
        format!("{pull}")
    }
}

#[test]
fn the_card_net_is_characterised_within_ten_percent() {
    for pull in PULLS {
        for rail in RAILS {
            let r = run("open", pull, rail, NONE_OHMS, 1);
            let net = r
                .card
                .unwrap_or_else(|| panic!("pull {pull} rail {rail}: {r:?}"));
            match net.pull_ohms.map(f64::from) {
                Some(got) => {
                    assert!(pull < NONE_OHMS, "no pull read as {got}");
                    assert!((got / pull - 1.0).abs() < 0.10, "pull {pull}: {got}");
                    // The rail is resolved to ±30 mV (a strong pull divides it least).
                    assert!(
                        (f64::from(net.rail_mv) / 1000.0 - rail).abs() < 0.03 + rail * 0.1,
                        "pull {pull} rail {rail}: {}",
                        net.rail_mv
                    );
                }
                None => assert!(pull >= analog::NO_PULL_OHMS, "pull {pull} read as none"),
            }
        }
    }
}

#[test]
fn good_tape_is_isolated_across_the_whole_range() {
    for pull in PULLS {
        for rail in RAILS {
            for seed in 0..3 {
                let r = run("open", pull, rail, NONE_OHMS, seed);
                assert!(
                    matches!(r.verdict, AnalogVerdict::Isolated { .. }),
                    "pull {} rail {rail} seed {seed}: {r:?}",
                    label(pull)
                );
                // The range reaches at least 1 MΩ everywhere.
                assert!(
                    r.range_ohms.unwrap() >= 1_000_000,
                    "pull {} rail {rail}: range {:?}",
                    label(pull),
                    r.range_ohms
                );
            }
        }
    }
}

#[test]
fn never_isolated_below_the_boundary_and_the_estimate_is_within_the_stated_accuracy() {
    for pull in PULLS {
        for rail in RAILS {
            // The boundary for this pull (none: every measurable leak fails).
            let boundary = analog::boundary_ohms(&analog::CardNet {
                pull_ohms: (pull < NONE_OHMS).then_some(pull),
                rail_v: rail,
            });
            for leak in [
                1_000.0, 2_200.0, 4_700.0, 10_000.0, 22_000.0, 47_000.0, 100_000.0, 220_000.0,
                470_000.0, 1.0e6,
            ] {
                let r = run("open", pull, rail, leak, 7);
                let range = f64::from(r.range_ohms.unwrap());
                let below = boundary.is_none_or(|b| leak < b * 0.9);
                let above = boundary.is_some_and(|b| leak > b * 1.1);
                if below {
                    assert!(
                        !r.verdict.is_pass(),
                        "pull {} rail {rail} leak {leak}: {r:?}",
                        label(pull)
                    );
                }
                if above {
                    assert!(
                        r.verdict.is_pass(),
                        "pull {} rail {rail} leak {leak} (boundary {boundary:?}): {r:?}",
                        label(pull)
                    );
                }
                let est = match r.verdict {
                    AnalogVerdict::Leaky { leak_ohms } => Some(f64::from(leak_ohms)),
                    AnalogVerdict::Isolated { leak_ohms } => leak_ohms.map(f64::from),
                    _ => panic!("pull {} leak {leak}: {r:?}", label(pull)),
                };
                if leak <= range / 10.0 {
                    let est = est.unwrap_or_else(|| {
                        panic!(
                            "pull {} leak {leak}: no estimate (range {range})",
                            label(pull)
                        )
                    });
                    assert!(
                        (est / leak - 1.0).abs() <= ACCURACY,
                        "pull {} rail {rail} leak {leak}: estimate {est}",
                        label(pull)
                    );
                }
            }
        }
    }
}

#[test]
fn off_the_card_stuck_and_contacts_are_never_isolated() {
    for pull in PULLS {
        for rail in [0.0, 0.7] {
            for (model, ok) in [
                ("no-contact", &[AnalogVerdict::NoContact][..]),
                ("stuck-high", &[AnalogVerdict::StuckHigh][..]),
                ("stuck-low", &[AnalogVerdict::StuckLow][..]),
                ("connected", &[AnalogVerdict::Connected][..]),
            ] {
                for seed in 0..3 {
                    let r = run(model, pull, rail, NONE_OHMS, seed);
                    assert!(
                        ok.contains(&r.verdict),
                        "{model} pull {} rail {rail}: {r:?}",
                        label(pull)
                    );
                }
            }
            let r = run("intermittent:5%", pull, rail, NONE_OHMS, 2);
            assert_eq!(
                r.verdict,
                AnalogVerdict::Intermittent,
                "pull {}: {r:?}",
                label(pull)
            );
            assert!(r.hits > 0 && r.hits < r.samples);
        }
    }
}

#[test]
fn a_powered_card_is_named_powered() {
    for model in ["powered-open", "powered-connected"] {
        let r = run(model, 10_000.0, 0.1, NONE_OHMS, 1);
        assert!(!r.verdict.is_pass(), "{model}: {r:?}");
    }
    let r = run("powered-open", 10_000.0, 0.1, NONE_OHMS, 1);
    assert_eq!(r.verdict, AnalogVerdict::Powered, "{r:?}");
}

#[test]
fn one_percent_intermittent_is_caught_on_999_of_1000_seeds_or_more() {
    let mut caught = 0;
    for seed in 0..1000 {
        let r = run("intermittent:1%", 10_000.0, 0.1, NONE_OHMS, seed);
        if !r.verdict.is_pass() {
            caught += 1;
        }
    }
    assert!(caught >= 999, "{caught}/1000");
}

#[test]
fn a_sense_without_an_adc_is_refused_before_any_line_moves_and_a_stop_aborts() {
    use jig_core::{Bias, Error, InputLine};
    /// SENSE as a plain input: `read_adc` keeps its default (no ADC).
    struct Plain<L>(L);
    impl<L: embedded_hal::digital::ErrorType> embedded_hal::digital::ErrorType for Plain<L> {
        type Error = L::Error;
    }
    impl<L: InputLine> InputLine for Plain<L> {
        fn set_input(&mut self, bias: Bias) -> Result<(), Self::Error> {
            self.0.set_input(bias)
        }
        fn is_high(&mut self) -> Result<bool, Self::Error> {
            self.0.is_high()
        }
    }
    let bench = SimBench::new("open".parse().unwrap(), SimConfig::DEFAULT, 1).unwrap();
    let r = analog::run(
        &mut bench.drive(),
        &mut bench.sense_ref(),
        &mut Plain(bench.sense()),
        &mut bench.delay(),
        &AnalogConfig::DEFAULT,
        &mut Never,
    );
    assert_eq!(r, Err(Error::NoAdc));
    assert_eq!(bench.now_ns(), 0);
    assert_eq!(bench.drive_high_calls(jig_core::sim::LineId::SenseRef), 0);
    assert!(bench.all_inputs());
    let r = analog::run(
        &mut bench.drive(),
        &mut bench.sense_ref(),
        &mut bench.sense(),
        &mut bench.delay(),
        &AnalogConfig::DEFAULT,
        &mut || true,
    );
    assert_eq!(r, Err(Error::Aborted));
    assert!(bench.all_inputs());
}
