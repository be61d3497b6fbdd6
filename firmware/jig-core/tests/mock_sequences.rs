//! Exact pin sequences against embedded-hal-mock pins: the mock checks the
//! level transactions per pin (set_low/set_high/get), the recording wrapper
//! checks the global order including direction, bias and delays.

mod common;

use common::*;
use embedded_hal_mock::eh1::delay::{CheckedDelay, Transaction as DelayTx};
use embedded_hal_mock::eh1::digital::{Mock as PinMock, State, Transaction as Tx};
use embedded_hal_mock::eh1::MockError;
use jig_core::probe;
use jig_core::{Bias, Error, Jig, KillOp, ProbeConfig, Verdict};

const SETTLE: u32 = 50;

fn delays(n: usize) -> CheckedDelay {
    CheckedDelay::new(&vec![DelayTx::delay_us(SETTLE); n])
}

fn state(high: bool) -> State {
    if high {
        State::High
    } else {
        State::Low
    }
}

#[test]
fn contact_check_exact_sequence_with_contact() {
    let log = Log::default();
    let mut sref_pin = PinMock::new(&[Tx::set(State::High), Tx::set(State::Low)]);
    let mut sense_pin = PinMock::new(&[Tx::get(State::High), Tx::get(State::Low)]);
    let mut delay = delays(2);
    let mut sref = Recorded::new(MockLine(sref_pin.clone()), REF, &log);
    let mut sense = Recorded::new(InputOnly(MockLine(sense_pin.clone())), SENSE, &log);
    let mut rdelay = RecDelay {
        inner: &mut delay,
        log: &log,
    };

    let contact = probe::check_contact(&mut sref, &mut sense, &mut rdelay, SETTLE).unwrap();
    assert!(contact);
    assert_eq!(
        *log.borrow(),
        vec![
            (SENSE, Op::SetInput(Bias::PullDown)),
            (REF, Op::DriveHigh),
            (CLOCK, Op::DelayUs(SETTLE)),
            (SENSE, Op::Read(true)),
            (SENSE, Op::SetInput(Bias::PullUp)),
            (REF, Op::DriveLow),
            (CLOCK, Op::DelayUs(SETTLE)),
            (SENSE, Op::Read(false)),
        ]
    );
    sref_pin.done();
    sense_pin.done();
    delay.done();
}

#[test]
fn contact_check_sense_following_its_own_pull_is_no_contact() {
    let log = Log::default();
    let mut sref_pin = PinMock::new(&[Tx::set(State::High), Tx::set(State::Low)]);
    // SENSE reads its pull: low when pulled down, high when pulled up.
    let mut sense_pin = PinMock::new(&[Tx::get(State::Low), Tx::get(State::High)]);
    let mut delay = delays(2);
    let mut sref = Recorded::new(MockLine(sref_pin.clone()), REF, &log);
    let mut sense = Recorded::new(InputOnly(MockLine(sense_pin.clone())), SENSE, &log);
    let contact = probe::check_contact(&mut sref, &mut sense, &mut delay, SETTLE).unwrap();
    assert!(!contact);
    // Half a contact (one direction only) is no contact either.
    for (a, b) in [(true, true), (false, false)] {
        let mut sref_pin2 = PinMock::new(&[Tx::set(State::High), Tx::set(State::Low)]);
        let mut sense_pin2 = PinMock::new(&[Tx::get(state(a)), Tx::get(state(b))]);
        let mut d = delays(2);
        let ok = probe::check_contact(
            &mut MockLine(sref_pin2.clone()),
            &mut InputOnly(MockLine(sense_pin2.clone())),
            &mut d,
            SETTLE,
        )
        .unwrap();
        assert!(!ok, "reads {a} {b}");
        sref_pin2.done();
        sense_pin2.done();
        d.done();
    }
    sref_pin.done();
    sense_pin.done();
    delay.done();
}

#[test]
fn stuck_check_exact_sequence_and_decisions() {
    // (read while pulled low, read while pulled high) -> decision
    let cases = [
        ((true, true), Some(Verdict::StuckHigh)),
        ((false, false), Some(Verdict::StuckLow)),
        ((true, false), Some(Verdict::NoContact)),
        ((false, true), None),
    ];
    for ((a, b), expected) in cases {
        let log = Log::default();
        let mut sref_pin = PinMock::new(&[Tx::set(State::Low), Tx::set(State::High)]);
        let mut sense_pin = PinMock::new(&[Tx::get(state(a)), Tx::get(state(b))]);
        let mut delay = delays(2);
        let mut sref = Recorded::new(MockLine(sref_pin.clone()), REF, &log);
        let mut sense = Recorded::new(InputOnly(MockLine(sense_pin.clone())), SENSE, &log);
        let mut rdelay = RecDelay {
            inner: &mut delay,
            log: &log,
        };
        let got = probe::check_stuck(&mut sref, &mut sense, &mut rdelay, SETTLE).unwrap();
        assert_eq!(got, expected, "reads {a} {b}");
        assert_eq!(
            *log.borrow(),
            vec![
                (SENSE, Op::SetInput(Bias::PullDown)),
                (REF, Op::DriveLow),
                (CLOCK, Op::DelayUs(SETTLE)),
                (SENSE, Op::Read(a)),
                (SENSE, Op::SetInput(Bias::PullUp)),
                (REF, Op::DriveHigh),
                (CLOCK, Op::DelayUs(SETTLE)),
                (SENSE, Op::Read(b)),
            ]
        );
        sref_pin.done();
        sense_pin.done();
        delay.done();
    }
}

#[test]
fn one_isolation_sample_exact_sequence_drive_only_pulls_low() {
    for follows_drive in [false, true] {
        let log = Log::default();
        let mut drive_pin = PinMock::new(&[Tx::set(State::Low)]);
        let mut sref_pin = PinMock::new(&[Tx::set(State::High)]);
        let mut sense_pin = PinMock::new(&[Tx::get(state(!follows_drive))]);
        let mut delay = delays(1);
        // DRIVE as a bare open-drain line: the probe cannot drive it high.
        let mut drive = Recorded::new(OpenDrainOnly(MockLine(drive_pin.clone())), DRIVE, &log);
        let mut sref = Recorded::new(MockLine(sref_pin.clone()), REF, &log);
        let mut sense = Recorded::new(InputOnly(MockLine(sense_pin.clone())), SENSE, &log);
        let mut rdelay = RecDelay {
            inner: &mut delay,
            log: &log,
        };
        let hit = probe::isolation_sample(&mut drive, &mut sref, &mut sense, &mut rdelay, SETTLE)
            .unwrap();
        assert_eq!(hit, follows_drive);
        assert_eq!(
            *log.borrow(),
            vec![
                // DRIVE first: the net is approached from below (a leak in
                // the undefined band stays a hit on a hysteresis input).
                (DRIVE, Op::DriveLow),
                // SENSE is pulled toward DRIVE's level: a lost SENSE reads a hit.
                (SENSE, Op::SetInput(Bias::PullDown)),
                (REF, Op::DriveHigh),
                (CLOCK, Op::DelayUs(SETTLE)),
                (SENSE, Op::Read(!follows_drive)),
            ]
        );
        drive_pin.done();
        sref_pin.done();
        sense_pin.done();
        delay.done();
    }
}

/// The whole probe, 2 samples, on mocks: safe start, stuck, contact,
/// isolation (DRIVE pulled low), safe end.
#[test]
fn whole_probe_exact_sequence() {
    let log = Log::default();
    let mut drive_pin = PinMock::new(&[Tx::set(State::Low), Tx::set(State::Low)]);
    let mut sref_pin = PinMock::new(&[
        Tx::set(State::Low),
        Tx::set(State::High),
        Tx::set(State::High),
        Tx::set(State::Low),
        Tx::set(State::High),
        Tx::set(State::High),
    ]);
    // Not stuck, contact, then SENSE follows SENSE_REF (isolated).
    let mut sense_pin = PinMock::new(&[
        Tx::get(State::Low),
        Tx::get(State::High),
        Tx::get(State::High),
        Tx::get(State::Low),
        Tx::get(State::High),
        Tx::get(State::High),
    ]);
    let mut delay = delays(6);
    let mut drive = Recorded::new(MockLine(drive_pin.clone()), DRIVE, &log);
    let mut sref = Recorded::new(MockLine(sref_pin.clone()), REF, &log);
    let mut sense = Recorded::new(InputOnly(MockLine(sense_pin.clone())), SENSE, &log);
    let cfg = ProbeConfig {
        samples: 2,
        settle_us: SETTLE,
    };
    let report = probe::run(&mut drive, &mut sref, &mut sense, &mut delay, &cfg).unwrap();
    assert_eq!(report.verdict, Verdict::Isolated);
    assert_eq!(report.samples, 2);
    assert_eq!(report.contact_hits, 0);
    assert_eq!(report.duration_us, 6 * u64::from(SETTLE));
    let mut expected = vec![
        (DRIVE, Op::SetInput(Bias::None)),
        (REF, Op::SetInput(Bias::None)),
        (SENSE, Op::SetInput(Bias::None)),
        // stuck
        (SENSE, Op::SetInput(Bias::PullDown)),
        (REF, Op::DriveLow),
        (SENSE, Op::Read(false)),
        (SENSE, Op::SetInput(Bias::PullUp)),
        (REF, Op::DriveHigh),
        (SENSE, Op::Read(true)),
        // contact
        (SENSE, Op::SetInput(Bias::PullDown)),
        (REF, Op::DriveHigh),
        (SENSE, Op::Read(true)),
        (SENSE, Op::SetInput(Bias::PullUp)),
        (REF, Op::DriveLow),
        (SENSE, Op::Read(false)),
    ];
    for _ in 0..2 {
        expected.extend([
            (DRIVE, Op::DriveLow),
            (SENSE, Op::SetInput(Bias::PullDown)),
            (REF, Op::DriveHigh),
            (SENSE, Op::Read(true)),
        ]);
    }
    expected.extend([
        (DRIVE, Op::SetInput(Bias::None)),
        (REF, Op::SetInput(Bias::None)),
        (SENSE, Op::SetInput(Bias::None)),
    ]);
    assert_eq!(*log.borrow(), expected);
    for name in [DRIVE, REF, SENSE] {
        assert_eq!(
            ops_of(&log, name).first(),
            Some(&Op::SetInput(Bias::None)),
            "{name} start"
        );
        assert_eq!(
            last_mode_op(&log, name),
            Some(Op::SetInput(Bias::None)),
            "{name} end"
        );
    }
    // The three lines are released together at the very end.
    let tail: Vec<_> = log
        .borrow()
        .iter()
        .rev()
        .take(3)
        .map(|(n, op)| (*n, *op))
        .collect();
    assert!(
        tail.iter().all(|(_, op)| *op == Op::SetInput(Bias::None)),
        "{tail:?}"
    );
    drive_pin.done();
    sref_pin.done();
    sense_pin.done();
    delay.done();
}

#[test]
fn a_failing_pin_leaves_every_line_an_input() {
    let log = Log::default();
    let err = MockError::Io(std::io::ErrorKind::NotConnected);
    let mut drive_pin = PinMock::new(&[]);
    // SENSE_REF fails on its second drive.
    let mut sref_pin = PinMock::new(&[Tx::set(State::Low), Tx::set(State::High).with_error(err)]);
    let mut sense_pin = PinMock::new(&[Tx::get(State::Low)]);
    let mut delay = delays(1);
    let mut drive = Recorded::new(MockLine(drive_pin.clone()), DRIVE, &log);
    let mut sref = Recorded::new(MockLine(sref_pin.clone()), REF, &log);
    let mut sense = Recorded::new(InputOnly(MockLine(sense_pin.clone())), SENSE, &log);
    let got = probe::run(
        &mut drive,
        &mut sref,
        &mut sense,
        &mut delay,
        &ProbeConfig::DEFAULT,
    );
    assert!(matches!(got, Err(Error::Line(MockError::Io(_)))), "{got:?}");
    for name in [DRIVE, REF, SENSE] {
        assert_eq!(
            last_mode_op(&log, name),
            Some(Op::SetInput(Bias::None)),
            "{name}"
        );
    }
    drive_pin.done();
    sref_pin.done();
    sense_pin.done();
    delay.done();
}

#[test]
fn bad_config_touches_no_line() {
    let log = Log::default();
    let mut drive_pin = PinMock::new(&[]);
    let mut sref_pin = PinMock::new(&[]);
    let mut sense_pin = PinMock::new(&[]);
    let mut delay = delays(0);
    let mut drive = Recorded::new(MockLine(drive_pin.clone()), DRIVE, &log);
    let mut sref = Recorded::new(MockLine(sref_pin.clone()), REF, &log);
    let mut sense = Recorded::new(InputOnly(MockLine(sense_pin.clone())), SENSE, &log);
    let cfg = ProbeConfig {
        samples: 0,
        settle_us: SETTLE,
    };
    let got = probe::run(&mut drive, &mut sref, &mut sense, &mut delay, &cfg);
    assert_eq!(got, Err(Error::Config(jig_core::ConfigError::NoSamples)));
    assert!(log.borrow().is_empty());
    drive_pin.done();
    sref_pin.done();
    sense_pin.done();
    delay.done();
}

#[test]
fn kill_ops_exact_sequences() {
    type Case = (KillOp, Vec<Op>, Vec<Tx>, u32, bool);
    let cases: Vec<Case> = vec![
        (
            KillOp::Assert,
            vec![Op::DriveLow],
            vec![Tx::set(State::Low)],
            1,
            true,
        ),
        (
            KillOp::Release,
            vec![Op::SetInput(Bias::None)],
            vec![],
            0,
            false,
        ),
        (
            KillOp::Pulse { width_us: 700 },
            vec![Op::DriveLow, Op::DelayUs(700), Op::SetInput(Bias::None)],
            vec![Tx::set(State::Low)],
            2,
            false,
        ),
        (
            KillOp::Toggle {
                period_us: 11,
                count: 2,
            },
            vec![
                Op::DriveLow,
                Op::DelayUs(5),
                Op::SetInput(Bias::None),
                Op::DelayUs(6),
                Op::DriveLow,
                Op::DelayUs(5),
                Op::SetInput(Bias::None),
                Op::DelayUs(6),
            ],
            vec![Tx::set(State::Low), Tx::set(State::Low)],
            4,
            false,
        ),
        (
            KillOp::Bounce {
                transitions: 3,
                width_us: 7,
                end_asserted: false,
            },
            vec![
                Op::DriveLow,
                Op::DelayUs(7),
                Op::SetInput(Bias::None),
                Op::DelayUs(7),
                Op::DriveLow,
                Op::DelayUs(7),
                Op::SetInput(Bias::None),
            ],
            vec![Tx::set(State::Low), Tx::set(State::Low)],
            4,
            false,
        ),
        (
            KillOp::Bounce {
                transitions: 4,
                width_us: 3,
                end_asserted: true,
            },
            vec![
                Op::DriveLow,
                Op::DelayUs(3),
                Op::SetInput(Bias::None),
                Op::DelayUs(3),
                Op::DriveLow,
                Op::DelayUs(3),
                Op::SetInput(Bias::None),
                Op::DelayUs(3),
                Op::DriveLow,
            ],
            vec![
                Tx::set(State::Low),
                Tx::set(State::Low),
                Tx::set(State::Low),
            ],
            5,
            true,
        ),
    ];
    for (op, expected_ops, drive_tx, edges, left) in cases {
        let log = Log::default();
        let mut drive_pin = PinMock::new(&drive_tx);
        let mut sref_pin = PinMock::new(&[]);
        let mut sense_pin = PinMock::new(&[]);
        let mut jig = Jig::new(
            Recorded::new(MockLine(drive_pin.clone()), DRIVE, &log),
            Recorded::new(MockLine(sref_pin.clone()), REF, &log),
            Recorded::new(InputOnly(MockLine(sense_pin.clone())), SENSE, &log),
        )
        .unwrap();
        log.borrow_mut().clear();
        let mut delay = RecDelay {
            inner: embedded_hal_mock::eh1::delay::NoopDelay::new(),
            log: &log,
        };
        let report = jig.kill(&mut delay, &op).unwrap();
        assert_eq!(report.edges, edges, "{op:?}");
        assert_eq!(report.left_asserted, left, "{op:?}");
        assert_eq!(report.duration_us, op.duration_us(), "{op:?}");
        let seen: Vec<Op> = log
            .borrow()
            .iter()
            .filter(|(n, _)| *n == DRIVE || *n == CLOCK)
            .map(|(_, o)| *o)
            .collect();
        assert_eq!(seen, expected_ops, "{op:?}");
        assert!(!ops_of(&log, DRIVE).contains(&Op::DriveHigh));
        // The other lines are made inputs, nothing else.
        assert_eq!(ops_of(&log, REF), vec![Op::SetInput(Bias::None)]);
        assert_eq!(ops_of(&log, SENSE), vec![Op::SetInput(Bias::None)]);
        drive_pin.done();
        sref_pin.done();
        sense_pin.done();
    }
}

#[test]
fn kill_state_carries_across_operations() {
    let log = Log::default();
    let mut drive_pin = PinMock::new(&[Tx::set(State::Low), Tx::set(State::Low)]);
    let mut sref_pin = PinMock::new(&[]);
    let mut sense_pin = PinMock::new(&[]);
    let mut jig = Jig::new(
        Recorded::new(MockLine(drive_pin.clone()), DRIVE, &log),
        Recorded::new(MockLine(sref_pin.clone()), REF, &log),
        Recorded::new(InputOnly(MockLine(sense_pin.clone())), SENSE, &log),
    )
    .unwrap();
    let mut delay = embedded_hal_mock::eh1::delay::NoopDelay::new();
    assert_eq!(jig.kill(&mut delay, &KillOp::Assert).unwrap().edges, 1);
    assert!(jig.kill_asserted());
    // Asserting again is no new edge; a pulse from asserted only releases.
    assert_eq!(jig.kill(&mut delay, &KillOp::Assert).unwrap().edges, 0);
    assert_eq!(jig.kill(&mut delay, &KillOp::Release).unwrap().edges, 1);
    assert_eq!(jig.kill(&mut delay, &KillOp::Release).unwrap().edges, 0);
    assert!(!jig.kill_asserted());
    let (_d, _r, _s) = jig.release().unwrap();
    assert_eq!(last_mode_op(&log, DRIVE), Some(Op::SetInput(Bias::None)));
    drive_pin.done();
    sref_pin.done();
    sense_pin.done();
}

/// After the 8th sample the reference check: DRIVE released, SENSE pulled
/// up, SENSE_REF low. A net that does not read low ends the probe as
/// `no-contact` (SENSE_REF no longer holds it).
#[test]
fn a_failed_reference_check_ends_the_probe_as_no_contact() {
    use jig_core::probe::REFERENCE_EVERY;
    let n = REFERENCE_EVERY as usize;
    let log = Log::default();
    // One assert per sample, one in the reference check.
    let mut drive_pin = PinMock::new(&vec![Tx::set(State::Low); n + 1]);
    let mut sref_ops = vec![
        Tx::set(State::Low),
        Tx::set(State::High),
        Tx::set(State::High),
        Tx::set(State::Low),
    ];
    sref_ops.extend((0..n).map(|_| Tx::set(State::High)));
    sref_ops.push(Tx::set(State::Low));
    let mut sref_pin = PinMock::new(&sref_ops);
    let mut sense_ops = vec![
        Tx::get(State::Low),
        Tx::get(State::High),
        Tx::get(State::High),
        Tx::get(State::Low),
    ];
    sense_ops.extend((0..n).map(|_| Tx::get(State::High)));
    // The reference check: SENSE reads its pull-up, not SENSE_REF's low.
    sense_ops.push(Tx::get(State::High));
    let mut sense_pin = PinMock::new(&sense_ops);
    let mut delay = delays(4 + n + 1);
    let mut drive = Recorded::new(OpenDrainOnly(MockLine(drive_pin.clone())), DRIVE, &log);
    let mut sref = Recorded::new(MockLine(sref_pin.clone()), REF, &log);
    let mut sense = Recorded::new(InputOnly(MockLine(sense_pin.clone())), SENSE, &log);
    let cfg = ProbeConfig {
        samples: 100,
        settle_us: SETTLE,
    };
    let report = probe::run(&mut drive, &mut sref, &mut sense, &mut delay, &cfg).unwrap();
    assert_eq!(report.verdict, Verdict::NoContact);
    assert_eq!(report.samples, REFERENCE_EVERY);
    assert_eq!(report.contact_hits, 0);
    let ops = log.borrow();
    // The last sample, the reference check, then every line released.
    assert_eq!(
        ops[ops.len() - 11..].to_vec(),
        vec![
            (DRIVE, Op::DriveLow),
            (SENSE, Op::SetInput(Bias::PullDown)),
            (REF, Op::DriveHigh),
            (SENSE, Op::Read(true)),
            (DRIVE, Op::DriveLow),
            (SENSE, Op::SetInput(Bias::PullUp)),
            (REF, Op::DriveLow),
            (SENSE, Op::Read(true)),
            (DRIVE, Op::SetInput(Bias::None)),
            (REF, Op::SetInput(Bias::None)),
            (SENSE, Op::SetInput(Bias::None)),
        ]
    );
    drop(ops);
    drive_pin.done();
    sref_pin.done();
    sense_pin.done();
    delay.done();
}
