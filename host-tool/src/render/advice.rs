//! Plain-words text for a [`Finding`]: the verdict line and the next steps.
//! Pure; the wording is what a laptop owner reads, the JSON `cause` is what
//! scripts read.
#![forbid(unsafe_code)]

use crate::model::classify::{Cause, Finding};
use crate::model::hardware::{switch_hint, FormFactor, Role, RF_KILL_SW};

/// How to name a device on the `pin13` command line: its name when that is
/// unambiguous, else its index.
pub fn selector(f: &Finding, all: &[Finding]) -> String {
    let name = f.device.as_str();
    let unique = !name.is_empty() && all.iter().filter(|o| o.device == name).count() == 1;
    let looks_like_other = name.bytes().all(|b| b.is_ascii_digit())
        || crate::sys::RfkillType::from_user_name(name).is_some();
    if unique && !looks_like_other {
        name.to_string()
    } else {
        f.id.to_string()
    }
}

/// `phy0` or `rfkill3` when the name is unknown.
pub fn shown_name(f: &Finding) -> String {
    crate::model::inventory::radio_name(f.id, &f.device)
}

/// The verdict: what is wrong, in one line (without the device label).
pub fn verdict(f: &Finding, all: &[Finding]) -> String {
    match f.cause {
        Cause::None => "OK, not blocked".into(),
        Cause::Soft => "soft-blocked (by software; pin13 can lift it)".into(),
        Cause::CardKillLine => format!(
            "HARD-BLOCKED by the card's own kill line ({})",
            f.hw.form.kill_input()
        ),
        Cause::PlatformSwitch => match root_of(f, all) {
            Some(r) if r.id != f.id => format!(
                "HARD-BLOCKED, held by the platform switch {} (rfkill {})",
                shown_name(r),
                r.id
            ),
            _ => match &f.hw.driver {
                Some(d) => format!("HARD-BLOCKED by the platform switch ({d})"),
                None => "HARD-BLOCKED by the platform switch".into(),
            },
        },
        Cause::NotOwner => "HARD-BLOCKED: firmware (Intel CSME/AMT) owns the card".into(),
        Cause::UnknownHard => "HARD-BLOCKED, cause unknown".into(),
    }
}

fn root_of<'a>(f: &Finding, all: &'a [Finding]) -> Option<&'a Finding> {
    f.root.and_then(|id| all.iter().find(|o| o.id == id))
}

/// The next steps, in order, in plain words.
/// The commands of the advice that need root (write access to /dev/rfkill).
const ROOT_COMMANDS: [&str; 3] = ["`pin13 unblock ", "`pin13 block ", "`pin13 toggle "];

/// `text` for the user running pin13: a command that needs root is shown
/// with `sudo` unless pin13 already runs as root.
pub fn for_user(text: &str, root: bool) -> String {
    if root {
        return text.to_string();
    }
    let mut out = text.to_string();
    for c in ROOT_COMMANDS {
        out = out.replace(c, &format!("`sudo {}", &c[1..]));
    }
    out
}

pub fn advice(f: &Finding, all: &[Finding]) -> Vec<String> {
    let me = selector(f, all);
    let mut steps = Vec::new();
    match f.cause {
        Cause::None => {}
        Cause::Soft => {
            if f.hw.role == Role::Platform && f.hw.driver.is_some() {
                steps.push(format!(
                    "Lift the soft block: `pin13 unblock {me}` (or the hotkey {} listens to).",
                    f.hw.driver.as_deref().unwrap_or("the driver")
                ));
            } else {
                steps.push(format!("Lift the soft block: `pin13 unblock {me}`."));
            }
        }
        Cause::CardKillLine => card_kill_line(f, &me, &mut steps),
        Cause::PlatformSwitch => match root_of(f, all) {
            Some(r) if r.id != f.id => {
                let rsel = selector(r, all);
                if r.hard {
                    steps.push(format!(
                        "Turn on the platform switch {} first; this card follows it. {}",
                        shown_name(r),
                        switch_hint(r.hw.driver.as_deref())
                    ));
                    steps.push(
                        "Do not tape the card for this: its kill line is driven by the switch. If the card stays hard-blocked once the switch is on, run `pin13 diagnose` again."
                            .into(),
                    );
                } else {
                    steps.push(format!(
                        "Lift the platform switch's soft block first: `pin13 unblock {rsel}`; its driver then releases this card's kill line."
                    ));
                    steps.push("Then run `pin13 diagnose` again.".into());
                }
            }
            _ => {
                steps.push(switch_hint(f.hw.driver.as_deref()));
                steps.push(
                    "Software cannot lift a hard block (`pin13 unblock` will not help). If there is no switch, enable wireless in the BIOS setup."
                        .into(),
                );
            }
        },
        Cause::NotOwner => {
            steps.push(
                "Intel CSME/AMT firmware holds the card right now: end any AMT remote session, or let the host take it back after boot."
                    .into(),
            );
            steps.push(
                "To stop it, disable AMT/ME wireless management in the BIOS or Intel MEBx (Ctrl+P at boot). Taping pins does not help here."
                    .into(),
            );
        }
        Cause::UnknownHard => {
            steps.push(
                "Try every wireless switch and Fn key, and check that wireless is enabled in the BIOS setup."
                    .into(),
            );
            steps.push(
                "Run `pin13 watch` while you do: the device that changes is the one holding the block."
                    .into(),
            );
            steps.push("If nothing helps, attach `pin13 snapshot` output to a report.".into());
        }
    }
    // Leftovers that matter once the main cause is gone.
    if f.cause.is_hard() && f.soft {
        steps.push(format!(
            "It is soft-blocked too: once the hard block is gone, run `pin13 unblock {me}`."
        ));
    }
    if let (Some(rk), Some(path)) = (f.hw.rf_kill, f.hw.path.as_deref()) {
        if rk & RF_KILL_SW != 0 {
            let drv = f.hw.driver.as_deref().unwrap_or("ipw2x00");
            steps.push(format!(
                "{drv}'s own software kill is on (rf_kill bit 0x1, e.g. module option disable=1): clear it with `echo 0 | sudo tee /sys/{path}/rf_kill`."
            ));
        }
    }
    steps
}

fn card_kill_line(f: &Finding, me: &str, steps: &mut Vec<String>) {
    steps.push(
        "Try the laptop's wireless switch or Fn key once, and check that wireless is enabled in the BIOS setup."
            .into(),
    );
    match f.hw.form {
        FormFactor::MiniPci => {
            steps.push(format!(
                "If it stays hard-blocked, the laptop holds pin 13 of the mini-PCI card active: take the card out and cover pin 13 ({}) with a strip of thin tape. The card's own pull-up then keeps the kill line inactive.",
                crate::render::words::PIN13_WHERE
            ));
            steps.push(
                "Check the tape on the bench with `pin13 jig probe` before the card goes back in."
                    .into(),
            );
            steps.push(format!(
                "Back in the laptop, run `pin13 verify {me}` and press the kill switch while it watches."
            ));
        }
        FormFactor::MiniPcie => {
            steps.push(
                "If it stays hard-blocked, the laptop holds the card's W_DISABLE# input (pin 20 of a mini PCIe card) active: cover pin 20 with a strip of thin tape."
                    .into(),
            );
            steps.push(format!(
                "Then run `pin13 verify {me}` and press the kill switch while it watches."
            ));
        }
        FormFactor::Usb => {
            steps.push(
                "If it stays hard-blocked, look for a switch on the adapter itself and plug it in again."
                    .into(),
            );
        }
        FormFactor::Unknown => {
            steps.push(
                "If it stays hard-blocked, the laptop holds the card's kill input active: that is pin 13 on a mini-PCI card and W_DISABLE# (pin 20) on a mini PCIe card; a strip of tape over that pin keeps it inactive."
                    .into(),
            );
            steps.push(format!(
                "Then run `pin13 verify {me}` and press the kill switch while it watches."
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::classify::{classify, Cause};
    use crate::sys::RfkillType;
    use crate::testkit::{node, pci_node, phy, platform, radio};

    fn text(steps: &[String]) -> String {
        steps.join(" ")
    }

    #[test]
    fn ipw2200_kill_line_names_pin_13_the_tape_and_the_jig() {
        let rs = [phy(
            0,
            false,
            true,
            Some(1),
            pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(2)),
        )];
        let fs = classify(&rs);
        assert!(verdict(&fs[0], &fs).contains("mini-PCI pin 13"));
        let a = text(&advice(&fs[0], &fs));
        assert!(a.contains("pin 13"), "{a}");
        assert!(a.contains("tape"), "{a}");
        assert!(a.contains("`pin13 jig probe`"), "{a}");
        assert!(a.contains("`pin13 verify phy0`"), "{a}");
        assert!(!a.contains("pin 20"), "{a}");
    }

    #[test]
    fn mini_pcie_kill_line_names_w_disable_pin_20() {
        let card = node(
            "devices/pci0000:00/0000:00:1c.1/0000:03:00.0",
            Some("pci"),
            Some("iwlwifi"),
        );
        let rs = [phy(0, false, true, Some(1), card)];
        let fs = classify(&rs);
        assert_eq!(fs[0].cause, Cause::CardKillLine);
        let a = text(&advice(&fs[0], &fs));
        assert!(a.contains("W_DISABLE#") && a.contains("pin 20"), "{a}");
        assert!(!a.contains("pin 13"), "{a}");
        assert!(!a.contains("jig"), "{a}");
    }

    #[test]
    fn soft_gives_the_exact_unblock_command() {
        let rs = [
            phy(
                0,
                true,
                false,
                Some(0),
                pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(0)),
            ),
            platform(
                1,
                "acer-wireless",
                "acer-wmi",
                RfkillType::Wlan,
                false,
                false,
                Some(0),
            ),
        ];
        let fs = classify(&rs);
        assert_eq!(
            advice(&fs[0], &fs),
            vec!["Lift the soft block: `pin13 unblock phy0`.".to_string()]
        );
        assert!(advice(&fs[1], &fs).is_empty());
    }

    #[test]
    fn ambiguous_or_missing_names_fall_back_to_the_index() {
        let mut a = phy(
            3,
            true,
            false,
            Some(0),
            pci_node("0000:06:04.0", "ipw2200", 0x4220, None),
        );
        let b = phy(
            4,
            true,
            false,
            Some(0),
            pci_node("0000:06:05.0", "ipw2200", 0x4220, None),
        );
        let fs = classify(&[a.clone(), b]);
        assert_eq!(selector(&fs[0], &fs), "3");
        a.device = String::new();
        let fs = classify(&[a]);
        assert_eq!(selector(&fs[0], &fs), "3");
        assert_eq!(shown_name(&fs[0]), "rfkill3");
        let w = radio(5, "wlan", RfkillType::Wlan, true, false, Some(0), vec![]);
        let fs = classify(&[w]);
        assert_eq!(selector(&fs[0], &fs), "5", "a name that is also a type");
    }

    #[test]
    fn card_held_by_a_switch_points_at_the_switch_not_the_tape() {
        let card = node(
            "devices/pci0000:00/0000:00:1c.1/0000:03:00.0",
            Some("pci"),
            Some("iwl3945"),
        );
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
        assert_eq!(
            verdict(&fs[1], &fs),
            "HARD-BLOCKED, held by the platform switch tpacpi_bluetooth_sw (rfkill 0)"
        );
        let a = text(&advice(&fs[1], &fs));
        assert!(a.contains("ThinkPad: slide the radio switch"), "{a}");
        assert!(a.contains("Do not tape"), "{a}");
        let s = text(&advice(&fs[0], &fs));
        assert!(s.contains("ThinkPad"), "{s}");
        assert!(s.contains("cannot lift a hard block"), "{s}");
    }

    #[test]
    fn soft_blocked_switch_root_gives_its_unblock_command() {
        let rs = [
            platform(
                0,
                "dell-wifi",
                "dell-laptop",
                RfkillType::Wlan,
                true,
                false,
                None,
            ),
            phy(
                1,
                false,
                true,
                None,
                pci_node("0000:03:03.0", "ipw2200", 0x4224, Some(2)),
            ),
        ];
        let fs = classify(&rs);
        let a = text(&advice(&fs[1], &fs));
        assert!(a.contains("`pin13 unblock dell-wifi`"), "{a}");
    }

    #[test]
    fn not_owner_and_unknown_advice() {
        let card = node(
            "devices/pci0000:00/0000:00:14.3",
            Some("pci"),
            Some("iwlwifi"),
        );
        let rs = [phy(0, true, true, Some(2), card)];
        let fs = classify(&rs);
        let a = text(&advice(&fs[0], &fs));
        assert!(a.contains("CSME/AMT") && a.contains("BIOS"), "{a}");
        assert!(
            a.contains("`pin13 unblock phy0`"),
            "soft block left over: {a}"
        );
        let odd = radio(2, "mystery", RfkillType::Wlan, false, true, Some(0), vec![]);
        let fs = classify(&[odd]);
        let a = text(&advice(&fs[0], &fs));
        assert!(
            a.contains("`pin13 watch`") && a.contains("`pin13 snapshot`"),
            "{a}"
        );
    }

    #[test]
    fn ipw_software_kill_gets_a_command_with_the_real_path() {
        let rs = [phy(
            0,
            false,
            false,
            Some(0),
            pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(1)),
        )];
        let fs = classify(&rs);
        let a = text(&advice(&fs[0], &fs));
        assert!(
            a.contains(
                "echo 0 | sudo tee /sys/devices/pci0000:00/0000:00:1e.0/0000:06:04.0/rf_kill"
            ),
            "{a}"
        );
    }

    #[test]
    fn root_commands_get_sudo_unless_root() {
        let t =
            "1. Lift the soft block: `pin13 unblock phy0`.\n2. (`pin13 unblock` will not help)\n";
        assert_eq!(for_user(t, true), t);
        assert_eq!(
            for_user(t, false),
            "1. Lift the soft block: `sudo pin13 unblock phy0`.\n2. (`pin13 unblock` will not help)\n"
        );
    }
}
