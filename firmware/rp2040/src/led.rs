//! The verdict LED: steady = isolated (PASS), fast blink = contact or a leak
//! through the tape (connected, intermittent, leaky), slow blink = no
//! contact, stuck or powered.
#![forbid(unsafe_code)]

use embassy_rp::gpio::Output;
use embassy_time::Timer;
use jig_core::analog::AnalogVerdict;
use jig_core::Verdict;
use portable_atomic::{AtomicU8, Ordering};

/// What the LED shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, defmt::Format)]
#[repr(u8)]
pub enum Pattern {
    /// No verdict yet: a short blip every 2 s (powered, waiting).
    Idle = 0,
    /// A probe is running: on.
    Busy = 1,
    Steady = 2,
    FastBlink = 3,
    SlowBlink = 4,
}

impl Pattern {
    pub const fn for_verdict(v: Verdict) -> Pattern {
        match v {
            Verdict::Isolated => Pattern::Steady,
            Verdict::Connected | Verdict::Intermittent => Pattern::FastBlink,
            Verdict::NoContact | Verdict::StuckHigh | Verdict::StuckLow => Pattern::SlowBlink,
        }
    }

    /// The analog probe's verdict: a leak below the boundary is current
    /// through the tape (fast), as are connected and intermittent; a powered
    /// card is no probe (slow).
    pub const fn for_analog(v: AnalogVerdict) -> Pattern {
        match v {
            AnalogVerdict::Isolated { .. } => Pattern::Steady,
            AnalogVerdict::Leaky { .. }
            | AnalogVerdict::Connected
            | AnalogVerdict::Intermittent => Pattern::FastBlink,
            AnalogVerdict::NoContact
            | AnalogVerdict::StuckHigh
            | AnalogVerdict::StuckLow
            | AnalogVerdict::Powered => Pattern::SlowBlink,
        }
    }

    /// (on ms, off ms) of one cycle.
    const fn timing(self) -> (u64, u64) {
        match self {
            Pattern::Idle => (40, 1960),
            Pattern::Busy | Pattern::Steady => (250, 0),
            Pattern::FastBlink => (100, 100),
            Pattern::SlowBlink => (600, 600),
        }
    }

    fn from_u8(v: u8) -> Pattern {
        match v {
            1 => Pattern::Busy,
            2 => Pattern::Steady,
            3 => Pattern::FastBlink,
            4 => Pattern::SlowBlink,
            _ => Pattern::Idle,
        }
    }
}

static PATTERN: AtomicU8 = AtomicU8::new(Pattern::Idle as u8);

pub fn show(p: Pattern) {
    PATTERN.store(p as u8, Ordering::Relaxed);
}

#[embassy_executor::task]
pub async fn run(mut led: Output<'static>) -> ! {
    loop {
        let (on, off) = Pattern::from_u8(PATTERN.load(Ordering::Relaxed)).timing();
        led.set_high();
        Timer::after_millis(on).await;
        if off > 0 {
            led.set_low();
            Timer::after_millis(off).await;
        }
    }
}
