//! Wire models: what the tape and the probes do, and whether the card is
//! powered.
//!
//! Syntax (also what `Display` prints):
//!
//! | model | meaning |
//! |---|---|
//! | `open` | the tape isolates; `SENSE`/`SENSE_REF` on the card's pin-13 metal |
//! | `connected` | the tape does not isolate: `DRIVE` reaches the card net |
//! | `intermittent:P` | `DRIVE` reaches the net on a fraction P of settle intervals, 0 < P < 1 (`intermittent:0.01` or `intermittent:1%`) |
//! | `stuck-high` | the card net is shorted to 3.3 V (10 Ω) |
//! | `stuck-low` | the card net is shorted to ground (10 Ω) |
//! | `no-contact` | the probes are off the card (they touch nothing) |
//!
//! Prefix any model with `powered-` (e.g. `powered-connected`,
//! `powered-intermittent:5%`) for a card powered in a test host: its pin-13
//! pull-up then goes to 3.3 V instead of a dead rail near 0 V, and the card
//! records what its kill input sees. Without the prefix the card is unpowered,
//! as on the bench.
#![forbid(unsafe_code)]

use core::fmt;
use core::str::FromStr;

use crate::Verdict;

/// The tape/probe situation, without the power state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Wire {
    Open,
    Connected,
    /// Contact through the tape on this fraction of settle intervals.
    Intermittent(f64),
    StuckHigh,
    StuckLow,
    NoContact,
}

/// A wire model: [`Wire`] plus whether the card is powered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WireModel {
    pub wire: Wire,
    pub powered: bool,
}

/// The six base model names (intermittent shown with its parameter).
pub const MODEL_NAMES: [&str; 6] = [
    "open",
    "connected",
    "intermittent:P",
    "stuck-high",
    "stuck-low",
    "no-contact",
];

/// The prefix for powered variants.
pub const POWERED_PREFIX: &str = "powered-";

impl WireModel {
    pub const fn unpowered(wire: Wire) -> WireModel {
        WireModel {
            wire,
            powered: false,
        }
    }

    pub const fn powered(wire: Wire) -> WireModel {
        WireModel {
            wire,
            powered: true,
        }
    }

    /// Whether `SENSE` and `SENSE_REF` touch the card net.
    pub const fn probes_on_card(&self) -> bool {
        !matches!(self.wire, Wire::NoContact)
    }

    /// The verdict a correct probe must give on an unpowered card
    /// (`intermittent` models may also read `isolated` by bad luck, with
    /// probability (1 − P)^samples). `None` for powered cards: the probe is
    /// meant for an unpowered card and only promises never to PASS there.
    pub fn expected_verdict(&self) -> Option<Verdict> {
        if self.powered {
            return None;
        }
        Some(match self.wire {
            Wire::Open => Verdict::Isolated,
            Wire::Connected => Verdict::Connected,
            Wire::Intermittent(_) => Verdict::Intermittent,
            Wire::StuckHigh => Verdict::StuckHigh,
            Wire::StuckLow => Verdict::StuckLow,
            Wire::NoContact => Verdict::NoContact,
        })
    }
}

/// Why a wire model string was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseWireError {
    /// Not one of the model names.
    Unknown,
    /// `intermittent:` without a number, or not a number.
    BadProbability,
    /// The probability is not strictly between 0 and 1.
    ProbabilityRange,
}

impl fmt::Display for ParseWireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseWireError::Unknown => {
                "unknown wire model; use open, connected, intermittent:P, stuck-high, stuck-low \
                 or no-contact, optionally prefixed with powered- (e.g. powered-connected)"
            }
            ParseWireError::BadProbability => {
                "intermittent needs a probability, e.g. intermittent:0.01 or intermittent:1%"
            }
            ParseWireError::ProbabilityRange => {
                "the intermittent probability must be between 0 and 1 (exclusive); \
                 use open for 0 and connected for 1"
            }
        })
    }
}

impl core::error::Error for ParseWireError {}

fn parse_probability(text: &str) -> Result<f64, ParseWireError> {
    let (number, scale) = match text.strip_suffix('%') {
        Some(n) => (n, 100.0),
        None => (text, 1.0),
    };
    let value = crate::decimal::parse(number.trim()).ok_or(ParseWireError::BadProbability)? / scale;
    if !value.is_finite() {
        return Err(ParseWireError::BadProbability);
    }
    if value <= 0.0 || value >= 1.0 {
        return Err(ParseWireError::ProbabilityRange);
    }
    Ok(value)
}

impl FromStr for Wire {
    type Err = ParseWireError;
    fn from_str(s: &str) -> Result<Wire, ParseWireError> {
        let s = s.trim();
        if let Some(p) = s.strip_prefix("intermittent:") {
            return parse_probability(p).map(Wire::Intermittent);
        }
        match s {
            "open" => Ok(Wire::Open),
            "connected" => Ok(Wire::Connected),
            "intermittent" => Err(ParseWireError::BadProbability),
            "stuck-high" => Ok(Wire::StuckHigh),
            "stuck-low" => Ok(Wire::StuckLow),
            "no-contact" => Ok(Wire::NoContact),
            _ => Err(ParseWireError::Unknown),
        }
    }
}

impl FromStr for WireModel {
    type Err = ParseWireError;
    fn from_str(s: &str) -> Result<WireModel, ParseWireError> {
        let s = s.trim();
        match s.strip_prefix(POWERED_PREFIX) {
            Some(rest) => rest.parse().map(WireModel::powered),
            None => s.parse().map(WireModel::unpowered),
        }
    }
}

impl fmt::Display for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wire::Open => f.write_str("open"),
            Wire::Connected => f.write_str("connected"),
            Wire::Intermittent(p) => {
                write!(f, "intermittent:{}", crate::decimal::Fixed::trimmed(*p, 9))
            }
            Wire::StuckHigh => f.write_str("stuck-high"),
            Wire::StuckLow => f.write_str("stuck-low"),
            Wire::NoContact => f.write_str("no-contact"),
        }
    }
}

impl fmt::Display for WireModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.powered {
            f.write_str(POWERED_PREFIX)?;
        }
        fmt::Display::fmt(&self.wire, f)
    }
}
