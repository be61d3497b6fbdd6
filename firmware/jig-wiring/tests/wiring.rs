//! Both consumers of hardware/jig.toml agree with the file, and bad files get
//! typed errors.

use jig_wiring::{
    embedded, render_firmware_pins, rpi_defaults, Board, LineName, RpiPins, Wiring, WiringError,
    EMBEDDED_TOML,
};

/// The file read independently of the crate's own structs.
fn raw() -> toml::Table {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../hardware/jig.toml");
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(text, EMBEDDED_TOML, "the embedded copy is the file on disk");
    text.parse::<toml::Table>().unwrap()
}

fn raw_int(t: &toml::Table, line: &str, field: &str) -> i64 {
    t["line"][line][field]
        .as_integer()
        .unwrap_or_else(|| panic!("{line}.{field}"))
}

/// `pub const NAME: u8 = N;` or `: u32 = 0x...;` from generated source.
fn rendered_const(src: &str, name: &str) -> u64 {
    let prefix = format!("pub const {name}: ");
    let line = src
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("{name} missing"));
    let value = line.split('=').nth(1).unwrap().trim().trim_end_matches(';');
    match value.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).unwrap(),
        None => value.parse().unwrap(),
    }
}

#[test]
fn firmware_constants_match_the_file() {
    let t = raw();
    let src = render_firmware_pins(&embedded().unwrap());
    let mut mask = 0u64;
    let mut card = 0u64;
    for name in LineName::ALL {
        let gpio = raw_int(&t, name.key(), "pico_gpio");
        assert_eq!(
            rendered_const(&src, &format!("{}_GPIO", name.upper())),
            gpio as u64,
            "{name}"
        );
        let mac = format!(
            "macro_rules! {}_pin {{ ($p:ident) => {{ $p.PIN_{gpio} }}; }}",
            name.key()
        );
        assert!(src.contains(&mac), "{name}: {mac} not in\n{src}");
        mask |= 1 << gpio;
        if t["line"][name.key()]["touches_card"].as_bool().unwrap() {
            card |= 1 << gpio;
        }
    }
    assert_eq!(rendered_const(&src, "JIG_LINES_MASK"), mask);
    assert_eq!(rendered_const(&src, "CARD_LINES_MASK"), card);
    assert_eq!(mask.count_ones(), 6, "six distinct Pico pins");
    // LED and BUTTON do not touch the card.
    assert_eq!(card.count_ones(), 4);
}

#[test]
fn rpi_defaults_match_the_file() {
    let t = raw();
    let pins = rpi_defaults().unwrap();
    for name in LineName::ALL {
        assert_eq!(
            pins.get(name) as i64,
            raw_int(&t, name.key(), "rpi_bcm"),
            "{name}"
        );
    }
    pins.check().unwrap();
}

#[test]
fn series_resistors_match_the_cores_electrical_model() {
    let w = embedded().unwrap();
    assert_eq!(
        w.line(LineName::Drive).series_ohms,
        jig_core::probe::R_DRIVE_OHMS
    );
    assert_eq!(
        w.line(LineName::Sense).series_ohms,
        jig_core::probe::R_SENSE_OHMS
    );
    assert_eq!(
        w.line(LineName::SenseRef).series_ohms,
        jig_core::probe::R_SENSE_REF_OHMS
    );
    assert_eq!(
        w.line(LineName::Hold).series_ohms,
        jig_core::held::R_HOLD_OHMS
    );
    for name in [
        LineName::Drive,
        LineName::Sense,
        LineName::SenseRef,
        LineName::Hold,
    ] {
        assert!(w.line(name).touches_card, "{name}");
    }
}

fn with(from: &str, to: &str) -> Result<Wiring, WiringError> {
    assert!(
        EMBEDDED_TOML.contains(from),
        "fixture edit {from:?} does not apply"
    );
    Wiring::from_toml_str(&EMBEDDED_TOML.replacen(from, to, 1))
}

#[test]
fn duplicate_pins_are_rejected() {
    // SENSE onto DRIVE's Pico GPIO (GP2 is Pico pin 4).
    let e = with(
        "pico_gpio = 26\npico_pin = 31",
        "pico_gpio = 2\npico_pin = 4",
    )
    .unwrap_err();
    assert_eq!(
        e,
        WiringError::Duplicate {
            board: Board::Pico,
            pin: 2,
            first: LineName::Drive,
            second: LineName::Sense
        }
    );
    let e = with("rpi_bcm = 23\nrpi_pin = 16", "rpi_bcm = 17\nrpi_pin = 11").unwrap_err();
    assert_eq!(
        e,
        WiringError::Duplicate {
            board: Board::RaspberryPi,
            pin: 17,
            first: LineName::Drive,
            second: LineName::SenseRef
        }
    );
    assert!(
        e.to_string()
            .contains("DRIVE and SENSE_REF both use Raspberry Pi BCM 17"),
        "{e}"
    );
}

#[test]
fn out_of_range_and_reserved_pins_are_rejected() {
    let e = with(
        "pico_gpio = 2\npico_pin = 4",
        "pico_gpio = 30\npico_pin = 4",
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            WiringError::PicoGpio {
                line: LineName::Drive,
                gpio: 30,
                ..
            }
        ),
        "{e:?}"
    );
    let e = with(
        "pico_gpio = 2\npico_pin = 4",
        "pico_gpio = 25\npico_pin = 0",
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            WiringError::PicoGpio {
                line: LineName::Drive,
                gpio: 25,
                ..
            }
        ),
        "{e:?}"
    );
    let e = with(
        "pico_gpio = 2\npico_pin = 4",
        "pico_gpio = 24\npico_pin = 4",
    )
    .unwrap_err();
    assert!(matches!(e, WiringError::PicoGpio { gpio: 24, .. }), "{e:?}");
    let e = with("rpi_bcm = 17\nrpi_pin = 11", "rpi_bcm = 2\nrpi_pin = 3").unwrap_err();
    assert!(
        matches!(
            e,
            WiringError::RpiBcm {
                line: LineName::Drive,
                bcm: 2,
                ..
            }
        ),
        "{e:?}"
    );
    let e = with("rpi_bcm = 17\nrpi_pin = 11", "rpi_bcm = 28\nrpi_pin = 11").unwrap_err();
    assert!(matches!(e, WiringError::RpiBcm { bcm: 28, .. }), "{e:?}");
    // A negative number does not fit the field's type: a TOML error with a position.
    let e = with("rpi_bcm = 17", "rpi_bcm = -1").unwrap_err();
    assert!(
        matches!(e, WiringError::Toml(ref m) if m.contains("rpi_bcm")),
        "{e:?}"
    );
}

#[test]
fn physical_pins_must_match_the_gpio() {
    let e = with("pico_pin = 31", "pico_pin = 32").unwrap_err();
    assert_eq!(
        e,
        WiringError::PicoPin {
            line: LineName::Sense,
            gpio: 26,
            expected: 31,
            found: 32
        }
    );
    let e = with("rpi_pin = 22", "rpi_pin = 21").unwrap_err();
    assert_eq!(
        e,
        WiringError::RpiPin {
            line: LineName::Button,
            bcm: 25,
            expected: 22,
            found: 21
        }
    );
}

#[test]
fn card_lines_need_a_series_resistor() {
    let e = with("series_ohms = 1000\ntouches_card = true\nnotes = \"1 kohm in series, then a spring probe on the card", "series_ohms = 0\ntouches_card = true\nnotes = \"1 kohm in series, then a spring probe on the card").unwrap_err();
    assert_eq!(
        e,
        WiringError::SeriesResistor {
            line: LineName::Sense,
            ohms: 0
        }
    );
    assert!(e.to_string().contains("330..=4700"), "{e}");
    let e = with("series_ohms = 1000", "series_ohms = 10000").unwrap_err();
    assert_eq!(
        e,
        WiringError::SeriesResistor {
            line: LineName::Drive,
            ohms: 10000
        }
    );
    let e = with("touches_card = true", "touches_card = false").unwrap_err();
    assert!(
        matches!(
            e,
            WiringError::Role {
                line: LineName::Drive,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn malformed_files_give_toml_errors() {
    let e = Wiring::from_toml_str("this is not toml").unwrap_err();
    assert!(matches!(e, WiringError::Toml(_)), "{e:?}");
    let e =
        Wiring::from_toml_str(&EMBEDDED_TOML.replace("[line.button]", "[line.buton]")).unwrap_err();
    assert!(
        matches!(e, WiringError::Toml(ref m) if m.contains("buton")),
        "{e:?}"
    );
    let e = with("series_ohms = 1000", "series_ohms = 1000\ncolour = \"red\"").unwrap_err();
    assert!(
        matches!(e, WiringError::Toml(ref m) if m.contains("colour")),
        "{e:?}"
    );
    let e = with("pico_gpio = 2\n", "").unwrap_err();
    assert!(
        matches!(e, WiringError::Toml(ref m) if m.contains("pico_gpio")),
        "{e:?}"
    );
    let e = with("schema = 1", "schema = 2").unwrap_err();
    assert_eq!(e, WiringError::Schema { found: 2 });
}

#[test]
fn overridden_rpi_pins_are_checked() {
    let mut pins = rpi_defaults().unwrap();
    pins.sense = pins.drive;
    assert!(matches!(
        pins.check(),
        Err(WiringError::Duplicate {
            board: Board::RaspberryPi,
            ..
        })
    ));
    let pins = RpiPins {
        drive: 1,
        ..rpi_defaults().unwrap()
    };
    assert!(matches!(
        pins.check(),
        Err(WiringError::RpiBcm { bcm: 1, .. })
    ));
}
