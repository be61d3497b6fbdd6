//! Test helpers: a recording wrapper for any jig line, a recording delay, and
//! an adapter that makes an embedded-hal-mock pin a jig line.
#![allow(dead_code)]

use std::cell::RefCell;

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{ErrorType, InputPin, OutputPin};
use embedded_hal_mock::eh1::digital::Mock as PinMock;
use jig_core::{Bias, InputLine, JigLine, OpenDrainLine};

/// One thing that happened to a line (or the clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    SetInput(Bias),
    DriveLow,
    DriveHigh,
    Read(bool),
    DelayUs(u32),
}

pub const DRIVE: &str = "DRIVE";
pub const REF: &str = "SENSE_REF";
pub const SENSE: &str = "SENSE";
pub const CLOCK: &str = "clock";

pub type Log = RefCell<Vec<(&'static str, Op)>>;

/// Wraps any line and records every call, in global order, in `log`.
pub struct Recorded<'a, L> {
    pub inner: L,
    pub name: &'static str,
    pub log: &'a Log,
}

impl<'a, L> Recorded<'a, L> {
    pub fn new(inner: L, name: &'static str, log: &'a Log) -> Self {
        Recorded { inner, name, log }
    }
    fn push(&self, op: Op) {
        self.log.borrow_mut().push((self.name, op));
    }
}

impl<L: ErrorType> ErrorType for Recorded<'_, L> {
    type Error = L::Error;
}

impl<L: InputLine> InputLine for Recorded<'_, L> {
    fn set_input(&mut self, bias: Bias) -> Result<(), Self::Error> {
        self.push(Op::SetInput(bias));
        self.inner.set_input(bias)
    }
    fn is_high(&mut self) -> Result<bool, Self::Error> {
        let v = self.inner.is_high()?;
        self.push(Op::Read(v));
        Ok(v)
    }
}

impl<L: OpenDrainLine> OpenDrainLine for Recorded<'_, L> {
    fn drive_low(&mut self) -> Result<(), Self::Error> {
        self.push(Op::DriveLow);
        self.inner.drive_low()
    }
}

impl<L: JigLine> JigLine for Recorded<'_, L> {
    fn drive_high(&mut self) -> Result<(), Self::Error> {
        self.push(Op::DriveHigh);
        self.inner.drive_high()
    }
}

/// Records delays (in µs, as the core asks for them) and forwards them.
pub struct RecDelay<'a, T> {
    pub inner: T,
    pub log: &'a Log,
}

impl<T: DelayNs> DelayNs for RecDelay<'_, T> {
    fn delay_ns(&mut self, ns: u32) {
        self.log.borrow_mut().push((CLOCK, Op::DelayUs(ns / 1000)));
        self.inner.delay_ns(ns);
    }
    fn delay_us(&mut self, us: u32) {
        self.log.borrow_mut().push((CLOCK, Op::DelayUs(us)));
        self.inner.delay_us(us);
    }
}

/// An embedded-hal-mock pin as a jig line: `drive_low`/`drive_high` are
/// `set_low`/`set_high` transactions, `is_high` is a `get`. Direction and
/// bias are not mock transactions; wrap in [`Recorded`] to see them.
pub struct MockLine(pub PinMock);

impl ErrorType for MockLine {
    type Error = embedded_hal_mock::eh1::MockError;
}

impl InputLine for MockLine {
    fn set_input(&mut self, _bias: Bias) -> Result<(), Self::Error> {
        Ok(())
    }
    fn is_high(&mut self) -> Result<bool, Self::Error> {
        self.0.is_high()
    }
}

impl OpenDrainLine for MockLine {
    fn drive_low(&mut self) -> Result<(), Self::Error> {
        self.0.set_low()
    }
}

impl JigLine for MockLine {
    fn drive_high(&mut self) -> Result<(), Self::Error> {
        self.0.set_high()
    }
}

/// Hides every method but [`InputLine`]'s: what `SENSE` looks like.
pub struct InputOnly<L>(pub L);

impl<L: ErrorType> ErrorType for InputOnly<L> {
    type Error = L::Error;
}

impl<L: InputLine> InputLine for InputOnly<L> {
    fn set_input(&mut self, bias: Bias) -> Result<(), Self::Error> {
        self.0.set_input(bias)
    }
    fn is_high(&mut self) -> Result<bool, Self::Error> {
        self.0.is_high()
    }
}

/// Hides `drive_high`: what `DRIVE` looks like to the core (open-drain).
pub struct OpenDrainOnly<L>(pub L);

impl<L: ErrorType> ErrorType for OpenDrainOnly<L> {
    type Error = L::Error;
}

impl<L: InputLine> InputLine for OpenDrainOnly<L> {
    fn set_input(&mut self, bias: Bias) -> Result<(), Self::Error> {
        self.0.set_input(bias)
    }
    fn is_high(&mut self) -> Result<bool, Self::Error> {
        self.0.is_high()
    }
}

impl<L: OpenDrainLine> OpenDrainLine for OpenDrainOnly<L> {
    fn drive_low(&mut self) -> Result<(), Self::Error> {
        self.0.drive_low()
    }
}

/// The ops of one line, in order.
pub fn ops_of(log: &Log, name: &str) -> Vec<Op> {
    log.borrow()
        .iter()
        .filter(|(n, _)| *n == name)
        .map(|(_, op)| *op)
        .collect()
}

/// The last mode-changing op of a line (reads and delays skipped).
pub fn last_mode_op(log: &Log, name: &str) -> Option<Op> {
    ops_of(log, name)
        .into_iter()
        .rev()
        .find(|op| !matches!(op, Op::Read(_) | Op::DelayUs(_)))
}
