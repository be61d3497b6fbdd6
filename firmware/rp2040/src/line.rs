//! jig-core's line traits for embassy-rp's `Flex` pin.
#![forbid(unsafe_code)]

use core::convert::Infallible;

use embassy_rp::gpio::{Flex, Pull};
use jig_core::{Bias, InputLine, JigLine, OpenDrainLine};

/// A jig line on an RP2040 GPIO (through its series resistor on the board).
pub struct FlexLine<'d>(Flex<'d>);

impl<'d> FlexLine<'d> {
    /// Wrap a pin; it starts as an input with no pull (high impedance).
    pub fn new(mut pin: Flex<'d>) -> Self {
        pin.set_as_input();
        pin.set_pull(Pull::None);
        FlexLine(pin)
    }
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
