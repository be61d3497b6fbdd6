//! The protocol's rule, checked against random request sequences: after any
//! error answer (a corrupt, unknown or over-long frame, a refused request, a
//! failing GPIO line) every jig line is an input. The server runs jig-core on
//! the simulated bench, with lines that fail on request.

mod common;

use core::cell::Cell;

use embedded_hal::digital::{ErrorKind, ErrorType};
use jig_core::sim::{SimBench, SimConfig};
use jig_core::{Bias, InputLine, Jig, JigLine, OpenDrainLine};
use jig_protocol::frame::FrameReader;
use jig_protocol::{
    decode, encode, JigDevice, KillOp, ProbeConfig, Request, Response, Server, StreamServer,
    MAX_FRAME,
};
use proptest::prelude::*;

/// A GPIO failure on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fault;

impl embedded_hal::digital::Error for Fault {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Other
    }
}

/// Drive calls left before the next one fails (`None`: never).
type Budget = Cell<Option<u32>>;

fn spend(budget: &Budget) -> Result<(), Fault> {
    match budget.get() {
        Some(0) => {
            budget.set(None);
            Err(Fault)
        }
        Some(n) => {
            budget.set(Some(n - 1));
            Ok(())
        }
        None => Ok(()),
    }
}

/// A simulated line whose drive calls fail when the budget runs out; making
/// it an input always works (so `safe()` can).
struct Flaky<'a, L> {
    line: L,
    budget: &'a Budget,
}

fn flaky<L>(line: L, budget: &Budget) -> Flaky<'_, L> {
    Flaky { line, budget }
}

impl<L> ErrorType for Flaky<'_, L> {
    type Error = Fault;
}

impl<L: InputLine> InputLine for Flaky<'_, L> {
    fn set_input(&mut self, bias: Bias) -> Result<(), Fault> {
        self.line.set_input(bias).map_err(|_| Fault)
    }
    fn is_high(&mut self) -> Result<bool, Fault> {
        self.line.is_high().map_err(|_| Fault)
    }
}

impl<L: OpenDrainLine> OpenDrainLine for Flaky<'_, L> {
    fn drive_low(&mut self) -> Result<(), Fault> {
        spend(self.budget)?;
        self.line.drive_low().map_err(|_| Fault)
    }
}

impl<L: JigLine> JigLine for Flaky<'_, L> {
    fn drive_high(&mut self) -> Result<(), Fault> {
        spend(self.budget)?;
        self.line.drive_high().map_err(|_| Fault)
    }
}

#[derive(Debug, Clone)]
enum Step {
    /// A request, framed properly.
    Request(Request),
    /// Arbitrary bytes, then a terminator: corrupt or unknown frames.
    Garbage(Vec<u8>),
    /// A frame longer than the jig accepts.
    Overlong(usize),
    /// The next drive call after `n` more fails.
    FailAfter(u32),
}

fn arb_kill() -> impl Strategy<Value = KillOp> {
    prop_oneof![
        Just(KillOp::Assert),
        Just(KillOp::Release),
        (0u32..50).prop_map(|width_us| KillOp::Pulse { width_us }),
        (0u32..50, 0u32..8).prop_map(|(period_us, count)| KillOp::Toggle { period_us, count }),
        (0u32..10, 0u32..50, any::<bool>()).prop_map(|(transitions, width_us, end_asserted)| {
            KillOp::Bounce {
                transitions,
                width_us,
                end_asserted,
            }
        }),
        // Over the protocol's limits.
        Just(KillOp::Pulse { width_us: u32::MAX }),
    ]
}

fn arb_request() -> impl Strategy<Value = Request> {
    prop_oneof![
        any::<u16>().prop_map(|protocol| Request::Hello { protocol }),
        (0u32..40, 0u32..60)
            .prop_map(|(samples, settle_us)| Request::Probe(ProbeConfig { samples, settle_us })),
        Just(Request::Probe(ProbeConfig {
            samples: 1_000_000,
            settle_us: 1
        })),
        arb_kill().prop_map(Request::Kill),
        Just(Request::SelfTest),
        Just(Request::Abort),
    ]
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => arb_request().prop_map(Step::Request),
        1 => proptest::collection::vec(1u8..=255, 1..40).prop_map(Step::Garbage),
        1 => (MAX_FRAME..3 * MAX_FRAME).prop_map(Step::Overlong),
        1 => (0u32..40).prop_map(Step::FailAfter),
    ]
}

/// Whether the kill line may be left asserted after this answer.
fn may_leave_asserted(resp: &Response) -> bool {
    matches!(resp, Response::Kill(r) if r.left_asserted) || matches!(resp, Response::Hello(_))
}

fn run_steps(model: &str, seed: u64, steps: &[Step]) {
    let bench = SimBench::new(model.parse().unwrap(), SimConfig::DEFAULT, seed).unwrap();
    let budget: Budget = Cell::new(None);
    let jig = Jig::new(
        flaky(bench.drive(), &budget),
        flaky(bench.sense_ref(), &budget),
        flaky(bench.sense(), &budget),
    )
    .unwrap();
    let mut stream = StreamServer::new(Server::new(
        JigDevice::new(jig, bench.delay()),
        common::info(),
    ));
    let mut kill_held = false;
    for step in steps {
        let bytes: Vec<u8> = match step {
            Step::Request(req) => {
                let mut out = [0u8; MAX_FRAME];
                encode(7, req, &mut out).unwrap().to_vec()
            }
            Step::Garbage(b) => b.iter().copied().chain([0]).collect(),
            Step::Overlong(n) => std::iter::repeat_n(0x41, *n).chain([0]).collect(),
            Step::FailAfter(n) => {
                budget.set(Some(*n));
                continue;
            }
        };
        let mut answers = Vec::new();
        for b in bytes {
            if let Some(frame) = stream.push(b) {
                let mut f = frame.to_vec();
                answers.push(decode::<Response>(&mut f).expect("a valid answer").body);
            }
        }
        assert!(answers.len() <= 1, "{step:?}: {answers:?}");
        let Some(resp) = answers.pop() else {
            continue;
        };
        match resp {
            Response::Error(e) => {
                assert!(bench.all_inputs(), "{step:?} -> {e:?}: a line left driven");
                kill_held = false;
            }
            Response::Kill(r) => kill_held = r.left_asserted,
            Response::Hello(_) => {}
            _ => kill_held = false,
        }
        if !may_leave_asserted(&resp) && !kill_held {
            assert!(
                bench.all_inputs(),
                "{step:?} -> {resp:?}: a line left driven"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_line_is_left_driven_after_an_error(
        model in prop_oneof![Just("open"), Just("connected"), Just("powered-connected"), Just("no-contact")],
        seed in 0u64..1000,
        steps in proptest::collection::vec(arb_step(), 1..14),
    ) {
        run_steps(model, seed, &steps);
    }
}

#[test]
fn corrupt_unknown_and_overlong_frames_release_an_asserted_kill_line() {
    let assert_then = |bad: Step| {
        run_steps(
            "powered-connected",
            1,
            &[Step::Request(Request::Kill(KillOp::Assert)), bad],
        )
    };
    // A bad COBS code, a valid frame of an unknown request variant, a frame
    // that is too long, a request over the protocol's limits.
    assert_then(Step::Garbage(vec![9, 1]));
    assert_then(Step::Garbage(vec![3, 7, 42]));
    assert_then(Step::Overlong(MAX_FRAME + 5));
    assert_then(Step::Request(Request::Kill(KillOp::Pulse {
        width_us: u32::MAX,
    })));
    assert_then(Step::Request(Request::Kill(KillOp::Pulse { width_us: 0 })));
}

#[test]
fn a_failing_line_mid_probe_leaves_every_line_an_input() {
    for n in 0..12 {
        run_steps(
            "connected",
            3,
            &[
                Step::Request(Request::Kill(KillOp::Assert)),
                Step::FailAfter(n),
                Step::Request(Request::Probe(ProbeConfig {
                    samples: 4,
                    settle_us: 5,
                })),
            ],
        );
    }
}

#[test]
fn the_reader_never_yields_more_than_max_frame() {
    let mut r = FrameReader::<MAX_FRAME>::new();
    for b in std::iter::repeat_n(1u8, 3 * MAX_FRAME) {
        assert!(r.push(b).is_none());
    }
    assert!(matches!(r.push(0), Some(Err(_))));
}
