//! The analog probe (issue 14): characterise the card's pin-13 net, then
//! measure the tape's leakage in ohms, with `SENSE` on an ADC input (RP2040
//! GPIO 26-28). This module is the math and the probe sequence; the Pico
//! firmware runs it for jig-protocol's `AnalogProbe` request (protocol 2;
//! `pin13 jig probe` asks for it first, and a jig without an ADC refuses it
//! with [`Error::NoAdc`] before any line moves), the simulated bench through
//! the same `JigDevice`. Benchmarks: docs/benchmarks.md, "Jig analog probe".
//!
//! # The circuit
//!
//! The card's net N is, unpowered, a Thevenin source: a pull `R_c` to a rail
//! `V_c` (0-0.7 V on a dead card), or no pull at all. `SENSE_REF` reaches N
//! through `R_ref` (3.9 kΩ + the driver's output resistance), `SENSE` through
//! 1 kΩ into an ADC input that draws no current (no pull enabled), and
//! `DRIVE` reaches N only through the tape: `R_drive` (1 kΩ) + the leak `R_L`.
//!
//! # Characterisation
//!
//! With `DRIVE` released, `SENSE_REF` drives high, then low; the ADC reads
//! `V_hi` and `V_lo`. The net is the divider of `R_ref` and `R_c`:
//!
//! - `V_hi − V_lo = V_io · R_c / (R_ref + R_c)`, so
//!   `R_c = R_ref · Δ / (V_io − Δ)` (no pull: Δ = V_io, `R_c` = ∞);
//! - `V_lo = V_c · R_ref / (R_ref + R_c)`, so `V_c = V_lo · (R_ref + R_c) / R_ref`.
//!
//! A Δ below [`MIN_SWING_V`] means `SENSE_REF` cannot move the net: either it
//! is tied to a rail (`stuck-*`, the net reads the same whatever the jig does)
//! or the probes touch nothing; `SENSE`'s own pull tells them apart (a probe in
//! the air follows its pull, a tied net does not).
//!
//! # The leak
//!
//! `SENSE_REF` holds the net high; the ADC reads it with `DRIVE` released
//! (`V1` = `V_hi`) and with `DRIVE` pulled low (`V2`). The leak adds a
//! conductance to 0 V: `V2 = V1 · R_x / (R_x + R_th)` with `R_x = R_drive + R_L`
//! and `R_th = R_ref ∥ R_c`, so
//!
//! `R_L = R_th · V2 / (V1 − V2) − R_drive`.
//!
//! # Range and accuracy
//!
//! The ADC is 12-bit over 3.3 V (0.806 mV a count). The probe averages
//! [`AVERAGES`] readings of `V1` and of `V2`; with read noise σ (the sim uses
//! [`NOISE_COUNTS`] = 2 counts, the RP2040's ENOB is about 9 bits) the
//! difference `V1 − V2` is known to σ_Δ = σ·√(2/n). The probe calls a leak
//! measurable while `V1 − V2 ≥` [`RANGE_SIGMAS`]·σ_Δ; the largest measurable
//! leak (the *range*) follows from the characterisation:
//! `R_max = R_th · V1 / (4·σ_Δ) − R_drive`. Beyond it the report says "more
//! than R_max". For every card in the issue's range (pull 1 kΩ..none, rail
//! 0..0.7 V) R_max is above 1 MΩ (1.9 MΩ for a 1 kΩ pull to 0 V, 23.5 MΩ for
//! 10 kΩ, 45.7 MΩ without a pull). The estimate's 1 σ relative error is
//! σ_Δ / (V1 − V2): 2.5 % at R_max / 10, 25 % at R_max; the tests hold it to
//! [`ACCURACY`] (4 σ) from 1 kΩ up to R_max / 10. Not modelled: the
//! RP2040 ADC's differential non-linearity (its wide codes near 512, 1536,
//! 2560, 3584), which the read noise partly dithers; the tests state the
//! error only for the modelled ADC.
//!
//! # The boundary: when is a leak a FAIL?
//!
//! In the laptop the card is powered and its pull (assumed the same `R_c`,
//! now to 3.3 V) holds pin 13 high; the laptop's kill line pulls low,
//! open-drain, through the leak. The card reads `V = 3.3 · R_L / (R_L + R_c)`
//! and may see the kill once `V < V_IH` (2.0 V: below it the input is no
//! longer guaranteed high): `R_L < R_c · V_IH / (V_io − V_IH)` = 1.54·`R_c`.
//! The boundary doubles that for margin (threshold spread, temperature, a
//! laptop pull-down stronger than the card's own pull-up):
//! [`boundary_ohms`] = 2 · 1.54 · `R_c` (30.8 kΩ for a 10 kΩ pull). A card with
//! no measurable pull has no boundary: any leak the jig can see could carry
//! the kill to a floating input, so only "beyond the range" is `isolated`.
#![forbid(unsafe_code)]

use embedded_hal::delay::DelayNs;

use crate::error::Error;
use crate::line::{self, Bias, InputLine, JigLine, OpenDrainLine};
use crate::probe::Stop;

/// ADC full scale, counts (12 bits).
pub const ADC_MAX: u16 = 4095;
/// The ADC reference (the Pico's 3.3 V supply).
pub const V_ADC_REF: f64 = 3.3;
/// The I/O supply the jig drives with.
pub const V_IO: f64 = 3.3;
/// Lowest voltage a 3.3 V CMOS input is sure to read high.
pub const V_IH: f64 = 2.0;
/// Readings averaged per level during characterisation and for the leak.
pub const AVERAGES: u32 = 1024;
/// Read noise (1 σ) the accuracy is stated for, in counts.
pub const NOISE_COUNTS: f64 = 2.0;
/// √(2 / AVERAGES): the σ of a difference of two averages, per σ of a read.
const SQRT_2_OVER_N: f64 = 0.044_194_173_824_159_22;
/// A leak is measurable while it moves the net by at least this many σ_Δ.
pub const RANGE_SIGMAS: f64 = 4.0;
/// Stated accuracy of the leak estimate, relative, from 1 kΩ to R_max / 10.
pub const ACCURACY: f64 = 0.10;
/// Below this swing `SENSE_REF` does not move the net (stuck or no contact).
pub const MIN_SWING_V: f64 = 0.1;
/// A pull weaker than this reads as "no pull" (its swing is within the
/// ADC's resolution of V_io: 3.3 V · 3.95 kΩ / 2 MΩ = 6.5 mV, 8 counts).
pub const NO_PULL_OHMS: f64 = 2.0e6;
/// A card rail above this is a powered card (an unpowered one sits at
/// 0-0.7 V, a powered one at 3.3 V).
pub const POWERED_RAIL_V: f64 = 1.5;
/// A net read this close to the ADC's full scale (in counts) is taken at
/// exactly V_IO: the ADC clips there (its reference is the same 3.3 V supply
/// `SENSE_REF` drives from), so the average would read low.
pub const CLIP_COUNTS: f64 = 12.0;
/// A leak below this is a metal contact: `connected`, not `leaky`.
pub const CONTACT_OHMS: f64 = 100.0;
/// Margin on the theoretical boundary (see the module docs).
pub const BOUNDARY_MARGIN: f64 = 2.0;

/// One ADC count in volts.
pub const fn volts_per_count() -> f64 {
    V_ADC_REF / ADC_MAX as f64
}

/// Counts to volts.
pub fn volts(counts: f64) -> f64 {
    counts * volts_per_count()
}

/// The card's pin-13 net as the jig measured it (unpowered).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CardNet {
    /// The pull's resistance in ohms; `None` = no pull (weaker than
    /// [`NO_PULL_OHMS`]).
    pub pull_ohms: Option<f64>,
    /// The rail the pull goes to, in volts (meaningless without a pull).
    pub rail_v: f64,
}

/// What the characterisation found.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Characterisation {
    /// `SENSE_REF` moves the net: a pull (or none) to a rail.
    Net(CardNet),
    /// The net stays put whatever the jig does, high or low (tied to a rail).
    Stuck { high: bool },
    /// `SENSE` follows its own pull: the probes touch nothing.
    NoContact,
}

/// Thevenin of the net from `V_hi`/`V_lo` (volts) with `r_ref` ohms on
/// `SENSE_REF` (see the module docs). `None` when the swing is below
/// [`MIN_SWING_V`] (stuck or no contact: decided by [`run`]).
pub fn card_net(v_hi: f64, v_lo: f64, r_ref: f64) -> Option<CardNet> {
    let swing = v_hi - v_lo;
    if swing < MIN_SWING_V {
        return None;
    }
    let rest = V_IO - swing;
    let pull = if rest <= 0.0 {
        None
    } else {
        let r = r_ref * swing / rest;
        (r < NO_PULL_OHMS).then_some(r)
    };
    let rail_v = match pull {
        Some(r) => (v_lo * (r_ref + r) / r_ref).max(0.0),
        None => v_lo.max(0.0),
    };
    Some(CardNet {
        pull_ohms: pull,
        rail_v,
    })
}

/// `R_ref ∥ R_c`.
fn thevenin_ohms(net: &CardNet, r_ref: f64) -> f64 {
    match net.pull_ohms {
        Some(r) => r_ref * r / (r_ref + r),
        None => r_ref,
    }
}

/// The leak from `v1` (`DRIVE` released) and `v2` (`DRIVE` low), volts.
/// `None` when the drop is too small to measure (beyond [`range_ohms`]).
pub fn leak_ohms(v1: f64, v2: f64, net: &CardNet, r_ref: f64, r_drive: f64) -> Option<f64> {
    let drop = v1 - v2;
    if drop < RANGE_SIGMAS * sigma_delta_v() || v2 <= 0.0 {
        return if v2 <= 0.0 && drop > 0.0 {
            Some(0.0)
        } else {
            None
        };
    }
    Some((thevenin_ohms(net, r_ref) * v2 / drop - r_drive).max(0.0))
}

/// σ of `V1 − V2` in volts, for [`AVERAGES`] reads of [`NOISE_COUNTS`] noise.
pub fn sigma_delta_v() -> f64 {
    volts(NOISE_COUNTS) * SQRT_2_OVER_N
}

/// The largest leak the probe can measure on this net with `SENSE_REF`
/// holding it at `v1` volts.
pub fn range_ohms(v1: f64, net: &CardNet, r_ref: f64, r_drive: f64) -> f64 {
    let min_drop = RANGE_SIGMAS * sigma_delta_v();
    // R_x = R_th · (V1 − d) / d at the smallest measurable drop d.
    thevenin_ohms(net, r_ref) * (v1 - min_drop) / min_drop - r_drive
}

/// The leak below which a laptop's kill line may reach the card (see the
/// module docs); `None` = no boundary (no pull: every measurable leak fails).
pub fn boundary_ohms(net: &CardNet) -> Option<f64> {
    net.pull_ohms
        .map(|r| BOUNDARY_MARGIN * r * V_IH / (V_IO - V_IH))
}

/// Ohms as a whole number (saturating; what the report and the wire carry).
pub fn whole_ohms(r: f64) -> u32 {
    if r.is_nan() || r <= 0.0 {
        0
    } else if r >= u32::MAX as f64 {
        u32::MAX
    } else {
        (r + 0.5) as u32
    }
}

/// The card side as reported: whole ohms and millivolts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CardSide {
    /// The pull, ohms; `None` = no pull (weaker than [`NO_PULL_OHMS`]).
    pub pull_ohms: Option<u32>,
    /// The rail the pull goes to, millivolts.
    pub rail_mv: u16,
}

impl From<CardNet> for CardSide {
    fn from(n: CardNet) -> CardSide {
        let mv = (n.rail_v * 1000.0 + 0.5).clamp(0.0, 65_535.0);
        CardSide {
            pull_ohms: n.pull_ohms.map(whole_ohms),
            rail_mv: mv as u16,
        }
    }
}

/// The analog verdict. Only `Isolated` is a PASS. Field and variant order
/// is the wire format (feature `serde`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AnalogVerdict {
    /// No leak below the boundary on any sample; `leak_ohms` is the averaged
    /// estimate, `None` = beyond the range ("more than `range_ohms`").
    Isolated {
        leak_ohms: Option<u32>,
    },
    /// A steady leak below the boundary, not a metal contact.
    Leaky {
        leak_ohms: u32,
    },
    /// A metal contact through the tape (below [`CONTACT_OHMS`]) on every sample.
    Connected,
    /// Some samples crossed the boundary, others did not.
    Intermittent,
    StuckHigh,
    StuckLow,
    NoContact,
    /// The card's rail is above [`POWERED_RAIL_V`]: it is powered.
    Powered,
}

impl AnalogVerdict {
    /// Stable machine name, as used in JSON.
    pub const fn name(&self) -> &'static str {
        match self {
            AnalogVerdict::Isolated { .. } => "isolated",
            AnalogVerdict::Leaky { .. } => "leaky",
            AnalogVerdict::Connected => "connected",
            AnalogVerdict::Intermittent => "intermittent",
            AnalogVerdict::StuckHigh => "stuck-high",
            AnalogVerdict::StuckLow => "stuck-low",
            AnalogVerdict::NoContact => "no-contact",
            AnalogVerdict::Powered => "powered",
        }
    }

    pub const fn is_pass(&self) -> bool {
        matches!(self, AnalogVerdict::Isolated { .. })
    }
}

/// What the analog probe measured (whole ohms; the wire carries it as is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AnalogReport {
    pub verdict: AnalogVerdict,
    /// The card side (when `SENSE_REF` could move the net).
    pub card: Option<CardSide>,
    /// The boundary used (see [`boundary_ohms`]); `None` = no card pull.
    pub boundary_ohms: Option<u32>,
    /// The largest measurable leak on this net.
    pub range_ohms: Option<u32>,
    /// Samples taken (single reads with `DRIVE` low) and how many of them
    /// crossed the boundary.
    pub samples: u32,
    pub hits: u32,
}

/// Series resistances and timing of the analog probe.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalogConfig {
    /// `SENSE_REF`'s series resistor plus its driver's output resistance.
    pub r_ref: f64,
    /// `DRIVE`'s series resistor plus its driver's output resistance.
    pub r_drive: f64,
    /// Single-read isolation samples (intermittent detection: ≥ 688).
    pub samples: u32,
    /// Settle time after every line change, µs.
    pub settle_us: u32,
}

impl AnalogConfig {
    /// The jig as wired (hardware/jig.toml), 50 Ω driver output, 1000 samples.
    pub const DEFAULT: AnalogConfig = AnalogConfig {
        r_ref: crate::probe::R_SENSE_REF_OHMS as f64 + 50.0,
        r_drive: crate::probe::R_DRIVE_OHMS as f64 + 50.0,
        samples: crate::probe::DEFAULT_SAMPLES,
        settle_us: crate::probe::DEFAULT_SETTLE_US,
    };
}

/// One ADC read; a line without an ADC is [`Error::NoAdc`].
fn adc<S: InputLine>(sense: &mut S) -> Result<u16, Error<S::Error>> {
    sense.read_adc().map_err(Error::Line)?.ok_or(Error::NoAdc)
}

fn average<S: InputLine>(sense: &mut S, n: u32) -> Result<f64, Error<S::Error>> {
    let mut sum = 0u64;
    for _ in 0..n {
        sum += u64::from(adc(sense)?);
    }
    Ok(unclip(sum as f64 / f64::from(n.max(1))))
}

/// Volts for an averaged count, V_IO for one at the clipping full scale.
fn unclip(counts: f64) -> f64 {
    if counts >= f64::from(ADC_MAX) - CLIP_COUNTS {
        V_IO
    } else {
        volts(counts)
    }
}

/// The ADC count at or below which a single read counts as a hit: the net
/// voltage a leak at `boundary` would give (halfway to `v1` for no
/// boundary: the leak must then at least be measurable).
fn hit_threshold(v1: f64, net: &CardNet, cfg: &AnalogConfig, boundary: Option<f64>) -> f64 {
    let r_th = thevenin_ohms(net, cfg.r_ref);
    match boundary {
        Some(b) => {
            let rx = b + cfg.r_drive;
            v1 * rx / (rx + r_th)
        }
        // No pull: a single read cannot resolve a large leak; take a read
        // below 7/8 of v1 (a leak below ~7·R_th) as a hit. The averaged
        // estimate decides the rest.
        None => v1 * 7.0 / 8.0,
    }
}

/// Run the analog probe: characterise, then `cfg.samples` single reads with
/// `DRIVE` low (each a hit when below the boundary's voltage), then the
/// averaged leak. Every line is an input afterwards, also after an error;
/// `stop` is asked before the first step and every 16 samples
/// ([`Error::Aborted`]: stopped). A `SENSE` without an ADC is
/// [`Error::NoAdc`] (nothing moved).
pub fn run<D, R, S, T, P>(
    drive: &mut D,
    sense_ref: &mut R,
    sense: &mut S,
    delay: &mut T,
    cfg: &AnalogConfig,
    stop: &mut P,
) -> Result<AnalogReport, Error<D::Error>>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
    P: Stop + ?Sized,
{
    let result = steps(drive, sense_ref, sense, delay, cfg, stop);
    let released = line::safe(drive, sense_ref, sense);
    let report = result?;
    released.map_err(Error::Line)?;
    report.ok_or(Error::Aborted)
}

fn steps<D, R, S, T, P>(
    drive: &mut D,
    sense_ref: &mut R,
    sense: &mut S,
    delay: &mut T,
    cfg: &AnalogConfig,
    stop: &mut P,
) -> Result<Option<AnalogReport>, Error<D::Error>>
where
    D: OpenDrainLine,
    R: JigLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    T: DelayNs,
    P: Stop + ?Sized,
{
    line::safe(drive, sense_ref, sense).map_err(Error::Line)?;
    // No ADC: refuse before anything moves.
    adc(sense)?;
    if stop.stop() {
        return Ok(None);
    }
    let report = |verdict,
                  card: Option<CardNet>,
                  boundary: Option<f64>,
                  range: Option<f64>,
                  samples,
                  hits| AnalogReport {
        verdict,
        card: card.map(CardSide::from),
        boundary_ohms: boundary.map(whole_ohms),
        range_ohms: range.map(whole_ohms),
        samples,
        hits,
    };
    sense_ref.drive_high().map_err(Error::Line)?;
    delay.delay_us(cfg.settle_us);
    let v_hi = average(sense, AVERAGES)?;
    sense_ref.drive_low().map_err(Error::Line)?;
    delay.delay_us(cfg.settle_us);
    let v_lo = average(sense, AVERAGES)?;
    let Some(net) = card_net(v_hi, v_lo, cfg.r_ref) else {
        // SENSE_REF cannot move the net: tied to a rail, or nothing touched.
        // A SENSE in the air follows its own pulls; a tied net does not.
        // (On a Pico 2 the pull-down is off, E9: the pad then floats and
        // the test is weaker, never a PASS.)
        sense_ref.set_input(Bias::None).map_err(Error::Line)?;
        sense.set_input(Bias::PullUp).map_err(Error::Line)?;
        delay.delay_us(cfg.settle_us);
        let up = average(sense, 16)?;
        sense.set_input(Bias::PullDown).map_err(Error::Line)?;
        delay.delay_us(cfg.settle_us);
        let down = average(sense, 16)?;
        sense.set_input(Bias::None).map_err(Error::Line)?;
        let moved = up - down > 1.0;
        let verdict = if moved {
            AnalogVerdict::NoContact
        } else if v_lo > V_IO / 2.0 {
            AnalogVerdict::StuckHigh
        } else {
            AnalogVerdict::StuckLow
        };
        return Ok(Some(report(verdict, None, None, None, 0, 0)));
    };
    if net.pull_ohms.is_some() && net.rail_v > POWERED_RAIL_V {
        return Ok(Some(report(
            AnalogVerdict::Powered,
            Some(net),
            None,
            None,
            0,
            0,
        )));
    }
    let boundary = boundary_ohms(&net);
    let range = range_ohms(v_hi, &net, cfg.r_ref, cfg.r_drive);
    // Samples: SENSE_REF high, DRIVE low, one read each.
    sense_ref.drive_high().map_err(Error::Line)?;
    drive.drive_low().map_err(Error::Line)?;
    let threshold = hit_threshold(v_hi, &net, cfg, boundary) / volts_per_count();
    let mut hits = 0u32;
    let mut sum = 0u64;
    for i in 0..cfg.samples {
        if i % crate::probe::STOP_POLL_SAMPLES == crate::probe::STOP_POLL_SAMPLES - 1 && stop.stop()
        {
            return Ok(None);
        }
        delay.delay_us(cfg.settle_us);
        let c = adc(sense)?;
        sum += u64::from(c);
        if f64::from(c) <= threshold {
            hits += 1;
        }
    }
    // The leak from averages: V1 (DRIVE released) against V2 (DRIVE low).
    let v2_samples = unclip(sum as f64 / f64::from(cfg.samples.max(1)));
    let v2 = average(sense, AVERAGES)?;
    let v2 = (v2 * f64::from(AVERAGES) + v2_samples * f64::from(cfg.samples))
        / f64::from(AVERAGES + cfg.samples);
    drive.set_input(Bias::None).map_err(Error::Line)?;
    delay.delay_us(cfg.settle_us);
    let v1 = average(sense, AVERAGES)?;
    let leak = leak_ohms(v1, v2, &net, cfg.r_ref, cfg.r_drive);
    let below = |r: f64| boundary.is_none_or(|b| r < b);
    let verdict = if hits == cfg.samples && cfg.samples > 0 {
        match leak {
            Some(r) if r < CONTACT_OHMS => AnalogVerdict::Connected,
            Some(r) => AnalogVerdict::Leaky {
                leak_ohms: whole_ohms(r),
            },
            // Every read crossed, yet the averages see nothing: cannot be a
            // steady leak; call it what the reads said.
            None => AnalogVerdict::Intermittent,
        }
    } else if hits > 0 {
        AnalogVerdict::Intermittent
    } else {
        match leak {
            Some(r) if below(r) => AnalogVerdict::Leaky {
                leak_ohms: whole_ohms(r),
            },
            leak => AnalogVerdict::Isolated {
                leak_ohms: leak.map(whole_ohms),
            },
        }
    };
    Ok(Some(report(
        verdict,
        Some(net),
        boundary,
        Some(range),
        cfg.samples,
        hits,
    )))
}
