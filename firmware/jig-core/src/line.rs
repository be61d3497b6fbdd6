//! The pin abstraction: what the jig core needs from a GPIO line.
//!
//! embedded-hal 1.0 has neither a pull (bias) trait nor runtime direction
//! switching, and the jig needs both: the same line is an input with a chosen
//! bias at one moment and driven the next. This module defines three small
//! traits, each a superset of the previous one:
//!
//! | trait | can | used for |
//! |---|---|---|
//! | [`InputLine`] | input with a bias, read | `SENSE` (never driven) |
//! | [`OpenDrainLine`] | + pull low | the kill-line simulator on `DRIVE` |
//! | [`JigLine`] | + drive high | `DRIVE` and `SENSE_REF` in the probe |
//!
//! Code that takes an `S: InputLine` cannot drive `S`, and code that takes an
//! `L: OpenDrainLine` cannot drive `L` high: the guarantees come from the
//! trait bounds, not from runtime checks.
//!
//! The same functions with the methods each trait does have compile:
//!
//! ```
//! use jig_core::{Bias, InputLine, OpenDrainLine};
//! fn sense_ok<S: InputLine>(sense: &mut S) {
//!     let _ = sense.set_input(Bias::PullUp);
//! }
//! fn kill_ok<L: OpenDrainLine>(kill: &mut L) {
//!     let _ = kill.drive_low();
//! }
//! ```
//!
//! ```compile_fail
//! use jig_core::InputLine;
//! // SENSE cannot be driven: InputLine has no drive method.
//! fn misuse<S: InputLine>(sense: &mut S) {
//!     let _ = sense.drive_low();
//! }
//! ```
//!
//! ```compile_fail
//! use jig_core::OpenDrainLine;
//! // The kill line can only pull low or release, never drive high.
//! fn misuse<L: OpenDrainLine>(kill: &mut L) {
//!     let _ = kill.drive_high();
//! }
//! ```
//!
//! # Implementing the traits for a HAL
//!
//! Every method leaves the line in exactly the state it names, whatever the
//! state before; calling one twice is harmless. Errors use the HAL's
//! embedded-hal [`ErrorType`] (often `Infallible`).
//!
//! - **embassy-rp `Flex`**: `set_input(bias)` = `set_pull(..)` then
//!   `set_as_input()` (`Bias::None` → `Pull::None`); `drive_low()` =
//!   `set_low()` then `set_as_output()` (set the level first so the line never
//!   glitches high); `drive_high()` = `set_high()` then `set_as_output()`;
//!   `is_high()` = `Flex::is_high()`.
//! - **rppal `IoPin`**: `set_input(bias)` = `set_mode(Mode::Input)` then
//!   `set_bias(Bias::PullUp | PullDown | Off)`; `drive_low()` = `set_low()`
//!   then `set_mode(Mode::Output)`; `drive_high()` likewise with `set_high()`;
//!   `is_high()` = `IoPin::is_high()`. Remember rppal resets pins on drop
//!   unless `set_reset_on_drop(false)`.
//! - **embedded-hal-mock**: wrap a `digital::Mock` so `drive_*` map to
//!   `set_low`/`set_high` transactions and `is_high` to a `get` (see the
//!   crate's tests); direction and bias changes are recorded by the wrapper.
//!
//! Because of Rust's orphan rule these impls live in the board crate or the
//! host tool as small newtypes around the HAL pin.
//!
//! # Electrical contract
//!
//! Each line reaches the card through its own series resistor (see
//! [`crate::probe`] for the values and why). "Drive" therefore means "push
//! through that resistor", never a hard connection: two lines fighting on one
//! net, or a line fighting a rail, pass at most 3.3 V / R_series (3.3 mA with
//! 1 kΩ), inside the RP2040's default 4 mA drive.
#![forbid(unsafe_code)]

use embedded_hal::digital::ErrorType;

/// The internal bias of a line that is an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Bias {
    /// No internal pull: high impedance.
    None,
    /// Internal pull-up (RP2040: 50–80 kΩ to 3.3 V).
    PullUp,
    /// Internal pull-down (RP2040: 50–80 kΩ to 0 V).
    PullDown,
}

/// A logic level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Level {
    Low,
    High,
}

impl Level {
    /// The other level.
    pub const fn opposite(self) -> Level {
        match self {
            Level::Low => Level::High,
            Level::High => Level::Low,
        }
    }

    /// `true` for `High`.
    pub const fn is_high(self) -> bool {
        matches!(self, Level::High)
    }

    /// The level for a `is_high()` reading.
    pub const fn from_high(high: bool) -> Level {
        if high {
            Level::High
        } else {
            Level::Low
        }
    }

    /// The bias that pulls toward this level.
    pub const fn bias(self) -> Bias {
        match self {
            Level::Low => Bias::PullDown,
            Level::High => Bias::PullUp,
        }
    }
}

/// A line that is only ever an input: `SENSE`.
///
/// Implementors must make `set_input` turn any output driver off before or
/// together with applying the bias.
pub trait InputLine: ErrorType {
    /// Make the line a high-impedance input with the given internal bias.
    fn set_input(&mut self, bias: Bias) -> Result<(), Self::Error>;
    /// Read the pad level (the core reads only lines that are inputs).
    fn is_high(&mut self) -> Result<bool, Self::Error>;
    /// One 12-bit ADC conversion of the pad voltage (no pull while the
    /// analog probe reads), for a line on an ADC pin. `None`: this line has
    /// no ADC, the default (the analog probe then refuses with
    /// [`crate::Error::NoAdc`]).
    fn read_adc(&mut self) -> Result<Option<u16>, Self::Error> {
        Ok(None)
    }
    /// Whether [`Bias::PullDown`] really pulls down (`false` on a line that
    /// never enables its pull-down, [`NoPullDown`]: the self-test then does
    /// not run the checks that need one).
    fn has_pull_down(&self) -> bool {
        true
    }
}

/// A line that can also pull low: open-drain. Releasing is
/// [`InputLine::set_input`] with [`Bias::None`].
pub trait OpenDrainLine: InputLine {
    /// Drive the line low (through its series resistor).
    fn drive_low(&mut self) -> Result<(), Self::Error>;
}

/// A line that can be driven to both levels: `DRIVE` and `SENSE_REF` during
/// the probe (through their series resistors).
pub trait JigLine: OpenDrainLine {
    /// Drive the line high (through its series resistor).
    fn drive_high(&mut self) -> Result<(), Self::Error>;

    /// Drive the line to `level`.
    fn drive(&mut self, level: Level) -> Result<(), Self::Error> {
        match level {
            Level::Low => self.drive_low(),
            Level::High => self.drive_high(),
        }
    }
}

impl<T: InputLine + ?Sized> InputLine for &mut T {
    fn set_input(&mut self, bias: Bias) -> Result<(), Self::Error> {
        T::set_input(self, bias)
    }
    fn is_high(&mut self) -> Result<bool, Self::Error> {
        T::is_high(self)
    }
    fn read_adc(&mut self) -> Result<Option<u16>, Self::Error> {
        T::read_adc(self)
    }
    fn has_pull_down(&self) -> bool {
        T::has_pull_down(self)
    }
}

impl<T: OpenDrainLine + ?Sized> OpenDrainLine for &mut T {
    fn drive_low(&mut self) -> Result<(), Self::Error> {
        T::drive_low(self)
    }
}

impl<T: JigLine + ?Sized> JigLine for &mut T {
    fn drive_high(&mut self) -> Result<(), Self::Error> {
        T::drive_high(self)
    }
}

/// Make every jig line a high-impedance input (no bias), the state the jig
/// must be in at reset, after every operation and from the panic handler.
///
/// Every line is attempted even if an earlier one fails; the first error is
/// returned.
pub fn safe<D, R, S>(drive: &mut D, sense_ref: &mut R, sense: &mut S) -> Result<(), D::Error>
where
    D: InputLine,
    R: InputLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
{
    let a = drive.set_input(Bias::None);
    let b = sense_ref.set_input(Bias::None);
    let c = sense.set_input(Bias::None);
    a.and(b).and(c)
}

/// [`safe`] for a jig with HOLD (the Raspberry Pi's second reference,
/// `crate::held`): HOLD too is made an input; every line is attempted, the
/// first error is returned.
pub fn safe_with_hold<D, R, S, H>(
    drive: &mut D,
    sense_ref: &mut R,
    sense: &mut S,
    hold: &mut H,
) -> Result<(), D::Error>
where
    D: InputLine,
    R: InputLine<Error = D::Error>,
    S: InputLine<Error = D::Error>,
    H: InputLine<Error = D::Error>,
{
    let a = safe(drive, sense_ref, sense);
    let b = hold.set_input(Bias::None);
    a.and(b)
}

/// A line that never turns its internal pull-down on: [`Bias::PullDown`]
/// becomes [`Bias::None`] (high impedance); everything else passes through.
///
/// The remedy for RP2350 erratum E9 (Pico 2): a GPIO input with its internal
/// pull-down enabled can latch near 2 V and read high, so a pulled-down line
/// that touches nothing would not read low. The Pico 2 firmware wraps every
/// jig line in this. The probe stays fail-safe without pull-downs: the contact
/// check's second step (`SENSE_REF` low, `SENSE` pulled *up*) still catches
/// probes that touch nothing, and no fault gives a false PASS (jig-core's
/// `tests/e9.rs` runs it on a simulated RP2350). What is lost: with the probes
/// off the card `SENSE` floats where it used to be pulled low, so
/// `no-contact` can read `stuck-high` (both FAIL), and the self-test cannot
/// check the pull-downs: it does not run those three checks on such lines
/// and says so ([`crate::SelfTestReport::not_run`]).
#[derive(Debug)]
pub struct NoPullDown<L>(pub L);

impl<L: ErrorType> ErrorType for NoPullDown<L> {
    type Error = L::Error;
}

impl<L: InputLine> InputLine for NoPullDown<L> {
    fn set_input(&mut self, bias: Bias) -> Result<(), Self::Error> {
        let bias = match bias {
            Bias::PullDown => Bias::None,
            b => b,
        };
        self.0.set_input(bias)
    }
    fn is_high(&mut self) -> Result<bool, Self::Error> {
        self.0.is_high()
    }
    fn read_adc(&mut self) -> Result<Option<u16>, Self::Error> {
        self.0.read_adc()
    }
    fn has_pull_down(&self) -> bool {
        false
    }
}

impl<L: OpenDrainLine> OpenDrainLine for NoPullDown<L> {
    fn drive_low(&mut self) -> Result<(), Self::Error> {
        self.0.drive_low()
    }
}

impl<L: JigLine> JigLine for NoPullDown<L> {
    fn drive_high(&mut self) -> Result<(), Self::Error> {
        self.0.drive_high()
    }
}
