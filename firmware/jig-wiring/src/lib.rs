//! The jig's wiring as data: parses and checks `hardware/jig.toml`.
//!
//! One file says which Pico GPIO and which Raspberry Pi BCM pin carries each
//! jig line (DRIVE, SENSE, SENSE_REF, HOLD, LED, BUTTON). This crate is the only code
//! that reads it:
//! - the RP2040 firmware's `build.rs` calls [`Wiring::from_toml_str`] on the
//!   file and writes [`render_firmware_pins`] into `OUT_DIR`;
//! - `pin13 jig --backend rpi` takes its default BCM pins from
//!   [`render_rpi_pins`], which pin13's build script runs on the same file.
//!
//! Every check is a typed [`WiringError`] that names the line and the field.
#![forbid(unsafe_code)]

use std::fmt;
use std::fmt::Write as _;

use serde::Deserialize;

/// The wiring file as it was at compile time (`hardware/jig.toml`).
pub const EMBEDDED_TOML: &str = include_str!("../../../hardware/jig.toml");

/// The only schema version this crate understands.
pub const SCHEMA: u32 = 1;

/// The smallest and largest series resistor accepted on a line that touches
/// the card (ohm). See the comment block at the top of `hardware/jig.toml`.
pub const SERIES_OHMS_MIN: u32 = 330;
pub const SERIES_OHMS_MAX: u32 = 4700;

/// The six jig lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LineName {
    Drive,
    Sense,
    SenseRef,
    Hold,
    Led,
    Button,
}

impl LineName {
    pub const ALL: [LineName; 6] = [
        LineName::Drive,
        LineName::Sense,
        LineName::SenseRef,
        LineName::Hold,
        LineName::Led,
        LineName::Button,
    ];

    /// The table name in the TOML file (`[line.sense_ref]`).
    pub const fn key(self) -> &'static str {
        match self {
            LineName::Drive => "drive",
            LineName::Sense => "sense",
            LineName::SenseRef => "sense_ref",
            LineName::Hold => "hold",
            LineName::Led => "led",
            LineName::Button => "button",
        }
    }

    /// The name used in docs, on silkscreens and in generated constants.
    pub const fn upper(self) -> &'static str {
        match self {
            LineName::Drive => "DRIVE",
            LineName::Sense => "SENSE",
            LineName::SenseRef => "SENSE_REF",
            LineName::Hold => "HOLD",
            LineName::Led => "LED",
            LineName::Button => "BUTTON",
        }
    }
}

impl fmt::Display for LineName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.upper())
    }
}

/// The two boards the jig runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Board {
    Pico,
    RaspberryPi,
}

impl fmt::Display for Board {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Board::Pico => "Pico GPIO",
            Board::RaspberryPi => "Raspberry Pi BCM",
        })
    }
}

/// One jig line as the file describes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub role: String,
    pub pico_gpio: u8,
    pub pico_pin: u8,
    pub rpi_bcm: u8,
    pub rpi_pin: u8,
    pub series_ohms: u32,
    pub touches_card: bool,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Lines {
    drive: Line,
    sense: Line,
    sense_ref: Line,
    hold: Line,
    led: Line,
    button: Line,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    schema: u32,
    line: Lines,
}

/// The checked wiring: every line present, pins valid and distinct per board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wiring {
    lines: Lines,
}

/// Why a wiring file was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WiringError {
    /// Not TOML, or a missing, unknown or mistyped field (the message has the position).
    #[error("jig wiring file: {0}")]
    Toml(String),
    #[error("jig wiring file: schema {found} is not supported (this build reads schema {SCHEMA})")]
    Schema { found: u32 },
    #[error("jig wiring file: {line}: pico_gpio = {gpio} cannot be used: {reason}")]
    PicoGpio {
        line: LineName,
        gpio: u8,
        reason: &'static str,
    },
    #[error("jig wiring file: {line}: pico_pin = {found} but GP{gpio} is Pico pin {expected}")]
    PicoPin {
        line: LineName,
        gpio: u8,
        expected: u8,
        found: u8,
    },
    #[error("jig wiring file: {line}: rpi_bcm = {bcm} cannot be used: {reason}")]
    RpiBcm {
        line: LineName,
        bcm: u8,
        reason: &'static str,
    },
    #[error("jig wiring file: {line}: rpi_pin = {found} but BCM {bcm} is header pin {expected}")]
    RpiPin {
        line: LineName,
        bcm: u8,
        expected: u8,
        found: u8,
    },
    #[error("jig wiring file: {first} and {second} both use {board} {pin}")]
    Duplicate {
        board: Board,
        pin: u8,
        first: LineName,
        second: LineName,
    },
    #[error(
        "jig wiring file: {line} touches the card but series_ohms = {ohms}; \
         use {SERIES_OHMS_MIN}..={SERIES_OHMS_MAX} ohm (1000 on DRIVE and SENSE, 3900 on SENSE_REF, 470 on HOLD)"
    )]
    SeriesResistor { line: LineName, ohms: u32 },
    #[error("jig wiring file: {line} must {what}")]
    Role { line: LineName, what: &'static str },
}

impl Wiring {
    /// Parse and check a wiring file.
    pub fn from_toml_str(text: &str) -> Result<Wiring, WiringError> {
        let file: File = toml::from_str(text)
            .map_err(|e| WiringError::Toml(e.to_string().trim_end().to_string()))?;
        if file.schema != SCHEMA {
            return Err(WiringError::Schema { found: file.schema });
        }
        let wiring = Wiring { lines: file.line };
        wiring.check()?;
        Ok(wiring)
    }

    /// The line's description.
    pub fn line(&self, name: LineName) -> &Line {
        match name {
            LineName::Drive => &self.lines.drive,
            LineName::Sense => &self.lines.sense,
            LineName::SenseRef => &self.lines.sense_ref,
            LineName::Hold => &self.lines.hold,
            LineName::Led => &self.lines.led,
            LineName::Button => &self.lines.button,
        }
    }

    /// The Pico GPIO number of a line.
    pub fn pico_gpio(&self, name: LineName) -> u8 {
        self.line(name).pico_gpio
    }

    /// The Raspberry Pi BCM number of a line.
    pub fn rpi_bcm(&self, name: LineName) -> u8 {
        self.line(name).rpi_bcm
    }

    /// Bit mask of the Pico GPIOs of every jig line (bit n = GPn).
    pub fn pico_mask(&self) -> u32 {
        LineName::ALL
            .iter()
            .fold(0, |m, &n| m | 1u32 << self.pico_gpio(n))
    }

    /// Bit mask of the Pico GPIOs of the lines that touch the card.
    pub fn pico_card_mask(&self) -> u32 {
        LineName::ALL
            .iter()
            .filter(|&&n| self.line(n).touches_card)
            .fold(0, |m, &n| m | 1u32 << self.pico_gpio(n))
    }

    fn check(&self) -> Result<(), WiringError> {
        for name in LineName::ALL {
            let l = self.line(name);
            let is_led = name == LineName::Led;
            if let Some(reason) = pico_gpio_problem(l.pico_gpio, is_led) {
                return Err(WiringError::PicoGpio {
                    line: name,
                    gpio: l.pico_gpio,
                    reason,
                });
            }
            let expected = pico_physical_pin(l.pico_gpio);
            if expected != Some(l.pico_pin) {
                return Err(WiringError::PicoPin {
                    line: name,
                    gpio: l.pico_gpio,
                    expected: expected.unwrap_or(0),
                    found: l.pico_pin,
                });
            }
            if let Some(reason) = rpi_bcm_problem(l.rpi_bcm) {
                return Err(WiringError::RpiBcm {
                    line: name,
                    bcm: l.rpi_bcm,
                    reason,
                });
            }
            let expected = rpi_header_pin(l.rpi_bcm);
            if expected != Some(l.rpi_pin) {
                return Err(WiringError::RpiPin {
                    line: name,
                    bcm: l.rpi_bcm,
                    expected: expected.unwrap_or(0),
                    found: l.rpi_pin,
                });
            }
            let card_line = matches!(
                name,
                LineName::Drive | LineName::Sense | LineName::SenseRef | LineName::Hold
            );
            if card_line && !l.touches_card {
                return Err(WiringError::Role {
                    line: name,
                    what: "touch the card (touches_card = true)",
                });
            }
            if !card_line && l.touches_card {
                return Err(WiringError::Role {
                    line: name,
                    what: "not touch the card (touches_card = false)",
                });
            }
            if l.touches_card && !(SERIES_OHMS_MIN..=SERIES_OHMS_MAX).contains(&l.series_ohms) {
                return Err(WiringError::SeriesResistor {
                    line: name,
                    ohms: l.series_ohms,
                });
            }
        }
        for (i, &a) in LineName::ALL.iter().enumerate() {
            for &b in &LineName::ALL[i + 1..] {
                if self.pico_gpio(a) == self.pico_gpio(b) {
                    return Err(WiringError::Duplicate {
                        board: Board::Pico,
                        pin: self.pico_gpio(a),
                        first: a,
                        second: b,
                    });
                }
                if self.rpi_bcm(a) == self.rpi_bcm(b) {
                    return Err(WiringError::Duplicate {
                        board: Board::RaspberryPi,
                        pin: self.rpi_bcm(a),
                        first: a,
                        second: b,
                    });
                }
            }
        }
        Ok(())
    }
}

/// The wiring compiled into this binary (see [`EMBEDDED_TOML`]).
pub fn embedded() -> Result<Wiring, WiringError> {
    Wiring::from_toml_str(EMBEDDED_TOML)
}

/// Why a Pico GPIO cannot carry a jig line, if it cannot.
fn pico_gpio_problem(gpio: u8, is_led: bool) -> Option<&'static str> {
    match gpio {
        0..=22 | 26..=28 => None,
        25 if is_led => None,
        25 => Some("GP25 is the on-board LED (only the LED line may use it)"),
        23 | 24 | 29 => Some("GP23, GP24 and GP29 are wired to the Pico's power circuit"),
        _ => Some("the RP2040 has GPIO 0 to 29 only"),
    }
}

/// The Pico's physical pin for a GPIO; 0 for the on-board LED (GP25).
pub fn pico_physical_pin(gpio: u8) -> Option<u8> {
    Some(match gpio {
        0 => 1,
        1 => 2,
        2 => 4,
        3 => 5,
        4 => 6,
        5 => 7,
        6 => 9,
        7 => 10,
        8 => 11,
        9 => 12,
        10 => 14,
        11 => 15,
        12 => 16,
        13 => 17,
        14 => 19,
        15 => 20,
        16 => 21,
        17 => 22,
        18 => 24,
        19 => 25,
        20 => 26,
        21 => 27,
        22 => 29,
        25 => 0,
        26 => 31,
        27 => 32,
        28 => 34,
        _ => return None,
    })
}

/// Why a Pi BCM pin cannot carry a jig line, if it cannot.
fn rpi_bcm_problem(bcm: u8) -> Option<&'static str> {
    match bcm {
        4..=27 => None,
        0 | 1 => Some("BCM 0 and 1 are reserved for the HAT ID EEPROM"),
        2 | 3 => Some(
            "BCM 2 and 3 have fixed 1.8 kohm pull-ups on the Pi, which defeat the pull-down test",
        ),
        _ => Some("the 40-pin header has BCM 0 to 27 only"),
    }
}

/// The 40-pin header position of a BCM GPIO.
pub fn rpi_header_pin(bcm: u8) -> Option<u8> {
    Some(match bcm {
        0 => 27,
        1 => 28,
        2 => 3,
        3 => 5,
        4 => 7,
        5 => 29,
        6 => 31,
        7 => 26,
        8 => 24,
        9 => 21,
        10 => 19,
        11 => 23,
        12 => 32,
        13 => 33,
        14 => 8,
        15 => 10,
        16 => 36,
        17 => 11,
        18 => 12,
        19 => 35,
        20 => 38,
        21 => 40,
        22 => 15,
        23 => 16,
        24 => 18,
        25 => 22,
        26 => 37,
        27 => 13,
        _ => return None,
    })
}

/// Rust source for the firmware: one `<LINE>_GPIO` constant per line, the
/// line masks, and one `<line>_pin!(p)` macro per line that takes the pin out
/// of embassy-rp's `Peripherals` (`p.PIN_n`). `include!` it from the firmware.
pub fn render_firmware_pins(w: &Wiring) -> String {
    let mut s = String::new();
    s.push_str(
        "// @generated by jig-wiring from hardware/jig.toml. Do not edit: change the TOML file.\n",
    );
    for name in LineName::ALL {
        let gpio = w.pico_gpio(name);
        let _ = writeln!(s, "/// {} (Pico GP{gpio}).", name.upper());
        let _ = writeln!(s, "pub const {}_GPIO: u8 = {gpio};", name.upper());
    }
    let _ = writeln!(
        s,
        "/// Every jig line (bit n = GPn): the panic handler makes these inputs."
    );
    let _ = writeln!(
        s,
        "pub const JIG_LINES_MASK: u32 = 0x{:08x};",
        w.pico_mask()
    );
    let _ = writeln!(s, "/// The jig lines that touch the card.");
    let _ = writeln!(
        s,
        "pub const CARD_LINES_MASK: u32 = 0x{:08x};",
        w.pico_card_mask()
    );
    for name in LineName::ALL {
        let _ = writeln!(
            s,
            "/// Takes {}'s pin out of embassy-rp `Peripherals`.",
            name.upper()
        );
        let _ = writeln!(
            s,
            "macro_rules! {}_pin {{ ($p:ident) => {{ $p.PIN_{} }}; }}",
            name.key(),
            w.pico_gpio(name)
        );
    }
    s
}

/// Rust source for the host's Raspberry Pi backend: one [`RpiPins`]
/// expression with the file's BCM numbers. pin13's build script writes it
/// into `OUT_DIR` and `include!`s it, so the binary carries the numbers, not
/// a TOML parser (about 55 KB of the Pi build).
pub fn render_rpi_pins(w: &Wiring) -> String {
    let p = RpiPins::from_wiring(w);
    format!(
        "// @generated by jig-wiring from hardware/jig.toml. Do not edit: change the TOML file.\n\
         jig_wiring::RpiPins {{ drive: {}, sense: {}, sense_ref: {}, hold: {}, led: {}, button: {} }}\n",
        p.drive, p.sense, p.sense_ref, p.hold, p.led, p.button
    )
}

/// The Raspberry Pi backend's pins (BCM numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RpiPins {
    pub drive: u8,
    pub sense: u8,
    pub sense_ref: u8,
    pub hold: u8,
    pub led: u8,
    pub button: u8,
}

impl RpiPins {
    /// The BCM numbers the file gives.
    pub fn from_wiring(w: &Wiring) -> RpiPins {
        RpiPins {
            drive: w.rpi_bcm(LineName::Drive),
            sense: w.rpi_bcm(LineName::Sense),
            sense_ref: w.rpi_bcm(LineName::SenseRef),
            hold: w.rpi_bcm(LineName::Hold),
            led: w.rpi_bcm(LineName::Led),
            button: w.rpi_bcm(LineName::Button),
        }
    }

    pub fn get(&self, name: LineName) -> u8 {
        match name {
            LineName::Drive => self.drive,
            LineName::Sense => self.sense,
            LineName::SenseRef => self.sense_ref,
            LineName::Hold => self.hold,
            LineName::Led => self.led,
            LineName::Button => self.button,
        }
    }

    /// Check pins after command-line overrides: valid BCM numbers, all distinct.
    pub fn check(&self) -> Result<(), WiringError> {
        for name in LineName::ALL {
            let bcm = self.get(name);
            if let Some(reason) = rpi_bcm_problem(bcm) {
                return Err(WiringError::RpiBcm {
                    line: name,
                    bcm,
                    reason,
                });
            }
        }
        for (i, &a) in LineName::ALL.iter().enumerate() {
            for &b in &LineName::ALL[i + 1..] {
                if self.get(a) == self.get(b) {
                    return Err(WiringError::Duplicate {
                        board: Board::RaspberryPi,
                        pin: self.get(a),
                        first: a,
                        second: b,
                    });
                }
            }
        }
        Ok(())
    }
}

/// The Pi backend's default pins: the embedded file's BCM numbers.
pub fn rpi_defaults() -> Result<RpiPins, WiringError> {
    embedded().map(|w| RpiPins::from_wiring(&w))
}
