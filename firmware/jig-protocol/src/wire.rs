//! The messages on the wire. The reports and requests are jig-core's own
//! types (its `serde` feature derives their encoding); this module adds the
//! envelope, the requests and responses, `Hello` and the error codes. Field
//! and variant order is the wire format, jig-core's types included: append
//! only, and bump [`crate::PROTOCOL_VERSION`] when anything changes
//! (`tests/golden.rs` pins the bytes).
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};

use crate::limits;

pub use jig_core::analog::{AnalogReport, AnalogVerdict, CardSide};
pub use jig_core::{
    ConfigError, KillOp, KillReport, ProbeConfig, ProbeReport, SelfTestReport, Verdict,
};

/// A request or response with the id that pairs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Envelope<T> {
    pub id: u8,
    pub body: T,
}

/// Host -> jig.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Request {
    /// Variant 0, frozen: who are you, which protocol do you speak?
    Hello { protocol: u16 },
    /// Run one isolation probe.
    Probe(ProbeConfig),
    /// Run one kill-line operation (open-drain on DRIVE).
    Kill(KillOp),
    /// Check the jig's own lines (no card needed).
    SelfTest,
    /// Make every jig line an input now (release an asserted kill line).
    Abort,
    /// Run the analog probe (protocol 2): characterise the card's net and
    /// measure the tape's leak with the ADC on `SENSE`. `samples` and
    /// `settle_us` as for `Probe`.
    AnalogProbe(ProbeConfig),
}

/// Jig -> host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Response {
    /// Variant 0, frozen: starts with the jig's protocol version.
    Hello(HelloInfo),
    Probe(ProbeReport),
    Kill(KillReport),
    SelfTest(SelfTestReport),
    /// Every jig line is an input.
    Aborted,
    /// The request was not run (or failed); every jig line is an input.
    Error(WireError),
    /// The analog probe's report (protocol 2).
    AnalogProbe(AnalogReport),
}

/// The answer to `Hello`. `protocol` must stay the first field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HelloInfo {
    pub protocol: u16,
    pub firmware: FirmwareVersion,
    pub kind: JigKind,
}

/// The jig software's version (the firmware crate's, or pin13's for the emulator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FirmwareVersion {
    pub major: u16,
    pub minor: u16,
    pub patch: u16,
}

impl FirmwareVersion {
    /// Parse `"MAJOR.MINOR.PATCH"` at compile time (use with `env!("CARGO_PKG_VERSION")`).
    /// Anything unparsable becomes 0.
    pub const fn parse(s: &str) -> FirmwareVersion {
        let b = s.as_bytes();
        let mut parts = [0u16; 3];
        let mut part = 0;
        let mut i = 0;
        while i < b.len() && part < 3 {
            let c = b[i];
            if c == b'.' {
                part += 1;
            } else if c.is_ascii_digit() {
                parts[part] = parts[part]
                    .saturating_mul(10)
                    .saturating_add((c - b'0') as u16);
            } else {
                break;
            }
            i += 1;
        }
        FirmwareVersion {
            major: parts[0],
            minor: parts[1],
            patch: parts[2],
        }
    }
}

impl core::fmt::Display for FirmwareVersion {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// What answers on the other end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum JigKind {
    /// The RP2040 firmware.
    Pico,
    /// `pin13 jig emulate` (jig-core on the simulated bench).
    Emulator,
    /// In-process server (tests).
    InProcess,
}

impl JigKind {
    pub const fn name(self) -> &'static str {
        match self {
            JigKind::Pico => "pico",
            JigKind::Emulator => "emulator",
            JigKind::InProcess => "in-process",
        }
    }
}

/// Why the jig did not run a request. After any error every line is an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum WireError {
    /// The request frame was corrupt or is not a request this jig knows.
    #[error("the jig could not decode the request (corrupt frame or unknown request)")]
    Decode,
    /// The request frame was longer than the jig accepts.
    #[error("the request frame was too long for the jig")]
    FrameTooLong,
    /// A parameter is outside the protocol limits.
    #[error("the jig refused the request: {0}")]
    Invalid(Invalid),
    /// The jig core reported a GPIO failure.
    #[error("a jig GPIO operation failed")]
    Pin,
    /// The jig core refused the configuration.
    #[error("the jig refused the request: {}", .0.message())]
    Config(ConfigError),
    /// The jig has no ADC on `SENSE`: no analog probe (protocol 2).
    #[error("this jig has no ADC on SENSE, so it cannot run the analog probe")]
    NoAdc,
}

/// Which limit a request broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Invalid {
    #[error("samples must be 1 to {}", limits::MAX_SAMPLES)]
    Samples,
    #[error("settle time must be at most {} us", limits::MAX_SETTLE_US)]
    Settle,
    #[error("the probe would take longer than {} s", limits::MAX_PROBE_US / 1_000_000)]
    ProbeTooLong,
    #[error("a kill-line width or period must be at least 1 us")]
    Width,
    #[error("the kill-line operation would take longer than {} s", limits::MAX_KILL_US / 1_000_000)]
    KillTooLong,
    #[error(
        "the kill-line operation would produce more than {} edges",
        limits::MAX_EDGES
    )]
    TooManyEdges,
}

impl Request {
    /// Check the protocol limits.
    pub fn validate(&self) -> Result<(), Invalid> {
        match *self {
            Request::Probe(cfg) | Request::AnalogProbe(cfg) => {
                if cfg.samples == 0 || cfg.samples > limits::MAX_SAMPLES {
                    return Err(Invalid::Samples);
                }
                if cfg.settle_us > limits::MAX_SETTLE_US {
                    return Err(Invalid::Settle);
                }
                if probe_budget_us(cfg) > limits::MAX_PROBE_US {
                    return Err(Invalid::ProbeTooLong);
                }
                Ok(())
            }
            Request::Kill(op) => {
                let (edges, us, min_width) = kill_bounds(op);
                if min_width == 0 {
                    return Err(Invalid::Width);
                }
                if edges > limits::MAX_EDGES as u64 {
                    return Err(Invalid::TooManyEdges);
                }
                if us > limits::MAX_KILL_US {
                    return Err(Invalid::KillTooLong);
                }
                Ok(())
            }
            Request::Hello { .. } | Request::SelfTest | Request::Abort => Ok(()),
        }
    }

    /// How long the jig may take to answer, at most, in microseconds (a host
    /// adds its own margin for USB and scheduling).
    pub fn budget_us(&self) -> u64 {
        match *self {
            Request::Probe(cfg) => probe_budget_us(cfg),
            // The samples' settle times plus the ADC reads (4 x 1024 averages
            // and one per sample, 2 us each at 500 ksps, with margin).
            Request::AnalogProbe(cfg) => {
                probe_budget_us(cfg) + limits::ANALOG_READS_US + cfg.samples as u64 * 10
            }
            Request::Kill(op) => kill_bounds(op).1,
            // The self-test uses a fixed, short settle time.
            Request::SelfTest => 100_000,
            Request::Hello { .. } | Request::Abort => 0,
        }
    }
}

fn probe_budget_us(cfg: ProbeConfig) -> u64 {
    let changes =
        cfg.samples as u64 * limits::PROBE_CHANGES_PER_SAMPLE + limits::PROBE_FIXED_CHANGES;
    changes.saturating_mul(cfg.settle_us as u64)
}

/// (edges, duration in us, smallest width) of a kill-line operation.
fn kill_bounds(op: KillOp) -> (u64, u64, u32) {
    match op {
        KillOp::Assert | KillOp::Release => (1, 0, u32::MAX),
        KillOp::Pulse { width_us } => (2, width_us as u64, width_us),
        KillOp::Toggle { period_us, count } => (
            2 * count as u64,
            period_us as u64 * count as u64,
            period_us / 2,
        ),
        KillOp::Bounce {
            transitions,
            width_us,
            ..
        } => (
            transitions as u64 + 1,
            (transitions as u64 + 1) * width_us as u64,
            width_us,
        ),
    }
}
