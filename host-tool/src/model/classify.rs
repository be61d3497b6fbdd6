//! Pure classification: for every radio, who holds its block.
//!
//! Input is the inventory (every radio, not only the selected ones: a card's
//! hard block can be rooted in a platform switch the user did not select).
//! No I/O here; tests build [`Radio`] values by hand.
//!
//! Rules, in order, for a hard-blocked radio (see docs in
//! shared reference rfkill.md §2.4, §3):
//! 1. reason `not-owner` → [`Cause::NotOwner`] (Intel CSME/AMT owns the card).
//! 2. the radio is a platform switch (parent on platform/acpi/wmi, or a known
//!    platform driver) → [`Cause::PlatformSwitch`], root = itself.
//! 3. the radio is a card (parent on pci/usb/sdio/...) and some platform
//!    switch is hard-blocked (same type preferred) → [`Cause::PlatformSwitch`],
//!    root = that switch: laptop switches hold every radio and the card's kill
//!    line follows them. A soft-blocked platform switch of the same type counts
//!    too (its driver powers the line off, e.g. dell-wifi / acer-wireless).
//! 4. a card with reason `signal`, or ipw2x00 `rf_kill` bit 0x2, or no reasons
//!    at all (kernel < 5.11, decided from the parent bus) →
//!    [`Cause::CardKillLine`].
//! 5. anything else (a card with hard=1 and reasons 0x0, or hardware we cannot
//!    place) → [`Cause::UnknownHard`].
#![forbid(unsafe_code)]

use crate::exit::Status;
use crate::model::hardware::{hardware, Hardware, Role, RF_KILL_HW, RF_KILL_SW};
use crate::model::inventory::Radio;
use crate::sys::{Reasons, RfkillType};

/// Why a radio is (not) usable. The names are the stable JSON values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Not blocked: the radio is usable.
    None,
    /// Only soft-blocked: software can lift it (`pin13 unblock`).
    Soft,
    /// Hard block raised by the card's own kill input (mini-PCI pin 13,
    /// mini PCIe W_DISABLE#).
    CardKillLine,
    /// Hard block held by a platform/ACPI/WMI switch.
    PlatformSwitch,
    /// Firmware (Intel CSME/AMT) owns the card.
    NotOwner,
    /// Hard-blocked, and nothing tells by what.
    UnknownHard,
}

impl Cause {
    pub fn name(self) -> &'static str {
        match self {
            Cause::None => "none",
            Cause::Soft => "soft",
            Cause::CardKillLine => "card-kill-line",
            Cause::PlatformSwitch => "platform-switch",
            Cause::NotOwner => "not-owner",
            Cause::UnknownHard => "unknown-hard",
        }
    }

    pub fn is_hard(self) -> bool {
        matches!(
            self,
            Cause::CardKillLine | Cause::PlatformSwitch | Cause::NotOwner | Cause::UnknownHard
        )
    }
}

/// The verdict for one radio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub id: u32,
    pub device: String,
    pub kind: RfkillType,
    pub type_name: String,
    pub soft: bool,
    pub hard: bool,
    /// `None` when the kernel does not report reasons (< 5.11).
    pub reasons: Option<Reasons>,
    pub hw: Hardware,
    pub cause: Cause,
    /// The rfkill id of the device that holds this block (itself for a card's
    /// own kill line or a platform switch; the switch for a card it holds).
    pub root: Option<u32>,
    /// Why this cause, in plain words (one fact per line).
    pub evidence: Vec<String>,
}

impl Finding {
    pub fn blocked(&self) -> bool {
        self.soft || self.hard
    }
}

/// A short label for a device in evidence lines: `tpacpi_bluetooth_sw (rfkill 0, thinkpad_acpi)`.
fn label(r: &Radio, hw: &Hardware) -> String {
    match &hw.driver {
        Some(d) => format!("{} (rfkill {}, {d})", r.name(), r.id),
        None => format!("{} (rfkill {})", r.name(), r.id),
    }
}

/// Classify every radio of the inventory.
pub fn classify(radios: &[Radio]) -> Vec<Finding> {
    let hws: Vec<Hardware> = radios
        .iter()
        .map(|r| hardware(&r.device, r.sys.as_ref()))
        .collect();
    radios
        .iter()
        .zip(&hws)
        .map(|(r, hw)| classify_one(r, hw, radios, &hws))
        .collect()
}

fn classify_one(r: &Radio, hw: &Hardware, all: &[Radio], hws: &[Hardware]) -> Finding {
    let mut evidence = Vec::new();
    let reasons = r.reasons;
    if let Some(rk) = hw.rf_kill {
        if rk & RF_KILL_HW != 0 {
            evidence.push(format!(
                "rf_kill {rk}: the card reports its hardware kill line active"
            ));
        }
        if rk & RF_KILL_SW != 0 {
            evidence.push(format!(
                "rf_kill {rk}: the {} driver's own software kill is on (not the rfkill soft block)",
                hw.driver.as_deref().unwrap_or("ipw2x00")
            ));
        }
    }

    let (cause, root) = if !r.hard {
        if r.soft {
            (Cause::Soft, Some(r.id))
        } else {
            (Cause::None, None)
        }
    } else if reasons.is_some_and(|x| x.not_owner()) {
        evidence.push("reason not-owner: firmware (Intel CSME/AMT) owns the device".into());
        (Cause::NotOwner, Some(r.id))
    } else if hw.role == Role::Platform {
        evidence.push(platform_evidence(hw, reasons));
        (Cause::PlatformSwitch, Some(r.id))
    } else if let Some((i, why)) = platform_root(r, all, hws) {
        evidence.push(why);
        if r.reasons.is_some_and(|x| x.signal()) {
            evidence
                .push("reason signal: the card's kill line is active, following the switch".into());
        }
        (Cause::PlatformSwitch, Some(all[i].id))
    } else if hw.role == Role::Card {
        let line = hw.rf_kill.is_some_and(|k| k & RF_KILL_HW != 0);
        match reasons {
            Some(x) if x.signal() => {
                evidence.push(
                    "reason signal on the card's own rfkill device: its kill input is active"
                        .into(),
                );
                (Cause::CardKillLine, Some(r.id))
            }
            None => {
                evidence.push(if line {
                    "no hard_block_reasons (kernel before 5.11): decided from rf_kill, the card's own reading of its kill line".to_string()
                } else {
                    format!(
                        "no hard_block_reasons (kernel before 5.11): decided from the parent bus ({}); a card's hard block is its kill input",
                        hw.bus.as_deref().unwrap_or("radio device")
                    )
                });
                (Cause::CardKillLine, Some(r.id))
            }
            Some(x) if line => {
                evidence.push(format!(
                    "reasons 0x{:x}, but rf_kill says the card's kill line is active",
                    x.0
                ));
                (Cause::CardKillLine, Some(r.id))
            }
            Some(x) => {
                evidence.push(format!(
                    "hard=1 with reasons 0x{:x}: the driver set the state directly (rfkill_set_states) and does not say why",
                    x.0
                ));
                (Cause::UnknownHard, None)
            }
        }
    } else {
        match reasons {
            Some(x) if x.signal() => evidence
                .push("reason signal: a kill line or switch, but sysfs does not show whose".into()),
            Some(x) => evidence.push(format!(
                "hard=1 with reasons 0x{:x}: the driver does not say why",
                x.0
            )),
            None => evidence
                .push("the kernel reports no reasons and sysfs does not show the hardware".into()),
        }
        (Cause::UnknownHard, None)
    };

    Finding {
        id: r.id,
        device: r.device.clone(),
        kind: r.kind,
        type_name: r.type_name.clone(),
        soft: r.soft,
        hard: r.hard,
        reasons,
        hw: hw.clone(),
        cause,
        root,
        evidence,
    }
}

fn platform_evidence(hw: &Hardware, reasons: Option<Reasons>) -> String {
    let what = match (&hw.driver, &hw.bus) {
        (Some(d), Some(b)) => format!("a platform switch: driver {d} on the {b} bus"),
        (Some(d), None) => format!("a platform switch: driver {d}"),
        (None, Some(b)) => format!("a platform switch on the {b} bus"),
        (None, None) => "a platform switch (by its name)".to_string(),
    };
    match reasons {
        Some(Reasons(0)) => format!(
            "{what}; hard=1 with no reason given (unspecified): the driver sets the state directly (rfkill_set_states), as laptop switches do"
        ),
        Some(x) if x.signal() => format!("{what}; reason signal: the switch is off"),
        Some(x) => format!("{what}; reasons 0x{:x}", x.0),
        None => format!("{what}; no reasons (kernel before 5.11)"),
    }
}

/// A platform switch that holds this card's hard block: a hard-blocked switch
/// (same type first, then any: laptop radio switches block every radio), else
/// a soft-blocked switch of the same type (its driver powers the kill line).
fn platform_root(r: &Radio, all: &[Radio], hws: &[Hardware]) -> Option<(usize, String)> {
    let platforms = || {
        all.iter()
            .enumerate()
            .filter(move |(i, p)| p.id != r.id && hws[*i].role == Role::Platform)
    };
    if let Some((i, p)) = platforms().find(|(_, p)| p.hard && p.kind == r.kind) {
        return Some((
            i,
            format!(
                "the platform switch {} is hard-blocked too: it is the root, the card follows it",
                label(p, &hws[i])
            ),
        ));
    }
    if let Some((i, p)) = platforms().find(|(_, p)| p.hard) {
        return Some((
            i,
            format!(
                "the {} platform switch {} is hard-blocked too: a laptop radio switch holds every radio, the card follows it",
                p.type_name,
                label(p, &hws[i])
            ),
        ));
    }
    if let Some((i, p)) = platforms().find(|(_, p)| p.soft && p.kind == r.kind) {
        return Some((
            i,
            format!(
                "the platform switch {} is soft-blocked: its driver turns the card's kill line on",
                label(p, &hws[i])
            ),
        ));
    }
    None
}

/// The findings of the selected radios, in inventory order.
pub fn picked<'a>(findings: &'a [Finding], selected: &[u32]) -> Vec<&'a Finding> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::hardware::FormFactor;
    use crate::testkit::*;

    fn one(radios: &[Radio], id: u32) -> Finding {
        classify(radios).into_iter().find(|f| f.id == id).unwrap()
    }

    #[test]
    fn ipw2200_kill_line_beside_a_free_acer_switch() {
        let rs = ipw2200_beside_acer();
        let f = one(&rs, 0);
        assert_eq!(f.cause, Cause::CardKillLine);
        assert_eq!(f.root, Some(0));
        assert_eq!(f.hw.role, Role::Card);
        assert_eq!(f.hw.form, FormFactor::MiniPci);
        assert_eq!(f.hw.model, Some("Intel PRO/Wireless 2200BG"));
        assert_eq!(f.hw.pci.unwrap().short(), "8086:4220");
        assert_eq!(f.hw.rf_kill, Some(2));
        assert_eq!(f.hw.slot.as_deref(), Some("0000:06:04.0"));
        let acer = one(&rs, 1);
        assert_eq!(acer.cause, Cause::None);
        assert_eq!(acer.hw.role, Role::Platform);
        assert_eq!(acer.root, None);
    }

    #[test]
    fn soft_only_is_soft_whatever_the_hardware() {
        let rs = [phy(
            0,
            true,
            false,
            Some(0),
            pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(0)),
        )];
        assert_eq!(one(&rs, 0).cause, Cause::Soft);
        let rs = [platform(
            3,
            "dell-wifi",
            "dell-laptop",
            RfkillType::Wlan,
            true,
            false,
            None,
        )];
        assert_eq!(one(&rs, 3).cause, Cause::Soft);
    }

    #[test]
    fn platform_switch_is_the_root_of_a_card_it_holds() {
        let card = node(
            "devices/pci0000:00/0000:00:1c.1/0000:03:00.0",
            Some("pci"),
            Some("iwl3945"),
        );
        let rs = [
            platform(
                0,
                "tpacpi_wlan_sw",
                "thinkpad_acpi",
                RfkillType::Wlan,
                false,
                true,
                Some(1),
            ),
            phy(1, false, true, Some(1), card),
        ];
        let sw = one(&rs, 0);
        assert_eq!(sw.cause, Cause::PlatformSwitch);
        assert_eq!(sw.root, Some(0));
        let c = one(&rs, 1);
        assert_eq!(c.cause, Cause::PlatformSwitch);
        assert_eq!(c.root, Some(0), "the switch, not the card, is the root");
        assert_eq!(c.hw.form, FormFactor::MiniPcie);
        assert!(
            c.evidence
                .iter()
                .any(|e| e.contains("tpacpi_wlan_sw (rfkill 0, thinkpad_acpi)")),
            "{:?}",
            c.evidence
        );
    }

    #[test]
    fn same_type_switch_is_preferred_over_another_type() {
        let card = pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(2));
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
            platform(
                1,
                "dell-wifi",
                "dell-laptop",
                RfkillType::Wlan,
                false,
                true,
                Some(1),
            ),
            phy(2, false, true, Some(1), card.clone()),
        ];
        assert_eq!(one(&rs, 2).root, Some(1));
        // Only another type: still the root (a radio switch blocks every radio).
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
            phy(2, false, true, Some(1), card),
        ];
        let f = one(&rs, 2);
        assert_eq!((f.cause, f.root), (Cause::PlatformSwitch, Some(0)));
    }

    #[test]
    fn soft_blocked_platform_switch_of_the_same_type_holds_the_card() {
        let rs = [
            platform(
                0,
                "dell-wifi",
                "dell-laptop",
                RfkillType::Wlan,
                true,
                false,
                Some(0),
            ),
            phy(
                1,
                false,
                true,
                Some(1),
                pci_node("0000:03:03.0", "ipw2200", 0x4224, Some(2)),
            ),
        ];
        let f = one(&rs, 1);
        assert_eq!((f.cause, f.root), (Cause::PlatformSwitch, Some(0)));
        // A soft-blocked switch of ANOTHER type does not.
        let rs = [
            platform(
                0,
                "dell-bluetooth",
                "dell-laptop",
                RfkillType::Bluetooth,
                true,
                false,
                Some(0),
            ),
            phy(
                1,
                false,
                true,
                Some(1),
                pci_node("0000:03:03.0", "ipw2200", 0x4224, Some(2)),
            ),
        ];
        assert_eq!(one(&rs, 1).cause, Cause::CardKillLine);
    }

    #[test]
    fn dell_rbtn_hard_with_reasons_zero_is_a_platform_switch() {
        let acpi = node(
            "devices/LNXSYSTM:00/LNXSYBUS:00/DELLABCE:00",
            Some("acpi"),
            Some("dell-rbtn"),
        );
        let rs = [radio(
            0,
            "dell-rbtn",
            RfkillType::Wlan,
            false,
            true,
            Some(0),
            vec![acpi],
        )];
        let f = one(&rs, 0);
        assert_eq!(f.cause, Cause::PlatformSwitch);
        assert!(f.evidence[0].contains("(unspecified)"), "{:?}", f.evidence);
    }

    #[test]
    fn not_owner_wins_over_everything() {
        let card = node(
            "devices/pci0000:00/0000:00:14.3",
            Some("pci"),
            Some("iwlwifi"),
        );
        let rs = [
            platform(
                0,
                "dell-wifi",
                "dell-laptop",
                RfkillType::Wlan,
                false,
                true,
                Some(1),
            ),
            phy(1, false, true, Some(2), card),
        ];
        let f = one(&rs, 1);
        assert_eq!(f.cause, Cause::NotOwner);
        assert_eq!(f.root, Some(1));
    }

    #[test]
    fn pre_5_11_card_is_decided_from_the_bus() {
        // No reasons, no rf_kill: a card's hard block is its kill input.
        let card = node(
            "devices/pci0000:00/0000:00:1e.0/0000:02:02.0",
            Some("pci"),
            Some("ath5k"),
        );
        let rs = [phy(0, false, true, None, card)];
        let f = one(&rs, 0);
        assert_eq!(f.cause, Cause::CardKillLine);
        assert_eq!(f.hw.form, FormFactor::Unknown);
        assert!(
            f.evidence.iter().any(|e| e.contains("before 5.11")),
            "{:?}",
            f.evidence
        );
        // With rf_kill 2 the rf_kill evidence is shown.
        let rs = [phy(
            0,
            false,
            true,
            None,
            pci_node("0000:03:03.0", "ipw2200", 0x4224, Some(2)),
        )];
        let f = one(&rs, 0);
        assert_eq!(f.cause, Cause::CardKillLine);
        assert_eq!(f.hw.model, Some("Intel PRO/Wireless 2915ABG"));
        assert!(f.evidence[0].starts_with("rf_kill 2"));
    }

    #[test]
    fn rf_kill_bit_decides_when_reasons_are_zero() {
        let rs = [phy(
            0,
            false,
            true,
            Some(0),
            pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(2)),
        )];
        assert_eq!(one(&rs, 0).cause, Cause::CardKillLine);
        // Same, but the card does not say its line is active: unknown.
        let rs = [phy(
            0,
            false,
            true,
            Some(0),
            pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(0)),
        )];
        let f = one(&rs, 0);
        assert_eq!(f.cause, Cause::UnknownHard);
        assert_eq!(f.root, None);
    }

    #[test]
    fn no_sysfs_falls_back_to_names() {
        let mut r = platform(
            0,
            "acer-wireless",
            "acer-wmi",
            RfkillType::Wlan,
            false,
            true,
            Some(1),
        );
        r.sys = None;
        let mut c = phy(
            1,
            false,
            true,
            Some(1),
            pci_node("0000:06:04.0", "ipw2200", 0x4220, None),
        );
        c.sys = None;
        let mut odd = radio(2, "mystery", RfkillType::Wlan, false, true, Some(1), vec![]);
        odd.sys = None;
        let rs = [r, c, odd.clone()];
        let fs = classify(&rs);
        assert_eq!(fs[0].hw.role, Role::Platform);
        assert_eq!(fs[0].cause, Cause::PlatformSwitch);
        assert_eq!(fs[1].hw.role, Role::Card);
        assert_eq!((fs[1].cause, fs[1].root), (Cause::PlatformSwitch, Some(0)));
        // Hardware we cannot place follows a hard-blocked switch too ...
        assert_eq!(fs[2].hw.role, Role::Unknown);
        assert_eq!((fs[2].cause, fs[2].root), (Cause::PlatformSwitch, Some(0)));
        // ... and alone it is unknown.
        let fs = classify(&[odd]);
        assert_eq!((fs[0].cause, fs[0].root), (Cause::UnknownHard, None));
    }

    #[test]
    fn ipw_software_kill_is_reported_as_evidence() {
        let rs = [phy(
            0,
            false,
            false,
            Some(0),
            pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(1)),
        )];
        let f = one(&rs, 0);
        assert_eq!(f.cause, Cause::None);
        assert!(f.evidence.iter().any(|e| e.contains("software kill")));
    }
}
