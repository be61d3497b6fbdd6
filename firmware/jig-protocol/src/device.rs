//! [`JigDevice`]: jig-core's [`Jig`] plus a delay, as a protocol [`Device`].
//!
//! The same adapter serves the Pico firmware (embassy `Flex` lines), the
//! emulator and the host's simulated and Raspberry Pi backends (jig-core on
//! the simulated bench or on rppal GPIO), and tests.
#![forbid(unsafe_code)]

use embedded_hal::delay::DelayNs;
use jig_core::probe::Stop;
use jig_core::{InputLine, Jig, JigLine, OpenDrainLine, SelfTestReport};

use crate::server::{Device, DeviceError};

/// jig-core's [`Jig`] with the delay it needs, serving protocol requests.
#[derive(Debug)]
pub struct JigDevice<D, R, S, T> {
    jig: Jig<D, R, S>,
    delay: T,
}

impl<D, R, S, T> JigDevice<D, R, S, T>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
{
    pub fn new(jig: Jig<D, R, S>, delay: T) -> Self {
        JigDevice { jig, delay }
    }

    /// The jig.
    pub fn jig(&mut self) -> &mut Jig<D, R, S> {
        &mut self.jig
    }
}

/// What a jig-core failure means to the protocol (the line's own error is
/// not carried: it has no wire form).
impl<E> From<jig_core::Error<E>> for DeviceError {
    fn from(e: jig_core::Error<E>) -> DeviceError {
        core_err(e)
    }
}

fn core_err<E>(e: jig_core::Error<E>) -> DeviceError {
    match e {
        jig_core::Error::Line(_) => DeviceError::Pin,
        jig_core::Error::Config(c) => DeviceError::Config(c),
        jig_core::Error::Aborted => DeviceError::Aborted,
        jig_core::Error::NoAdc => DeviceError::NoAdc,
    }
}

impl<D, R, S, T> Device for JigDevice<D, R, S, T>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
{
    type Error = DeviceError;

    fn probe(&mut self, cfg: &jig_core::ProbeConfig) -> Result<jig_core::ProbeReport, DeviceError> {
        self.jig.probe(&mut self.delay, cfg).map_err(core_err)
    }

    fn probe_until(
        &mut self,
        cfg: &jig_core::ProbeConfig,
        stop: &mut dyn Stop,
    ) -> Result<jig_core::ProbeReport, DeviceError> {
        self.jig
            .probe_until(&mut self.delay, cfg, stop)
            .map_err(core_err)
    }

    fn analog_probe_until(
        &mut self,
        cfg: &jig_core::ProbeConfig,
        stop: &mut dyn Stop,
    ) -> Result<jig_core::analog::AnalogReport, DeviceError> {
        cfg.validate().map_err(DeviceError::Config)?;
        let acfg = jig_core::analog::AnalogConfig {
            samples: cfg.samples,
            settle_us: cfg.settle_us,
            ..jig_core::analog::AnalogConfig::DEFAULT
        };
        self.jig
            .analog_probe_until(&mut self.delay, &acfg, stop)
            .map_err(core_err)
    }

    fn kill(&mut self, op: &jig_core::KillOp) -> Result<jig_core::KillReport, DeviceError> {
        self.jig.kill(&mut self.delay, op).map_err(core_err)
    }

    fn self_test(&mut self) -> Result<SelfTestReport, DeviceError> {
        self.jig
            .self_test(&mut self.delay)
            .map_err(|_| DeviceError::Pin)
    }

    fn safe(&mut self) -> Result<(), DeviceError> {
        self.jig.safe().map_err(|_| DeviceError::Pin)
    }
}
