//! The digital probe with a second reference, `HOLD`: the Raspberry Pi
//! jig's probe (its GPIO has no ADC), right on any card pull from 1 kΩ to
//! none.
//!
//! # Why the plain digital probe cannot, and what `HOLD` changes
//!
//! [`crate::probe`] holds the card's pin-13 net high through `SENSE_REF`
//! (3.9 kΩ) and looks for `DRIVE` dragging it low. Against a card pull of
//! 1–4.7 kΩ, 3.9 kΩ cannot lift the net past V_IH (2.0 V), and no single
//! resistor can: to lift the net over a 1 kΩ pull it must be below 650 Ω,
//! and to lose to `DRIVE` (1 kΩ) through a conducting tape it must be above
//! 1.6 kΩ. So this probe turns the question round: the jig holds the card
//! net high as hard as it can, and reads **`DRIVE`**, released with its
//! internal pull-down, on top of the tape. Through intact tape `DRIVE`
//! reads its pull-down, 0 V, whatever the card does; a contact through the
//! tape lifts it to the net's level (a *hit*). A resistive path conducts
//! both ways, so a tape that would let a laptop's kill line pull the card
//! low is the same tape that lets the card net lift `DRIVE` here.
//!
//! `HOLD` is a spare GPIO with [`R_HOLD_OHMS`] (470 Ω) to `SENSE_REF`'s
//! probe (no extra probe on the card). `HOLD` and `SENSE_REF` high together
//! (419 Ω) lift the net to at least 2.3 V over a 1 kΩ pull to 0 V, and to
//! 3.1–3.3 V over a weak pull or none.
//!
//! `DRIVE` is only ever *read* here: the trait bound is [`InputLine`], so
//! this probe cannot drive it at all.
//!
//! # Order of the checks
//!
//! 1. **Powered or tied high**: nothing driven, `SENSE` pulled down. An
//!    unpowered card's rail (0-0.7 V) then always reads low; any of 8 reads
//!    high means a source of its own (a powered card's pull-up below about
//!    160 kΩ, or a short to a supply): `stuck-high`. (A powered card with no
//!    pull at all is electrically the same as an unpowered one on pin 13.)
//! 2. **Stuck, and the card's pull**: `HOLD` and `SENSE_REF` low with
//!    `SENSE` pulled down (must read low); `SENSE_REF` alone high with
//!    `SENSE` pulled up (reads high when the card pull is weak: [`Pull::Weak`]);
//!    `HOLD` high as well (must read high; if only this lifts the net, the
//!    pull is strong: [`Pull::Strong`]). High both ways → `stuck-high`, low
//!    both ways → `stuck-low` (a pull stronger than about 650 Ω, or a short
//!    to ground), high when pulled low but low when pulled high →
//!    `no-contact`.
//! 3. **Contact**: `HOLD`+`SENSE_REF` high with `SENSE` pulled *down*, then
//!    low with `SENSE` pulled *up*: `SENSE` must follow both times, or the
//!    probes do not touch the card (`no-contact`).
//! 4. **Isolation**, `samples` times: `DRIVE` pulled down (an input), then
//!    `HOLD`+`SENSE_REF` high, `SENSE` pulled down. Each sample reads
//!    `SENSE` (must be high: the net is held, and `SENSE` is on it; if not,
//!    `no-contact`, whatever came before) and `DRIVE` (high = a hit). 0 hits
//!    → `isolated`, all → `connected`, some → `intermittent`.
//!
//! Losing a probe mid-test fails safe: a `SENSE` that slips reads its
//! pull-down, a `SENSE_REF` probe that slips takes `HOLD` with it and the
//! net falls; either ends the probe with `no-contact`. A `DRIVE` probe off
//! the tape reads its pull-down, like good tape: the fixture has to place it,
//! as for every probe.
//!
//! # What it can and cannot see
//!
//! It cannot measure ohms. A leak R_L lifts `DRIVE` to
//! V_net · R_pd / (R_pd + 1 kΩ + R_L), with R_pd its internal pull-down
//! (50–80 kΩ): it is a sure hit while that is above V_IH, which with the
//! worst pull-down is R_L up to about 6.5 kΩ with a 1 kΩ card pull and
//! about 28–31 kΩ with a 10 kΩ pull or none. Between that and about 3×
//! as much a reading is undefined (the Pi's inputs then read what they read
//! last, and the pad comes up from 0 V: usually *isolated*). The boundary
//! where a kill line would still reach the card is 2 × 1.54 × the card's
//! pull ([`crate::analog::boundary_ohms`]): 3.1 kΩ for 1 kΩ, 14.5 kΩ for
//! 4.7 kΩ, so every leak below it is a sure hit for pulls up to about
//! 8 kΩ; for weaker pulls (10 kΩ: 30.8 kΩ) and for a card without one
//! (where any leak counts) it can miss a leak near or above its range. The
//! host says so under every verdict; the Pico's analog probe measures it.
//!
//! Fight currents: `HOLD` against a 1 kΩ pull to 0 V pushes 2.2 mA; into a
//! short to ground (the `stuck-low` check, one settle time) 7.0 mA and
//! `SENSE_REF` 0.85 mA, inside a Pi GPIO's default 8 mA drive.
#![forbid(unsafe_code)]

use embedded_hal::delay::DelayNs;

use crate::error::Error;
use crate::line::{Bias, InputLine, JigLine, Level};
use crate::probe::{Clock, Stop, STOP_POLL_SAMPLES};
use crate::{ProbeConfig, ProbeReport, Verdict};

/// `HOLD`'s resistor to `SENSE_REF`'s probe, in ohms.
pub const R_HOLD_OHMS: u32 = 470;

/// Settle periods before the isolation samples (checks 1-3).
pub const CHECK_STEPS: u32 = 6;

/// Reads that must all agree where one read in the undefined band could
/// mislead: all high for [`Pull::Weak`], all low to rule out a powered card.
const STRICT_READS: u32 = 8;

/// What the probe learned about the card's pin-13 pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pull {
    /// `SENSE_REF` alone (3.9 kΩ) lifts the net: a pull weaker than about
    /// 1.1–5.7 kΩ, or none.
    Weak,
    /// Only `HOLD` with `SENSE_REF` (419 Ω) lifts it: a pull of about
    /// 0.65–5.7 kΩ.
    Strong,
}

impl Pull {
    /// `weak`, `strong` (JSON).
    pub const fn name(self) -> &'static str {
        match self {
            Pull::Weak => "weak",
            Pull::Strong => "strong",
        }
    }
}

/// A probe's result: the verdict and counts as the digital probe reports
/// them, and the card's pull when the probes were on the card (`None` for
/// `stuck-*`, `no-contact`, and a probe that lost contact midway).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldReport {
    pub probe: ProbeReport,
    pub pull: Option<Pull>,
}

/// The four lines of a jig with `HOLD`.
struct Lines<'a, D, R, H, S> {
    drive: &'a mut D,
    sense_ref: &'a mut R,
    hold: &'a mut H,
    sense: &'a mut S,
}

impl<D, R, H, S> Lines<'_, D, R, H, S>
where
    D: InputLine,
    R: JigLine<Error = D::Error>,
    H: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
{
    /// Every line an input without pull; every line is tried.
    fn safe(&mut self) -> Result<(), D::Error> {
        crate::line::safe_with_hold(self.drive, self.sense_ref, self.sense, self.hold)
    }

    /// `HOLD` and `SENSE_REF` to `level`, `SENSE` pulled the other way.
    fn reference(&mut self, level: Level) -> Result<(), D::Error> {
        self.sense.set_input(level.opposite().bias())?;
        self.sense_ref.drive(level)?;
        self.hold.drive(level)
    }
}

/// Run the probe: every line an input, checks 1-3, then `cfg.samples`
/// isolation samples, then every line an input again, also when a line
/// fails midway. `stop` is asked before the first check and every
/// [`STOP_POLL_SAMPLES`] samples; a stopped probe returns
/// [`Error::Aborted`] with every line an input.
pub fn run_until<D, R, H, S, T, P>(
    drive: &mut D,
    sense_ref: &mut R,
    hold: &mut H,
    sense: &mut S,
    delay: &mut T,
    cfg: &ProbeConfig,
    stop: &mut P,
) -> Result<HeldReport, Error<D::Error>>
where
    D: InputLine,
    R: JigLine<Error = D::Error>,
    H: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
    P: Stop + ?Sized,
{
    cfg.validate()?;
    let mut lines = Lines {
        drive,
        sense_ref,
        hold,
        sense,
    };
    let mut clock = Clock::new(delay, cfg.settle_us);
    let result = phases(&mut lines, &mut clock, cfg.samples, stop);
    let released = lines.safe();
    let outcome = result.map_err(Error::Line)?;
    released.map_err(Error::Line)?;
    let (verdict, pull, samples, contact_hits) = outcome.ok_or(Error::Aborted)?;
    Ok(HeldReport {
        probe: ProbeReport {
            verdict,
            samples,
            contact_hits,
            duration_us: clock.spent_us,
        },
        pull,
    })
}

type Outcome = Option<(Verdict, Option<Pull>, u32, u32)>;

fn phases<D, R, H, S, T, P>(
    l: &mut Lines<'_, D, R, H, S>,
    clock: &mut Clock<'_, T>,
    samples: u32,
    stop: &mut P,
) -> Result<Outcome, D::Error>
where
    D: InputLine,
    R: JigLine<Error = D::Error>,
    H: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
    P: Stop + ?Sized,
{
    l.safe()?;
    if stop.stop() {
        return Ok(None);
    }
    let decided = |v: Verdict, pull: Option<Pull>| Ok(Some((v, pull, 0, 0)));
    // 1. A source of its own on the net: an unpowered card's rail (<= 0.7 V)
    // always reads low here, a powered card's 3.3 V pull-up (below about
    // 160 kohm) at least sometimes high, so any high read decides.
    l.sense.set_input(Bias::PullDown)?;
    clock.settle();
    for _ in 0..STRICT_READS {
        if l.sense.is_high()? {
            return decided(Verdict::StuckHigh, None);
        }
    }
    // 2. Stuck, and how strong the card's pull is. SENSE is pulled toward
    // the level the jig wants, so a probe that touches nothing never reads
    // stuck.
    l.sense_ref.drive_low()?;
    l.hold.drive_low()?;
    clock.settle();
    let high_when_pulled_low = l.sense.is_high()?;
    l.hold.set_input(Bias::None)?;
    l.sense.set_input(Bias::PullUp)?;
    l.sense_ref.drive_high()?;
    clock.settle();
    // Weak only when every read agrees: a level in the undefined band must
    // not pass for one above V_IH by one lucky read.
    let mut weak = true;
    for _ in 0..STRICT_READS {
        weak &= l.sense.is_high()?;
    }
    l.hold.drive_high()?;
    clock.settle();
    let high_when_pulled_high = l.sense.is_high()?;
    let pull = match (high_when_pulled_low, high_when_pulled_high) {
        (true, true) => return decided(Verdict::StuckHigh, None),
        (false, false) => return decided(Verdict::StuckLow, None),
        (true, false) => return decided(Verdict::NoContact, None),
        (false, true) if weak => Pull::Weak,
        (false, true) => Pull::Strong,
    };
    // 3. Contact: SENSE follows the held net against its own pull.
    l.reference(Level::High)?;
    clock.settle();
    let followed_high = l.sense.is_high()?;
    l.reference(Level::Low)?;
    clock.settle();
    let followed_low = !l.sense.is_high()?;
    if !(followed_high && followed_low) {
        // Off the card, SENSE read its own pull: nothing is known of the card.
        return decided(Verdict::NoContact, None);
    }
    // 4. Isolation: DRIVE pulled down before the net comes up, so a pad
    // that a leak leaves undefined is approached from below.
    l.drive.set_input(Bias::PullDown)?;
    l.reference(Level::High)?;
    let mut hits = 0u32;
    for i in 0..samples {
        if i % STOP_POLL_SAMPLES == STOP_POLL_SAMPLES - 1 && stop.stop() {
            return Ok(None);
        }
        clock.settle();
        let held = l.sense.is_high()?;
        if l.drive.is_high()? {
            hits += 1;
        }
        if !held {
            return Ok(Some((Verdict::NoContact, None, i + 1, hits)));
        }
    }
    let verdict = if hits == 0 {
        Verdict::Isolated
    } else if hits == samples {
        Verdict::Connected
    } else {
        Verdict::Intermittent
    };
    Ok(Some((verdict, Some(pull), samples, hits)))
}

/// Modelled duration of a probe that runs every phase, in microseconds.
pub const fn full_duration_us(cfg: &ProbeConfig) -> u64 {
    (CHECK_STEPS as u64 + cfg.samples as u64) * cfg.settle_us as u64
}

const _: () = assert!(full_duration_us(&ProbeConfig::DEFAULT) <= 100_000);
