//! `pin13 diagnose [SELECTOR]... [--json]`: for every selected radio, the
//! cause of its block, the evidence and the next step.
//!
//! The decision is pure ([`classify`]), the words are [`crate::render::diagnose`]; this
//! file loads the inventory (device, sysfs fallback or `--replay`), selects,
//! renders and picks the exit status (0 nothing blocked, 3 soft only, 4 hard).
#![forbid(unsafe_code)]

use crate::context::Context;
use crate::error::Error;
use crate::exit::Status;

use crate::model::classify::{self, exit_status};
use crate::render::diagnose::{render_human, render_json};

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

    /// Print JSON: {"devices": [{"id", "device", "type", "soft", "hard", "reasons",
    /// "driver", "bus", "pci_id", "rf_kill", "cause", "advice", "root", ...}],
    /// "source", "result"}
    #[arg(long, short = 'J')]
    pub json: bool,
}

pub fn run(ctx: &Context, args: &DiagnoseArgs) -> Result<Status, Error> {
    let root = crate::sys::os::is_root();
    let (text, status) = report(ctx, args, root, &mut |n| crate::render::table::note(n))?;
    crate::render::table::emit(&mut std::io::stdout().lock(), &text)?;
    Ok(status)
}

/// `diagnose`'s report (human or JSON) and exit status, for a user who is
/// root or not (`root`: the human advice says `sudo` for the commands that
/// need it only when not). `note` gets where the answer comes from when it
/// is not the device, before anything else can fail.
pub fn report(
    ctx: &Context,
    args: &DiagnoseArgs,
    root: bool,
    note: &mut dyn FnMut(&str),
) -> Result<(String, Status), Error> {
    let inv = crate::model::inventory::load(ctx)?;
    for n in inv.notes() {
        note(&n);
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
        crate::render::advice::for_user(&render_human(&findings, &selected), root)
    };
    Ok((out, exit_status(&findings, &selected)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::classify::classify;
    use crate::model::inventory::Source;
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
                "\nBoth hard blocks come from tpacpi_bluetooth_sw (rfkill 0): start there.\n"
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

    /// The advice of the real command on a fixture machine, as root and not:
    /// only the commands that need root get `sudo`, and JSON never does.
    #[test]
    fn advice_says_sudo_only_when_not_root() {
        let ctx = Context {
            rfkill_dev: "/nonexistent/rfkill".into(),
            sysfs: crate::sys::sysfs::Sysfs::new(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../tests/fixtures/sysfs/ipw2200-taped-softblock"),
            ),
            replay: None,
        };
        let human = DiagnoseArgs {
            selectors: vec![],
            json: false,
        };
        let mut notes = Vec::new();
        let mut note = |n: &str| notes.push(n.to_string());
        let (as_root, st) = report(&ctx, &human, true, &mut note).unwrap();
        assert_eq!(st, Status::SoftBlocked);
        assert!(
            as_root.contains("1. Lift the soft block: `pin13 unblock phy0`."),
            "{as_root}"
        );
        assert!(!as_root.contains("sudo pin13"), "{as_root}");
        let as_user = report(&ctx, &human, false, &mut note).unwrap().0;
        assert!(
            as_user.contains("1. Lift the soft block: `sudo pin13 unblock phy0`."),
            "{as_user}"
        );
        assert_eq!(as_user.replace("`sudo pin13 ", "`pin13 "), as_root);
        let json = DiagnoseArgs {
            selectors: vec![],
            json: true,
        };
        assert_eq!(
            report(&ctx, &json, false, &mut note).unwrap().0,
            report(&ctx, &json, true, &mut note).unwrap().0
        );
        assert_eq!(notes.len(), 4);
        assert!(
            notes[0].contains("showing the state from sysfs"),
            "{notes:?}"
        );
    }
}
