//! What `pin13 jig` prints: the probe verdict and what to do about it, the
//! kill-line report with what the card saw, the self-test, `safe`; each as
//! text or as one JSON object with stable keys. Backend labels come from
//! `Backend::describe` and never carry parentheses of their own.
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::time::Duration;

use jig_core::analog::{AnalogReport, AnalogVerdict, CardSide};
use jig_core::decimal::Fixed;
use jig_core::held::Pull;
use jig_core::selftest::SelfTestReport;
use jig_core::sim::{CardLog, WireModel};
use jig_core::{KillOp, KillReport, Level, ProbeConfig, ProbeReport, Verdict};
use serde_json::{json, Value};

use crate::model::duration::human;
use crate::render::words::PIN13_WHERE;

/// `850 us`, `50.2 ms`, `1.5 s` (ASCII only: old consoles).
pub fn fmt_us(us: u64) -> String {
    human(Duration::from_micros(us))
}

fn write_json(out: &mut impl Write, v: &Value) -> io::Result<()> {
    writeln!(out, "{v}")
}

/// The digital probe's JSON object (stable keys; `probe` says which probe
/// ran, as in [`analog_probe_json`]; `hold` whether it held the card net
/// with HOLD, the Raspberry Pi's probe, and `card_pull` what it read of the
/// card's pull then: `"weak"`, `"strong"` or `null`).
pub fn probe_json(
    report: &ProbeReport,
    cfg: &ProbeConfig,
    backend: &str,
    held: Option<Option<Pull>>,
) -> Value {
    json!({
        "verdict": report.verdict.name(),
        "pass": report.verdict.is_pass(),
        "probe": "digital",
        "hold": held.is_some(),
        "card_pull": held.flatten().map(Pull::name),
        "samples": report.samples,
        "contact_hits": report.contact_hits,
        "duration_us": report.duration_us,
        "samples_requested": cfg.samples,
        "settle_us": cfg.settle_us,
        "backend": backend,
    })
}

/// What the probe with HOLD read of the card's pull, for the text report.
pub fn pull_text(pull: Pull) -> &'static str {
    match pull {
        Pull::Weak => "card pull weak or none: SENSE_REF's 3.9 kohm alone lifts the net",
        Pull::Strong => {
            "card pull strong, below about 5.7 kohm: only HOLD with SENSE_REF lifts the net"
        }
    }
}

/// What to do when the card was powered: nothing the probe said is about
/// the tape.
pub const POWERED_ADVICE: &str = "The card must be unpowered for a probe: take it out of the test \
     host (or switch the host off) and probe an unpowered card; on a powered one the probe only \
     promises never to PASS.";

/// The verdict line and what to do about it.
pub fn verdict_text(report: &ProbeReport) -> (String, String) {
    let (n, k) = (report.samples, report.contact_hits);
    match report.verdict {
        Verdict::Isolated => (
            "isolated: the tape isolates pin 13 -- PASS".to_string(),
            "Put the card back; `pin13 verify` on the laptop confirms the kill switch no longer blocks it.".to_string(),
        ),
        Verdict::Connected => (
            format!("connected: pin 13 reaches the socket contact on every sample ({k}/{n}) -- FAIL"),
            format!("The tape does not cover pin 13 ({PIN13_WHERE}). Re-tape it and probe again."),
        ),
        Verdict::Intermittent => (
            format!("intermittent: pin 13 touched the socket contact through the tape on {k} of {n} samples -- FAIL"),
            "The tape is thin, torn or lifting at an edge. Replace it with one clean layer over the whole pin-13 contact and probe again.".to_string(),
        ),
        Verdict::StuckHigh => (
            "stuck-high: the pin-13 net stays high whatever the jig does -- FAIL, tape not checked".to_string(),
            "Pin 13 is tied to a supply: look for solder, foil or a probe touching pin 19 (3.3 V) or 18 (5 V), and make sure the card is not powered.".to_string(),
        ),
        Verdict::StuckLow => (
            "stuck-low: the pin-13 net stays low whatever the jig does -- FAIL, tape not checked".to_string(),
            "Pin 13 is tied to ground: look for a solder bridge, foil or a probe touching a ground contact next to it.".to_string(),
        ),
        Verdict::NoContact => (
            "no-contact: SENSE does not follow SENSE_REF, the probes do not touch pin 13 -- tape not checked".to_string(),
            "Seat the card so SENSE and SENSE_REF rest on the bare part of the pin-13 contact (outside the tape), then probe again.".to_string(),
        ),
    }
}

/// The digital probe's report. `powered`: the simulated card is powered
/// (the advice is then to unpower it, whatever the verdict). `held`: the
/// probe with HOLD ran (`Some`), with what it read of the card's pull.
pub fn probe(
    out: &mut impl Write,
    report: &ProbeReport,
    cfg: &ProbeConfig,
    backend: &str,
    powered: bool,
    held: Option<Option<Pull>>,
    as_json: bool,
) -> io::Result<()> {
    if as_json {
        return write_json(out, &probe_json(report, cfg, backend, held));
    }
    let (line, todo) = verdict_text(report);
    writeln!(out, "{line}")?;
    if powered && !report.verdict.is_pass() {
        writeln!(out, "  {POWERED_ADVICE}")?;
    } else {
        writeln!(out, "  {todo}")?;
    }
    if let Some(Some(pull)) = held {
        writeln!(out, "  {}", pull_text(pull))?;
    }
    let settle = fmt_us(report.duration_us);
    if report.samples == 0 {
        writeln!(
            out,
            "  decided before the isolation samples, {settle} settle time ({backend})"
        )
    } else {
        writeln!(
            out,
            "  {} samples, {} through the tape, {settle} settle time ({backend})",
            report.samples, report.contact_hits
        )
    }
}

/// `850 ohm`, `4.7 kohm`, `30.8 kohm`, `1.2 Mohm` (3 significant digits, ASCII).
pub fn fmt_ohms(r: f64) -> String {
    let (v, unit) = if r >= 1.0e6 {
        (r / 1.0e6, "Mohm")
    } else if r >= 1.0e3 {
        (r / 1.0e3, "kohm")
    } else {
        (r, "ohm")
    };
    let digits = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    format!("{} {unit}", Fixed::trimmed(v, digits))
}

/// The card side as measured: `card pull ~4.7 kohm to 0.10 V` or `no card pull`.
pub fn card_text(card: &CardSide) -> String {
    match card.pull_ohms {
        Some(r) => format!(
            "card pull ~{} to {} V",
            fmt_ohms(f64::from(r)),
            Fixed::new(f64::from(card.rail_mv) / 1000.0, 2)
        ),
        None => "no card pull (weaker than 2 Mohm)".to_string(),
    }
}

/// The analog probe's JSON object (stable keys; ohms as numbers, `null` for
/// "none" / "beyond the range").
pub fn analog_probe_json(report: &AnalogReport, backend: &str) -> Value {
    let leak = match report.verdict {
        AnalogVerdict::Isolated { leak_ohms } => leak_ohms,
        AnalogVerdict::Leaky { leak_ohms } => Some(leak_ohms),
        _ => None,
    };
    json!({
        "verdict": report.verdict.name(),
        "pass": report.verdict.is_pass(),
        "probe": "analog",
        "leak_ohms": leak,
        "leak_beyond_range": matches!(report.verdict, AnalogVerdict::Isolated { leak_ohms: None }),
        "range_ohms": report.range_ohms,
        "boundary_ohms": report.boundary_ohms,
        "card_pull_ohms": report.card.and_then(|c| c.pull_ohms),
        "card_rail_v": report.card.map(|c| f64::from(c.rail_mv) / 1000.0),
        "samples": report.samples,
        "hits": report.hits,
        "backend": backend,
    })
}

/// The analog probe's report: the verdict with the ohms, what to do, the
/// card side as measured.
pub fn analog_probe(
    out: &mut impl Write,
    report: &AnalogReport,
    backend: &str,
    as_json: bool,
) -> io::Result<()> {
    if as_json {
        return write_json(out, &analog_probe_json(report, backend));
    }
    let ohms = |r: u32| fmt_ohms(f64::from(r));
    let reach = match report.boundary_ohms {
        Some(b) => format!(
            "a leak below {} lets a laptop's kill line reach this card",
            ohms(b)
        ),
        None => "the card has no pull of its own, so any measurable leak would let a laptop's kill line reach it"
            .to_string(),
    };
    let (line, todo) = match report.verdict {
        AnalogVerdict::Isolated { leak_ohms } => (
            match (leak_ohms, report.range_ohms) {
                (Some(r), _) => format!("isolated: the tape isolates pin 13, leak ~{} -- PASS", ohms(r)),
                (None, Some(max)) => format!("isolated: the tape isolates pin 13, leak > {} -- PASS", ohms(max)),
                (None, None) => "isolated: the tape isolates pin 13 -- PASS".to_string(),
            },
            format!("Put the card back; `pin13 verify` on the laptop confirms it ({reach})."),
        ),
        AnalogVerdict::Leaky { leak_ohms } => (
            format!("leaky: the tape leaks {} between the socket contact and pin 13 -- FAIL", ohms(leak_ohms)),
            format!("The tape is damp, dirty or too thin ({reach}): replace it with one clean, dry layer and probe again."),
        ),
        _ => {
            let digital = match report.verdict {
                AnalogVerdict::Connected => Verdict::Connected,
                AnalogVerdict::Intermittent => Verdict::Intermittent,
                AnalogVerdict::StuckHigh => Verdict::StuckHigh,
                AnalogVerdict::StuckLow => Verdict::StuckLow,
                _ => Verdict::NoContact,
            };
            if report.verdict == AnalogVerdict::Powered {
                (
                    "powered: the card's pin-13 net is pulled to a live supply -- tape not checked".to_string(),
                    POWERED_ADVICE.to_string(),
                )
            } else {
                verdict_text(&ProbeReport {
                    verdict: digital,
                    samples: report.samples,
                    contact_hits: report.hits,
                    duration_us: 0,
                })
            }
        }
    };
    writeln!(out, "{line}")?;
    writeln!(out, "  {todo}")?;
    match (&report.card, report.range_ohms) {
        (Some(card), Some(max)) => writeln!(
            out,
            "  {}; leak measurable up to {}; {} samples, {} below the boundary ({backend})",
            card_text(card),
            ohms(max),
            report.samples,
            report.hits
        ),
        (Some(card), None) => writeln!(out, "  {} ({backend})", card_text(card)),
        (None, _) => writeln!(out, "  the card side could not be measured ({backend})"),
    }
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
    let mut map = serde_json::Map::new();
    map.insert("op".into(), report.op.name().into());
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
    Value::Object(map)
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

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn op_text(report: &KillReport) -> String {
    match report.op {
        KillOp::Assert => "kill line asserted: DRIVE pulled low (open-drain)".to_string(),
        KillOp::Release => "kill line released: DRIVE is an input".to_string(),
        KillOp::Pulse { width_us } => format!(
            "pulsed the kill line low for {}, then released it",
            fmt_us(width_us.into())
        ),
        KillOp::Toggle { period_us, count } => format!(
            "toggled the kill line {count} time{} (period {}), then released it",
            plural(count),
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

/// The kill-line operation's report and what the card saw. `wire`: the
/// simulated bench's model, when there is one.
pub fn kill(
    out: &mut impl Write,
    report: &KillReport,
    card: Option<&CardLog>,
    wire: Option<WireModel>,
    backend: &str,
    as_json: bool,
) -> io::Result<()> {
    if as_json {
        return write_json(out, &kill_json(report, card, backend));
    }
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
        plural(report.edges),
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
            plural(card.assert_edges()),
        )
    }
}

/// The self-test's report: PASS, or "N of 16 checks failed" and which.
pub fn self_test(
    out: &mut impl Write,
    report: &SelfTestReport,
    backend: &str,
    as_json: bool,
) -> io::Result<()> {
    let failed: Vec<&str> = report.failed_checks().collect();
    let not_run: Vec<&str> = report.not_run_checks().collect();
    if as_json {
        let v = json!({
            "pass": report.passed(),
            "checks": report.checks,
            "failed": failed,
            "not_run": not_run,
            "backend": backend,
        });
        return write_json(out, &v);
    }
    let not_run_note = |out: &mut dyn Write| {
        if not_run.is_empty() {
            return Ok(());
        }
        writeln!(
            out,
            "  {} checks need an internal pull-down and were not run: this board never enables one (RP2350 erratum E9).",
            not_run.len()
        )
    };
    if report.passed() {
        writeln!(
            out,
            "self-test: PASS, all {} checks passed ({backend})",
            report.checks
        )?;
        return not_run_note(out);
    }
    writeln!(
        out,
        "self-test: FAIL, {} of {} checks failed ({backend})",
        failed.len(),
        report.checks
    )?;
    for name in &failed {
        writeln!(out, "  failed: {name}")?;
    }
    not_run_note(out)?;
    writeln!(
        out,
        "  Lift every probe off the card and run it again; if it still fails, check that line's wire, series resistor and solder joints."
    )
}

/// `jig safe`'s report.
pub fn safe(out: &mut impl Write, backend: &str, as_json: bool) -> io::Result<()> {
    if as_json {
        return write_json(out, &json!({ "safe": true, "backend": backend }));
    }
    writeln!(
        out,
        "every jig line is an input (high impedance) ({backend})"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        f(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn report(verdict: Verdict) -> ProbeReport {
        ProbeReport {
            verdict,
            samples: 10,
            contact_hits: 3,
            duration_us: 1,
        }
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
            let (line, todo) = verdict_text(&report(verdict));
            assert!(line.starts_with(verdict.name()), "{line}");
            assert_eq!(line.contains("PASS"), verdict.is_pass());
            assert!(!todo.is_empty());
            assert!(line.is_ascii() && todo.is_ascii());
        }
    }

    #[test]
    fn pin13_is_placed_in_the_one_wording_without_nested_parentheses() {
        let (_, todo) = verdict_text(&report(Verdict::Connected));
        assert_eq!(
            todo,
            "The tape does not cover pin 13 (top face, the one with the antenna connectors; pin 1 is \
             the lone contact beside the key notch; pin 13 is the 7th contact counting pin 1). \
             Re-tape it and probe again."
        );
        assert!(!PIN13_WHERE.contains('('));
    }

    #[test]
    fn a_powered_card_is_told_to_be_unpowered_not_to_retape() {
        let cfg = ProbeConfig::DEFAULT;
        for verdict in [
            Verdict::Intermittent,
            Verdict::StuckHigh,
            Verdict::Connected,
        ] {
            let t = text(|o| {
                probe(
                    o,
                    &report(verdict),
                    &cfg,
                    "sim:powered-open seed 1",
                    true,
                    None,
                    false,
                )
            });
            assert!(t.contains("must be unpowered for a probe"), "{t}");
            assert!(!t.contains("thin, torn or lifting"), "{t}");
            assert!(!t.contains("Re-tape"), "{t}");
        }
        let t = text(|o| {
            probe(
                o,
                &report(Verdict::Intermittent),
                &cfg,
                "x",
                false,
                None,
                false,
            )
        });
        assert!(t.contains("thin, torn or lifting"), "{t}");
    }

    #[test]
    fn ohms_read_in_three_digits_and_ascii() {
        assert_eq!(fmt_ohms(850.0), "850 ohm");
        assert_eq!(fmt_ohms(4_699.4), "4.7 kohm");
        assert_eq!(fmt_ohms(30_766.0), "30.8 kohm");
        assert_eq!(fmt_ohms(470_000.0), "470 kohm");
        assert_eq!(fmt_ohms(13_846_117.0), "13.8 Mohm");
        assert_eq!(fmt_ohms(1_000_000.0), "1 Mohm");
    }

    #[test]
    fn a_self_test_without_pull_downs_says_which_checks_it_did_not_run() {
        let r = SelfTestReport {
            checks: 10,
            failed: 0,
        };
        let t = text(|o| self_test(o, &r, "serial:/dev/ttyACM0 pico2 0.1.0", false));
        assert_eq!(
            t,
            "self-test: PASS, all 10 checks passed (serial:/dev/ttyACM0 pico2 0.1.0)\n  6 checks need an internal pull-down and were not run: this board never enables one (RP2350 erratum E9).\n"
        );
        let v: Value = serde_json::from_str(&text(|o| self_test(o, &r, "x", true))).unwrap();
        assert_eq!(v["not_run"].as_array().unwrap().len(), 6);
        assert_eq!(v["not_run"][0], jig_core::selftest::CHECKS[1]);
        let full = SelfTestReport {
            checks: 16,
            failed: 0,
        };
        let t = text(|o| self_test(o, &full, "x", false));
        assert_eq!(t, "self-test: PASS, all 16 checks passed (x)\n");
    }

    #[test]
    fn self_test_fail_says_how_many_failed() {
        let r = SelfTestReport {
            checks: 16,
            failed: 0b11 << 10,
        };
        let t = text(|o| self_test(o, &r, "sim:open seed 1", false));
        assert!(
            t.starts_with("self-test: FAIL, 2 of 16 checks failed (sim:open seed 1)\n"),
            "{t}"
        );
        assert!(
            t.contains("  failed: SENSE stays low while DRIVE is released with its pull-up"),
            "{t}"
        );
        let ok = SelfTestReport {
            checks: 16,
            failed: 0,
        };
        let t = text(|o| self_test(o, &ok, "b", false));
        assert_eq!(t, "self-test: PASS, all 16 checks passed (b)\n");
    }

    #[test]
    fn no_text_nests_parentheses() {
        let depth_ok = |t: &str| {
            let mut depth = 0i32;
            t.chars().all(|c| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth <= 1
            })
        };
        let ops = [
            KillOp::Assert,
            KillOp::Release,
            KillOp::Pulse { width_us: 5 },
            KillOp::Toggle {
                period_us: 10,
                count: 2,
            },
            KillOp::Bounce {
                transitions: 2,
                width_us: 3,
                end_asserted: true,
            },
        ];
        for op in ops {
            let r = KillReport {
                op,
                edges: 2,
                left_asserted: false,
                duration_us: 20,
            };
            let t = text(|o| kill(o, &r, None, None, "serial:/dev/pts/3 emulator 0.1.0", false));
            assert!(depth_ok(&t), "{t}");
        }
        let t = text(|o| safe(o, "rpi DRIVE BCM 17, SENSE BCM 27, SENSE_REF BCM 22", false));
        assert!(depth_ok(&t), "{t}");
        for v in [Verdict::Connected, Verdict::NoContact, Verdict::StuckHigh] {
            let t = text(|o| {
                probe(
                    o,
                    &report(v),
                    &ProbeConfig::DEFAULT,
                    "sim:open seed 1",
                    false,
                    Some(Some(Pull::Strong)),
                    false,
                )
            });
            assert!(depth_ok(&t), "{t}");
        }
        for pull in [Pull::Weak, Pull::Strong] {
            assert!(depth_ok(pull_text(pull)), "{pull:?}");
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
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys[0], "op");
        assert_eq!(keys.last(), Some(&"card"));
    }
}
