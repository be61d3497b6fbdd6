//! The isolation probe: does the tape isolate pin 13?
//!
//! # Order of the checks
//!
//! Every check reads only `SENSE`, which is never driven. `DRIVE` stays a
//! high-impedance input until the isolation phase, so the first two checks
//! look at the card net alone.
//!
//! 1. **Stuck** ([`check_stuck`]): the jig pulls the net low with everything it
//!    has (`SENSE_REF` driven low, `SENSE` pulled down) and reads it; then
//!    pulls it high the same way. High while pulled low and high while pulled
//!    high → `stuck-high`; low both times → `stuck-low`. An unbiased reading
//!    can never cause this: `SENSE` is always pulled toward the level the jig
//!    wants, so a probe that touches nothing reads "not stuck". A net tied to a
//!    rail therefore reads `stuck-*`, never `no-contact`.
//! 2. **Contact** ([`check_contact`]): `SENSE_REF` drives high while `SENSE` is
//!    pulled *down*, then drives low while `SENSE` is pulled *up*. Only a
//!    `SENSE` that really shares a net with `SENSE_REF` follows it; a `SENSE`
//!    off the card follows its own pull, the opposite level, and gives
//!    `no-contact`. This is the proof that the probes touch the card: without
//!    it a loose clip would read exactly like good tape.
//! 3. **Isolation** ([`isolation_sample`], `samples` times): `DRIVE` pulls low
//!    from the top of the tape (open-drain, the way a laptop's kill line does;
//!    it stays asserted for the whole phase), then `SENSE_REF` holds the net
//!    high and `SENSE` (pulled *down*, toward `DRIVE`'s level) reads it. Through intact tape the net stays high; a
//!    contact through the tape drags it low (a *hit*). 0 hits → `isolated` (the
//!    only PASS), all hits → `connected`, anything between → `intermittent`
//!    with the count.
//! 4. **Reference check** ([`reference_check`], after every
//!    [`REFERENCE_EVERY`]th sample): `DRIVE` still low, `SENSE_REF` low,
//!    `SENSE` pulled *up*: the net must read low. If it does not, `SENSE_REF`
//!    no longer holds the net (`SENSE` slipped off, or the card is powered and
//!    its pull-up wins) and the probe ends with `no-contact`: whatever the
//!    samples said is not about the tape.
//!
//! `DRIVE` is never driven high, in the probe or anywhere else: the trait
//! bound is [`OpenDrainLine`], which has no way to drive high. The laptop's
//! kill line only ever pulls pin 13 low (it is open-drain: asserted = low,
//! released = high impedance), so pulling low is the one thing a contact
//! through the tape can do to the card, and the one thing the probe needs to
//! test. (Earlier builds also pushed `DRIVE` high against `SENSE_REF` low on
//! every other sample: that tested a direction no laptop drives, and drove
//! high a line that a laptop's kill switch drives too.)
//!
//! Pulling `SENSE` toward `DRIVE`'s level in phase 3 makes every way of losing
//! a probe mid-test fail safe: a `SENSE` that slips off reads its pull-down (a
//! hit), and a `SENSE_REF` that slips off lets the card's weak pull-down and
//! `SENSE`'s pull win (a hit). Neither can produce a false PASS. (A `DRIVE`
//! probe that misses the pin-13 spot cannot be detected electrically — tape
//! is an insulator — the fixture has to place it.)
//!
//! # Stopping a running probe
//!
//! [`run_until`] asks a [`Stop`] hook before the first check and every
//! [`STOP_POLL_SAMPLES`] samples whether to stop (the firmware's hook looks for
//! an `Abort` frame on USB without blocking; the host's for a caught signal).
//! A stopped probe makes every line an input and returns [`Error::Aborted`].
//!
//! # Electrical model and resistor values
//!
//! Lines are 3.3 V; the RP2040 reads below 0.8 V as low and above 2.0 V as
//! high (undefined between). On the bench the card is unpowered and its pin-13
//! pull-up goes to a dead rail its own circuits load: the net sees about
//! 10 kΩ to ~0 V. RP2040 internal pulls (50–80 kΩ) lose against that
//! (50 kΩ against 10 kΩ moves the net to 0.55 V at best), so the probe moves
//! the net by **driving through series resistors**, and uses the internal
//! pulls only on `SENSE`, where they bias a probe that touches nothing.
//!
//! Series resistors: `DRIVE` 1 kΩ, `SENSE` 1 kΩ, `SENSE_REF` **3.9 kΩ**.
//! `SENSE_REF` must hold the net against the card's 10 kΩ yet lose clearly to
//! `DRIVE` when the tape conducts. With G = 1/R and a worst-case 50 kΩ pull on
//! `SENSE` (51 kΩ with its series resistor):
//!
//! | situation | net voltage | read |
//! |---|---|---|
//! | tape isolates, `SENSE_REF` holds high, `SENSE` pulled low | 3.3·G_ref / (G_ref + G_card + G_sense) = **2.25 V** | high ✓ |
//! | tape isolates, `SENSE_REF` holds low, `SENSE` pulled high (stuck and contact checks) | **0.20 V** | low ✓ |
//! | tape conducts, `DRIVE` low vs `SENSE_REF` high | 3.3·G_ref / (G_ref + G_drive + G_card + G_sense) = **0.62 V** | low = hit ✓ |
//! | same as row 3 with 1 kΩ on `SENSE_REF` | **1.56 V** | undefined ✗ |
//!
//! The last row is why `SENSE_REF` cannot use 1 kΩ like the others: with equal
//! resistors a conducting tape puts the net mid-rail and a `connected` tape
//! reads as a random `intermittent`. Rows 1 and 3 bound `SENSE_REF` to about
//! 2.8–5.4 kΩ with a 10 kΩ card pull; 3.9 kΩ (E12) sits between with ≥ 0.18 V
//! margin on every row.
//!
//! Outside that window (a card whose pull-up is much stronger than 10 kΩ, or
//! other resistor values) some readings land in the undefined band and the
//! verdict varies between `stuck-low`, `no-contact` and `intermittent` — but
//! it is never `isolated`: a PASS needs a clean contact check and every one of
//! the isolation samples to read `SENSE_REF`'s level. The same holds on a
//! powered card, whose 3.3 V pull-up `SENSE_REF` cannot pull below 0.8 V.
//! The detection benchmark (docs/bench/jig.md) sweeps `SENSE_REF` against the
//! card pull-up.
//!
//! Fight currents stay small: `DRIVE` (low) against a rail 3.3 V / 1 kΩ = 3.3 mA
//! (the worst case, inside the RP2040's default 4 mA drive), `DRIVE` against
//! `SENSE_REF` 3.3 V / 4.9 kΩ = 0.67 mA, `SENSE_REF` against a rail 0.85 mA.
//! A slipped probe touching the 5 V pin 18 injects (5 − 3.6) V / 1 kΩ ≈ 1.4 mA
//! into the clamp diode at most.
//!
//! # Settle time and default sampling
//!
//! Default: [`DEFAULT_SETTLE_US`] = 50 µs after every change, before every
//! read. The driven card net has at most ~2.7 kΩ Thevenin resistance
//! (3.9 kΩ ∥ 10 kΩ ∥ 51 kΩ) and about 100 pF of probe wiring and pad: τ ≈
//! 0.3 µs. The slowest node that decides a verdict is a `SENSE` wire that
//! touches nothing, moved only by its 80 kΩ (worst) internal pull: τ = 80 kΩ ·
//! 100 pF = 8 µs. 50 µs is 6τ of that node (within 0.2 % of the rail) and
//! ~180τ of the driven net, and it absorbs the call latency of Linux GPIO on a
//! Raspberry Pi.
//!
//! Default samples: [`DEFAULT_SAMPLES`] = 1000. A contact present on a
//! fraction P of samples is missed with probability (1 − P)^n; for P = 1 %
//! and a 99.9 % catch rate n ≥ ln(0.001)/ln(0.99) = 687.3, so n ≥ 688
//! ([`MIN_SAMPLES_1PCT_999`]). 1000 samples miss a 1 % contact with
//! probability 4.3·10⁻⁵ (99.996 % caught). Duration: (4 check steps + 1000
//! samples + 125 reference checks) × 50 µs = 56.45 ms of settle time, inside
//! the 100 ms budget.
#![forbid(unsafe_code)]

use embedded_hal::delay::DelayNs;

use crate::error::{ConfigError, Error};
use crate::line::{self, Bias, InputLine, JigLine, OpenDrainLine};
use crate::{ProbeConfig, ProbeReport, Verdict};

/// Default isolation samples (catches a 1 % intermittent with 99.996 %).
pub const DEFAULT_SAMPLES: u32 = 1000;
/// Default settle time after every line change, in microseconds.
pub const DEFAULT_SETTLE_US: u32 = 50;
/// The fewest samples that catch a 1 % intermittent with probability ≥ 99.9 %.
pub const MIN_SAMPLES_1PCT_999: u32 = 688;
/// Upper limit on samples per probe.
pub const MAX_SAMPLES: u32 = 1_000_000;
/// Upper limit on the settle time.
pub const MAX_SETTLE_US: u32 = 1_000_000;
/// Settle periods spent before the isolation phase (stuck: 2, contact: 2).
pub const CHECK_STEPS: u32 = 4;
/// A reference check follows every this many isolation samples.
pub const REFERENCE_EVERY: u32 = 8;

/// A running probe asks its [`Stop`] hook every this many samples (and once
/// before the first check): 16 × 50 µs = 0.8 ms between looks by default.
pub const STOP_POLL_SAMPLES: u32 = 16;

/// Recommended series resistors, in ohms (see the module docs).
pub const R_DRIVE_OHMS: u32 = 1_000;
/// `SENSE` series resistor, in ohms.
pub const R_SENSE_OHMS: u32 = 1_000;
/// `SENSE_REF` series resistor, in ohms: must lose to `DRIVE`, beat the card.
pub const R_SENSE_REF_OHMS: u32 = 3_900;

// The defaults meet the budget, checked at compile time.
const _: () = assert!(DEFAULT_SAMPLES >= MIN_SAMPLES_1PCT_999);
const _: () = assert!(ProbeConfig::DEFAULT.full_duration_us() <= 100_000);

impl ProbeConfig {
    /// 1000 samples, 50 µs settle.
    pub const DEFAULT: ProbeConfig = ProbeConfig {
        samples: DEFAULT_SAMPLES,
        settle_us: DEFAULT_SETTLE_US,
    };

    /// Refuse configurations the probe will not run.
    pub const fn validate(&self) -> Result<(), ConfigError> {
        if self.samples == 0 {
            Err(ConfigError::NoSamples)
        } else if self.samples > MAX_SAMPLES {
            Err(ConfigError::TooManySamples)
        } else if self.settle_us > MAX_SETTLE_US {
            Err(ConfigError::SettleTooLong)
        } else {
            Ok(())
        }
    }

    /// Modelled duration of a probe that runs every phase, in microseconds
    /// (the checks, the samples and the reference checks among them).
    pub const fn full_duration_us(&self) -> u64 {
        let samples = self.samples as u64;
        (CHECK_STEPS as u64 + samples + samples / REFERENCE_EVERY as u64) * self.settle_us as u64
    }
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig::DEFAULT
    }
}

/// Asked by a running probe whether to stop now (see [`run_until`]).
/// Must not block: a firmware looks at what USB already received, a host at
/// a flag a signal handler set.
pub trait Stop {
    /// `true`: stop the probe now.
    fn stop(&mut self) -> bool;
}

/// A [`Stop`] that never stops ([`run`] uses it).
#[derive(Debug, Clone, Copy, Default)]
pub struct Never;

impl Stop for Never {
    fn stop(&mut self) -> bool {
        false
    }
}

impl<F: FnMut() -> bool> Stop for F {
    fn stop(&mut self) -> bool {
        self()
    }
}

/// Counts settle time spent (this probe's and [`crate::held`]'s).
pub(crate) struct Clock<'a, T> {
    delay: &'a mut T,
    settle_us: u32,
    pub(crate) spent_us: u64,
}

impl<'a, T: DelayNs> Clock<'a, T> {
    /// A clock that has spent nothing yet.
    pub(crate) fn new(delay: &'a mut T, settle_us: u32) -> Self {
        Clock {
            delay,
            settle_us,
            spent_us: 0,
        }
    }

    pub(crate) fn settle(&mut self) {
        self.delay.delay_us(self.settle_us);
        self.spent_us += u64::from(self.settle_us);
    }
}

/// Phase 1. Returns `Some(StuckHigh | StuckLow)` when the net ignores the jig,
/// `Some(NoContact)` for the inconsistent reading "high when pulled low and
/// low when pulled high" (no trustworthy contact), `None` to go on.
///
/// Pin sequence: `SENSE` pull-down, `SENSE_REF` low, settle, read; `SENSE`
/// pull-up, `SENSE_REF` high, settle, read. Leaves `SENSE_REF` driven high.
pub fn check_stuck<R, S, T>(
    sense_ref: &mut R,
    sense: &mut S,
    delay: &mut T,
    settle_us: u32,
) -> Result<Option<Verdict>, R::Error>
where
    R: JigLine,
    S: InputLine<Error = R::Error>,
    T: DelayNs,
{
    let mut clock = Clock::new(delay, settle_us);
    stuck(sense_ref, sense, &mut clock)
}

fn stuck<R, S, T>(
    sense_ref: &mut R,
    sense: &mut S,
    clock: &mut Clock<'_, T>,
) -> Result<Option<Verdict>, R::Error>
where
    R: JigLine,
    S: InputLine<Error = R::Error>,
    T: DelayNs,
{
    sense.set_input(Bias::PullDown)?;
    sense_ref.drive_low()?;
    clock.settle();
    let high_when_pulled_low = sense.is_high()?;
    sense.set_input(Bias::PullUp)?;
    sense_ref.drive_high()?;
    clock.settle();
    let high_when_pulled_high = sense.is_high()?;
    Ok(match (high_when_pulled_low, high_when_pulled_high) {
        (true, true) => Some(Verdict::StuckHigh),
        (false, false) => Some(Verdict::StuckLow),
        (true, false) => Some(Verdict::NoContact),
        (false, true) => None,
    })
}

/// Phase 2. `true` when `SENSE` follows `SENSE_REF` against its own pull.
///
/// Pin sequence: `SENSE` pull-down, `SENSE_REF` high, settle, read (must be
/// high); `SENSE` pull-up, `SENSE_REF` low, settle, read (must be low). Both
/// reads are always taken. Leaves `SENSE_REF` driven low.
pub fn check_contact<R, S, T>(
    sense_ref: &mut R,
    sense: &mut S,
    delay: &mut T,
    settle_us: u32,
) -> Result<bool, R::Error>
where
    R: JigLine,
    S: InputLine<Error = R::Error>,
    T: DelayNs,
{
    let mut clock = Clock::new(delay, settle_us);
    contact(sense_ref, sense, &mut clock)
}

fn contact<R, S, T>(
    sense_ref: &mut R,
    sense: &mut S,
    clock: &mut Clock<'_, T>,
) -> Result<bool, R::Error>
where
    R: JigLine,
    S: InputLine<Error = R::Error>,
    T: DelayNs,
{
    sense.set_input(Bias::PullDown)?;
    sense_ref.drive_high()?;
    clock.settle();
    let followed_high = sense.is_high()?;
    sense.set_input(Bias::PullUp)?;
    sense_ref.drive_low()?;
    clock.settle();
    let followed_low = !sense.is_high()?;
    Ok(followed_high && followed_low)
}

/// Phase 3, one sample: `SENSE_REF` holds the net high, `DRIVE` pulls low
/// (open-drain); returns `true` (a hit) when `SENSE` follows `DRIVE` low.
///
/// Pin sequence: `DRIVE` low, `SENSE` pull-down, `SENSE_REF` high, settle,
/// read. Lines stay as they are afterwards (the caller releases them; [`run`]
/// does).
pub fn isolation_sample<D, R, S, T>(
    drive: &mut D,
    sense_ref: &mut R,
    sense: &mut S,
    delay: &mut T,
    settle_us: u32,
) -> Result<bool, D::Error>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
{
    let mut clock = Clock::new(delay, settle_us);
    sample(drive, sense_ref, sense, &mut clock)
}

fn sample<D, R, S, T>(
    drive: &mut D,
    sense_ref: &mut R,
    sense: &mut S,
    clock: &mut Clock<'_, T>,
) -> Result<bool, D::Error>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
{
    // DRIVE first: the net then comes up toward SENSE_REF's high only as
    // far as the tape lets it. A leak that leaves it in the undefined band
    // (0.8-2.0 V) is approached from below, so an input with hysteresis
    // keeps reading low: a hit, never a PASS. (SENSE_REF high first would
    // lift the net to 2.25 V for an instant, and a hysteresis input could
    // then keep reading high at 1 V: a leaky tape read as isolated.)
    drive.drive_low()?;
    sense.set_input(Bias::PullDown)?;
    sense_ref.drive_high()?;
    clock.settle();
    Ok(!sense.is_high()?)
}

/// Phase 4: `DRIVE` still low, `SENSE_REF` low, `SENSE` pulled up; `true`
/// when the net reads low (`SENSE_REF` still holds it against `SENSE`'s
/// pull and the card's).
///
/// Pin sequence: `DRIVE` low, `SENSE` pull-up, `SENSE_REF` low, settle, read.
pub fn reference_check<D, R, S, T>(
    drive: &mut D,
    sense_ref: &mut R,
    sense: &mut S,
    delay: &mut T,
    settle_us: u32,
) -> Result<bool, D::Error>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
{
    let mut clock = Clock::new(delay, settle_us);
    reference(drive, sense_ref, sense, &mut clock)
}

fn reference<D, R, S, T>(
    drive: &mut D,
    sense_ref: &mut R,
    sense: &mut S,
    clock: &mut Clock<'_, T>,
) -> Result<bool, D::Error>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
{
    // DRIVE stays asserted: releasing it would let the next sample's net
    // pass through SENSE_REF's full high before DRIVE pulls again (see
    // `sample`).
    drive.drive_low()?;
    sense.set_input(Bias::PullUp)?;
    sense_ref.drive_low()?;
    clock.settle();
    Ok(!sense.is_high()?)
}

/// Run a whole probe: all lines inputs, stuck check, contact check, then
/// `cfg.samples` isolation samples with a reference check after every
/// [`REFERENCE_EVERY`]th, then all lines inputs again — also when a
/// line fails midway. Never stops early; see [`run_until`].
///
/// `ProbeReport::samples` is the number of isolation samples actually taken
/// (0 when the stuck or contact check decided the verdict, fewer than asked
/// when a reference check failed).
pub fn run<D, R, S, T>(
    drive: &mut D,
    sense_ref: &mut R,
    sense: &mut S,
    delay: &mut T,
    cfg: &ProbeConfig,
) -> Result<ProbeReport, Error<D::Error>>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
{
    run_until(drive, sense_ref, sense, delay, cfg, &mut Never)
}

/// [`run`], asking `stop` before the first check and every
/// [`STOP_POLL_SAMPLES`] samples whether to stop. A stopped probe makes every
/// line an input and returns [`Error::Aborted`] (no verdict: it did not finish).
pub fn run_until<D, R, S, T, P>(
    drive: &mut D,
    sense_ref: &mut R,
    sense: &mut S,
    delay: &mut T,
    cfg: &ProbeConfig,
    stop: &mut P,
) -> Result<ProbeReport, Error<D::Error>>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
    P: Stop + ?Sized,
{
    cfg.validate()?;
    let mut clock = Clock::new(delay, cfg.settle_us);
    let result = phases(drive, sense_ref, sense, &mut clock, cfg.samples, stop);
    let released = line::safe(drive, sense_ref, sense);
    let outcome = result.map_err(Error::Line)?;
    released.map_err(Error::Line)?;
    let (verdict, samples, contact_hits) = outcome.ok_or(Error::Aborted)?;
    Ok(ProbeReport {
        verdict,
        samples,
        contact_hits,
        duration_us: clock.spent_us,
    })
}

/// `Ok(None)`: stopped.
fn phases<D, R, S, T, P>(
    drive: &mut D,
    sense_ref: &mut R,
    sense: &mut S,
    clock: &mut Clock<'_, T>,
    samples: u32,
    stop: &mut P,
) -> Result<Option<(Verdict, u32, u32)>, D::Error>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
    P: Stop + ?Sized,
{
    line::safe(drive, sense_ref, sense)?;
    if stop.stop() {
        return Ok(None);
    }
    if let Some(verdict) = stuck(sense_ref, sense, clock)? {
        return Ok(Some((verdict, 0, 0)));
    }
    if !contact(sense_ref, sense, clock)? {
        return Ok(Some((Verdict::NoContact, 0, 0)));
    }
    let mut hits = 0u32;
    for i in 0..samples {
        if i % STOP_POLL_SAMPLES == STOP_POLL_SAMPLES - 1 && stop.stop() {
            return Ok(None);
        }
        if sample(drive, sense_ref, sense, clock)? {
            hits += 1;
        }
        if i % REFERENCE_EVERY == REFERENCE_EVERY - 1 && !reference(drive, sense_ref, sense, clock)?
        {
            return Ok(Some((Verdict::NoContact, i + 1, hits)));
        }
    }
    let verdict = if hits == 0 {
        Verdict::Isolated
    } else if hits == samples {
        Verdict::Connected
    } else {
        Verdict::Intermittent
    };
    Ok(Some((verdict, samples, hits)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_sampling_meets_the_detection_and_time_budget() {
        // (1 - 0.01)^n <= 0.001 first holds at n = 688.
        let miss = |n: u32| (0..n).fold(1.0f64, |p, _| p * 0.99);
        assert!(miss(MIN_SAMPLES_1PCT_999) <= 0.001);
        assert!(miss(MIN_SAMPLES_1PCT_999 - 1) > 0.001);
        // 4 checks + 1000 samples + 125 reference checks, 50 µs each.
        assert_eq!(ProbeConfig::DEFAULT.full_duration_us(), 56_450);
    }

    #[test]
    fn validate_bounds() {
        assert_eq!(
            ProbeConfig {
                samples: 0,
                settle_us: 50
            }
            .validate(),
            Err(ConfigError::NoSamples)
        );
        assert_eq!(
            ProbeConfig {
                samples: MAX_SAMPLES + 1,
                settle_us: 50
            }
            .validate(),
            Err(ConfigError::TooManySamples)
        );
        assert_eq!(
            ProbeConfig {
                samples: 1,
                settle_us: MAX_SETTLE_US + 1
            }
            .validate(),
            Err(ConfigError::SettleTooLong)
        );
        assert_eq!(
            ProbeConfig {
                samples: 1,
                settle_us: 0
            }
            .validate(),
            Ok(())
        );
    }
}
