//! [`JigDevice`]: jig-core's [`Jig`] plus a delay, as a protocol [`Device`],
//! and the jig's self-test over jig-core's line traits.
//!
//! The same adapter serves the Pico firmware (embassy `Flex` lines), the
//! emulator (the simulated bench) and tests.
#![forbid(unsafe_code)]

use embedded_hal::delay::DelayNs;
use jig_core::{Bias, InputLine, Jig, JigLine, Level};

use crate::server::{Device, DeviceError};
use crate::wire::SelfTestReport;

/// Settle time of every self-test step (a pull-only node needs ~8 us per tau).
pub const SELF_TEST_SETTLE_US: u32 = 200;

/// The self-test's checks, in bit order of [`SelfTestReport::failed`].
/// Run with the probes lifted off the card: every line should then follow
/// only the jig.
pub const SELF_TEST_CHECKS: [&str; 16] = [
    "SENSE reads high with its pull-up",
    "SENSE reads low with its pull-down",
    "SENSE_REF reads high with its pull-up",
    "SENSE_REF reads low with its pull-down",
    "DRIVE reads high with its pull-up",
    "DRIVE reads low with its pull-down",
    "DRIVE reads back high when driven high",
    "DRIVE reads back low when driven low",
    "SENSE_REF reads back high when driven high",
    "SENSE_REF reads back low when driven low",
    "SENSE stays low while DRIVE is high (no DRIVE-SENSE short)",
    "SENSE stays high while DRIVE is low (no DRIVE-SENSE short)",
    "SENSE stays low while SENSE_REF is high (no SENSE_REF-SENSE short)",
    "SENSE stays high while SENSE_REF is low (no SENSE_REF-SENSE short)",
    "SENSE_REF stays low while DRIVE is high (no DRIVE-SENSE_REF short)",
    "SENSE_REF stays high while DRIVE is low (no DRIVE-SENSE_REF short)",
];

/// Check the jig's own lines (probes off the card). Every line is an input
/// (no bias) afterwards, also after an error.
pub fn self_test<D, R, S, T>(
    drive: &mut D,
    sense_ref: &mut R,
    sense: &mut S,
    delay: &mut T,
) -> Result<SelfTestReport, D::Error>
where
    D: JigLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
{
    let result = run_checks(drive, sense_ref, sense, delay);
    let released = jig_core::line::safe(drive, sense_ref, sense);
    let failed = result?;
    released?;
    Ok(SelfTestReport {
        checks: SELF_TEST_CHECKS.len() as u8,
        failed,
    })
}

fn run_checks<D, R, S, T>(
    drive: &mut D,
    sense_ref: &mut R,
    sense: &mut S,
    delay: &mut T,
) -> Result<u32, D::Error>
where
    D: JigLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
{
    let mut failed = 0u32;
    let mut bit = 0;
    let mut record = |ok: bool| {
        if !ok {
            failed |= 1 << bit;
        }
        bit += 1;
    };
    jig_core::line::safe(drive, sense_ref, sense)?;
    // 0-5: each line follows its own pull (nothing else on it).
    for level in [Level::High, Level::Low] {
        sense.set_input(level.bias())?;
        delay.delay_us(SELF_TEST_SETTLE_US);
        record(sense.is_high()? == level.is_high());
    }
    sense.set_input(Bias::None)?;
    for level in [Level::High, Level::Low] {
        sense_ref.set_input(level.bias())?;
        delay.delay_us(SELF_TEST_SETTLE_US);
        record(sense_ref.is_high()? == level.is_high());
    }
    sense_ref.set_input(Bias::None)?;
    for level in [Level::High, Level::Low] {
        drive.set_input(level.bias())?;
        delay.delay_us(SELF_TEST_SETTLE_US);
        record(drive.is_high()? == level.is_high());
    }
    drive.set_input(Bias::None)?;
    // 6-9: the output drivers work (the pad reads back what is driven).
    for level in [Level::High, Level::Low] {
        drive.drive(level)?;
        delay.delay_us(SELF_TEST_SETTLE_US);
        record(drive.is_high()? == level.is_high());
    }
    drive.set_input(Bias::None)?;
    for level in [Level::High, Level::Low] {
        sense_ref.drive(level)?;
        delay.delay_us(SELF_TEST_SETTLE_US);
        record(sense_ref.is_high()? == level.is_high());
    }
    sense_ref.set_input(Bias::None)?;
    // 10-13: SENSE is not shorted to DRIVE or SENSE_REF: it keeps its pull
    // toward the opposite level while the other line is driven.
    for level in [Level::High, Level::Low] {
        sense.set_input(level.opposite().bias())?;
        drive.drive(level)?;
        delay.delay_us(SELF_TEST_SETTLE_US);
        record(sense.is_high()? != level.is_high());
    }
    drive.set_input(Bias::None)?;
    for level in [Level::High, Level::Low] {
        sense.set_input(level.opposite().bias())?;
        sense_ref.drive(level)?;
        delay.delay_us(SELF_TEST_SETTLE_US);
        record(sense.is_high()? != level.is_high());
    }
    sense_ref.set_input(Bias::None)?;
    sense.set_input(Bias::None)?;
    // 14-15: DRIVE and SENSE_REF are not shorted together.
    for level in [Level::High, Level::Low] {
        sense_ref.set_input(level.opposite().bias())?;
        drive.drive(level)?;
        delay.delay_us(SELF_TEST_SETTLE_US);
        record(sense_ref.is_high()? != level.is_high());
    }
    Ok(failed)
}

/// jig-core's [`Jig`] with the delay it needs, serving protocol requests.
#[derive(Debug)]
pub struct JigDevice<D, R, S, T> {
    jig: Option<Jig<D, R, S>>,
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
        JigDevice {
            jig: Some(jig),
            delay,
            seed,
        }
    }

    /// The jig, unless a failed self-test lost its lines.
    pub fn jig(&mut self) -> Option<&mut Jig<D, R, S>> {
        self.jig.as_mut()
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
    fn probe(&mut self, cfg: &jig_core::ProbeConfig) -> Result<jig_core::ProbeReport, DeviceError> {
        let seed = self.next_seed();
        let jig = self.jig.as_mut().ok_or(DeviceError::Pin)?;
        jig.probe(&mut self.delay, cfg, seed).map_err(core_err)
    }

    fn kill(&mut self, op: &jig_core::KillOp) -> Result<jig_core::KillReport, DeviceError> {
        let jig = self.jig.as_mut().ok_or(DeviceError::Pin)?;
        jig.kill(&mut self.delay, op).map_err(core_err)
    }

    fn self_test(&mut self) -> Result<SelfTestReport, DeviceError> {
        let jig = self.jig.take().ok_or(DeviceError::Pin)?;
        let (mut d, mut r, mut s) = jig.release().map_err(|_| DeviceError::Pin)?;
        let report = self_test(&mut d, &mut r, &mut s, &mut self.delay);
        self.jig = Some(Jig::new(d, r, s).map_err(|_| DeviceError::Pin)?);
        report.map_err(|_| DeviceError::Pin)
    }

    fn safe(&mut self) -> Result<(), DeviceError> {
        let jig = self.jig.as_mut().ok_or(DeviceError::Pin)?;
        jig.safe().map_err(|_| DeviceError::Pin)
    }
}
