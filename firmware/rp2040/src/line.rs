//! jig-core's line traits for embassy-rp's `Flex` pin.
#![forbid(unsafe_code)]

use core::convert::Infallible;

use embassy_rp::gpio::{Flex, Pull};
use jig_core::{Bias, InputLine, JigLine, OpenDrainLine};

/// A jig line on an RP2040 GPIO (through its series resistor on the board),
/// and the ADC channel of its pin when it has one (GPIO 26-29).
pub struct FlexLine<'d>(Flex<'d>, Option<u8>);

impl<'d> FlexLine<'d> {
    /// Wrap a pin; it starts as an input with no pull (high impedance).
    pub fn new(mut pin: Flex<'d>) -> Self {
        pin.set_as_input();
        pin.set_pull(Pull::None);
        FlexLine(pin, None)
    }

    /// Like [`FlexLine::new`], for a pin on GPIO `gpio`: GPIO 26-29 also
    /// read through the ADC (channel gpio - 26), others have no ADC.
    pub fn with_adc(pin: Flex<'d>, gpio: u8) -> Self {
        let mut line = FlexLine::new(pin);
        line.1 = gpio.checked_sub(26).filter(|ch| *ch < 4);
        line
    }
}

/// Polls of a status bit before giving up (a conversion takes 96 ADC clocks,
/// 2 us; this is far more, and keeps a stuck ADC from hanging the jig).
const SPIN_LIMIT: u32 = 100_000;

/// One ADC conversion of `channel` through the PAC's safe register
/// accessors: takes the ADC out of reset and enables it the first time.
/// `None` when the ADC does not come ready (reported as "no ADC").
fn adc_read(channel: u8) -> Option<u16> {
    use embassy_rp::pac;
    if pac::RESETS.reset().read().adc() {
        pac::RESETS.reset().modify(|w| w.set_adc(false));
        let mut n = 0;
        while !pac::RESETS.reset_done().read().adc() && n < SPIN_LIMIT {
            n += 1;
        }
    }
    if !pac::ADC.cs().read().en() {
        pac::ADC.cs().modify(|w| w.set_en(true));
    }
    pac::ADC.cs().modify(|w| {
        w.set_ainsel(channel);
        w.set_start_once(true);
    });
    let mut n = 0;
    while !pac::ADC.cs().read().ready() {
        n += 1;
        if n >= SPIN_LIMIT {
            return None;
        }
    }
    Some(pac::ADC.result().read().result() & 0x0fff)
}

/// The pad pull for a jig-core bias. (On the Pico 2 every jig line is
/// wrapped in jig-core's `NoPullDown`, so `PullDown` never arrives here:
/// RP2350 erratum E9, see `jig_core::line::NoPullDown` and docs/guide.md.)
const fn pull_for(bias: Bias) -> Pull {
    match bias {
        Bias::None => Pull::None,
        Bias::PullUp => Pull::Up,
        Bias::PullDown => Pull::Down,
    }
}

impl embedded_hal::digital::ErrorType for FlexLine<'_> {
    type Error = Infallible;
}

impl InputLine for FlexLine<'_> {
    fn set_input(&mut self, bias: Bias) -> Result<(), Infallible> {
        // Driver off first, then the pull.
        self.0.set_as_input();
        self.0.set_pull(pull_for(bias));
        Ok(())
    }

    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.0.is_high())
    }

    fn read_adc(&mut self) -> Result<Option<u16>, Infallible> {
        Ok(self.1.and_then(adc_read))
    }
}

impl OpenDrainLine for FlexLine<'_> {
    fn drive_low(&mut self) -> Result<(), Infallible> {
        // Level first, so enabling the driver never glitches high.
        self.0.set_pull(Pull::None);
        self.0.set_low();
        self.0.set_as_output();
        Ok(())
    }
}

impl JigLine for FlexLine<'_> {
    fn drive_high(&mut self) -> Result<(), Infallible> {
        self.0.set_pull(Pull::None);
        self.0.set_high();
        self.0.set_as_output();
        Ok(())
    }
}
