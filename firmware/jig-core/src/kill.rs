//! The kill-line simulator on `DRIVE`: open-drain only.
//!
//! Asserting the kill line pulls `DRIVE` low (through its 1 kΩ series
//! resistor); releasing makes it a high-impedance input so the card's own
//! pull-up sets the level. [`KillLine`] takes an [`OpenDrainLine`], which has
//! no way to drive high, so this module cannot drive the line high by
//! construction — the card or a host might be pulling it low, and pushing
//! high against them is what the jig must never do.
//!
//! Timing goes through embedded-hal's `DelayNs`; the modelled duration in
//! [`KillReport`] is the sum of the delays asked for.
#![forbid(unsafe_code)]

use embedded_hal::delay::DelayNs;

use crate::error::{ConfigError, Error};
use crate::line::{Bias, OpenDrainLine};
use crate::{KillOp, KillReport};

/// Longest single width or period: 60 s.
pub const MAX_WIDTH_US: u32 = 60_000_000;
/// Longest whole operation: 1 hour.
pub const MAX_OP_US: u64 = 3_600_000_000;
/// Most cycles in one toggle.
pub const MAX_TOGGLES: u32 = 1_000_000;
/// Most transitions in one bounce.
pub const MAX_BOUNCES: u32 = 10_000;

impl KillOp {
    /// Stable machine name: `assert`, `release`, `pulse`, `toggle`, `bounce`.
    pub const fn name(&self) -> &'static str {
        match self {
            KillOp::Assert => "assert",
            KillOp::Release => "release",
            KillOp::Pulse { .. } => "pulse",
            KillOp::Toggle { .. } => "toggle",
            KillOp::Bounce { .. } => "bounce",
        }
    }

    /// Modelled duration (the sum of its delays), in microseconds.
    pub const fn duration_us(&self) -> u64 {
        match *self {
            KillOp::Assert | KillOp::Release => 0,
            KillOp::Pulse { width_us } => width_us as u64,
            KillOp::Toggle { period_us, count } => period_us as u64 * count as u64,
            KillOp::Bounce {
                transitions,
                width_us,
                ..
            } => transitions as u64 * width_us as u64,
        }
    }

    /// Refuse operations the simulator will not run (zero widths, absurd
    /// lengths) before any line moves.
    pub const fn validate(&self) -> Result<(), ConfigError> {
        let (width, count, max_count) = match *self {
            KillOp::Assert | KillOp::Release => return Ok(()),
            KillOp::Pulse { width_us } => (width_us, 1, 1),
            KillOp::Toggle { period_us, count } => {
                if period_us == 1 {
                    return Err(ConfigError::PeriodTooShort);
                }
                (period_us, count, MAX_TOGGLES)
            }
            KillOp::Bounce {
                transitions,
                width_us,
                ..
            } => (width_us, transitions, MAX_BOUNCES),
        };
        if width == 0 {
            Err(ConfigError::ZeroWidth)
        } else if width > MAX_WIDTH_US {
            Err(ConfigError::WidthTooLong)
        } else if count == 0 {
            Err(ConfigError::ZeroCount)
        } else if count > max_count {
            Err(ConfigError::CountTooLarge)
        } else if self.duration_us() > MAX_OP_US {
            Err(ConfigError::TooLong)
        } else {
            Ok(())
        }
    }

    /// Whether the line is asserted after the operation (every operation
    /// defines its end state).
    pub const fn leaves_asserted(&self) -> bool {
        match *self {
            KillOp::Assert => true,
            KillOp::Release | KillOp::Pulse { .. } | KillOp::Toggle { .. } => false,
            KillOp::Bounce { end_asserted, .. } => end_asserted,
        }
    }
}

/// The kill line: an open-drain line plus whether it is asserted now.
#[derive(Debug)]
pub struct KillLine<L> {
    line: L,
    asserted: bool,
}

impl<L: OpenDrainLine> KillLine<L> {
    /// Take the line and release it (input, no bias): the safe start.
    pub fn new(mut line: L) -> Result<Self, L::Error> {
        line.set_input(Bias::None)?;
        Ok(KillLine {
            line,
            asserted: false,
        })
    }

    /// Take a line the caller already holds in a known state (released, or
    /// asserted by an earlier [`KillOp::Assert`]) without touching it. For
    /// callers that keep one physical line across several operations; when in
    /// doubt use [`KillLine::new`].
    pub fn resume(line: L, asserted: bool) -> Self {
        KillLine { line, asserted }
    }

    /// Whether the line is pulled low now.
    pub fn is_asserted(&self) -> bool {
        self.asserted
    }

    /// Give the line back (in whatever state the last operation left it).
    pub fn into_inner(self) -> L {
        self.line
    }

    /// Run one operation. On a line error the line is released before the
    /// error is returned.
    pub fn run<T: DelayNs>(
        &mut self,
        delay: &mut T,
        op: &KillOp,
    ) -> Result<KillReport, Error<L::Error>> {
        op.validate()?;
        let mut edges = 0u32;
        let mut spent = 0u64;
        let result = self.steps(delay, op, &mut edges, &mut spent);
        if let Err(e) = result {
            let _ = self.line.set_input(Bias::None);
            self.asserted = false;
            return Err(Error::Line(e));
        }
        Ok(KillReport {
            op: *op,
            edges,
            left_asserted: self.asserted,
            duration_us: spent,
        })
    }

    fn steps<T: DelayNs>(
        &mut self,
        delay: &mut T,
        op: &KillOp,
        edges: &mut u32,
        spent: &mut u64,
    ) -> Result<(), L::Error> {
        let mut wait = |delay: &mut T, us: u32| {
            delay.delay_us(us);
            *spent += u64::from(us);
        };
        match *op {
            KillOp::Assert => self.set(true, edges),
            KillOp::Release => self.set(false, edges),
            KillOp::Pulse { width_us } => {
                self.set(true, edges)?;
                wait(delay, width_us);
                self.set(false, edges)
            }
            KillOp::Toggle { period_us, count } => {
                let low = period_us / 2;
                let high = period_us - low;
                for _ in 0..count {
                    self.set(true, edges)?;
                    wait(delay, low);
                    self.set(false, edges)?;
                    wait(delay, high);
                }
                Ok(())
            }
            KillOp::Bounce {
                transitions,
                width_us,
                end_asserted,
            } => {
                for _ in 0..transitions {
                    self.set(!self.asserted, edges)?;
                    wait(delay, width_us);
                }
                self.set(end_asserted, edges)
            }
        }
    }

    fn set(&mut self, assert: bool, edges: &mut u32) -> Result<(), L::Error> {
        if assert {
            self.line.drive_low()?;
        } else {
            self.line.set_input(Bias::None)?;
        }
        if assert != self.asserted {
            *edges += 1;
            self.asserted = assert;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_refuses_degenerate_ops() {
        assert_eq!(
            KillOp::Pulse { width_us: 0 }.validate(),
            Err(ConfigError::ZeroWidth)
        );
        assert_eq!(
            KillOp::Pulse {
                width_us: MAX_WIDTH_US + 1
            }
            .validate(),
            Err(ConfigError::WidthTooLong)
        );
        assert_eq!(
            KillOp::Toggle {
                period_us: 1,
                count: 3
            }
            .validate(),
            Err(ConfigError::PeriodTooShort)
        );
        assert_eq!(
            KillOp::Toggle {
                period_us: 10,
                count: 0
            }
            .validate(),
            Err(ConfigError::ZeroCount)
        );
        assert_eq!(
            KillOp::Toggle {
                period_us: MAX_WIDTH_US,
                count: 61
            }
            .validate(),
            Err(ConfigError::TooLong)
        );
        assert_eq!(
            KillOp::Bounce {
                transitions: MAX_BOUNCES + 1,
                width_us: 1,
                end_asserted: true
            }
            .validate(),
            Err(ConfigError::CountTooLarge)
        );
        assert_eq!(
            KillOp::Toggle {
                period_us: 2,
                count: 1
            }
            .validate(),
            Ok(())
        );
        assert_eq!(KillOp::Assert.validate(), Ok(()));
    }

    #[test]
    fn durations_and_end_states() {
        assert_eq!(
            KillOp::Toggle {
                period_us: 1000,
                count: 5
            }
            .duration_us(),
            5000
        );
        assert_eq!(
            KillOp::Bounce {
                transitions: 6,
                width_us: 300,
                end_asserted: true
            }
            .duration_us(),
            1800
        );
        assert!(KillOp::Assert.leaves_asserted());
        assert!(!KillOp::Pulse { width_us: 5 }.leaves_asserted());
        assert!(KillOp::Bounce {
            transitions: 3,
            width_us: 1,
            end_asserted: true
        }
        .leaves_asserted());
    }
}
