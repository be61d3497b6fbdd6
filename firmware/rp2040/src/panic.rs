//! The panic handler: every jig line becomes an input before anything else.
#![forbid(unsafe_code)]

use core::panic::PanicInfo;

use crate::pins::JIG_LINES_MASK;

/// Turn off the output driver of every jig line (SIO GPIO_OE_CLR, one
/// register write through the PAC's safe accessor). Pins not set up as SIO
/// GPIOs are unaffected by OE, so this is correct in any state.
pub fn all_lines_input() {
    embassy_rp::pac::SIO
        .gpio_oe(0)
        .value_clr()
        .write_value(JIG_LINES_MASK);
}

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    all_lines_input();
    defmt::error!("panic: {}", defmt::Display2Format(info));
    // Halt: a debugger (probe-rs) stops here and prints the backtrace;
    // without one the core sits in the HardFault loop with every line an
    // input and USB gone, which the host reports as a disconnected jig.
    cortex_m::asm::udf()
}
