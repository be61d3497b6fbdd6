//! `--backend rpi`: jig-core on a Raspberry Pi's GPIO through rppal
//! (cargo feature `rpi`).
//!
//! Pins are BCM numbers from hardware/jig.toml (compiled in through
//! jig-wiring), each overridable with `--drive/--sense/--sense-ref/--hold/--led`.
//!
//! The Pi has no ADC, so `pin13 jig probe` runs the digital probe with HOLD
//! (`jig_core::held`): HOLD's 470 ohm on SENSE_REF's probe holds the card
//! net high against any card pull, and DRIVE is read for a leak.
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
//! Every way out makes every line an input first ([`super::guard`]):
//! SIGINT, SIGTERM, SIGHUP (an ssh session dropping) and SIGQUIT only set a
//! flag while the Pi backend holds the pins. From then on every line refuses
//! to drive (it becomes an input instead) and every delay returns at once, so
//! the running operation winds down in microseconds with every line an input,
//! and the command fails with "interrupted". A panic runs a hook that makes
//! every line an input before the panic is reported (and before a release
//! build aborts). SIGKILL cannot be caught: after one, run any jig command
//! again (each starts by making every line an input).
//!
//! Probes have the serial protocol's caps (`jig_protocol::limits`), so no
//! backend runs a longer probe than the Pico would.
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
    /// BCM pin of HOLD, the second reference (default from hardware/jig.toml).
    #[arg(
        long = "hold",
        value_name = "BCM",
        help_heading = "Raspberry Pi backend"
    )]
    pub hold: Option<u8>,
    /// BCM pin of the verdict LED (default from hardware/jig.toml).
    #[arg(
        long = "led",
        value_name = "BCM",
        help_heading = "Raspberry Pi backend"
    )]
    pub led: Option<u8>,
}

impl RpiPinArgs {
    /// Whether any pin was given.
    pub fn any(&self) -> bool {
        [self.drive, self.sense, self.sense_ref, self.hold, self.led]
            .iter()
            .any(Option::is_some)
    }
}

/// hardware/jig.toml's BCM numbers, read and checked when pin13 was built
/// (build.rs, through jig-wiring).
#[cfg(feature = "rpi")]
pub fn defaults() -> jig_wiring::RpiPins {
    include!(concat!(env!("OUT_DIR"), "/rpi_pins.rs"))
}

#[cfg(feature = "rpi")]
/// The pins to use: the wiring file's, with the flags on top, checked.
/// A bad flag value is a usage error (exit 2).
pub fn resolve_pins(args: &RpiPinArgs) -> Result<jig_wiring::RpiPins, Error> {
    let mut pins = defaults();
    if let Some(p) = args.drive {
        pins.drive = p;
    }
    if let Some(p) = args.sense {
        pins.sense = p;
    }
    if let Some(p) = args.sense_ref {
        pins.sense_ref = p;
    }
    if let Some(p) = args.hold {
        pins.hold = p;
    }
    if let Some(p) = args.led {
        pins.led = p;
    }
    let hint = Some(
        "Give distinct BCM numbers 4 to 27 with --drive, --sense, --sense-ref, --hold and --led."
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

/// Without the `rpi` feature: a clear error saying how to build it.
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
    use std::sync::{Arc, Mutex, MutexGuard};
    use std::time::{Duration, Instant};

    use embedded_hal::delay::DelayNs;

    use jig_core::held::HeldReport;
    use jig_core::{
        Bias, InputLine, Jig, JigLine, KillOp, KillReport, OpenDrainLine, ProbeConfig, ProbeReport,
        SelfTestReport,
    };
    use jig_protocol::{JigDevice, Request};
    use rppal::gpio::{self, Gpio, IoPin, Mode, OutputPin};

    use super::{resolve_pins, RpiPinArgs};
    use crate::jig::backend::{Backend, Device, JigError, LIMITS_HINT, NO_ADC_LIMITS};
    use crate::jig::guard::{self, interrupted, PanicGuard};

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

    /// A jig line on a Pi GPIO: rppal `IoPin`, reset-on-drop disabled,
    /// shared with the panic hook (which makes it an input).
    #[derive(Debug, Clone)]
    pub struct RpiLine(Arc<Mutex<IoPin>>);

    /// Driver off first, then no pull: the line's safe state.
    fn release(pin: &mut IoPin) {
        pin.set_mode(Mode::Input);
        pin.set_bias(gpio::Bias::Off);
    }

    impl RpiLine {
        fn new(mut pin: IoPin) -> RpiLine {
            pin.set_reset_on_drop(false);
            pin.set_bias(gpio::Bias::Off);
            RpiLine(Arc::new(Mutex::new(pin)))
        }

        fn pin(&self) -> MutexGuard<'_, IoPin> {
            // A poisoned lock still holds a usable pin.
            self.0.lock().unwrap_or_else(|p| p.into_inner())
        }

        /// Drive to `high` unless a signal arrived (then: an input).
        fn drive_to(&mut self, high: bool) -> Result<(), Infallible> {
            if interrupted() {
                return self.set_input(Bias::None);
            }
            let mut pin = self.pin();
            // Level first, so switching to output never glitches.
            pin.set_bias(gpio::Bias::Off);
            if high {
                pin.set_high();
            } else {
                pin.set_low();
            }
            pin.set_mode(Mode::Output);
            Ok(())
        }
    }

    impl embedded_hal::digital::ErrorType for RpiLine {
        type Error = Infallible;
    }

    impl InputLine for RpiLine {
        fn set_input(&mut self, bias: Bias) -> Result<(), Infallible> {
            let mut pin = self.pin();
            release(&mut pin);
            pin.set_bias(match bias {
                Bias::None => gpio::Bias::Off,
                Bias::PullUp => gpio::Bias::PullUp,
                Bias::PullDown => gpio::Bias::PullDown,
            });
            Ok(())
        }

        fn is_high(&mut self) -> Result<bool, Infallible> {
            Ok(self.pin().is_high())
        }
    }

    impl OpenDrainLine for RpiLine {
        fn drive_low(&mut self) -> Result<(), Infallible> {
            self.drive_to(false)
        }
    }

    impl JigLine for RpiLine {
        fn drive_high(&mut self) -> Result<(), Infallible> {
            self.drive_to(true)
        }
    }

    type Dev = JigDevice<RpiLine, RpiLine, RpiLine, RpiDelay>;

    /// The jig on this Pi's GPIO.
    #[derive(Debug)]
    pub struct RpiBackend {
        device: Dev,
        /// DRIVE, SENSE_REF, SENSE (the same pins the device owns) and HOLD,
        /// for the probe with HOLD.
        lines: [RpiLine; 4],
        led: OutputPin,
        pins: jig_wiring::RpiPins,
        _on_panic: PanicGuard,
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
                hint: Some("Free the pin, or choose another with --drive/--sense/--sense-ref/--hold/--led.".into()),
            },
            gpio::Error::PinNotAvailable(n) => JigError::Unavailable {
                message: format!("BCM {n} does not exist on this Pi"),
                hint: Some("Choose BCM numbers 4 to 27.".into()),
            },
            e => JigError::Unavailable { message: format!("cannot use the Pi's GPIO: {e}"), hint: None },
        }
    }

    /// Take the jig's pins (every line an input, no pull). From here until
    /// pin13 exits, the usual signals and a panic make every line an input
    /// first (see [`crate::jig::guard`]).
    pub fn open(args: &RpiPinArgs) -> Result<Box<dyn Backend>, crate::error::Error> {
        let pins = resolve_pins(args)?;
        let gpio = Gpio::new().map_err(gpio_error)?;
        guard::catch_signals();
        let line = |bcm: u8| -> Result<RpiLine, JigError> {
            Ok(RpiLine::new(
                gpio.get(bcm).map_err(gpio_error)?.into_io(Mode::Input),
            ))
        };
        let drive = line(pins.drive)?;
        let sense_ref = line(pins.sense_ref)?;
        let sense = line(pins.sense)?;
        let hold = line(pins.hold)?;
        let lines = [drive.clone(), sense_ref.clone(), sense.clone(), hold];
        let shared = lines.clone();
        let on_panic = guard::on_panic(move || {
            for line in &shared {
                // try_lock: the panic may have come from inside a line call.
                if let Ok(mut pin) = line.0.try_lock() {
                    release(&mut pin);
                }
            }
        });
        let mut led = gpio.get(pins.led).map_err(gpio_error)?.into_output_low();
        led.set_reset_on_drop(false);
        let jig = match Jig::new(drive, sense_ref, sense) {
            Ok(j) => j,
            Err(never) => match never {},
        };
        Ok(Box::new(RpiBackend {
            device: JigDevice::new(jig, RpiDelay(rppal::hal::Delay::new())),
            lines,
            led,
            pins,
            _on_panic: on_panic,
        }))
    }

    impl RpiBackend {
        /// After a signal: every line an input, LED off, and say so.
        /// The LED after a probe (it stays on after pin13 exits): steady =
        /// isolated.
        fn show(&mut self, pass: bool) {
            if pass {
                self.led.set_high();
            } else {
                self.led.set_low();
            }
        }

        fn check_interrupted(&mut self) -> Result<(), JigError> {
            if !interrupted() {
                return Ok(());
            }
            let _ = self.device.safe();
            self.led.set_low();
            Err(guard::interrupted_error("every jig line is an input"))
        }
    }

    /// The serial protocol's cap on a probe's duration holds here too.
    fn within_limits(cfg: &ProbeConfig) -> Result<(), JigError> {
        Request::Probe(*cfg)
            .validate()
            .map_err(|inv| JigError::Failed {
                message: format!("the jig cannot run this: {inv}"),
                hint: Some(LIMITS_HINT.into()),
            })
    }

    impl RpiBackend {
        /// `op` on the four lines (HOLD included) with a delay, after the
        /// device made every line an input (its Jig forgets a kill line
        /// left asserted, as every probe does); a signal meanwhile is
        /// reported as one.
        fn on_four_lines<T>(
            &mut self,
            op: impl FnOnce([&mut RpiLine; 4], &mut RpiDelay) -> T,
        ) -> Result<T, JigError> {
            self.device.safe()?;
            let [drive, sense_ref, sense, hold] = &mut self.lines;
            let r = op(
                [drive, sense_ref, sense, hold],
                &mut RpiDelay(rppal::hal::Delay::new()),
            );
            self.check_interrupted()?;
            Ok(r)
        }

        fn run_held(
            &mut self,
            cfg: &ProbeConfig,
            stop: &mut dyn jig_core::probe::Stop,
        ) -> Result<HeldReport, JigError> {
            within_limits(cfg)?;
            let r = self.on_four_lines(|[drive, sense_ref, sense, hold], delay| {
                let mut either = || interrupted() || stop.stop();
                jig_core::held::run_until(drive, sense_ref, hold, sense, delay, cfg, &mut either)
            })?;
            let r = r.map_err(jig_protocol::DeviceError::from)?;
            self.show(r.probe.verdict.is_pass());
            Ok(r)
        }
    }

    impl Device for RpiBackend {
        type Error = JigError;

        fn probe(&mut self, cfg: &ProbeConfig) -> Result<ProbeReport, JigError> {
            within_limits(cfg)?;
            // A caught signal stops the probe within a few samples.
            let r = self.device.probe_until(cfg, &mut interrupted);
            self.check_interrupted()?;
            let r = r?;
            self.show(r.verdict.is_pass());
            Ok(r)
        }

        /// The Pi has no ADC: jig-core refuses (`NoAdc`) before any line
        /// moves, and `pin13 jig probe` runs the digital probe instead.
        fn analog_probe_until(
            &mut self,
            cfg: &ProbeConfig,
            stop: &mut dyn jig_core::probe::Stop,
        ) -> Result<jig_core::analog::AnalogReport, JigError> {
            let r = self.device.analog_probe_until(cfg, stop);
            self.check_interrupted()?;
            Ok(r?)
        }

        fn kill(&mut self, op: &KillOp) -> Result<KillReport, JigError> {
            let r = self.device.kill(op);
            self.check_interrupted()?;
            Ok(r?)
        }

        /// The self-test with HOLD's two checks.
        fn self_test(&mut self) -> Result<SelfTestReport, JigError> {
            let r = self.on_four_lines(|[drive, sense_ref, sense, hold], delay| {
                jig_core::selftest::run_with_hold(drive, sense_ref, hold, sense, delay)
            })?;
            r.map_err(|never| match never {})
        }

        fn safe(&mut self) -> Result<(), JigError> {
            Ok(self.device.safe()?)
        }
    }

    impl Backend for RpiBackend {
        fn limits(&self) -> Option<&'static str> {
            Some(NO_ADC_LIMITS)
        }

        /// The Pi's probe: the digital probe with HOLD.
        fn held_probe(
            &mut self,
            cfg: &ProbeConfig,
            stop: &mut dyn jig_core::probe::Stop,
        ) -> Option<Result<HeldReport, JigError>> {
            Some(self.run_held(cfg, stop))
        }

        fn describe(&self) -> String {
            let p = self.pins;
            format!(
                "rpi DRIVE BCM {}, SENSE BCM {}, SENSE_REF BCM {}, HOLD BCM {}",
                p.drive, p.sense, p.sense_ref, p.hold
            )
        }
    }
}

#[cfg(all(test, feature = "rpi"))]
mod tests {
    use super::*;
    use crate::exit::Status;

    #[test]
    fn pins_come_from_the_wiring_file_and_flags_override() {
        // The pins compiled in are the file's as jig-wiring reads it now.
        let file = jig_wiring::rpi_defaults().unwrap();
        assert_eq!(defaults(), file);
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
        let hold = RpiPinArgs {
            hold: Some(6),
            ..RpiPinArgs::default()
        };
        assert_eq!(resolve_pins(&hold).unwrap().hold, 6);
        assert_eq!(
            file.hold, 27,
            "HOLD on BCM 27 (header pin 13) in hardware/jig.toml"
        );
        let clash = RpiPinArgs {
            hold: Some(file.sense_ref),
            ..RpiPinArgs::default()
        };
        assert_eq!(
            resolve_pins(&clash).unwrap_err().to_string(),
            format!("SENSE_REF and HOLD are both on BCM {}", file.sense_ref)
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
