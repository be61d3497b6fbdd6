//! The simulated bench (feature `sim`; host only, the firmware never carries
//! it). No alloc: the bench is one [`SimBench`] value, its lines borrow it.
//!
//! # Electrical model
//!
//! The card's pin-13 net is one node. Every time a line changes or time passes
//! the bench solves it as a conductance-weighted mean of everything that
//! touches it (Millman's theorem), V = Σ(Gᵢ·Vᵢ) / ΣGᵢ:
//!
//! - the card's pull-up, [`SimConfig::r_card_pull`] (10 kΩ) to the card supply:
//!   [`SimConfig::v_card_unpowered`] (0.1 V, a dead rail loaded by the card's
//!   own circuits) on the bench, 3.3 V in `powered-*` models;
//! - `stuck-*` models: a [`SimConfig::r_stuck`] (10 Ω) short to 3.3 V or 0 V;
//! - `SENSE_REF`, `SENSE` and `HOLD` (the Pi jig's second reference, on
//!   `SENSE_REF`'s probe) when the probes are on the card (not `no-contact`):
//!   through their series resistors; a driven line adds its series resistor
//!   plus the driver's output resistance to 0 V or 3.3 V, an input with a pull
//!   adds series + internal pull (drawn per line from 50–80 kΩ per seed), an
//!   input without a pull adds nothing;
//! - `DRIVE` only while the tape conducts (`connected`, or an `intermittent:P`
//!   interval that drew contact): series + [`SimConfig::r_tape_contact`].
//!
//! `DRIVE` read as an input (the Pi's digital probe, [`crate::held`]) sees
//! the net through the tape's path and against its own pull, the same kind
//! of divider. `SENSE` reads its own pad: the net voltage moved by the small divider of its
//! series resistor and its pull; off the card it reads its pull's rail, or a
//! random level with no pull (a floating CMOS input). Readings use the RP2040
//! thresholds: low below [`SimConfig::v_il`] (0.8 V), high above
//! [`SimConfig::v_ih`] (2.0 V), a fair coin in between. The powered card reads
//! its kill input from the net with the same thresholds ([`CardLog`]).
//!
//! Time: every `DelayNs` call on [`SimDelay`] starts a new interval: an
//! `intermittent:P` tape draws contact for it with probability P, the card
//! samples its input, then the clock advances. The net settles instantly (the
//! settle time is justified analytically in [`crate::probe`]); line currents
//! are tracked so tests can prove every fight stays within a few mA.
#![forbid(unsafe_code)]

mod bench;
mod card;
mod model;

pub use bench::{LineId, Mode, SimBench, SimDelay, SimLine, SimSense, SIM_STREAM};
pub use card::{CardEdge, CardLog, CARD_LOG_CAPACITY};
pub use model::{ParseWireError, Wire, WireModel, MODEL_NAMES, POWERED_PREFIX};

use core::fmt;

use crate::probe;

/// A resistance this high stands for "nothing there" (no card pull, no
/// leak): 1 TΩ keeps the net solvable without changing any reading.
pub const NONE_OHMS: f64 = 1.0e12;

/// The level an RP2350 input with its internal pull-down enabled can latch at
/// (erratum E9: "near 2 V"; 2.1 V is above the 2.0 V V_IH, so it reads high).
pub const V_E9_LATCH: f64 = 2.1;

/// Electrical parameters of the simulated bench (ohms, volts).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimConfig {
    /// `DRIVE` series resistor.
    pub r_drive: f64,
    /// `SENSE` series resistor.
    pub r_sense: f64,
    /// `SENSE_REF` series resistor.
    pub r_sense_ref: f64,
    /// `HOLD`'s resistor to `SENSE_REF`'s probe (the Raspberry Pi jig's
    /// second reference, [`crate::held`]). A jig without one leaves the
    /// line unwired: an input that touches nothing acts as one.
    pub r_hold: f64,
    /// Output resistance of a driving GPIO (RP2040 at 4 mA: tens of ohms).
    pub r_driver_out: f64,
    /// The card's pin-13 pull ([`NONE_OHMS`] = none).
    pub r_card_pull: f64,
    /// The card's supply when unpowered (a dead rail near 0 V).
    pub v_card_unpowered: f64,
    /// The short in `stuck-*` models.
    pub r_stuck: f64,
    /// A contact through the tape.
    pub r_tape_contact: f64,
    /// The tape's leakage between `DRIVE`'s tip and the card net, outside
    /// contacts ([`NONE_OHMS`] = none: good tape).
    pub r_leak: f64,
    /// ADC read noise, 1 σ in counts (the analog probe's reads).
    pub adc_noise_counts: f64,
    /// `SENSE` sits on an ADC pin (the Pico). `false`: a jig without an ADC,
    /// as the Raspberry Pi, whose `SENSE` reads logic levels only (the
    /// analog probe is refused with [`crate::Error::NoAdc`]).
    pub adc: bool,
    /// `SENSE` as a Schmitt-trigger input watched at every line change: an
    /// undefined level (between `v_il` and `v_ih`) keeps the last reading
    /// instead of a coin flip. Off by default; the firmware emulator's pad
    /// model works this way, and `tests/properties.rs` runs both.
    pub hysteresis: bool,
    /// Where an enabled internal pull-down pulls to: 0 V on the RP2040;
    /// [`V_E9_LATCH`] on the RP2350 ([`SimConfig::PICO2`]), whose erratum E9
    /// lets a pulled-down input latch near 2 V.
    pub v_pull_down: f64,
    /// Internal pull range (each line draws one value per seed).
    pub r_pull_min: f64,
    pub r_pull_max: f64,
    /// I/O supply.
    pub v_io: f64,
    /// Highest voltage read as low.
    pub v_il: f64,
    /// Lowest voltage read as high.
    pub v_ih: f64,
}

impl SimConfig {
    /// The jig as designed: 1 kΩ on `DRIVE` and `SENSE`, 3.9 kΩ on
    /// `SENSE_REF`, a 10 kΩ card pull-up, RP2040 pulls and thresholds.
    pub const DEFAULT: SimConfig = SimConfig {
        r_drive: probe::R_DRIVE_OHMS as f64,
        r_sense: probe::R_SENSE_OHMS as f64,
        r_sense_ref: probe::R_SENSE_REF_OHMS as f64,
        r_hold: crate::held::R_HOLD_OHMS as f64,
        r_driver_out: 50.0,
        r_card_pull: 10_000.0,
        v_card_unpowered: 0.1,
        r_stuck: 10.0,
        r_tape_contact: 1.0,
        r_leak: NONE_OHMS,
        adc_noise_counts: crate::analog::NOISE_COUNTS,
        adc: true,
        hysteresis: false,
        v_pull_down: 0.0,
        r_pull_min: 50_000.0,
        r_pull_max: 80_000.0,
        v_io: 3.3,
        v_il: 0.8,
        v_ih: 2.0,
    };

    /// The same bench on a Pico 2 (RP2350): erratum E9 modelled as every
    /// enabled internal pull-down pulling toward [`V_E9_LATCH`] instead of
    /// 0 V (it reads high). The Pico 2 firmware never enables one
    /// ([`crate::NoPullDown`]).
    pub const PICO2: SimConfig = SimConfig {
        v_pull_down: V_E9_LATCH,
        ..SimConfig::DEFAULT
    };

    /// Check that every value is physical.
    pub fn validate(&self) -> Result<(), SimConfigError> {
        let resistors = [
            ("r_drive", self.r_drive),
            ("r_sense", self.r_sense),
            ("r_sense_ref", self.r_sense_ref),
            ("r_driver_out", self.r_driver_out),
            ("r_stuck", self.r_stuck),
            ("r_tape_contact", self.r_tape_contact),
            ("r_pull_min", self.r_pull_min),
            ("r_pull_max", self.r_pull_max),
        ];
        for (name, r) in resistors {
            if !(r.is_finite() && r > 0.0 && r <= 1.0e9) {
                return Err(SimConfigError(name));
            }
        }
        for (name, r) in [
            ("r_card_pull", self.r_card_pull),
            ("r_leak", self.r_leak),
            ("r_hold", self.r_hold),
        ] {
            if !(r.is_finite() && r > 0.0 && r <= NONE_OHMS) {
                return Err(SimConfigError(name));
            }
        }
        if !(self.adc_noise_counts.is_finite() && (0.0..=100.0).contains(&self.adc_noise_counts)) {
            return Err(SimConfigError("adc_noise_counts"));
        }
        if self.r_pull_max < self.r_pull_min {
            return Err(SimConfigError("r_pull_max"));
        }
        if !(self.v_io.is_finite() && self.v_io > 0.0) {
            return Err(SimConfigError("v_io"));
        }
        if !(self.v_card_unpowered.is_finite()
            && (0.0..=self.v_io).contains(&self.v_card_unpowered))
        {
            return Err(SimConfigError("v_card_unpowered"));
        }
        if !(self.v_pull_down.is_finite() && (0.0..=self.v_io).contains(&self.v_pull_down)) {
            return Err(SimConfigError("v_pull_down"));
        }
        if !(0.0 < self.v_il && self.v_il <= self.v_ih && self.v_ih < self.v_io) {
            return Err(SimConfigError("v_il/v_ih"));
        }
        Ok(())
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig::DEFAULT
    }
}

/// A [`SimConfig`] value out of range (names the field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimConfigError(pub &'static str);

impl fmt::Display for SimConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "simulated bench: {} is out of range (resistors 0 < R <= 1 GΩ)",
            self.0
        )
    }
}

impl core::error::Error for SimConfigError {}
