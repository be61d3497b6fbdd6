//! pin13 jig core: pin-13 isolation probe and open-drain kill-line simulator.
//!
//! `#![no_std]`, no alloc, generic over embedded-hal 1.0 pins and `DelayNs`.
//! The types below are the ones `jig-protocol` puts on the wire and the host
//! tool reports: feature `serde` derives their encoding (field and variant
//! order is then the wire format, pinned by jig-protocol's golden tests).
//!
//! # Module map
//! - [`line`](mod@line): the pin abstraction ([`InputLine`], [`OpenDrainLine`],
//!   [`JigLine`]) every HAL implements, and [`line::safe`].
//! - [`analog`]: the analog probe (card-net characterisation, leak in ohms)
//!   for a `SENSE` on an ADC input.
//! - [`probe`]: the isolation probe (stuck → contact → isolation) and the
//!   electrical reasoning behind series resistors and settle time.
//! - [`held`]: the digital probe with a second reference (`HOLD`), the
//!   Raspberry Pi's: right on any card pull, from logic levels alone.
//! - [`kill`]: the open-drain kill-line simulator ([`kill::KillLine`]).
//! - [`jig`]: [`Jig`], which owns the three lines and keeps them safe.
//! - [`selftest`]: the jig's check of its own lines (probes off the card).
//! - [`decimal`]: the one parser of typed decimal numbers.
//! - [`rng`]: a small seeded PRNG (PCG32) for the simulated bench.
//! - `sim` (feature `sim`, host only): the simulated bench.
//!
//! # The bench
//! Three probes touch the card, each through its own series resistor:
//! - `DRIVE` sits on the tape where the socket's pin-13 contact presses; it
//!   plays the laptop's side of the kill line.
//! - `SENSE_REF` and `SENSE` rest on the card's own pin-13 metal where the
//!   tape does not cover it. `SENSE_REF` holds the card net at a known level,
//!   `SENSE` only ever reads it.
#![no_std]
#![forbid(unsafe_code)]

pub mod analog;
pub mod decimal;
pub mod error;
pub mod held;
pub mod jig;
pub mod kill;
pub mod line;
pub mod probe;
pub mod rng;
pub mod selftest;
#[cfg(feature = "sim")]
pub mod sim;

pub use error::{ConfigError, Error};
pub use jig::Jig;
pub use line::{Bias, InputLine, JigLine, Level, NoPullDown, OpenDrainLine};
pub use selftest::SelfTestReport;

/// The verdict of one isolation probe. Only `Isolated` is a PASS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Verdict {
    /// SENSE never followed DRIVE: the tape isolates pin 13.
    Isolated,
    /// SENSE followed DRIVE on every sample: the tape does not isolate.
    Connected,
    /// SENSE followed DRIVE on some samples (see `contact_hits`).
    Intermittent,
    /// The card net stays high whatever the jig does (tied to a rail).
    StuckHigh,
    /// The card net stays low whatever the jig does (tied to ground).
    StuckLow,
    /// SENSE does not follow SENSE_REF: the probes do not touch the card.
    NoContact,
}

impl Verdict {
    /// Stable machine name, as used in JSON and on the wire.
    pub const fn name(self) -> &'static str {
        match self {
            Verdict::Isolated => "isolated",
            Verdict::Connected => "connected",
            Verdict::Intermittent => "intermittent",
            Verdict::StuckHigh => "stuck-high",
            Verdict::StuckLow => "stuck-low",
            Verdict::NoContact => "no-contact",
        }
    }

    pub const fn is_pass(self) -> bool {
        matches!(self, Verdict::Isolated)
    }
}

/// Probe parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ProbeConfig {
    /// Isolation samples (DRIVE pulled low against SENSE_REF high).
    pub samples: u32,
    /// Settle time after every line change, in microseconds.
    pub settle_us: u32,
}

/// The result of one probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ProbeReport {
    pub verdict: Verdict,
    /// Isolation samples taken (0 when an earlier check decided the verdict;
    /// fewer than asked when a reference check ended the probe).
    pub samples: u32,
    /// Samples on which SENSE followed DRIVE.
    pub contact_hits: u32,
    /// Modelled duration: the sum of all settle times, in microseconds.
    pub duration_us: u64,
}

/// A kill-line operation on DRIVE. Open-drain only: assert = pull low,
/// release = input (high impedance). DRIVE is never driven high.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum KillOp {
    /// Pull the kill line low and leave it asserted.
    Assert,
    /// Release the kill line (input, high impedance).
    Release,
    /// Assert for `width_us`, then release.
    Pulse { width_us: u32 },
    /// `count` cycles of assert for half `period_us`, release for the other half.
    Toggle { period_us: u32, count: u32 },
    /// A mechanical switch: `transitions` short edges `width_us` apart, then
    /// settle asserted (`end_asserted`) or released.
    Bounce {
        transitions: u32,
        width_us: u32,
        end_asserted: bool,
    },
}

/// What a kill-line operation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct KillReport {
    pub op: KillOp,
    /// Number of assert/release edges produced on DRIVE.
    pub edges: u32,
    /// Whether the line is left asserted (only `Assert` and a bounce that ends asserted).
    pub left_asserted: bool,
    /// Modelled duration in microseconds.
    pub duration_us: u64,
}
