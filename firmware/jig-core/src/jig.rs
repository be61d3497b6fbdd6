//! [`Jig`]: owns the three lines and keeps the safety invariants.
//!
//! - every line is an input when the `Jig` is built, after every probe and
//!   self-test, after any error (a refused request included), and after every
//!   kill-line operation except one that deliberately leaves the kill line
//!   asserted (pulled low, open-drain);
//! - `SENSE` is an [`InputLine`]: nothing here can drive it;
//! - `DRIVE` is an [`OpenDrainLine`] (pulled low or released, never driven
//!   high) for the probe, the self-test and the kill-line operations alike.
#![forbid(unsafe_code)]

use embedded_hal::delay::DelayNs;

use crate::error::{ConfigError, Error};
use crate::kill::KillLine;
use crate::line::{self, InputLine, JigLine, OpenDrainLine};
use crate::probe::Stop;
use crate::{probe, selftest, KillOp, KillReport, ProbeConfig, ProbeReport, SelfTestReport};

/// The bench jig: `DRIVE`, `SENSE_REF` and `SENSE`.
#[derive(Debug)]
pub struct Jig<D, R, S> {
    drive: D,
    sense_ref: R,
    sense: S,
    kill_asserted: bool,
}

impl<D, R, S> Jig<D, R, S>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
{
    /// Take the lines and make every one an input (no bias).
    pub fn new(mut drive: D, mut sense_ref: R, mut sense: S) -> Result<Self, D::Error> {
        line::safe(&mut drive, &mut sense_ref, &mut sense)?;
        Ok(Jig {
            drive,
            sense_ref,
            sense,
            kill_asserted: false,
        })
    }

    /// Make every line an input again (what a panic handler should call).
    pub fn safe(&mut self) -> Result<(), D::Error> {
        self.kill_asserted = false;
        line::safe(&mut self.drive, &mut self.sense_ref, &mut self.sense)
    }

    /// Run one isolation probe (see [`probe::run`]). Releases the kill line;
    /// every line is an input afterwards, also after any error.
    pub fn probe<T: DelayNs>(
        &mut self,
        delay: &mut T,
        cfg: &ProbeConfig,
    ) -> Result<ProbeReport, Error<D::Error>> {
        self.probe_until(delay, cfg, &mut probe::Never)
    }

    /// [`Jig::probe`] that asks `stop` now and then whether to stop (see
    /// [`probe::run_until`]); a stopped probe returns [`Error::Aborted`] with
    /// every line an input.
    pub fn probe_until<T: DelayNs, P: Stop + ?Sized>(
        &mut self,
        delay: &mut T,
        cfg: &ProbeConfig,
        stop: &mut P,
    ) -> Result<ProbeReport, Error<D::Error>> {
        if let Err(e) = cfg.validate() {
            return Err(self.refuse(e));
        }
        self.kill_asserted = false;
        probe::run_until(
            &mut self.drive,
            &mut self.sense_ref,
            &mut self.sense,
            delay,
            cfg,
            stop,
        )
    }

    /// Run the analog probe (see [`crate::analog::run`]; `SENSE` must have
    /// an ADC, else [`Error::NoAdc`]). Releases the kill line; every line is
    /// an input afterwards, also after any error.
    pub fn analog_probe_until<T: DelayNs, P: Stop + ?Sized>(
        &mut self,
        delay: &mut T,
        cfg: &crate::analog::AnalogConfig,
        stop: &mut P,
    ) -> Result<crate::analog::AnalogReport, Error<D::Error>> {
        self.kill_asserted = false;
        crate::analog::run(
            &mut self.drive,
            &mut self.sense_ref,
            &mut self.sense,
            delay,
            cfg,
            stop,
        )
    }

    /// Run one kill-line operation on `DRIVE`; `SENSE_REF` and `SENSE` are
    /// made inputs first. After any error (a refused operation included)
    /// every line is an input.
    pub fn kill<T: DelayNs>(
        &mut self,
        delay: &mut T,
        op: &KillOp,
    ) -> Result<KillReport, Error<D::Error>> {
        if let Err(e) = op.validate() {
            return Err(self.refuse(e));
        }
        let others = self
            .sense_ref
            .set_input(crate::Bias::None)
            .and(self.sense.set_input(crate::Bias::None));
        if let Err(e) = others {
            let _ = self.safe();
            return Err(Error::Line(e));
        }
        let mut kill = KillLine::resume(&mut self.drive, self.kill_asserted);
        let result = kill.run(delay, op);
        self.kill_asserted = kill.is_asserted();
        if result.is_err() {
            let _ = self.safe();
        }
        result
    }

    /// A refused request: every line an input (the rule after any error),
    /// then the refusal.
    fn refuse(&mut self, e: ConfigError) -> Error<D::Error> {
        match self.safe() {
            Ok(()) => Error::Config(e),
            Err(line) => Error::Line(line),
        }
    }

    /// Run the self-test (see [`selftest::run`]; probes off the card).
    /// Releases the kill line; every line is an input afterwards.
    pub fn self_test<T: DelayNs>(&mut self, delay: &mut T) -> Result<SelfTestReport, D::Error> {
        self.kill_asserted = false;
        selftest::run(&mut self.drive, &mut self.sense_ref, &mut self.sense, delay)
    }

    /// Whether the kill line is asserted now.
    pub fn kill_asserted(&self) -> bool {
        self.kill_asserted
    }

    /// Make every line an input and give the lines back.
    pub fn release(mut self) -> Result<(D, R, S), D::Error> {
        self.safe()?;
        Ok((self.drive, self.sense_ref, self.sense))
    }
}
