//! The jig's check of its own lines, run with every probe lifted off the card:
//! each line should then follow only the jig (its own pull, its own driver)
//! and no line may follow another (no short between probes or wires).
//!
//! Every line is an input (no bias) afterwards, also after a line error.
#![forbid(unsafe_code)]

use embedded_hal::delay::DelayNs;

use crate::line::{self, Bias, InputLine, JigLine, Level, OpenDrainLine};

/// Settle time of every self-test step (a pull-only node needs ~8 us per tau).
pub const SETTLE_US: u32 = 200;

/// The self-test's checks, in bit order of [`SelfTestReport::failed`].
pub const CHECKS: [&str; 16] = [
    "SENSE reads high with its pull-up",
    "SENSE reads low with its pull-down",
    "SENSE_REF reads high with its pull-up",
    "SENSE_REF reads low with its pull-down",
    "DRIVE reads high with its pull-up",
    "DRIVE reads low with its pull-down",
    "DRIVE reads high again with its pull-up once released (open-drain release)",
    "DRIVE reads back low when driven low",
    "SENSE_REF reads back high when driven high",
    "SENSE_REF reads back low when driven low",
    "SENSE stays low while DRIVE is released with its pull-up (no DRIVE-SENSE short)",
    "SENSE stays high while DRIVE is low (no DRIVE-SENSE short)",
    "SENSE stays low while SENSE_REF is high (no SENSE_REF-SENSE short)",
    "SENSE stays high while SENSE_REF is low (no SENSE_REF-SENSE short)",
    "SENSE_REF stays low while DRIVE is released with its pull-up (no DRIVE-SENSE_REF short)",
    "SENSE_REF stays high while DRIVE is low (no DRIVE-SENSE_REF short)",
];

/// The checks that need an internal pull-down: 1, 3, 5 ("reads low with
/// its pull-down") and 10, 12, 14 (a line pulled down stays low while the
/// other is high: the weak half of each short check; 11, 13 and 15, the
/// strong halves, pull up). A line without one ([`crate::NoPullDown`], the
/// Pico 2) floats instead and cannot pass them with nothing wrong, so they
/// are not run there.
pub const PULL_DOWN_CHECKS: u32 = 0b0101_0100_0010_1010;

/// The checks a jig with HOLD (the Raspberry Pi's) adds, bits 16 and 17 of
/// [`SelfTestReport::failed`] ([`run_with_hold`]). HOLD's resistor joins
/// SENSE_REF's probe, so with the probes in the air SENSE_REF's pad follows
/// HOLD through both resistors against its own pull: that proves the 470 ohm
/// is wired, and to the right probe.
pub const HOLD_CHECKS: [&str; 2] = [
    "SENSE_REF follows HOLD high against its pull-down (HOLD's resistor reaches SENSE_REF's probe)",
    "SENSE_REF follows HOLD low against its pull-up (HOLD's resistor reaches SENSE_REF's probe)",
];

/// Modelled duration of a whole self-test: one settle per check.
pub const DURATION_US: u64 = CHECKS.len() as u64 * SETTLE_US as u64;

/// What the self-test found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SelfTestReport {
    /// Checks run.
    pub checks: u8,
    /// Bit n set = check n ([`CHECKS`]`[n]`) failed (0 = all passed).
    pub failed: u32,
}

impl SelfTestReport {
    pub const fn passed(&self) -> bool {
        self.failed == 0
    }

    /// The checks not run (bit n = [`CHECKS`]`[n]`): the
    /// [`PULL_DOWN_CHECKS`] when the report ran that many fewer than
    /// [`CHECKS`] (a jig whose lines never enable their pull-down: the
    /// Pico 2), else none.
    pub const fn not_run(&self) -> u32 {
        if self.checks as usize + PULL_DOWN_CHECKS.count_ones() as usize == CHECKS.len() {
            PULL_DOWN_CHECKS
        } else {
            0
        }
    }

    /// The names of the checks not run, in order.
    pub fn not_run_checks(&self) -> impl Iterator<Item = &'static str> + '_ {
        let mask = self.not_run();
        CHECKS
            .iter()
            .enumerate()
            .filter(move |(i, _)| mask & (1 << i) != 0)
            .map(|(_, name)| *name)
    }

    /// How many checks failed.
    pub const fn failed_count(&self) -> u32 {
        self.failed.count_ones()
    }

    /// The names of the failed checks, in order.
    pub fn failed_checks(&self) -> impl Iterator<Item = &'static str> + '_ {
        CHECKS
            .iter()
            .chain(HOLD_CHECKS.iter())
            .enumerate()
            .filter(|(i, _)| self.failed & (1 << i) != 0)
            .map(|(_, name)| *name)
    }
}

/// Run every check (probes off the card). Every line is an input (no bias)
/// afterwards, also after an error.
pub fn run<D, R, S, T>(
    drive: &mut D,
    sense_ref: &mut R,
    sense: &mut S,
    delay: &mut T,
) -> Result<SelfTestReport, D::Error>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
{
    let result = checks(drive, sense_ref, sense, delay);
    let released = line::safe(drive, sense_ref, sense);
    let (failed, not_run) = result?;
    released?;
    Ok(SelfTestReport {
        checks: (CHECKS.len() as u32 - not_run) as u8,
        failed,
    })
}

/// [`run`], then the [`HOLD_CHECKS`] (a jig with HOLD: the Raspberry Pi).
/// Every line, HOLD included, is an input (no bias) afterwards, also after
/// an error.
pub fn run_with_hold<D, R, H, S, T>(
    drive: &mut D,
    sense_ref: &mut R,
    hold: &mut H,
    sense: &mut S,
    delay: &mut T,
) -> Result<SelfTestReport, D::Error>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    H: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
{
    let first = hold
        .set_input(Bias::None)
        .and_then(|()| run(drive, sense_ref, sense, delay));
    let result = first.and_then(|r| {
        let mut t = Tally {
            failed: r.failed,
            bit: CHECKS.len() as u32,
            not_run: 0,
        };
        against_pull(sense_ref, delay, &mut t, Expect::Follows, |l| hold.drive(l))?;
        Ok(SelfTestReport {
            checks: r.checks + (HOLD_CHECKS.len() as u32 - t.not_run) as u8,
            failed: t.failed,
        })
    });
    let released = line::safe_with_hold(drive, sense_ref, sense, hold);
    let report = result?;
    released?;
    Ok(report)
}

/// Records check results bit by bit.
struct Tally {
    failed: u32,
    bit: u32,
    not_run: u32,
}

impl Tally {
    fn record(&mut self, ok: bool) {
        if !ok {
            self.failed |= 1 << self.bit;
        }
        self.bit += 1;
    }

    fn skip(&mut self) {
        self.not_run += 1;
        self.bit += 1;
    }
}

/// Whether `line` can be pulled toward `level` (a pull-down only where it
/// has one).
fn pulls<L: InputLine>(line: &L, level: Level) -> bool {
    level == Level::High || line.has_pull_down()
}

/// Checks 0-5 for one line: it follows its own pull-up, then its
/// pull-down (not run on a line without one).
fn own_pulls<L: InputLine, T: DelayNs>(
    line: &mut L,
    delay: &mut T,
    t: &mut Tally,
) -> Result<(), L::Error> {
    for level in [Level::High, Level::Low] {
        if !pulls(line, level) {
            t.skip();
            continue;
        }
        line.set_input(level.bias())?;
        t.record(reads(line, delay, level)?);
    }
    line.set_input(Bias::None)
}

/// Settle, then whether `line` reads `expected`.
fn reads<L: InputLine, T: DelayNs>(
    line: &mut L,
    delay: &mut T,
    expected: Level,
) -> Result<bool, L::Error> {
    delay.delay_us(SETTLE_US);
    Ok(Level::from_high(line.is_high()?) == expected)
}

fn checks<D, R, S, T>(
    drive: &mut D,
    sense_ref: &mut R,
    sense: &mut S,
    delay: &mut T,
) -> Result<(u32, u32), D::Error>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
{
    let mut t = Tally {
        failed: 0,
        bit: 0,
        not_run: 0,
    };
    line::safe(drive, sense_ref, sense)?;
    let both = [Level::High, Level::Low];
    // 0-5: each line follows its own pull (nothing else on it).
    own_pulls(sense, delay, &mut t)?;
    own_pulls(sense_ref, delay, &mut t)?;
    own_pulls(drive, delay, &mut t)?;
    // 6-9: the output drivers work (the pad reads back what is driven).
    // DRIVE is open-drain (never driven high): check 6 is that a DRIVE pulled
    // low lets go again, i.e. reads its pull-up after the release.
    drive.drive_low()?;
    drive.set_input(Bias::PullUp)?;
    t.record(reads(drive, delay, Level::High)?);
    drive.drive_low()?;
    t.record(reads(drive, delay, Level::Low)?);
    drive.set_input(Bias::None)?;
    for level in both {
        sense_ref.drive(level)?;
        t.record(reads(sense_ref, delay, level)?);
    }
    sense_ref.set_input(Bias::None)?;
    // 10-13: SENSE is not shorted to DRIVE or SENSE_REF: it keeps its pull
    // toward the opposite level while the other line is driven. DRIVE's
    // "high" is its release with the pull-up (a weak check: a short then sits
    // mid-rail; check 11, DRIVE driven low against SENSE's pull-up, is the
    // strong one).
    against_pull(sense, delay, &mut t, Expect::KeepsPull, |l| {
        open_drain(drive, l)
    })?;
    drive.set_input(Bias::None)?;
    against_pull(sense, delay, &mut t, Expect::KeepsPull, |l| {
        sense_ref.drive(l)
    })?;
    sense_ref.set_input(Bias::None)?;
    sense.set_input(Bias::None)?;
    // 14-15: DRIVE and SENSE_REF are not shorted together (15 is the strong one).
    against_pull(sense_ref, delay, &mut t, Expect::KeepsPull, |l| {
        open_drain(drive, l)
    })?;
    Ok((t.failed, t.not_run))
}

/// What a line pulled one way must read while another line is moved the
/// other way.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Its own pull's level: the two are not connected (no short).
    KeepsPull,
    /// The other line's level: the two are connected (HOLD to SENSE_REF).
    Follows,
}

/// Two checks, one per level: `pulled` gets its pull toward the opposite of
/// `level`, `push(level)` moves the other line, then `pulled` must read as
/// `expect` says. A check whose pull would be a pull-down `pulled` does not
/// have is not run.
fn against_pull<L: InputLine, T: DelayNs>(
    pulled: &mut L,
    delay: &mut T,
    t: &mut Tally,
    expect: Expect,
    mut push: impl FnMut(Level) -> Result<(), L::Error>,
) -> Result<(), L::Error> {
    for level in [Level::High, Level::Low] {
        let pull = level.opposite();
        if !pulls(pulled, pull) {
            t.skip();
            continue;
        }
        pulled.set_input(pull.bias())?;
        push(level)?;
        let want = match expect {
            Expect::KeepsPull => pull,
            Expect::Follows => level,
        };
        t.record(reads(pulled, delay, want)?);
    }
    Ok(())
}

/// DRIVE toward `level`, open-drain: low = driven low, high = released with
/// its internal pull-up.
fn open_drain<D: OpenDrainLine>(drive: &mut D, level: Level) -> Result<(), D::Error> {
    match level {
        Level::Low => drive.drive_low(),
        Level::High => drive.set_input(Bias::PullUp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_names_the_failed_checks() {
        let r = SelfTestReport {
            checks: 16,
            failed: 0b101,
        };
        assert!(!r.passed());
        assert_eq!(r.failed_count(), 2);
        let mut names = r.failed_checks();
        assert_eq!(names.next(), Some(CHECKS[0]));
        assert_eq!(names.next(), Some(CHECKS[2]));
        assert_eq!(names.next(), None);
        assert_eq!(DURATION_US, 3_200);
    }
}
