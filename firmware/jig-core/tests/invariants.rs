//! Safety invariants, proven with a recording wrapper around the simulated
//! bench's lines, over every wire model, several seeds and every operation:
//! - every line is an input at start, after every operation and after safe();
//! - SENSE is never anything but an input;
//! - the kill-line simulator never drives high;
//! - every fight goes through a series resistor and stays within a few mA.

mod common;

use common::*;
use jig_core::kill::KillLine;
use jig_core::sim::{LineId, Mode, SimBench, SimConfig, WireModel};
use jig_core::{Bias, Jig, KillOp, ProbeConfig};

const MODELS: [&str; 12] = [
    "open",
    "connected",
    "intermittent:0.3",
    "stuck-high",
    "stuck-low",
    "no-contact",
    "powered-open",
    "powered-connected",
    "powered-intermittent:0.3",
    "powered-stuck-high",
    "powered-stuck-low",
    "powered-no-contact",
];

fn ops() -> [KillOp; 7] {
    [
        KillOp::Assert,
        KillOp::Release,
        KillOp::Pulse { width_us: 1_000 },
        KillOp::Assert,
        KillOp::Toggle {
            period_us: 200,
            count: 5,
        },
        KillOp::Bounce {
            transitions: 7,
            width_us: 30,
            end_asserted: true,
        },
        KillOp::Bounce {
            transitions: 6,
            width_us: 30,
            end_asserted: false,
        },
    ]
}

/// 3.3 V / 1 kΩ: the most a jig line may push into anything.
const FIGHT_LIMIT_UA: u32 = 3_300;

fn assert_all_inputs(bench: &SimBench, log: &Log, when: &str) {
    assert!(
        bench.all_inputs(),
        "{when}: modes {:?}",
        LineId::ALL.map(|l| bench.mode(l))
    );
    for name in [DRIVE, REF, SENSE] {
        assert!(
            matches!(last_mode_op(log, name), Some(Op::SetInput(_))),
            "{when}: {name} last op {:?}",
            last_mode_op(log, name)
        );
    }
}

#[test]
fn invariants_hold_for_every_model_seed_and_operation() {
    for model in MODELS {
        let model: WireModel = model.parse().unwrap();
        for seed in 0..8u64 {
            let bench = SimBench::new(model, SimConfig::DEFAULT, seed).unwrap();
            let log = Log::default();
            let mut jig = Jig::new(
                Recorded::new(bench.drive(), DRIVE, &log),
                Recorded::new(bench.sense_ref(), REF, &log),
                Recorded::new(bench.sense(), SENSE, &log),
            )
            .unwrap();
            // At start: the first thing done to every line makes it an input.
            for name in [DRIVE, REF, SENSE] {
                assert_eq!(
                    ops_of(&log, name),
                    vec![Op::SetInput(Bias::None)],
                    "{model} {name}"
                );
            }
            assert!(bench.all_inputs());
            let mut delay = RecDelay {
                inner: bench.delay(),
                log: &log,
            };

            let cfg = ProbeConfig {
                samples: 64,
                settle_us: 50,
            };
            jig.probe(&mut delay, &cfg).unwrap();
            assert_all_inputs(&bench, &log, &format!("{model} seed {seed} after probe"));

            for op in ops() {
                let before = log.borrow().len();
                let report = jig.kill(&mut delay, &op).unwrap();
                let during: Vec<_> = log.borrow()[before..].to_vec();
                assert!(
                    !during
                        .iter()
                        .any(|(n, o)| *n == DRIVE && *o == Op::DriveHigh),
                    "{model}: {op:?} drove DRIVE high"
                );
                assert!(
                    during
                        .iter()
                        .all(|(n, o)| *n != REF && *n != SENSE || *o == Op::SetInput(Bias::None)),
                    "{model}: {op:?} touched SENSE_REF/SENSE beyond releasing them"
                );
                assert_eq!(report.left_asserted, op.leaves_asserted());
                assert_eq!(bench.mode(LineId::SenseRef), Mode::Input(Bias::None));
                assert_eq!(bench.mode(LineId::Sense), Mode::Input(Bias::None));
                if op.leaves_asserted() {
                    // Open-drain asserted: pulled low, never high.
                    assert_eq!(bench.mode(LineId::Drive), Mode::DriveLow, "{model} {op:?}");
                } else {
                    assert_all_inputs(&bench, &log, &format!("{model} after {op:?}"));
                }
            }

            // safe(), as a panic handler would call it, from an asserted line.
            jig.kill(&mut delay, &KillOp::Assert).unwrap();
            jig.safe().unwrap();
            assert_all_inputs(&bench, &log, &format!("{model} after safe()"));
            assert!(!jig.kill_asserted());

            // SENSE: only ever set_input and reads, in the log and on the bench.
            let sense_ops = ops_of(&log, SENSE);
            assert!(sense_ops
                .iter()
                .all(|o| matches!(o, Op::SetInput(_) | Op::Read(_))));
            assert!(sense_ops.iter().any(|o| matches!(o, Op::Read(_))) || !model.probes_on_card());
            assert_eq!(bench.drive_high_calls(LineId::Sense), 0);
            // DRIVE: open-drain in every operation, the probe included.
            assert_eq!(bench.drive_high_calls(LineId::Drive), 0, "{model}");
            assert!(!ops_of(&log, DRIVE).contains(&Op::DriveHigh), "{model}");

            // Fights: bounded by the series resistors.
            for line in LineId::ALL {
                let peak = bench.peak_current_ua(line);
                assert!(
                    peak <= FIGHT_LIMIT_UA,
                    "{model} seed {seed}: {line:?} pushed {peak} µA"
                );
            }
            assert_eq!(bench.peak_current_ua(LineId::Sense), 0);
            // SENSE_REF (3.9 kΩ) stays below 1 mA even against a 10 Ω short.
            assert!(bench.peak_current_ua(LineId::SenseRef) < 1_000);
        }
    }
}

#[test]
fn fight_currents_are_measured_not_assumed() {
    use jig_core::{JigLine, OpenDrainLine};
    // A conducting tape: DRIVE (low) sinks what SENSE_REF (high) and the
    // card pull put on the net: the net sits at ~0.62 V, 0.62 V / 1.05 kΩ ≈ 0.6 mA.
    let bench = SimBench::new("connected".parse().unwrap(), SimConfig::DEFAULT, 1).unwrap();
    let mut jig = Jig::new(bench.drive(), bench.sense_ref(), bench.sense()).unwrap();
    jig.probe(
        &mut bench.delay(),
        &ProbeConfig {
            samples: 16,
            settle_us: 50,
        },
    )
    .unwrap();
    let drive = bench.peak_current_ua(LineId::Drive);
    assert!((550..700).contains(&drive), "DRIVE fight {drive} µA");

    // SENSE_REF high against a net shorted to ground: 3.3 V / 3.95 kΩ ≈ 835 µA.
    let stuck = SimBench::new("stuck-low".parse().unwrap(), SimConfig::DEFAULT, 1).unwrap();
    stuck.sense_ref().drive_high().unwrap();
    let sref = stuck.peak_current_ua(LineId::SenseRef);
    assert!((800..870).contains(&sref), "SENSE_REF fight {sref} µA");

    // With the 1 kΩ the hardware puts on DRIVE, a hard short stays at 3.3 mA.
    let cfg = SimConfig {
        r_sense_ref: 1_000.0,
        ..SimConfig::DEFAULT
    };
    let hard = SimBench::new("stuck-high".parse().unwrap(), cfg, 1).unwrap();
    hard.sense_ref().drive_low().unwrap();
    let worst = hard.peak_current_ua(LineId::SenseRef);
    assert!(
        (3_100..=FIGHT_LIMIT_UA).contains(&worst),
        "1 kΩ fight {worst} µA"
    );
}

#[test]
fn kill_line_through_a_bare_kill_line_never_drives_high() {
    // KillLine only knows OpenDrainLine: even given a line that could drive
    // high, none of its operations does.
    let bench = SimBench::new("powered-connected".parse().unwrap(), SimConfig::DEFAULT, 3).unwrap();
    let log = Log::default();
    let mut kill = KillLine::new(Recorded::new(bench.drive(), DRIVE, &log)).unwrap();
    let mut delay = bench.delay();
    for op in ops() {
        kill.run(&mut delay, &op).unwrap();
    }
    assert_eq!(bench.drive_high_calls(LineId::Drive), 0);
    assert!(!ops_of(&log, DRIVE).contains(&Op::DriveHigh));
}

#[test]
fn a_refused_request_and_the_self_test_leave_every_line_an_input() {
    let bench = SimBench::new("powered-connected".parse().unwrap(), SimConfig::DEFAULT, 5).unwrap();
    let mut jig = Jig::new(bench.drive(), bench.sense_ref(), bench.sense()).unwrap();
    let mut delay = bench.delay();
    let refused: [&dyn Fn(&mut Jig<_, _, _>) -> bool; 2] = [
        &|j| {
            j.kill(&mut bench.delay(), &KillOp::Pulse { width_us: 0 })
                .is_err()
        },
        &|j| {
            let none = ProbeConfig {
                samples: 0,
                settle_us: 1,
            };
            j.probe(&mut bench.delay(), &none).is_err()
        },
    ];
    for refuse in refused {
        jig.kill(&mut delay, &KillOp::Assert).unwrap();
        assert_eq!(bench.mode(LineId::Drive), Mode::DriveLow);
        assert!(refuse(&mut jig));
        assert!(
            bench.all_inputs(),
            "a refusal leaves the kill line released"
        );
        assert!(!jig.kill_asserted());
    }
    jig.kill(&mut delay, &KillOp::Assert).unwrap();
    let report = jig.self_test(&mut delay).unwrap();
    assert_eq!(report.checks as usize, jig_core::selftest::CHECKS.len());
    assert!(bench.all_inputs());
    assert!(!jig.kill_asserted());
}
