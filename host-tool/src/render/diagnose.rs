//! What `pin13 diagnose` prints: per radio the verdict, the evidence and the
//! next steps (words from [`advice`]), or one JSON report.
#![forbid(unsafe_code)]

use serde::Serialize;

use crate::exit::Status;
use crate::model::classify::{exit_status, picked, Cause, Finding};
use crate::model::hardware;
use crate::model::inventory::Source;
use crate::render::{advice, words};

/// The human report: per radio a verdict line, the evidence, the next steps.
pub fn render_human(findings: &[Finding], selected: &[u32]) -> String {
    let sel = picked(findings, selected);
    let mut o = String::new();
    if sel.is_empty() {
        o.push_str(
            "No radios: no rfkill device is registered. If this laptop has a wireless card, \
             load its driver (for a 2200BG: `sudo modprobe ipw2200`) and look at `dmesg`.\n",
        );
        return o;
    }
    for (n, f) in sel.iter().enumerate() {
        if n > 0 {
            o.push('\n');
        }
        o.push_str(&format!(
            "{} (rfkill {}, {}): {}\n",
            advice::shown_name(f),
            f.id,
            f.type_name,
            advice::verdict(f, findings)
        ));
        for (label, value) in evidence_lines(f) {
            o.push_str(&format!("  {label:<9} {value}\n"));
        }
        if f.cause != Cause::None {
            // The rf_kill facts are on the state line already.
            for line in f.evidence.iter().filter(|l| !l.starts_with("rf_kill ")) {
                o.push_str(&format!("  {:<9} {line}\n", "why:"));
            }
        }
        let steps = advice::advice(f, findings);
        if !steps.is_empty() {
            o.push_str("  next:\n");
            for (i, s) in steps.iter().enumerate() {
                o.push_str(&format!("    {}. {s}\n", i + 1));
            }
        }
    }
    if let Some(line) = summary(findings, &sel) {
        o.push('\n');
        o.push_str(&line);
        o.push('\n');
    }
    o
}

/// When several selected radios are hard-blocked by one root, say where to start.
fn summary(findings: &[Finding], sel: &[&Finding]) -> Option<String> {
    let hard: Vec<&&Finding> = sel.iter().filter(|f| f.cause.is_hard()).collect();
    if hard.len() < 2 {
        return None;
    }
    let root = hard[0].root?;
    if hard.iter().any(|f| f.root != Some(root)) {
        return None;
    }
    let r = findings.iter().find(|f| f.id == root)?;
    let all = match hard.len() {
        2 => "Both hard blocks".to_string(),
        n => format!("All {n} hard blocks"),
    };
    Some(format!(
        "{all} come from {} (rfkill {}): start there.",
        advice::shown_name(r),
        r.id
    ))
}

/// `hardware:`, `driver:`, `state:` lines.
fn evidence_lines(f: &Finding) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    let hw = &f.hw;
    let mut what = Vec::new();
    if hw.role == hardware::Role::Platform {
        what.push(match &hw.slot {
            Some(s) => format!("platform switch, device {s}"),
            None => "platform switch".to_string(),
        });
    }
    if let Some(m) = hw.model {
        what.push(m.to_string());
    }
    match hw.form {
        hardware::FormFactor::MiniPci => what.push("mini-PCI card".into()),
        hardware::FormFactor::MiniPcie => what.push("mini PCIe card".into()),
        hardware::FormFactor::Usb => what.push("USB adapter".into()),
        hardware::FormFactor::Unknown => {}
    }
    if let Some(p) = &hw.pci {
        what.push(format!("PCI {}", p.short()));
    }
    if hw.role != hardware::Role::Platform {
        if let Some(slot) = &hw.slot {
            what.push(format!("at {slot}"));
        }
    }
    if !what.is_empty() {
        v.push(("hardware:", what.join(", ")));
    }
    match (&hw.driver, &hw.bus) {
        (Some(d), Some(b)) => v.push(("driver:", format!("{d} (bus {b})"))),
        (Some(d), None) => v.push(("driver:", d.clone())),
        (None, Some(b)) => v.push(("driver:", format!("none bound (bus {b})"))),
        (None, None) => {}
    }
    let mut state = format!(
        "soft {}, hard {}",
        words::blocked(f.soft),
        words::blocked(f.hard)
    );
    // Reasons only matter for a hard block (stale bits can stay set after one).
    match f.reasons {
        Some(r) if r.0 != 0 => state.push_str(&format!(", reasons {}", r.names().join("+"))),
        Some(_) if f.hard => {
            state.push_str(", reasons ");
            state.push_str(crate::render::words::NO_REASON);
        }
        None if f.hard => state.push_str(", reasons not reported (kernel < 5.11)"),
        _ => {}
    }
    if let Some(rk) = hw.rf_kill {
        let what = match rk & 3 {
            0 => "radio on",
            1 => "driver software kill",
            2 => "hardware kill line active",
            _ => "software kill and hardware kill line",
        };
        state.push_str(&format!(", rf_kill {rk} ({what})"));
    }
    v.push(("state:", state));
    v
}

#[derive(Serialize)]
struct JsonDevice {
    id: u32,
    device: String,
    #[serde(rename = "type")]
    type_name: String,
    soft: &'static str,
    hard: &'static str,
    /// Names of the reason bits; null when the kernel does not report them.
    reasons: Option<Vec<String>>,
    driver: Option<String>,
    bus: Option<String>,
    pci_id: Option<String>,
    rf_kill: Option<u8>,
    cause: &'static str,
    advice: String,
    /// rfkill id of the device holding the block (null when not blocked or unknown).
    root: Option<u32>,
    /// `mini-pci`, `mini-pcie`, `usb` or null.
    form_factor: Option<&'static str>,
    card: Option<&'static str>,
    evidence: Vec<String>,
}

#[derive(Serialize)]
struct JsonReport {
    devices: Vec<JsonDevice>,
    /// `rfkill-dev`, `sysfs` or `replay`.
    source: &'static str,
    /// `ok`, `soft-blocked` or `hard-blocked` (the exit status 0/3/4).
    result: &'static str,
}

pub fn source_name(s: &Source) -> &'static str {
    match s {
        Source::Device => "rfkill-dev",
        Source::SysfsFallback { .. } => "sysfs",
        Source::Replay { .. } => "replay",
    }
}

/// The JSON report (one line).
pub fn render_json(findings: &[Finding], selected: &[u32], source: &Source) -> String {
    let devices = picked(findings, selected)
        .into_iter()
        .map(|f| JsonDevice {
            id: f.id,
            device: f.device.clone(),
            type_name: f.type_name.clone(),
            soft: words::blocked(f.soft),
            hard: words::blocked(f.hard),
            reasons: f.reasons.map(|r| r.names()),
            driver: f.hw.driver.clone(),
            bus: f.hw.bus.clone(),
            pci_id: f.hw.pci.map(|p| p.short()),
            rf_kill: f.hw.rf_kill,
            cause: f.cause.name(),
            advice: advice::advice(f, findings).join(" "),
            root: f.root,
            form_factor: f.hw.form.name(),
            card: f.hw.model,
            evidence: f.evidence.clone(),
        })
        .collect();
    let result = match exit_status(findings, selected) {
        Status::HardBlocked => "hard-blocked",
        Status::SoftBlocked => "soft-blocked",
        _ => "ok",
    };
    let report = JsonReport {
        devices,
        source: source_name(source),
        result,
    };
    // Serializing plain strings, numbers and options cannot fail.
    serde_json::to_string(&report).unwrap_or_else(|_| String::from("{}"))
}
