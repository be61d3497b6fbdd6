//! `pin13 diagnose [SELECTOR]... [--json]`: for every selected radio, the
//! cause of its block, the evidence and the next step.
//!
//! The decision is pure ([`classify`]), the words are pure ([`advice`]); this
//! file loads the inventory (device, sysfs fallback or `--replay`), selects,
//! renders and picks the exit status (0 nothing blocked, 3 soft only, 4 hard).
#![forbid(unsafe_code)]

use serde::Serialize;

use crate::context::Context;
use crate::model::inventory::Source;
use crate::render::words;
use crate::{Error, Status};

use crate::model::classify::{self, Cause, Finding};
use crate::model::hardware;
use crate::render::advice;

/// Shown under `pin13 diagnose --help`.
pub const AFTER_HELP: &str = "\
Causes: none, soft, card-kill-line (the card's own kill input: mini-PCI pin 13,
mini PCIe W_DISABLE#), platform-switch (a laptop switch/hotkey driver such as
acer-wmi, dell-rbtn, thinkpad_acpi), not-owner (Intel CSME/AMT owns the card),
unknown-hard.

Exit status: 0 no selected radio blocked, 3 soft-blocked only, 4 some radio
hard-blocked, 1 error, 2 usage.";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct DiagnoseArgs {
    /// Index, device name (phy0, acer-wireless), type (wlan, wifi, bluetooth, ...)
    /// or `all`. Default: every radio.
    #[arg(value_name = "SELECTOR")]
    pub selectors: Vec<String>,

    /// Print JSON: {"devices":[{"id","device","type","soft","hard","reasons","driver",
    /// "bus","pci_id","rf_kill","cause","advice","root",...}],"source","result"}
    #[arg(long, short = 'J')]
    pub json: bool,
}

pub fn run(ctx: &Context, args: &DiagnoseArgs) -> Result<Status, Error> {
    let inv = crate::model::inventory::load(ctx)?;
    if let Some(n) = inv.notice() {
        crate::render::table::note(&n);
    }
    let sels = crate::model::select::parse_all(&args.selectors, &inv.radios)?;
    let selected: Vec<u32> = crate::model::select::filter(&sels, &inv.radios)
        .iter()
        .map(|r| r.id)
        .collect();
    let findings = classify::classify(&inv.radios);
    let out = if args.json {
        let mut s = render_json(&findings, &selected, &inv.source);
        s.push('\n');
        s
    } else {
        render_human(&findings, &selected)
    };
    crate::render::table::emit(&mut std::io::stdout().lock(), &out)?;
    Ok(exit_status(&findings, &selected))
}

fn picked<'a>(findings: &'a [Finding], selected: &[u32]) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| selected.contains(&f.id))
        .collect()
}

/// 4 if a selected radio is hard-blocked, 3 if one is soft-blocked, else 0.
pub fn exit_status(findings: &[Finding], selected: &[u32]) -> Status {
    let sel = picked(findings, selected);
    if sel.iter().any(|f| f.hard) {
        Status::HardBlocked
    } else if sel.iter().any(|f| f.soft) {
        Status::SoftBlocked
    } else {
        Status::Success
    }
}

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
    Some(format!(
        "All {} hard blocks come from {} (rfkill {}): start there.",
        hard.len(),
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
        Some(_) if f.hard => state.push_str(", reasons 0x0"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::classify::classify;
    use crate::sys::RfkillType;
    use crate::testkit::{pci_node, phy, platform};

    #[test]
    fn exit_status_counts_only_selected_radios() {
        let rs = [
            phy(
                0,
                false,
                true,
                Some(1),
                pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(2)),
            ),
            platform(
                1,
                "acer-wireless",
                "acer-wmi",
                RfkillType::Wlan,
                true,
                false,
                Some(0),
            ),
            platform(
                2,
                "acer-bluetooth",
                "acer-wmi",
                RfkillType::Bluetooth,
                false,
                false,
                Some(0),
            ),
        ];
        let fs = classify(&rs);
        assert_eq!(exit_status(&fs, &[0, 1, 2]), Status::HardBlocked);
        assert_eq!(exit_status(&fs, &[1, 2]), Status::SoftBlocked);
        assert_eq!(exit_status(&fs, &[2]), Status::Success);
        assert_eq!(exit_status(&fs, &[]), Status::Success);
    }

    #[test]
    fn json_has_the_stable_keys_in_order() {
        let rs = [phy(
            0,
            false,
            true,
            Some(1),
            pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(2)),
        )];
        let fs = classify(&rs);
        let s = render_json(&fs, &[0], &Source::Device);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        let d = &v["devices"][0];
        let keys: Vec<&str> = d.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            &keys[..12],
            [
                "id", "device", "type", "soft", "hard", "reasons", "driver", "bus", "pci_id",
                "rf_kill", "cause", "advice"
            ]
        );
        assert_eq!(d["id"], 0);
        assert_eq!(d["hard"], "blocked");
        assert_eq!(d["soft"], "unblocked");
        assert_eq!(d["reasons"], serde_json::json!(["signal"]));
        assert_eq!(d["pci_id"], "8086:4220");
        assert_eq!(d["rf_kill"], 2);
        assert_eq!(d["cause"], "card-kill-line");
        assert_eq!(d["root"], 0);
        assert_eq!(d["form_factor"], "mini-pci");
        assert!(d["advice"].as_str().unwrap().contains("pin 13"));
        assert_eq!(v["source"], "rfkill-dev");
        assert_eq!(v["result"], "hard-blocked");
    }

    #[test]
    fn json_reasons_null_before_5_11() {
        let rs = [phy(
            0,
            false,
            true,
            None,
            pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(2)),
        )];
        let fs = classify(&rs);
        let v: serde_json::Value =
            serde_json::from_str(&render_json(&fs, &[0], &Source::Device)).unwrap();
        assert!(v["devices"][0]["reasons"].is_null());
    }

    #[test]
    fn human_report_has_verdict_evidence_and_steps() {
        let rs = crate::testkit::ipw2200_beside_acer();
        let fs = classify(&rs);
        let h = render_human(&fs, &[0, 1]);
        let lines: Vec<&str> = h.lines().collect();
        assert_eq!(
            lines[0],
            "phy0 (rfkill 0, wlan): HARD-BLOCKED by the card's own kill line (mini-PCI pin 13)"
        );
        assert!(h.contains("  hardware: Intel PRO/Wireless 2200BG, mini-PCI card, PCI 8086:4220, at 0000:06:04.0\n"), "{h}");
        assert!(h.contains("  driver:   ipw2200 (bus pci)\n"), "{h}");
        assert!(h.contains("  state:    soft unblocked, hard blocked, reasons signal, rf_kill 2 (hardware kill line active)\n"), "{h}");
        assert!(h.contains("    1. Try the laptop's wireless switch"), "{h}");
        assert!(h.contains("acer-wireless (rfkill 1, wlan): OK, not blocked\n  hardware: platform switch, device acer-wmi\n  driver:   acer-wmi (bus platform)\n"), "{h}");
        // A free radio gets no advice block.
        assert_eq!(h.matches("next:").count(), 1);
    }

    #[test]
    fn one_root_for_several_blocks_is_summed_up() {
        let card = pci_node("0000:03:00.0", "iwl3945", 0x4222, None);
        let rs = [
            platform(
                0,
                "tpacpi_bluetooth_sw",
                "thinkpad_acpi",
                RfkillType::Bluetooth,
                false,
                true,
                Some(1),
            ),
            phy(1, false, true, Some(1), card),
        ];
        let fs = classify(&rs);
        let h = render_human(&fs, &[0, 1]);
        assert!(
            h.ends_with(
                "\nAll 2 hard blocks come from tpacpi_bluetooth_sw (rfkill 0): start there.\n"
            ),
            "{h}"
        );
        // One radio selected, or different roots: no summary.
        assert!(!render_human(&fs, &[1]).contains("All "));
        let rs = [
            phy(
                0,
                false,
                true,
                Some(1),
                pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(2)),
            ),
            radio_with_id_1_hard_unknown(),
        ];
        let fs = classify(&rs);
        assert!(!render_human(&fs, &[0, 1]).contains("All "));
    }

    fn radio_with_id_1_hard_unknown() -> crate::model::inventory::Radio {
        crate::testkit::radio(1, "mystery", RfkillType::Wlan, false, true, Some(0), vec![])
    }

    #[test]
    fn no_radios_says_what_to_do() {
        let h = render_human(&[], &[]);
        assert!(h.contains("modprobe ipw2200"));
    }
}
