//! `pin13 jig`: probe the tape over pin 13 and simulate the kill line
//! through a [`backend::Backend`].
//!
//! Every subcommand takes the backend options ([`BackendArgs`]); the backend is
//! built from `--backend SPEC` in one place, [`open_backend`]. Add a
//! subcommand by adding a variant to [`JigCommand`] and a match arm in
//! [`run`].
#![forbid(unsafe_code)]

use std::io::Write;

use jig_core::sim::{CardLog, SimConfig, WireModel};
use jig_core::{probe, KillOp, KillReport, Level, ProbeConfig, ProbeReport, Verdict};
use serde_json::{json, Value};

use crate::cmd::args::Deferred;
use crate::context::Context;
use crate::error::Error;
use crate::exit::Status;

use crate::jig::backend::Backend;
use crate::jig::{emulate, rpi, serial, sim};

#[derive(Debug, clap::Args)]
pub struct JigArgs {
    #[command(subcommand)]
    pub command: JigCommand,
}

/// The `pin13 jig` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum JigCommand {
    /// Check that the tape isolates pin 13 (exit 0 only for `isolated`, 5 otherwise).
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
    /// Check the jig's own wiring with the probes lifted off the card (exit 0
    /// PASS, 1 FAIL).
    SelfTest(Deferred<OpArgs>),
    /// Serve the simulated bench on a pseudo-terminal, for `--backend
    /// serial:PATH` without hardware (prints the path first).
    Emulate(Deferred<emulate::EmulateArgs>),
}

const BACKEND_HELP: &str = "use --backend sim, --backend serial:/dev/ttyACM0 (Pico jig) or --backend rpi (Raspberry Pi GPIO)";
const WIRE_HELP: &str =
    "models: open, connected, intermittent:P, stuck-high, stuck-low, no-contact; \
     prefix powered- for a powered card (e.g. powered-connected)";

/// Where the jig is, and the simulated bench's options.
#[derive(Debug, Clone, clap::Args)]
pub struct BackendArgs {
    /// The jig: `sim` (simulated bench), `serial:PATH` (Pico over USB) or `rpi`
    /// (Raspberry Pi GPIO).
    #[arg(long, value_name = "SPEC", env = "PIN13_JIG_BACKEND")]
    pub backend: String,

    /// Wire model of the simulated bench: open, connected, intermittent:P (e.g.
    /// intermittent:0.01 or intermittent:1%), stuck-high, stuck-low, no-contact;
    /// prefix `powered-` for a card powered in a test host (e.g. powered-connected).
    #[arg(long, value_name = "MODEL", value_parser = parse_wire, help_heading = "Simulated bench")]
    pub wire: Option<WireModel>,

    /// Seed of the simulated bench and of the probe's polarity order.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        help_heading = "Simulated bench"
    )]
    pub seed: u64,

    /// Series resistor on DRIVE, in ohms [default: 1000].
    #[arg(long, value_name = "OHMS", help_heading = "Simulated bench")]
    pub r_drive: Option<f64>,

    /// Series resistor on SENSE, in ohms [default: 1000].
    #[arg(long, value_name = "OHMS", help_heading = "Simulated bench")]
    pub r_sense: Option<f64>,

    /// Series resistor on SENSE_REF, in ohms [default: 3900].
    #[arg(long, value_name = "OHMS", help_heading = "Simulated bench")]
    pub r_sense_ref: Option<f64>,

    /// Raspberry Pi backend pins (BCM), overriding hardware/jig.toml.
    #[command(flatten)]
    pub rpi: rpi::RpiPinArgs,

    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_wire(s: &str) -> Result<WireModel, String> {
    s.parse::<WireModel>().map_err(|e| e.to_string())
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
    #[arg(long, value_name = "DURATION", default_value = "100ms", value_parser = parse_duration_us)]
    pub width: u32,
}

#[derive(Debug, clap::Args)]
pub struct ToggleArgs {
    #[command(flatten)]
    pub backend: BackendArgs,
    /// One assert + release cycle (asserted for the first half), e.g. 1s.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration_us)]
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
    #[arg(long, value_name = "DURATION", default_value = "500us", value_parser = parse_duration_us)]
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

/// Parse `250us`, `100ms`, `1.5s` (also `µs`) into whole microseconds.
pub fn parse_duration_us(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let scale = match unit.trim() {
        "us" | "µs" => 1.0,
        "ms" => 1_000.0,
        "s" => 1_000_000.0,
        "" => return Err(format!("`{text}` needs a unit: e.g. 500us, 100ms or 2s")),
        other => return Err(format!("unknown unit `{other}`: use us, ms or s")),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 100ms)"))?;
    let us = (value * scale).round();
    if !(0.0..=f64::from(u32::MAX)).contains(&us) {
        return Err(format!("`{text}` is too long"));
    }
    Ok(us as u32)
}

/// Build the backend named by `--backend`. The one place that turns a spec
/// string into a [`Backend`]:
/// - `sim` → [`sim::SimBackend`] (needs `--wire`);
/// - `serial:PATH` → [`serial::SerialBackend`], the Pico jig over USB serial
///   (or `pin13 jig emulate`'s pty);
/// - `rpi` → [`rpi::open`], jig-core on Raspberry Pi GPIO (cargo feature `rpi`).
pub fn open_backend(args: &BackendArgs) -> Result<Box<dyn Backend>, Error> {
    let spec = args.backend.trim();
    let (kind, rest) = match spec.split_once(':') {
        Some((kind, rest)) => (kind, Some(rest)),
        None => (spec, None),
    };
    match (kind, rest) {
        ("sim", None) => {
            let Some(wire) = args.wire else {
                return Err(Error::usage(
                    "--backend sim needs --wire MODEL",
                    Some(WIRE_HELP.to_string()),
                ));
            };
            reject_rpi_options(args)?;
            let cfg = sim_config(args)?;
            Ok(Box::new(sim::SimBackend::new(wire, cfg, args.seed)?))
        }
        ("serial", Some(path)) if !path.is_empty() => {
            reject_sim_options(args)?;
            reject_rpi_options(args)?;
            Ok(Box::new(serial::SerialBackend::open(
                std::path::Path::new(path),
            )?))
        }
        ("rpi", None) => {
            reject_sim_options(args)?;
            Ok(rpi::open(&args.rpi)?)
        }
        _ => Err(Error::usage(
            format!("unknown jig backend `{spec}`"),
            Some(BACKEND_HELP.to_string()),
        )),
    }
}

fn reject_rpi_options(args: &BackendArgs) -> Result<(), Error> {
    let r = &args.rpi;
    let given = [
        ("--drive", r.drive.is_some()),
        ("--sense", r.sense.is_some()),
        ("--sense-ref", r.sense_ref.is_some()),
        ("--led", r.led.is_some()),
    ];
    match given.iter().find(|(_, set)| *set) {
        Some((name, _)) => Err(Error::usage(
            format!("{name} only applies to --backend rpi"),
            Some("drop it, or use --backend rpi".to_string()),
        )),
        None => Ok(()),
    }
}

fn reject_sim_options(args: &BackendArgs) -> Result<(), Error> {
    let given = [
        ("--wire", args.wire.is_some()),
        ("--r-drive", args.r_drive.is_some()),
        ("--r-sense", args.r_sense.is_some()),
        ("--r-sense-ref", args.r_sense_ref.is_some()),
    ];
    match given.iter().find(|(_, set)| *set) {
        Some((name, _)) => Err(Error::usage(
            format!("{name} only applies to --backend sim"),
            Some("drop it, or use --backend sim".to_string()),
        )),
        None => Ok(()),
    }
}

fn sim_config(args: &BackendArgs) -> Result<SimConfig, Error> {
    let mut cfg = SimConfig::DEFAULT;
    for (name, value, field) in [
        ("--r-drive", args.r_drive, &mut cfg.r_drive),
        ("--r-sense", args.r_sense, &mut cfg.r_sense),
        ("--r-sense-ref", args.r_sense_ref, &mut cfg.r_sense_ref),
    ] {
        if let Some(v) = value {
            if !(v.is_finite() && v > 0.0 && v <= 1.0e9) {
                return Err(Error::usage(
                    format!("{name} must be a resistance in ohms above 0 (got {v})"),
                    None,
                ));
            }
            *field = v;
        }
    }
    Ok(cfg)
}

pub fn run(_ctx: &Context, args: &JigArgs) -> Result<Status, Error> {
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

fn run_probe(args: &ProbeArgs) -> Result<Status, Error> {
    let cfg = ProbeConfig {
        samples: args.samples,
        settle_us: args.settle_us,
    };
    cfg.validate()
        .map_err(|e| Error::usage(format!("bad probe settings: {e}"), None))?;
    let mut backend = open_backend(&args.backend)?;
    let report = backend.probe(&cfg)?;
    let described = backend.describe();
    let mut out = std::io::stdout().lock();
    if args.backend.json {
        let v = probe_json(&report, &cfg, &described);
        writeln!(out, "{v}").map_err(Error::Output)?;
    } else {
        let powered = args.backend.wire.is_some_and(|w| w.powered);
        write_probe_text(&mut out, &report, &described, powered).map_err(Error::Output)?;
    }
    Ok(if report.verdict.is_pass() {
        Status::Success
    } else {
        Status::JigNotIsolated
    })
}

/// The probe's JSON object (stable keys).
pub fn probe_json(report: &ProbeReport, cfg: &ProbeConfig, backend: &str) -> Value {
    json!({
        "verdict": report.verdict.name(),
        "pass": report.verdict.is_pass(),
        "samples": report.samples,
        "contact_hits": report.contact_hits,
        "duration_us": report.duration_us,
        "samples_requested": cfg.samples,
        "settle_us": cfg.settle_us,
        "backend": backend,
    })
}

/// The verdict line and what to do about it.
pub fn verdict_text(report: &ProbeReport) -> (String, &'static str) {
    let (n, k) = (report.samples, report.contact_hits);
    match report.verdict {
        Verdict::Isolated => (
            "isolated: the tape isolates pin 13 -- PASS".to_string(),
            "Put the card back; `pin13 verify` on the laptop confirms the kill switch no longer blocks it.",
        ),
        Verdict::Connected => (
            format!("connected: pin 13 reaches the socket contact on every sample ({k}/{n}) -- FAIL"),
            "The tape does not cover pin 13 (7th contact on the front face, counting pin 1). Re-tape it and probe again.",
        ),
        Verdict::Intermittent => (
            format!("intermittent: pin 13 touched the socket contact through the tape on {k} of {n} samples -- FAIL"),
            "The tape is thin, torn or lifting at an edge. Replace it with one clean layer over the whole pin-13 contact and probe again.",
        ),
        Verdict::StuckHigh => (
            "stuck-high: the pin-13 net stays high whatever the jig does -- FAIL, tape not checked".to_string(),
            "Pin 13 is tied to a supply: look for solder, foil or a probe touching pin 19 (3.3 V) or 18 (5 V), and make sure the card is not powered.",
        ),
        Verdict::StuckLow => (
            "stuck-low: the pin-13 net stays low whatever the jig does -- FAIL, tape not checked".to_string(),
            "Pin 13 is tied to ground: look for a solder bridge, foil or a probe touching a ground contact next to it.",
        ),
        Verdict::NoContact => (
            "no-contact: SENSE does not follow SENSE_REF, the probes do not touch pin 13 -- tape not checked".to_string(),
            "Seat the card so SENSE and SENSE_REF rest on the bare part of the pin-13 contact (outside the tape), then probe again.",
        ),
    }
}

fn write_probe_text(
    out: &mut impl Write,
    report: &ProbeReport,
    backend: &str,
    powered: bool,
) -> std::io::Result<()> {
    let (line, todo) = verdict_text(report);
    writeln!(out, "{line}")?;
    writeln!(out, "  {todo}")?;
    if report.samples == 0 {
        writeln!(
            out,
            "  decided before the isolation samples, {} settle time ({backend})",
            fmt_us(report.duration_us)
        )?;
    } else {
        writeln!(
            out,
            "  {} samples, {} through the tape, {} settle time ({backend})",
            report.samples,
            report.contact_hits,
            fmt_us(report.duration_us)
        )?;
    }
    if powered {
        writeln!(
            out,
            "  note: the card is powered in this wire model; probe an unpowered card (on a powered one the probe only promises never to PASS)."
        )?;
    }
    Ok(())
}

fn run_kill(args: &BackendArgs, op: KillOp) -> Result<Status, Error> {
    op.validate()
        .map_err(|e| Error::usage(format!("bad {} settings: {e}", op.name()), None))?;
    let mut backend = open_backend(args)?;
    let report = backend.kill(&op)?;
    let card = backend.card_view();
    let described = backend.describe();
    let mut out = std::io::stdout().lock();
    if args.json {
        let v = kill_json(&report, card.as_ref(), &described);
        writeln!(out, "{v}").map_err(Error::Output)?;
    } else {
        write_kill_text(&mut out, &report, card.as_ref(), args.wire, &described)
            .map_err(Error::Output)?;
    }
    Ok(Status::Success)
}

fn run_self_test(args: &BackendArgs) -> Result<Status, Error> {
    let mut backend = open_backend(args)?;
    let report = backend.self_test()?;
    let described = backend.describe();
    let failed: Vec<&str> = jig_protocol::SELF_TEST_CHECKS
        .iter()
        .enumerate()
        .filter(|(i, _)| report.failed & (1 << i) != 0)
        .map(|(_, name)| *name)
        .collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        let v = json!({
            "pass": report.passed(),
            "checks": report.checks,
            "failed": failed,
            "backend": described,
        });
        writeln!(out, "{v}").map_err(Error::Output)?;
    } else if report.passed() {
        writeln!(
            out,
            "self-test: PASS, all {} checks ({described})",
            report.checks
        )
        .map_err(Error::Output)?;
    } else {
        writeln!(
            out,
            "self-test: FAIL, {} of {} checks ({described})",
            failed.len(),
            report.checks
        )
        .map_err(Error::Output)?;
        for name in &failed {
            writeln!(out, "  failed: {name}").map_err(Error::Output)?;
        }
        writeln!(
            out,
            "  Lift every probe off the card and run it again; if it still fails, check that line's wire, series resistor and solder joints."
        )
        .map_err(Error::Output)?;
    }
    Ok(if report.passed() {
        Status::Success
    } else {
        Status::Failure
    })
}

fn run_safe(args: &BackendArgs) -> Result<Status, Error> {
    let mut backend = open_backend(args)?;
    backend.safe()?;
    let described = backend.describe();
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", json!({ "safe": true, "backend": described }))
            .map_err(Error::Output)?;
    } else {
        writeln!(
            out,
            "every jig line is an input (high impedance) ({described})"
        )
        .map_err(Error::Output)?;
    }
    Ok(Status::Success)
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Low => "low",
        Level::High => "high",
    }
}

/// The kill operation's JSON object (stable keys; `card` is null unless the
/// backend can see the card).
pub fn kill_json(report: &KillReport, card: Option<&CardLog>, backend: &str) -> Value {
    let mut v = json!({ "op": report.op.name() });
    if let Value::Object(map) = &mut v {
        match report.op {
            KillOp::Assert | KillOp::Release => {}
            KillOp::Pulse { width_us } => {
                map.insert("width_us".into(), width_us.into());
            }
            KillOp::Toggle { period_us, count } => {
                map.insert("period_us".into(), period_us.into());
                map.insert("count".into(), count.into());
            }
            KillOp::Bounce {
                transitions,
                width_us,
                end_asserted,
            } => {
                map.insert("transitions".into(), transitions.into());
                map.insert("width_us".into(), width_us.into());
                map.insert("end_asserted".into(), end_asserted.into());
            }
        }
        map.insert("edges".into(), report.edges.into());
        map.insert("left_asserted".into(), report.left_asserted.into());
        map.insert("duration_us".into(), report.duration_us.into());
        map.insert("backend".into(), backend.into());
        map.insert("card".into(), card.map_or(Value::Null, card_json));
    }
    v
}

fn card_json(card: &CardLog) -> Value {
    let edges: Vec<Value> = card
        .edges()
        .iter()
        .map(|e| json!({ "at_us": e.at_ns / 1000, "level": level_name(e.level) }))
        .collect();
    json!({
        "powered": card.powered(),
        "level": card.level().map(level_name),
        "assert_edges": card.assert_edges(),
        "release_edges": card.release_edges(),
        "asserted_us": card.asserted_ns() / 1000,
        "observed_us": card.observed_ns() / 1000,
        "edges": edges,
        "dropped_edges": card.dropped_edges(),
    })
}

fn op_text(report: &KillReport) -> String {
    match report.op {
        KillOp::Assert => "kill line asserted: DRIVE pulled low (open-drain)".to_string(),
        KillOp::Release => "kill line released: DRIVE is an input".to_string(),
        KillOp::Pulse { width_us } => {
            format!(
                "pulsed the kill line low for {}, then released it",
                fmt_us(width_us.into())
            )
        }
        KillOp::Toggle { period_us, count } => format!(
            "toggled the kill line {count} time{} (period {}), then released it",
            if count == 1 { "" } else { "s" },
            fmt_us(period_us.into())
        ),
        KillOp::Bounce {
            transitions,
            width_us,
            end_asserted,
        } => format!(
            "bounced the kill line: {transitions} transitions {} apart, settled {}",
            fmt_us(width_us.into()),
            if end_asserted { "asserted" } else { "released" }
        ),
    }
}

fn write_kill_text(
    out: &mut impl Write,
    report: &KillReport,
    card: Option<&CardLog>,
    wire: Option<WireModel>,
    backend: &str,
) -> std::io::Result<()> {
    let timing = if report.duration_us > 0 {
        format!(", {}", fmt_us(report.duration_us))
    } else {
        String::new()
    };
    writeln!(
        out,
        "{} ({} edge{}{timing}; {backend})",
        op_text(report),
        report.edges,
        if report.edges == 1 { "" } else { "s" },
    )?;
    let Some(card) = card else {
        return writeln!(
            out,
            "  On the test host, `pin13 watch` shows whether the card followed."
        );
    };
    if !card.powered() {
        let model = wire.map_or_else(|| "this".to_string(), |w| format!("`{w}`"));
        return writeln!(
            out,
            "  card: unpowered in wire model {model}, it saw nothing. Use a powered- model (e.g. powered-connected) to watch its kill input."
        );
    }
    let now = match card.level() {
        Some(Level::Low) => "low (radio killed)",
        Some(Level::High) => "high (radio allowed)",
        None => "unknown",
    };
    if !card.ever_asserted() {
        if report.op == KillOp::Release {
            writeln!(out, "  card: kill input {now}.")
        } else {
            writeln!(
                out,
                "  card: kill input stayed {now}: the kill line never reached pin 13."
            )
        }
    } else {
        let low_for = if card.asserted_ns() >= 1000 {
            format!(
                ", kill input low for {} in total",
                fmt_us(card.asserted_ns() / 1000)
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "  card: saw {} assert edge{}{low_for}; now {now}.",
            card.assert_edges(),
            if card.assert_edges() == 1 { "" } else { "s" },
        )
    }
}

/// `850 us`, `50.2 ms`, `1.5 s` (ASCII only: old consoles).
pub fn fmt_us(us: u64) -> String {
    fn trim(v: f64) -> String {
        let s = format!("{v:.1}");
        s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
    }
    if us < 1_000 {
        format!("{us} us")
    } else if us < 1_000_000 {
        format!("{} ms", trim(us as f64 / 1_000.0))
    } else {
        format!("{} s", trim(us as f64 / 1_000_000.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration_us("250us"), Ok(250));
        assert_eq!(parse_duration_us("250µs"), Ok(250));
        assert_eq!(parse_duration_us("100ms"), Ok(100_000));
        assert_eq!(parse_duration_us("1.5s"), Ok(1_500_000));
        assert_eq!(parse_duration_us(" 2 s "), Ok(2_000_000));
        assert!(parse_duration_us("100").unwrap_err().contains("unit"));
        assert!(parse_duration_us("5min")
            .unwrap_err()
            .contains("unknown unit"));
        assert!(parse_duration_us("ms").is_err());
        assert!(parse_duration_us("1.2.3ms").is_err());
        assert!(parse_duration_us("5000s").unwrap_err().contains("too long"));
    }

    #[test]
    fn durations_print_short() {
        assert_eq!(fmt_us(850), "850 us");
        assert_eq!(fmt_us(50_200), "50.2 ms");
        assert_eq!(fmt_us(100_000), "100 ms");
        assert_eq!(fmt_us(1_500_000), "1.5 s");
    }

    #[test]
    fn every_verdict_says_what_to_do() {
        for verdict in [
            Verdict::Isolated,
            Verdict::Connected,
            Verdict::Intermittent,
            Verdict::StuckHigh,
            Verdict::StuckLow,
            Verdict::NoContact,
        ] {
            let r = ProbeReport {
                verdict,
                samples: 10,
                contact_hits: 3,
                duration_us: 1,
            };
            let (line, todo) = verdict_text(&r);
            assert!(line.starts_with(verdict.name()), "{line}");
            assert_eq!(line.contains("PASS"), verdict.is_pass());
            assert!(!todo.is_empty());
            assert!(line.is_ascii() && todo.is_ascii());
        }
    }

    #[test]
    fn kill_json_names_every_parameter() {
        let op = KillOp::Bounce {
            transitions: 4,
            width_us: 30,
            end_asserted: true,
        };
        let r = KillReport {
            op,
            edges: 5,
            left_asserted: true,
            duration_us: 120,
        };
        let v = kill_json(&r, None, "x");
        assert_eq!(v["op"], "bounce");
        assert_eq!(v["transitions"], 4);
        assert_eq!(v["width_us"], 30);
        assert_eq!(v["end_asserted"], true);
        assert_eq!(v["card"], Value::Null);
    }
}
