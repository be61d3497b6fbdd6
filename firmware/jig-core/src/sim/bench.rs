//! The bench state and its four lines plus a delay, all borrowing one
//! [`SimBench`].
#![forbid(unsafe_code)]

use core::cell::RefCell;
use core::convert::Infallible;

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::ErrorType;

use super::card::CardLog;
use super::model::{Wire, WireModel};
use super::{SimConfig, SimConfigError};
use crate::line::{Bias, InputLine, JigLine, OpenDrainLine};
use crate::rng::Rng;
use crate::Level;

/// PRNG stream the bench draws from.
pub const SIM_STREAM: u64 = 0x5349_4d42_454e_4348;

/// The jig lines: the three every jig has, and `HOLD` (the Raspberry Pi
/// jig's second reference, [`crate::held`]), which joins `SENSE_REF`'s probe
/// through its own resistor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineId {
    Drive,
    SenseRef,
    Sense,
    Hold,
}

impl LineId {
    pub const ALL: [LineId; 4] = [LineId::Drive, LineId::SenseRef, LineId::Sense, LineId::Hold];

    const fn index(self) -> usize {
        match self {
            LineId::Drive => 0,
            LineId::SenseRef => 1,
            LineId::Sense => 2,
            LineId::Hold => 3,
        }
    }

    /// `DRIVE`, `SENSE_REF`, `SENSE`, `HOLD`.
    pub const fn name(self) -> &'static str {
        match self {
            LineId::Drive => "DRIVE",
            LineId::SenseRef => "SENSE_REF",
            LineId::Sense => "SENSE",
            LineId::Hold => "HOLD",
        }
    }
}

/// The PRNG stream of `HOLD`'s internal pull (apart from [`SIM_STREAM`], so
/// the three original lines draw what they always drew for a seed).
const HOLD_STREAM: u64 = SIM_STREAM ^ 0x484f_4c44;

/// What a line is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Input(Bias),
    DriveLow,
    DriveHigh,
}

impl Mode {
    pub const fn is_input(self) -> bool {
        matches!(self, Mode::Input(_))
    }
}

#[derive(Debug)]
struct State {
    model: WireModel,
    cfg: SimConfig,
    rng: Rng,
    modes: [Mode; 4],
    pulls: [f64; 4],
    tape_contact: bool,
    now_ns: u64,
    card: CardLog,
    peak_ua: [u32; 4],
    drive_high_calls: [u32; 4],
    intervals: u64,
    contact_intervals: u64,
    /// `SENSE`'s reading with `SimConfig::hysteresis`.
    sense_held: Option<bool>,
    /// `DRIVE`'s reading as an input with `SimConfig::hysteresis`.
    drive_held: Option<bool>,
}

/// One simulated bench: a card in a wire model, four lines, a clock.
#[derive(Debug)]
pub struct SimBench {
    state: RefCell<State>,
}

impl SimBench {
    /// A bench with every line an input without pull, at time 0.
    pub fn new(model: WireModel, cfg: SimConfig, seed: u64) -> Result<SimBench, SimConfigError> {
        cfg.validate()?;
        let mut rng = Rng::with_stream(seed, SIM_STREAM);
        let span = cfg.r_pull_max - cfg.r_pull_min;
        let [a, b, c]: [f64; 3] = core::array::from_fn(|_| cfg.r_pull_min + span * rng.unit_f64());
        let hold = cfg.r_pull_min + span * Rng::with_stream(seed, HOLD_STREAM).unit_f64();
        let mut state = State {
            model,
            cfg,
            rng,
            modes: [Mode::Input(Bias::None); 4],
            pulls: [a, b, c, hold],
            tape_contact: false,
            now_ns: 0,
            card: CardLog::new(model.powered),
            peak_ua: [0; 4],
            drive_high_calls: [0; 4],
            intervals: 0,
            contact_intervals: 0,
            sense_held: None,
            drive_held: None,
        };
        state.roll_contact();
        state.observe();
        Ok(SimBench {
            state: RefCell::new(state),
        })
    }

    /// The `DRIVE` line (on the tape).
    pub fn drive(&self) -> SimLine<'_> {
        SimLine {
            bench: self,
            id: LineId::Drive,
        }
    }

    /// The `SENSE_REF` line (on the card's pin-13 metal).
    pub fn sense_ref(&self) -> SimLine<'_> {
        SimLine {
            bench: self,
            id: LineId::SenseRef,
        }
    }

    /// The `HOLD` line (the Pi jig's second reference, on `SENSE_REF`'s
    /// probe through [`SimConfig::r_hold`]).
    pub fn hold(&self) -> SimLine<'_> {
        SimLine {
            bench: self,
            id: LineId::Hold,
        }
    }

    /// The `SENSE` line: input only, it has no drive methods at all.
    pub fn sense(&self) -> SimSense<'_> {
        SimSense { bench: self }
    }

    /// The bench clock as a `DelayNs`.
    pub fn delay(&self) -> SimDelay<'_> {
        SimDelay { bench: self }
    }

    pub fn model(&self) -> WireModel {
        self.state.borrow().model
    }

    pub fn config(&self) -> SimConfig {
        self.state.borrow().cfg
    }

    /// Modelled time since the bench started, in nanoseconds.
    pub fn now_ns(&self) -> u64 {
        self.state.borrow().now_ns
    }

    /// What a line is doing now.
    pub fn mode(&self, line: LineId) -> Mode {
        self.state.borrow().modes[line.index()]
    }

    /// Whether every line is an input.
    pub fn all_inputs(&self) -> bool {
        self.state.borrow().modes.iter().all(|m| m.is_input())
    }

    /// The largest current a driven line has pushed into the card net so
    /// far, in microamperes.
    pub fn peak_current_ua(&self, line: LineId) -> u32 {
        self.state.borrow().peak_ua[line.index()]
    }

    /// How often a line was driven high.
    pub fn drive_high_calls(&self, line: LineId) -> u32 {
        self.state.borrow().drive_high_calls[line.index()]
    }

    /// Delay intervals so far, and how many of them had contact through the
    /// tape.
    pub fn intervals(&self) -> (u64, u64) {
        let s = self.state.borrow();
        (s.intervals, s.contact_intervals)
    }

    /// The card net voltage now (with the current tape contact state).
    pub fn net_voltage(&self) -> f64 {
        self.state.borrow().net_voltage()
    }

    /// What the card's kill input saw so far.
    pub fn card(&self) -> CardLog {
        self.state.borrow().card
    }

    /// Let the card look at its input now (call after an operation that ends
    /// without a delay, e.g. a kill-line assert, so the log shows the end
    /// state).
    pub fn observe(&self) {
        self.state.borrow_mut().observe();
    }

    fn set_mode(&self, line: LineId, mode: Mode) {
        let mut s = self.state.borrow_mut();
        if mode == Mode::DriveHigh {
            s.drive_high_calls[line.index()] += 1;
        }
        s.modes[line.index()] = mode;
        s.track_currents();
        if s.cfg.hysteresis {
            // The input sees every intermediate state, not only the read.
            let pad = s.sense_pad();
            s.hysteresis_read(pad);
            s.observe_drive();
        }
    }

    fn read_sense(&self) -> bool {
        self.state.borrow_mut().read_sense()
    }

    fn read_sense_adc(&self) -> u16 {
        self.state.borrow_mut().read_sense_adc()
    }

    fn read_pad(&self, line: LineId) -> bool {
        self.state.borrow_mut().read_pad(line)
    }

    fn wait(&self, ns: u64) {
        let mut s = self.state.borrow_mut();
        s.roll_contact();
        s.intervals += 1;
        if s.tape_contact {
            s.contact_intervals += 1;
        }
        s.track_currents();
        if s.cfg.hysteresis {
            s.observe_drive();
        }
        s.observe();
        s.card.elapse(ns);
        s.now_ns = s.now_ns.saturating_add(ns);
    }
}

/// Sum of conductances and conductance-weighted voltages on one node.
#[derive(Default)]
struct Node {
    g: f64,
    gv: f64,
}

impl Node {
    fn add(&mut self, r: f64, v: f64) {
        let g = 1.0 / r;
        self.g += g;
        self.gv += g * v;
    }
}

impl State {
    fn rail(&self, level: Level) -> f64 {
        match level {
            Level::Low => 0.0,
            Level::High => self.cfg.v_io,
        }
    }

    /// The (resistance, source voltage) a line puts on the net through
    /// `series`, or `None` for a high-impedance input.
    fn branch(&self, line: LineId, series: f64) -> Option<(f64, f64)> {
        match self.modes[line.index()] {
            Mode::DriveLow => Some((series + self.cfg.r_driver_out, 0.0)),
            Mode::DriveHigh => Some((series + self.cfg.r_driver_out, self.cfg.v_io)),
            Mode::Input(Bias::None) => None,
            Mode::Input(Bias::PullUp) => Some((series + self.pulls[line.index()], self.cfg.v_io)),
            Mode::Input(Bias::PullDown) => {
                Some((series + self.pulls[line.index()], self.cfg.v_pull_down))
            }
        }
    }

    /// `DRIVE`'s path to the net through the tape: a contact, the leak, or
    /// nothing.
    fn drive_series(&self) -> Option<f64> {
        if self.tape_contact {
            Some(self.cfg.r_drive + self.cfg.r_tape_contact)
        } else if self.cfg.r_leak < super::NONE_OHMS {
            Some(self.cfg.r_drive + self.cfg.r_leak)
        } else {
            None
        }
    }

    fn net_voltage(&self) -> f64 {
        let cfg = &self.cfg;
        let mut node = Node::default();
        let supply = if self.model.powered {
            cfg.v_io
        } else {
            cfg.v_card_unpowered
        };
        node.add(cfg.r_card_pull, supply);
        match self.model.wire {
            Wire::StuckHigh => node.add(cfg.r_stuck, cfg.v_io),
            Wire::StuckLow => node.add(cfg.r_stuck, 0.0),
            _ => {}
        }
        if self.model.probes_on_card() {
            for (line, series) in [
                (LineId::SenseRef, cfg.r_sense_ref),
                (LineId::Sense, cfg.r_sense),
                (LineId::Hold, cfg.r_hold),
            ] {
                if let Some((r, v)) = self.branch(line, series) {
                    node.add(r, v);
                }
            }
        }
        if let Some(series) = self.drive_series() {
            if let Some((r, v)) = self.branch(LineId::Drive, series) {
                node.add(r, v);
            }
        }
        // The card pull is always there, so g > 0.
        node.gv / node.g
    }

    fn roll_contact(&mut self) {
        self.tape_contact = match self.model.wire {
            Wire::Connected => true,
            Wire::Intermittent(p) => self.rng.chance(p),
            _ => false,
        };
    }

    /// A CMOS input reading `v` (`None`: floating).
    fn threshold(&mut self, v: Option<f64>) -> bool {
        match v {
            Some(v) if v < self.cfg.v_il => false,
            Some(v) if v > self.cfg.v_ih => true,
            _ => self.rng.next_bool(),
        }
    }

    fn pull_target(&self, line: LineId) -> Option<f64> {
        match self.modes[line.index()] {
            Mode::Input(Bias::PullUp) => Some(self.cfg.v_io),
            Mode::Input(Bias::PullDown) => Some(self.cfg.v_pull_down),
            _ => None,
        }
    }

    fn read_sense(&mut self) -> bool {
        let pad = self.sense_pad();
        if self.cfg.hysteresis {
            return self.hysteresis_read(pad);
        }
        self.threshold(pad)
    }

    /// A Schmitt-trigger input watched continuously: a defined level sets
    /// the reading, an undefined one keeps it (a floating pad with no
    /// history reads a coin flip once).
    fn hysteresis_read(&mut self, pad: Option<f64>) -> bool {
        let level = match pad {
            Some(v) if v < self.cfg.v_il => Some(false),
            Some(v) if v > self.cfg.v_ih => Some(true),
            _ => None,
        };
        let held = match (level, self.sense_held) {
            (Some(l), _) => l,
            (None, Some(h)) => h,
            (None, None) => self.rng.next_bool(),
        };
        self.sense_held = Some(held);
        held
    }

    /// `SENSE`'s pad voltage now (`None`: floating).
    fn sense_pad(&self) -> Option<f64> {
        self.input_pad(
            LineId::Sense,
            self.model.probes_on_card().then_some(self.cfg.r_sense),
        )
    }

    /// An input's pad: off the net (`series` `None`), its pull's rail
    /// (`None`: floating); on it through `series` ohms, the net moved toward
    /// the pull's rail by the divider of `series` and the pull (the pull's
    /// current flows through `series`).
    fn input_pad(&self, line: LineId, series: Option<f64>) -> Option<f64> {
        let pull = self.pull_target(line);
        let Some(series) = series else {
            return pull;
        };
        let net = self.net_voltage();
        Some(match pull {
            Some(target) => net + (target - net) * series / (series + self.pulls[line.index()]),
            None => net,
        })
    }

    /// The ADC on `SENSE`: the pad voltage (the net moved by `SENSE`'s pull
    /// through its series resistor, as for a digital read), plus Gaussian
    /// read noise, in 12-bit counts. A pad in the air with no pull reads a
    /// random count (its charge is unknown).
    fn read_sense_adc(&mut self) -> u16 {
        let pad = match self.sense_pad() {
            Some(v) => v,
            None => self.rng.unit_f64() * self.cfg.v_io,
        };
        // Irwin-Hall: the sum of 12 uniforms minus 6 is close to N(0, 1).
        let gauss: f64 = (0..12).map(|_| self.rng.unit_f64()).sum::<f64>() - 6.0;
        let counts = pad / crate::analog::volts_per_count() + gauss * self.cfg.adc_noise_counts;
        let max = f64::from(crate::analog::ADC_MAX);
        // Round to the nearest count, clamp to the ADC's range.
        let c = counts + 0.5;
        if c <= 0.0 {
            0
        } else if c >= max {
            crate::analog::ADC_MAX
        } else {
            c as u16
        }
    }

    /// `DRIVE`'s pad as an input (`None`: floating): off the net, its
    /// pull's rail; on it (a contact or a leak), the net moved toward the
    /// pull by the divider of the path through the tape and the pull.
    fn drive_pad(&self) -> Option<f64> {
        self.input_pad(LineId::Drive, self.drive_series())
    }

    /// With hysteresis, `DRIVE` as an input sees every change: a defined
    /// level sets its reading; an undefined one keeps it (and a pad with no
    /// history stays undecided until it is read).
    fn observe_drive(&mut self) {
        if !self.modes[LineId::Drive.index()].is_input() {
            self.drive_held = None;
            return;
        }
        match self.drive_pad() {
            Some(v) if v < self.cfg.v_il => self.drive_held = Some(false),
            Some(v) if v > self.cfg.v_ih => self.drive_held = Some(true),
            _ => {}
        }
    }

    /// `SENSE_REF`'s pad as an input with its probe in the air: HOLD joins
    /// that probe, so a driven (or pulled) HOLD and SENSE_REF's own pull form
    /// one chain through both resistors; otherwise its pull's rail.
    fn sense_ref_pad_off_card(&self) -> Option<f64> {
        let hold = self.branch(LineId::Hold, self.cfg.r_hold);
        let Some(pull) = self.pull_target(LineId::SenseRef) else {
            // No pull: no current, the pad sits at HOLD's level (or floats).
            return hold.map(|(_, v)| v);
        };
        match hold {
            Some((r_hold, v_hold)) => {
                let r_pull = self.pulls[LineId::SenseRef.index()];
                let chain = r_pull + self.cfg.r_sense_ref + r_hold;
                Some(pull + (v_hold - pull) * r_pull / chain)
            }
            None => Some(pull),
        }
    }

    /// Reading a line other than `SENSE`: a driven pad reads its own level;
    /// `DRIVE` as an input reads [`State::drive_pad`]; `SENSE_REF` or
    /// `HOLD` as an input reads the net (on the card) or its pull.
    fn read_pad(&mut self, line: LineId) -> bool {
        match self.modes[line.index()] {
            Mode::DriveLow => false,
            Mode::DriveHigh => true,
            Mode::Input(_) if line == LineId::Drive => {
                let pad = self.drive_pad();
                if !self.cfg.hysteresis {
                    return self.threshold(pad);
                }
                self.observe_drive();
                let held = match self.drive_held {
                    Some(h) => h,
                    None => self.threshold(pad),
                };
                self.drive_held = Some(held);
                held
            }
            Mode::Input(_) => {
                let v = if self.model.probes_on_card() {
                    Some(self.net_voltage())
                } else if line == LineId::SenseRef {
                    self.sense_ref_pad_off_card()
                } else {
                    self.pull_target(line)
                };
                self.threshold(v)
            }
        }
    }

    fn track_currents(&mut self) {
        let net = self.net_voltage();
        for (line, series, touches) in [
            (
                LineId::SenseRef,
                self.cfg.r_sense_ref,
                self.model.probes_on_card(),
            ),
            (LineId::Hold, self.cfg.r_hold, self.model.probes_on_card()),
            (
                LineId::Drive,
                self.drive_series().unwrap_or(0.0),
                self.drive_series().is_some(),
            ),
        ] {
            if !touches {
                continue;
            }
            let source = match self.modes[line.index()] {
                Mode::DriveLow => Level::Low,
                Mode::DriveHigh => Level::High,
                Mode::Input(_) => continue,
            };
            let amps = (self.rail(source) - net).abs() / (series + self.cfg.r_driver_out);
            let ua = (amps * 1.0e6) as u32;
            let peak = &mut self.peak_ua[line.index()];
            if ua > *peak {
                *peak = ua;
            }
        }
    }

    fn observe(&mut self) {
        if !self.model.powered {
            return;
        }
        let v = self.net_voltage();
        let level = Level::from_high(self.threshold(Some(v)));
        let now = self.now_ns;
        self.card.see(level, now);
    }
}

/// `DRIVE`, `SENSE_REF` or `HOLD` on the simulated bench.
#[derive(Debug)]
pub struct SimLine<'a> {
    bench: &'a SimBench,
    id: LineId,
}

impl SimLine<'_> {
    pub fn id(&self) -> LineId {
        self.id
    }
}

impl ErrorType for SimLine<'_> {
    type Error = Infallible;
}

impl InputLine for SimLine<'_> {
    fn set_input(&mut self, bias: Bias) -> Result<(), Infallible> {
        self.bench.set_mode(self.id, Mode::Input(bias));
        Ok(())
    }
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.bench.read_pad(self.id))
    }
}

impl OpenDrainLine for SimLine<'_> {
    fn drive_low(&mut self) -> Result<(), Infallible> {
        self.bench.set_mode(self.id, Mode::DriveLow);
        Ok(())
    }
}

impl JigLine for SimLine<'_> {
    fn drive_high(&mut self) -> Result<(), Infallible> {
        self.bench.set_mode(self.id, Mode::DriveHigh);
        Ok(())
    }
}

/// `SENSE` on the simulated bench: an [`InputLine`] and nothing more.
#[derive(Debug)]
pub struct SimSense<'a> {
    bench: &'a SimBench,
}

impl ErrorType for SimSense<'_> {
    type Error = Infallible;
}

impl InputLine for SimSense<'_> {
    fn set_input(&mut self, bias: Bias) -> Result<(), Infallible> {
        self.bench.set_mode(LineId::Sense, Mode::Input(bias));
        Ok(())
    }
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.bench.read_sense())
    }
    /// `SENSE` sits on an ADC pin (hardware/jig.toml): the bench's ADC;
    /// `None` on a bench without one ([`SimConfig::adc`] false).
    fn read_adc(&mut self) -> Result<Option<u16>, Infallible> {
        Ok(self.bench.config().adc.then(|| self.bench.read_sense_adc()))
    }
}

/// The bench clock: every delay is one interval (see the module docs).
#[derive(Debug)]
pub struct SimDelay<'a> {
    bench: &'a SimBench,
}

impl DelayNs for SimDelay<'_> {
    fn delay_ns(&mut self, ns: u32) {
        self.bench.wait(u64::from(ns));
    }
    fn delay_us(&mut self, us: u32) {
        self.bench.wait(u64::from(us) * 1_000);
    }
    fn delay_ms(&mut self, ms: u32) {
        self.bench.wait(u64::from(ms) * 1_000_000);
    }
}
