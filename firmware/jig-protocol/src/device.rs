//! [`JigDevice`]: jig-core's [`Jig`] plus a delay, as a protocol [`Device`].
//!
//! The same adapter serves the Pico firmware (embassy `Flex` lines), the
//! emulator and the host's simulated and Raspberry Pi backends (jig-core on
//! the simulated bench or on rppal GPIO), and tests.
#![forbid(unsafe_code)]

use embedded_hal::delay::DelayNs;
use jig_core::{InputLine, Jig, JigLine, SelfTestReport};

use crate::server::{Device, DeviceError};

/// jig-core's [`Jig`] with the delay it needs, serving protocol requests.
#[derive(Debug)]
pub struct JigDevice<D, R, S, T> {
    jig: Jig<D, R, S>,
    delay: T,
    seed: u64,
}

impl<D, R, S, T> JigDevice<D, R, S, T>
where
    D: JigLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
{
    /// `seed` starts the sequence of polarity seeds, one per probe.
    pub fn new(jig: Jig<D, R, S>, delay: T, seed: u64) -> Self {
        JigDevice { jig, delay, seed }
    }

    /// The jig.
    pub fn jig(&mut self) -> &mut Jig<D, R, S> {
        &mut self.jig
    }

    /// The seed for the next probe: `seed` itself first (so one probe gives
    /// the same result as jig-core's `probe::run` with that seed), then a
    /// splitmix64 sequence.
    fn next_seed(&mut self) -> u64 {
        let current = self.seed;
        let mut z = current.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        self.seed = z ^ (z >> 31);
        current
    }
}

fn core_err<E>(e: jig_core::Error<E>) -> DeviceError {
    match e {
        jig_core::Error::Line(_) => DeviceError::Pin,
        jig_core::Error::Config(c) => DeviceError::Config(c),
    }
}

impl<D, R, S, T> Device for JigDevice<D, R, S, T>
where
    D: JigLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
{
    type Error = DeviceError;

    fn probe(&mut self, cfg: &jig_core::ProbeConfig) -> Result<jig_core::ProbeReport, DeviceError> {
        let seed = self.next_seed();
        self.jig.probe(&mut self.delay, cfg, seed).map_err(core_err)
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
