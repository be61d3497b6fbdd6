//! The simulated bench itself: wire model syntax, the electrical values the
//! probe's design relies on, and what the card sees of the kill line.

use jig_core::kill::KillLine;
use jig_core::sim::{CardLog, ParseWireError, SimBench, SimConfig, Wire, WireModel};
use jig_core::{Bias, InputLine, JigLine, KillOp, Level, OpenDrainLine};

fn parse(s: &str) -> WireModel {
    s.parse().unwrap()
}

#[test]
fn wire_model_syntax_round_trips() {
    for s in [
        "open",
        "connected",
        "intermittent:0.01",
        "stuck-high",
        "stuck-low",
        "no-contact",
        "powered-open",
        "powered-connected",
        "powered-intermittent:0.25",
        "powered-stuck-high",
        "powered-stuck-low",
        "powered-no-contact",
    ] {
        assert_eq!(parse(s).to_string(), s);
    }
    assert_eq!(
        parse("intermittent:1%"),
        WireModel::unpowered(Wire::Intermittent(0.01))
    );
    assert_eq!(
        parse("powered-intermittent:5%").wire,
        Wire::Intermittent(0.05)
    );
    assert!(parse("powered-open").powered);
    assert!(!parse("open").powered);
}

#[test]
fn wire_model_errors_say_what_is_wrong() {
    let err = |s: &str| s.parse::<WireModel>().unwrap_err();
    assert_eq!(err("tape"), ParseWireError::Unknown);
    assert_eq!(err("powered"), ParseWireError::Unknown);
    assert_eq!(err("open+powered"), ParseWireError::Unknown);
    assert_eq!(err("intermittent"), ParseWireError::BadProbability);
    assert_eq!(err("intermittent:"), ParseWireError::BadProbability);
    assert_eq!(err("intermittent:abc"), ParseWireError::BadProbability);
    assert_eq!(err("intermittent:NaN"), ParseWireError::BadProbability);
    assert_eq!(err("intermittent:0"), ParseWireError::ProbabilityRange);
    assert_eq!(err("intermittent:1"), ParseWireError::ProbabilityRange);
    assert_eq!(err("intermittent:150%"), ParseWireError::ProbabilityRange);
    assert_eq!(err("intermittent:-0.1"), ParseWireError::ProbabilityRange);
    assert!(ParseWireError::Unknown.to_string().contains("powered-"));
}

#[test]
fn sim_config_refuses_unphysical_values() {
    assert!(SimConfig::DEFAULT.validate().is_ok());
    for bad in [
        SimConfig {
            r_drive: 0.0,
            ..SimConfig::DEFAULT
        },
        SimConfig {
            r_sense_ref: -1.0,
            ..SimConfig::DEFAULT
        },
        SimConfig {
            r_card_pull: f64::INFINITY,
            ..SimConfig::DEFAULT
        },
        SimConfig {
            r_pull_max: 10_000.0,
            ..SimConfig::DEFAULT
        },
        SimConfig {
            v_il: 2.5,
            ..SimConfig::DEFAULT
        },
    ] {
        assert!(SimBench::new(parse("open"), bad, 1).is_err(), "{bad:?}");
    }
}

/// A bench whose pulls are exactly 50 kΩ, the worst case of the docs table.
fn worst_pull_bench(model: &str) -> SimBench {
    let sim = SimConfig {
        r_pull_min: 50_000.0,
        r_pull_max: 50_000.0,
        ..SimConfig::DEFAULT
    };
    SimBench::new(parse(model), sim, 1).unwrap()
}

fn close(v: f64, expected: f64) -> bool {
    (v - expected).abs() < 0.03
}

#[test]
fn net_voltages_match_the_design_table() {
    // Tape isolates, SENSE_REF holds high, SENSE pulled low: 2.25 V.
    let b = worst_pull_bench("open");
    b.sense().set_input(Bias::PullDown).unwrap();
    b.sense_ref().drive_high().unwrap();
    b.drive().drive_low().unwrap();
    let v = b.net_voltage();
    assert!(close(v, 2.25) && v > 2.0, "{v}");

    // Tape conducts, DRIVE low against SENSE_REF high: about 0.63 V (< 0.8).
    let b = worst_pull_bench("connected");
    b.sense().set_input(Bias::PullDown).unwrap();
    b.sense_ref().drive_high().unwrap();
    b.drive().drive_low().unwrap();
    let v = b.net_voltage();
    assert!(close(v, 0.64) && v < 0.8, "{v}");

    // Tape conducts, DRIVE high against SENSE_REF low: about 2.4 V (> 2.0).
    b.sense().set_input(Bias::PullUp).unwrap();
    b.sense_ref().drive_low().unwrap();
    b.drive().drive_high().unwrap();
    let v = b.net_voltage();
    assert!(close(v, 2.42) && v > 2.0, "{v}");

    // Unpowered card, nothing driven: the card's dead rail holds it near 0 V,
    // and an internal pull-up alone cannot lift it (the reason to drive).
    let b = worst_pull_bench("open");
    b.sense().set_input(Bias::PullUp).unwrap();
    let v = b.net_voltage();
    assert!(v < 0.8, "{v}");

    // Powered card: its pull-up holds 3.3 V; the kill line pulls it to ~0.3 V.
    let b = worst_pull_bench("powered-connected");
    assert!(close(b.net_voltage(), 3.3));
    b.drive().drive_low().unwrap();
    assert!(close(b.net_voltage(), 0.31), "{}", b.net_voltage());
}

#[test]
fn sense_off_the_card_reads_its_pull_and_floats_without_one() {
    let b = SimBench::new(parse("no-contact"), SimConfig::DEFAULT, 5).unwrap();
    let mut sense = b.sense();
    sense.set_input(Bias::PullUp).unwrap();
    assert!((0..100).all(|_| sense.is_high().unwrap()));
    sense.set_input(Bias::PullDown).unwrap();
    assert!((0..100).all(|_| !sense.is_high().unwrap()));
    sense.set_input(Bias::None).unwrap();
    let highs = (0..1000).filter(|_| sense.is_high().unwrap()).count();
    assert!(
        (350..650).contains(&highs),
        "a floating input is a coin toss: {highs}"
    );
}

fn kill(model: &str, ops: &[KillOp]) -> CardLog {
    let bench = SimBench::new(parse(model), SimConfig::DEFAULT, 9).unwrap();
    let mut line = KillLine::new(bench.drive()).unwrap();
    let mut delay = bench.delay();
    for op in ops {
        line.run(&mut delay, op).unwrap();
    }
    bench.observe();
    bench.card()
}

#[test]
fn a_powered_card_without_tape_sees_every_kill_operation() {
    let card = kill("powered-connected", &[KillOp::Pulse { width_us: 100_000 }]);
    assert!(card.powered());
    assert_eq!(card.assert_edges(), 1);
    assert_eq!(card.release_edges(), 1);
    assert_eq!(card.asserted_ns(), 100_000_000);
    assert_eq!(card.level(), Some(Level::High));
    assert_eq!(card.edges()[0].level, Level::Low);
    assert_eq!(card.edges()[1].at_ns - card.edges()[0].at_ns, 100_000_000);

    let card = kill(
        "powered-connected",
        &[KillOp::Toggle {
            period_us: 1_000,
            count: 5,
        }],
    );
    assert_eq!(card.assert_edges(), 5);
    assert_eq!(card.asserted_ns(), 5 * 500_000);

    let card = kill("powered-connected", &[KillOp::Assert]);
    assert_eq!(card.assert_edges(), 1);
    assert_eq!(card.level(), Some(Level::Low));

    let bounce = KillOp::Bounce {
        transitions: 8,
        width_us: 200,
        end_asserted: true,
    };
    let card = kill("powered-connected", &[bounce]);
    // 8 transitions from released end released; settling asserted adds one.
    assert_eq!(card.assert_edges(), 5);
    assert_eq!(card.release_edges(), 4);
    assert_eq!(card.level(), Some(Level::Low));
}

#[test]
fn good_tape_hides_the_kill_line_from_the_card() {
    let ops = [
        KillOp::Assert,
        KillOp::Pulse { width_us: 50_000 },
        KillOp::Toggle {
            period_us: 1_000,
            count: 20,
        },
    ];
    for model in ["powered-open", "powered-no-contact", "powered-stuck-high"] {
        let card = kill(model, &ops);
        assert!(card.powered());
        assert!(!card.ever_asserted(), "{model}: {card:?}");
        assert_eq!(card.level(), Some(Level::High));
        assert!(card.observed_ns() > 0);
    }
}

#[test]
fn a_grounded_net_kills_the_radio_whatever_the_jig_does() {
    let card = kill(
        "powered-stuck-low",
        &[KillOp::Release, KillOp::Pulse { width_us: 1_000 }],
    );
    assert_eq!(card.assert_edges(), 0);
    assert_eq!(card.level(), Some(Level::Low));
    assert_eq!(card.asserted_ns(), card.observed_ns());
}

#[test]
fn an_unpowered_card_sees_nothing() {
    let card = kill("connected", &[KillOp::Pulse { width_us: 1_000 }]);
    assert!(!card.powered());
    assert_eq!(card.level(), None);
    assert_eq!(card.assert_edges(), 0);
}

#[test]
fn an_intermittent_tape_lets_some_pulses_through() {
    let ops: Vec<KillOp> = (0..400).map(|_| KillOp::Pulse { width_us: 100 }).collect();
    let card = kill("powered-intermittent:0.25", &ops);
    // Each pulse reaches the card with probability 0.25: 100 ± 5σ (43).
    assert!(
        (57..=143).contains(&card.assert_edges()),
        "{}",
        card.assert_edges()
    );
}

#[test]
fn time_and_intervals_are_counted() {
    let bench = SimBench::new(parse("intermittent:0.5"), SimConfig::DEFAULT, 4).unwrap();
    let mut delay = bench.delay();
    use embedded_hal::delay::DelayNs;
    for _ in 0..2000 {
        delay.delay_us(3);
    }
    assert_eq!(bench.now_ns(), 6_000_000);
    let (intervals, contact) = bench.intervals();
    assert_eq!(intervals, 2000);
    assert!((850..1150).contains(&contact), "{contact}");
    // Reading a driven line returns its own level.
    let mut d = bench.drive();
    d.drive_low().unwrap();
    assert!(!d.is_high().unwrap());
    d.drive_high().unwrap();
    assert!(d.is_high().unwrap());
}
