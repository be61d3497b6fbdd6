//! `pin13 jig`: probe the tape over pin 13 and simulate the kill line
//! through a [`Backend`].
//!
//! The clap structs, the one backend factory ([`with_backend`]) and thin
//! runners; option conflicts are clap's, the output is [`crate::render::jig`]'s.
//! Add a subcommand by adding a variant to [`JigCommand`] and a match arm in
//! [`run`].
#![forbid(unsafe_code)]

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use jig_core::sim::{SimConfig, WireModel};
use jig_core::{probe, KillOp, ProbeConfig};

use crate::cmd::args::Deferred;
use crate::context::Context;
use crate::error::Error;
use crate::exit::Status;
use crate::jig::backend::{Backend, JigError};
use crate::jig::{emulate, rpi, serial, sim};
use crate::model::duration::{self, Spec};
use crate::render::jig as render;

#[derive(Debug, clap::Args)]
pub struct JigArgs {
    #[command(subcommand)]
    pub command: JigCommand,
}

/// The `pin13 jig` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum JigCommand {
    /// Check that the tape isolates pin 13 (exit 0 only for `isolated`, 5
    /// otherwise): the analog probe (card pull and leak in ohms) where SENSE
    /// has an ADC (Pico, emulator, simulated bench), else the digital probe.
    Probe(Deferred<ProbeArgs>),
    /// Assert the kill line: pull DRIVE low (open-drain) and leave it asserted.
    Kill(Deferred<OpArgs>),
    /// Release the kill line: DRIVE becomes an input, the card's pull-up decides.
    Release(Deferred<OpArgs>),
    /// Assert the kill line for --width, then release it.
    Pulse(Deferred<PulseArgs>),
    /// Assert and release the kill line --count times, one --period each.
    Toggle(Deferred<ToggleArgs>),
    /// Imitate a bouncing mechanical switch, then settle (--end).
    Bounce(Deferred<BounceArgs>),
    /// Make every jig line an input (high impedance).
    Safe(Deferred<OpArgs>),
    /// Check the jig's own wiring; every probe must be lifted off the card
    /// first (exit 0 PASS; 1 FAIL, "N of 16 checks failed", as for a runtime
    /// error).
    SelfTest(Deferred<OpArgs>),
    /// Serve the simulated bench on a pseudo-terminal, for `--backend
    /// serial:PATH` without hardware (prints the path first).
    Emulate(Deferred<emulate::EmulateArgs>),
}

/// What `--backend` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendSpec {
    /// The simulated bench, in process.
    Sim,
    /// A Pico (or `pin13 jig emulate`) on a serial port.
    Serial(PathBuf),
    /// Raspberry Pi GPIO.
    Rpi,
}

fn parse_backend(s: &str) -> Result<BackendSpec, String> {
    match s.trim().split_once(':') {
        None if s.trim() == "sim" => Ok(BackendSpec::Sim),
        None if s.trim() == "rpi" => Ok(BackendSpec::Rpi),
        Some(("serial", path)) if !path.is_empty() => Ok(BackendSpec::Serial(path.into())),
        _ => Err(format!(
            "unknown jig backend `{s}`: use sim, serial:/dev/ttyACM0 (Pico jig) or rpi (Raspberry Pi GPIO)"
        )),
    }
}

fn parse_wire(s: &str) -> Result<WireModel, String> {
    s.parse::<WireModel>().map_err(|e| e.to_string())
}

/// Most slack a serial answer may get: 10 minutes.
const MAX_SLACK_MS: u64 = 600_000;

fn parse_slack_ms(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(ms) if ms <= MAX_SLACK_MS => Ok(ms),
        _ => Err(format!(
            "`{s}` is not a whole number of milliseconds from 0 to {MAX_SLACK_MS} \
             (--slack-ms, or PIN13_JIG_SLACK_MS in the environment)"
        )),
    }
}

/// A resistance in ohms, with an optional k or M suffix (`4.7k`, `1M`).
fn ohms_value(s: &str) -> Option<f64> {
    let t = s.trim();
    let (num, scale) = match t.strip_suffix(['k', 'K']) {
        Some(n) => (n, 1.0e3),
        None => match t.strip_suffix('M') {
            Some(n) => (n, 1.0e6),
            None => (t, 1.0),
        },
    };
    let v = jig_core::decimal::parse(num.trim())? * scale;
    (v.is_finite() && v > 0.0 && v <= 1.0e9).then_some(v)
}

fn parse_ohms(s: &str) -> Result<f64, String> {
    ohms_value(s).ok_or_else(|| {
        format!("`{s}` is not a resistance in ohms above 0 (e.g. 3900, 4.7k or 1M; at most 1000M)")
    })
}

/// `--card-pull` / `--leak`: a resistance, or `none` (nothing there).
fn parse_ohms_or_none(s: &str) -> Result<f64, String> {
    if s.trim() == "none" {
        return Ok(jig_core::sim::NONE_OHMS);
    }
    ohms_value(s).ok_or_else(|| format!("`{s}` is not a resistance (e.g. 4.7k, 22k, 1M) or `none`"))
}

/// `--card-rail`: the unpowered card's rail, 0 to 3.3 V.
fn parse_rail(s: &str) -> Result<f64, String> {
    match jig_core::decimal::parse(s.trim().trim_end_matches('V').trim()) {
        Some(v) if (0.0..=3.3).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a voltage from 0 to 3.3 (e.g. 0.1)")),
    }
}

/// The Raspberry Pi pins' ids, which the simulated bench's options conflict
/// with (the `--r-*` resistors through the `--wire` they require).
const RPI_OPTIONS: [&str; 5] = ["drive", "sense", "sense_ref", "hold", "led"];

const WIRE_HELP: &str =
    "models: open, connected, intermittent:P, stuck-high, stuck-low, no-contact; \
     prefix powered- for a powered card (e.g. powered-connected)";

/// Where the jig is, and the simulated bench's options. Conflicts between
/// backends' options are clap's: `--wire` is required with `--backend sim`,
/// the `--r-*` resistors need `--wire`, and the Raspberry Pi pins conflict
/// with the simulated bench's options.
#[derive(Debug, Clone, clap::Args)]
pub struct BackendArgs {
    /// The jig: `sim` (simulated bench), `serial:PATH` (Pico over USB; every
    /// answer may take --slack-ms longer than the operation) or `rpi`
    /// (Raspberry Pi GPIO).
    #[arg(long, value_name = "SPEC", env = "PIN13_JIG_BACKEND", value_parser = parse_backend)]
    pub backend: BackendSpec,

    /// Wire model of the simulated bench: open, connected, intermittent:P (e.g.
    /// intermittent:0.01 or intermittent:1%), stuck-high, stuck-low, no-contact;
    /// prefix `powered-` for a card powered in a test host (e.g. powered-connected).
    #[arg(
        long,
        value_name = "MODEL",
        value_parser = parse_wire,
        required_if_eq("backend", "sim"),
        conflicts_with_all = RPI_OPTIONS,
        help_heading = "Simulated bench"
    )]
    pub wire: Option<WireModel>,

    /// Seed of the simulated bench (internal pulls, intermittent contacts).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        help_heading = "Simulated bench"
    )]
    pub seed: u64,

    /// Series resistor on DRIVE, in ohms [default: 1000].
    #[arg(long, value_name = "OHMS", value_parser = parse_ohms, requires = "wire", help_heading = "Simulated bench")]
    pub r_drive: Option<f64>,

    /// Series resistor on SENSE, in ohms [default: 1000].
    #[arg(long, value_name = "OHMS", value_parser = parse_ohms, requires = "wire", help_heading = "Simulated bench")]
    pub r_sense: Option<f64>,

    /// Series resistor on SENSE_REF, in ohms [default: 3900].
    #[arg(long, value_name = "OHMS", value_parser = parse_ohms, requires = "wire", help_heading = "Simulated bench")]
    pub r_sense_ref: Option<f64>,

    /// The card's pin-13 pull: ohms (4.7k, 10k, 1M) or `none` [default: 10k].
    #[arg(long, value_name = "OHMS", value_parser = parse_ohms_or_none, requires = "wire", help_heading = "Simulated bench")]
    pub card_pull: Option<f64>,

    /// The rail the unpowered card's pull goes to, in volts (0 to 0.7 on a
    /// real card) [default: 0.1].
    #[arg(long, value_name = "VOLTS", value_parser = parse_rail, requires = "wire", help_heading = "Simulated bench")]
    pub card_rail: Option<f64>,

    /// The tape's leakage between the socket contact and pin 13: ohms or
    /// `none` (good tape) [default: none].
    #[arg(long, value_name = "OHMS", value_parser = parse_ohms_or_none, requires = "wire", help_heading = "Simulated bench")]
    pub leak: Option<f64>,

    /// A simulated jig without an ADC on SENSE, as the Raspberry Pi: the
    /// probe is the digital one with HOLD, `--analog` is refused.
    #[arg(long, requires = "wire", help_heading = "Simulated bench")]
    pub no_adc: bool,

    /// HOLD's resistor to SENSE_REF's probe (the Raspberry Pi jig's second
    /// reference), in ohms, or `none` for a jig without it [default: 470].
    #[arg(long, value_name = "OHMS", value_parser = parse_ohms_or_none, requires = "wire", help_heading = "Simulated bench")]
    pub r_hold: Option<f64>,

    /// Extra time the serial backend waits for every answer, on top of the
    /// operation's own duration, in milliseconds (0 to 600000; raise it for a
    /// slow emulator).
    #[arg(
        long,
        value_name = "MS",
        env = "PIN13_JIG_SLACK_MS",
        default_value_t = 1000,
        value_parser = parse_slack_ms,
        help_heading = "Serial backend"
    )]
    pub slack_ms: u64,

    /// Raspberry Pi backend pins (BCM), overriding hardware/jig.toml.
    #[command(flatten)]
    pub rpi: rpi::RpiPinArgs,

    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ProbeArgs {
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Isolation samples (688 catch a 1% intermittent with 99.9%).
    #[arg(long, value_name = "N", default_value_t = probe::DEFAULT_SAMPLES)]
    pub samples: u32,
    /// Settle time after every line change, in microseconds.
    #[arg(long, value_name = "US", default_value_t = probe::DEFAULT_SETTLE_US)]
    pub settle_us: u32,
    /// Demand the analog probe (the default wherever SENSE has an ADC):
    /// characterise the card's pin-13 net and measure the tape's leak in
    /// ohms; an error on a jig without an ADC (the Raspberry Pi).
    #[arg(long, conflicts_with = "digital")]
    pub analog: bool,
    /// Force the digital probe (logic levels only; the default on a jig
    /// without an ADC). On a Pico it may misjudge good tape on a card with a
    /// strong pin-13 pull (1 to 4.7 kohm), never as a PASS; the Raspberry
    /// Pi's, with HOLD, passes good tape on any pull.
    #[arg(long)]
    pub digital: bool,
}

#[derive(Debug, clap::Args)]
pub struct OpArgs {
    #[command(flatten)]
    pub backend: BackendArgs,
}

#[derive(Debug, clap::Args)]
pub struct PulseArgs {
    #[command(flatten)]
    pub backend: BackendArgs,
    /// How long to assert: a number with us, ms or s (e.g. 100ms).
    #[arg(long, value_name = "DURATION", default_value = "100ms", value_parser = parse_width_us)]
    pub width: u32,
}

#[derive(Debug, clap::Args)]
pub struct ToggleArgs {
    #[command(flatten)]
    pub backend: BackendArgs,
    /// One assert + release cycle (asserted for the first half), e.g. 1s.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_width_us)]
    pub period: u32,
    /// Number of cycles.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub count: u32,
}

#[derive(Debug, clap::Args)]
pub struct BounceArgs {
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Short transitions before the line settles.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub transitions: u32,
    /// Time between transitions, e.g. 500us.
    #[arg(long, value_name = "DURATION", default_value = "500us", value_parser = parse_width_us)]
    pub width: u32,
    /// Where the switch settles.
    #[arg(long, value_enum, default_value_t = BounceEnd::Asserted)]
    pub end: BounceEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BounceEnd {
    /// Kill line left asserted (pulled low).
    Asserted,
    /// Kill line left released.
    Released,
}

/// Kill-line widths and periods: the one duration grammar with a unit
/// required, in whole microseconds (jig-core's unit) up to `u32::MAX`.
fn parse_width_us(text: &str) -> Result<u32, String> {
    const WIDTH: Spec = Spec {
        bare_is_secs: false,
        min: Duration::ZERO,
        min_inclusive: true,
        max: Duration::from_micros(u32::MAX as u64),
    };
    let d = duration::parse(text, &WIDTH)?;
    let us = d.as_nanos().div_ceil(1_000).min(u128::from(u32::MAX));
    Ok(us as u32)
}

/// Run `f` on the backend named by `--backend`: the one place that turns a
/// spec into a [`Backend`]. The simulated bench lives on this stack frame
/// for as long as `f` runs.
/// - `sim` → [`sim::SimBackend`] (jig-core's `Jig` on the bench);
/// - `serial:PATH` → [`serial::SerialBackend`], the Pico jig over USB serial
///   (or `pin13 jig emulate`'s pty), with `--slack-ms` on every deadline;
/// - `rpi` → [`rpi::open`], jig-core on Raspberry Pi GPIO (cargo feature `rpi`).
pub fn with_backend<T>(
    args: &BackendArgs,
    f: impl FnOnce(&mut dyn Backend) -> Result<T, Error>,
) -> Result<T, Error> {
    let misplaced = |option: &str, backend: &str| {
        Error::usage(
            format!("{option} only applies to --backend {backend}"),
            Some(format!("drop it, or use --backend {backend}")),
        )
    };
    match &args.backend {
        BackendSpec::Sim => {
            let wire = args.wire.ok_or_else(|| {
                Error::usage("--backend sim needs --wire MODEL", Some(WIRE_HELP.into()))
            })?;
            let cfg = SimConfig {
                r_drive: args.r_drive.unwrap_or(SimConfig::DEFAULT.r_drive),
                r_sense: args.r_sense.unwrap_or(SimConfig::DEFAULT.r_sense),
                r_sense_ref: args.r_sense_ref.unwrap_or(SimConfig::DEFAULT.r_sense_ref),
                r_hold: args.r_hold.unwrap_or(SimConfig::DEFAULT.r_hold),
                r_card_pull: args.card_pull.unwrap_or(SimConfig::DEFAULT.r_card_pull),
                v_card_unpowered: args
                    .card_rail
                    .unwrap_or(SimConfig::DEFAULT.v_card_unpowered),
                r_leak: args.leak.unwrap_or(SimConfig::DEFAULT.r_leak),
                adc: !args.no_adc,
                ..SimConfig::DEFAULT
            };
            let bench = sim::bench(wire, cfg, args.seed)?;
            f(&mut sim::SimBackend::new(&bench, args.seed))
        }
        // The resistors require --wire (clap), so --wire stands for them all.
        _ if args.wire.is_some() => Err(misplaced("--wire", "sim")),
        BackendSpec::Serial(_) if args.rpi.any() => Err(misplaced(
            "--drive, --sense, --sense-ref, --hold or --led",
            "rpi",
        )),
        BackendSpec::Serial(path) => {
            let slack = Duration::from_millis(args.slack_ms);
            f(&mut serial::SerialBackend::open_with_slack(path, slack)?)
        }
        BackendSpec::Rpi => f(rpi::open(&args.rpi)?.as_mut()),
    }
}

pub fn run(ctx: &Context, args: &JigArgs) -> Result<Status, Error> {
    if ctx.replay.is_some() {
        return Err(Error::usage(
            "jig works on the bench jig; --replay does not apply",
            None,
        ));
    }
    match &args.command {
        JigCommand::Probe(a) => run_probe(a),
        JigCommand::Kill(a) => run_kill(&a.backend, KillOp::Assert),
        JigCommand::Release(a) => run_kill(&a.backend, KillOp::Release),
        JigCommand::Pulse(a) => run_kill(&a.backend, KillOp::Pulse { width_us: a.width }),
        JigCommand::Toggle(a) => run_kill(
            &a.backend,
            KillOp::Toggle {
                period_us: a.period,
                count: a.count,
            },
        ),
        JigCommand::Bounce(a) => run_kill(
            &a.backend,
            KillOp::Bounce {
                transitions: a.transitions,
                width_us: a.width,
                end_asserted: a.end == BounceEnd::Asserted,
            },
        ),
        JigCommand::Safe(a) => run_safe(&a.backend),
        JigCommand::SelfTest(a) => run_self_test(&a.backend),
        JigCommand::Emulate(a) => emulate::run(a),
    }
}

/// Print with `print` to stdout.
fn emit(
    print: impl FnOnce(&mut std::io::StdoutLock<'static>) -> std::io::Result<()>,
) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    print(&mut out)
        .and_then(|()| out.flush())
        .map_err(Error::Output)
}

/// `pin13 jig probe`: the analog probe where SENSE has an ADC, else the
/// digital one. The jig is asked for the analog probe first; one without an
/// ADC refuses it ([`JigError::NoAdc`]) before any line moves, and the
/// digital probe runs instead (unless `--analog` demanded the analog one).
/// `--digital` skips the question.
fn run_probe(args: &ProbeArgs) -> Result<Status, Error> {
    let cfg = ProbeConfig {
        samples: args.samples,
        settle_us: args.settle_us,
    };
    cfg.validate()
        .map_err(|e| Error::usage(format!("bad probe settings: {e}"), None))?;
    let b = &args.backend;
    let powered = b.wire.is_some_and(|w| w.powered);
    let pass = with_backend(b, |jig| {
        if !args.digital {
            match jig.analog_probe_until(&cfg, &mut crate::jig::guard::interrupted) {
                Ok(report) => {
                    let label = jig.describe();
                    emit(|out| render::analog_probe(out, &report, &label, b.json))?;
                    return Ok(report.verdict.is_pass());
                }
                Err(JigError::NoAdc) if !args.analog => {}
                Err(e) => return Err(e.into()),
            }
        }
        let (report, held) = match jig.held_probe(&cfg, &mut crate::jig::guard::interrupted) {
            Some(r) => {
                let r = r?;
                (r.probe, Some(r.pull))
            }
            None => (jig.probe(&cfg)?, None),
        };
        let label = jig.describe();
        let limits = jig.limits();
        emit(|out| {
            render::probe(out, &report, &cfg, &label, powered, held, b.json)?;
            match limits {
                Some(text) if !b.json => writeln!(out, "  {text}"),
                _ => Ok(()),
            }
        })?;
        Ok(report.verdict.is_pass())
    })?;
    Ok(if pass {
        Status::Success
    } else {
        Status::JigNotIsolated
    })
}

fn run_kill(args: &BackendArgs, op: KillOp) -> Result<Status, Error> {
    op.validate()
        .map_err(|e| Error::usage(format!("bad {} settings: {e}", op.name()), None))?;
    with_backend(args, |jig| {
        let report = jig.kill(&op)?;
        let (card, label) = (jig.card_view(), jig.describe());
        emit(|out| render::kill(out, &report, card.as_ref(), args.wire, &label, args.json))
    })?;
    Ok(Status::Success)
}

/// PASS exits 0, FAIL exits 1 (the help says so).
fn run_self_test(args: &BackendArgs) -> Result<Status, Error> {
    let passed = with_backend(args, |jig| {
        let report = jig.self_test()?;
        let label = jig.describe();
        emit(|out| render::self_test(out, &report, &label, args.json))?;
        Ok(report.passed())
    })?;
    Ok(if passed {
        Status::Success
    } else {
        Status::Failure
    })
}

fn run_safe(args: &BackendArgs) -> Result<Status, Error> {
    with_backend(args, |jig| {
        jig.safe()?;
        let label = jig.describe();
        emit(|out| render::safe(out, &label, args.json))
    })?;
    Ok(Status::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_use_the_one_duration_grammar_in_microseconds() {
        assert_eq!(parse_width_us("250us"), Ok(250));
        assert_eq!(parse_width_us("250µs"), Ok(250));
        assert_eq!(parse_width_us("100ms"), Ok(100_000));
        assert_eq!(parse_width_us("1.5s"), Ok(1_500_000));
        assert_eq!(parse_width_us(" 2 s "), Ok(2_000_000));
        assert!(parse_width_us("100").unwrap_err().contains("needs a unit"));
        assert!(parse_width_us("5parsecs")
            .unwrap_err()
            .contains("unknown unit"));
        assert!(parse_width_us("ms").is_err());
        assert!(parse_width_us("1.2.3ms").is_err());
        assert!(parse_width_us("5000s").unwrap_err().contains("too long"));
    }

    #[test]
    fn slack_is_whole_milliseconds_up_to_ten_minutes() {
        assert_eq!(parse_slack_ms("0"), Ok(0));
        assert_eq!(parse_slack_ms(" 2500 "), Ok(2500));
        assert_eq!(parse_slack_ms("600000"), Ok(600_000));
        for bad in ["", "1.5", "-1", "600001", "soon", "1s"] {
            assert!(
                parse_slack_ms(bad)
                    .unwrap_err()
                    .contains("PIN13_JIG_SLACK_MS"),
                "{bad}"
            );
        }
    }

    #[test]
    fn resistances_take_k_and_m_and_none_where_it_means_nothing_there() {
        assert_eq!(parse_ohms("3900"), Ok(3900.0));
        assert_eq!(parse_ohms("4.7k"), Ok(4700.0));
        assert_eq!(parse_ohms(" 1M "), Ok(1.0e6));
        for bad in ["0", "-1k", "k", "1G", "none", "2000M"] {
            assert!(parse_ohms(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_ohms_or_none("none"), Ok(jig_core::sim::NONE_OHMS));
        assert_eq!(parse_ohms_or_none("22k"), Ok(22_000.0));
        assert!(parse_ohms_or_none("lots").unwrap_err().contains("`none`"));
        assert_eq!(parse_rail("0.1"), Ok(0.1));
        assert_eq!(parse_rail("0.7V"), Ok(0.7));
        assert!(parse_rail("5").is_err() && parse_rail("-0.1").is_err());
    }

    #[test]
    fn backend_specs() {
        assert_eq!(parse_backend("sim"), Ok(BackendSpec::Sim));
        assert_eq!(parse_backend(" rpi "), Ok(BackendSpec::Rpi));
        assert_eq!(
            parse_backend("serial:/dev/ttyACM0"),
            Ok(BackendSpec::Serial("/dev/ttyACM0".into()))
        );
        for bad in ["serial:", "serial", "sim:x", "bogus", ""] {
            assert!(
                parse_backend(bad)
                    .unwrap_err()
                    .contains("unknown jig backend"),
                "{bad}"
            );
        }
    }
}
