//! `--backend rpi`: jig-core on a Raspberry Pi's GPIO through rppal
//! (cargo feature `rpi`).
//!
//! Pins are BCM numbers from hardware/jig.toml (compiled in through
//! jig-wiring), each overridable with `--drive/--sense/--sense-ref/--led`.
//!
//! Reset on drop: rppal normally restores a pin's *previous* mode when the
//! pin object is dropped. The jig does not want that: the previous mode may
//! have been an output left by another program, and `pin13 jig kill assert`
//! must keep the kill line asserted after pin13 exits (that is the point of
//! the command; `pin13 jig kill release` or any later probe releases it). So
//! every line has reset-on-drop disabled and the jig sets the end state
//! itself: jig-core leaves every line an input (no pull) after every probe and
//! every kill-line operation except one that deliberately leaves DRIVE pulled
//! low (open-drain, never driven high).
//!
//! Ctrl-C (SIGINT) and SIGTERM: while the Pi backend holds the pins, these
//! signals only set a flag. From then on every line refuses to drive (it
//! becomes an input instead) and every delay returns at once, so the running
//! operation winds down in microseconds with every line an input, and the
//! command fails with "interrupted". SIGKILL cannot be caught: after one, run
//! any jig command again (each starts by making every line an input).
#![forbid(unsafe_code)]

use crate::error::Error;

/// Pin overrides for `--backend rpi` (BCM numbers).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RpiPinArgs {
    /// BCM pin of DRIVE (default from hardware/jig.toml).
    #[arg(
        long = "drive",
        value_name = "BCM",
        help_heading = "Raspberry Pi backend"
    )]
    pub drive: Option<u8>,
    /// BCM pin of SENSE (default from hardware/jig.toml).
    #[arg(
        long = "sense",
        value_name = "BCM",
        help_heading = "Raspberry Pi backend"
    )]
    pub sense: Option<u8>,
    /// BCM pin of SENSE_REF (default from hardware/jig.toml).
    #[arg(
        long = "sense-ref",
        value_name = "BCM",
        help_heading = "Raspberry Pi backend"
    )]
    pub sense_ref: Option<u8>,
    /// BCM pin of the verdict LED (default from hardware/jig.toml).
    #[arg(
        long = "led",
        value_name = "BCM",
        help_heading = "Raspberry Pi backend"
    )]
    pub led: Option<u8>,
}

#[cfg(feature = "rpi")]
/// The pins to use: the wiring file's, with the flags on top, checked.
/// A bad flag value is a usage error (exit 2).
pub fn resolve_pins(args: &RpiPinArgs) -> Result<jig_wiring::RpiPins, Error> {
    let mut pins = jig_wiring::rpi_defaults().map_err(|e| {
        Error::runtime(
            format!("the built-in jig wiring is invalid: {e}"),
            Some("Fix hardware/jig.toml and rebuild pin13.".into()),
        )
    })?;
    if let Some(p) = args.drive {
        pins.drive = p;
    }
    if let Some(p) = args.sense {
        pins.sense = p;
    }
    if let Some(p) = args.sense_ref {
        pins.sense_ref = p;
    }
    if let Some(p) = args.led {
        pins.led = p;
    }
    let hint = Some(
        "Give distinct BCM numbers 4 to 27 with --drive, --sense, --sense-ref and --led."
            .to_string(),
    );
    pins.check().map_err(|e| match e {
        jig_wiring::WiringError::RpiBcm { line, bcm, reason } => {
            Error::usage(format!("{line} on BCM {bcm}: {reason}"), hint)
        }
        jig_wiring::WiringError::Duplicate {
            pin, first, second, ..
        } => Error::usage(format!("{first} and {second} are both on BCM {pin}"), hint),
        e => Error::usage(e.to_string(), hint),
    })?;
    Ok(pins)
}

#[cfg(not(feature = "rpi"))]
pub fn open(_args: &RpiPinArgs) -> Result<Box<dyn super::backend::Backend>, Error> {
    Err(Error::Jig(super::backend::JigError::Unavailable {
        message: "this pin13 was built without Raspberry Pi support".into(),
        hint: Some(
            "Build it with the `rpi` feature: on the Pi `cargo build --release -p pin13 --features rpi`, or \
             cross-build with `--target aarch64-unknown-linux-gnu`."
                .into(),
        ),
    }))
}

#[cfg(feature = "rpi")]
pub use imp::{open, RpiBackend, RpiLine};

#[cfg(feature = "rpi")]
mod imp {
    use std::convert::Infallible;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    use embedded_hal::delay::DelayNs;

    use jig_core::{
        Bias, InputLine, Jig, JigLine, KillOp, KillReport, OpenDrainLine, ProbeConfig, ProbeReport,
    };
    use jig_protocol::{Device, DeviceError, JigDevice};
    use rppal::gpio::{self, Gpio, IoPin, Mode, OutputPin};

    use super::{resolve_pins, RpiPinArgs};
    use crate::jig::backend::{Backend, JigError};

    /// Set by SIGINT/SIGTERM while the backend holds the pins.
    static INTERRUPTED: AtomicBool = AtomicBool::new(false);

    fn interrupted() -> bool {
        INTERRUPTED.load(Ordering::SeqCst)
    }

    /// A delay that ends early once a signal arrived.
    #[derive(Debug)]
    pub struct RpiDelay(rppal::hal::Delay);

    impl DelayNs for RpiDelay {
        fn delay_ns(&mut self, ns: u32) {
            // Long waits in slices, so a signal ends them within 10 ms.
            const SLICE: Duration = Duration::from_millis(10);
            let end = Instant::now() + Duration::from_nanos(ns.into());
            while !interrupted() {
                let left = end.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                self.0.delay_ns(left.min(SLICE).as_nanos() as u32);
            }
        }
    }

    /// A jig line on a Pi GPIO: rppal `IoPin`, reset-on-drop disabled.
    #[derive(Debug)]
    pub struct RpiLine(IoPin);

    impl RpiLine {
        fn new(mut pin: IoPin) -> RpiLine {
            pin.set_reset_on_drop(false);
            pin.set_bias(gpio::Bias::Off);
            RpiLine(pin)
        }
    }

    impl embedded_hal::digital::ErrorType for RpiLine {
        type Error = Infallible;
    }

    impl InputLine for RpiLine {
        fn set_input(&mut self, bias: Bias) -> Result<(), Infallible> {
            // Driver off first, then the pull.
            self.0.set_mode(Mode::Input);
            self.0.set_bias(match bias {
                Bias::None => gpio::Bias::Off,
                Bias::PullUp => gpio::Bias::PullUp,
                Bias::PullDown => gpio::Bias::PullDown,
            });
            Ok(())
        }

        fn is_high(&mut self) -> Result<bool, Infallible> {
            Ok(self.0.is_high())
        }
    }

    impl OpenDrainLine for RpiLine {
        fn drive_low(&mut self) -> Result<(), Infallible> {
            if interrupted() {
                return self.set_input(Bias::None);
            }
            // Level first, so switching to output never glitches high.
            self.0.set_bias(gpio::Bias::Off);
            self.0.set_low();
            self.0.set_mode(Mode::Output);
            Ok(())
        }
    }

    impl JigLine for RpiLine {
        fn drive_high(&mut self) -> Result<(), Infallible> {
            if interrupted() {
                return self.set_input(Bias::None);
            }
            self.0.set_bias(gpio::Bias::Off);
            self.0.set_high();
            self.0.set_mode(Mode::Output);
            Ok(())
        }
    }

    type Dev = JigDevice<RpiLine, RpiLine, RpiLine, RpiDelay>;

    /// The jig on this Pi's GPIO.
    #[derive(Debug)]
    pub struct RpiBackend {
        device: Dev,
        led: OutputPin,
        pins: jig_wiring::RpiPins,
    }

    fn gpio_error(e: gpio::Error) -> JigError {
        match e {
            gpio::Error::UnknownModel => JigError::Unavailable {
                message: "this machine is not a Raspberry Pi (rppal: unknown Raspberry Pi model)".into(),
                hint: Some(
                    "Run `--backend rpi` on the Pi wired to the jig, or use --backend serial:/dev/ttyACM0 with a \
                     Pico, or --backend sim to try without hardware."
                        .into(),
                ),
            },
            gpio::Error::PermissionDenied(path) => JigError::Unavailable {
                message: format!("permission denied opening {path}"),
                hint: Some("Add yourself to the `gpio` group (`sudo usermod -aG gpio $USER`) and log in again.".into()),
            },
            gpio::Error::PinUsed(n) => JigError::Unavailable {
                message: format!("BCM {n} is in use (by this program, another program or a kernel driver)"),
                hint: Some("Free the pin, or choose another with --drive/--sense/--sense-ref/--led.".into()),
            },
            gpio::Error::PinNotAvailable(n) => JigError::Unavailable {
                message: format!("BCM {n} does not exist on this Pi"),
                hint: Some("Choose BCM numbers 4 to 27.".into()),
            },
            e => JigError::Unavailable { message: format!("cannot use the Pi's GPIO: {e}"), hint: None },
        }
    }

    /// Take the jig's pins (every line an input, no pull).
    pub fn open(args: &RpiPinArgs) -> Result<Box<dyn Backend>, crate::error::Error> {
        let pins = resolve_pins(args)?;
        let gpio = Gpio::new().map_err(gpio_error)?;
        for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // Best effort: without the handler a signal kills pin13 as usual.
            let _ = signal_hook::flag::register(sig, &INTERRUPTED);
        }
        let line = |bcm: u8| -> Result<RpiLine, JigError> {
            Ok(RpiLine::new(
                gpio.get(bcm).map_err(gpio_error)?.into_io(Mode::Input),
            ))
        };
        let drive = line(pins.drive)?;
        let sense_ref = line(pins.sense_ref)?;
        let sense = line(pins.sense)?;
        let mut led = gpio.get(pins.led).map_err(gpio_error)?.into_output_low();
        led.set_reset_on_drop(false);
        let jig = match Jig::new(drive, sense_ref, sense) {
            Ok(j) => j,
            Err(never) => match never {},
        };
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        Ok(Box::new(RpiBackend {
            device: JigDevice::new(jig, RpiDelay(rppal::hal::Delay::new()), seed),
            led,
            pins,
        }))
    }

    fn dev_error(e: DeviceError) -> JigError {
        match e {
            DeviceError::Pin => JigError::Failed {
                message: "a GPIO operation failed".into(),
                hint: None,
            },
            DeviceError::Config(c) => JigError::Failed {
                message: format!("the jig refused: {c}"),
                hint: None,
            },
        }
    }

    impl RpiBackend {
        /// After a signal: every line an input, LED off, and say so.
        fn check_interrupted(&mut self) -> Result<(), JigError> {
            if !interrupted() {
                return Ok(());
            }
            let _ = self.device.safe();
            self.led.set_low();
            Err(JigError::Failed {
                message: "interrupted by a signal; every jig line is an input".into(),
                hint: None,
            })
        }
    }

    impl Backend for RpiBackend {
        fn describe(&self) -> String {
            let p = self.pins;
            format!(
                "rpi (DRIVE BCM {}, SENSE BCM {}, SENSE_REF BCM {})",
                p.drive, p.sense, p.sense_ref
            )
        }

        fn probe(&mut self, cfg: &ProbeConfig) -> Result<ProbeReport, JigError> {
            let r = self.device.probe(cfg).map_err(dev_error);
            self.check_interrupted()?;
            let r = r?;
            // The LED stays on after pin13 exits: steady = isolated.
            if r.verdict.is_pass() {
                self.led.set_high();
            } else {
                self.led.set_low();
            }
            Ok(r)
        }

        fn kill(&mut self, op: &KillOp) -> Result<KillReport, JigError> {
            let r = self.device.kill(op).map_err(dev_error);
            self.check_interrupted()?;
            r
        }

        fn safe(&mut self) -> Result<(), JigError> {
            self.device.safe().map_err(dev_error)
        }

        fn self_test(&mut self) -> Result<jig_protocol::SelfTestReport, JigError> {
            let r = self.device.self_test().map_err(dev_error);
            self.check_interrupted()?;
            r
        }
    }
}

#[cfg(all(test, feature = "rpi"))]
mod tests {
    use super::*;
    use crate::exit::Status;

    #[test]
    fn pins_come_from_the_wiring_file_and_flags_override() {
        let file = jig_wiring::rpi_defaults().unwrap();
        assert_eq!(resolve_pins(&RpiPinArgs::default()).unwrap(), file);
        let args = RpiPinArgs {
            drive: Some(5),
            ..RpiPinArgs::default()
        };
        let pins = resolve_pins(&args).unwrap();
        assert_eq!((pins.drive, pins.sense), (5, file.sense));
        let clash = RpiPinArgs {
            sense: Some(file.drive),
            ..RpiPinArgs::default()
        };
        let e = resolve_pins(&clash).unwrap_err();
        assert_eq!(e.status(), Status::Usage);
        assert_eq!(
            e.to_string(),
            format!("DRIVE and SENSE are both on BCM {}", file.drive)
        );
        let reserved = RpiPinArgs {
            led: Some(0),
            ..RpiPinArgs::default()
        };
        assert!(resolve_pins(&reserved)
            .unwrap_err()
            .to_string()
            .starts_with("LED on BCM 0: "));
    }
}
