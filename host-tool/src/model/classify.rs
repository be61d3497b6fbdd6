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

use crate::model::inventory::Radio;
use crate::sys::sysfs::SysRadio;
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

/// What sits behind an rfkill device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A radio on a real bus: PCI/mini-PCI/mini PCIe card, USB adapter, SDIO ...
    Card,
    /// A laptop platform/ACPI/WMI switch (acer-wireless, dell-rbtn, tpacpi_*).
    Platform,
    /// Cannot tell (no sysfs, unknown bus).
    Unknown,
}

/// How the card sits in the machine: decides which pin the advice names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormFactor {
    /// Mini-PCI (ipw2100/ipw2200/2915ABG): the kill input is pin 13.
    MiniPci,
    /// Mini PCIe (or M.2): the kill input is W_DISABLE# (pin 20 on mini PCIe).
    MiniPcie,
    /// A USB adapter.
    Usb,
    /// A card whose form factor we cannot tell from sysfs.
    Unknown,
}

impl FormFactor {
    pub fn name(self) -> Option<&'static str> {
        match self {
            FormFactor::MiniPci => Some("mini-pci"),
            FormFactor::MiniPcie => Some("mini-pcie"),
            FormFactor::Usb => Some("usb"),
            FormFactor::Unknown => None,
        }
    }
}

/// PCI ids of the hardware behind a radio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PciId {
    pub vendor: u16,
    pub device: u16,
    pub subsystem_vendor: Option<u16>,
    pub subsystem_device: Option<u16>,
}

impl PciId {
    /// `8086:4220`, as lspci -n prints it.
    pub fn short(&self) -> String {
        format!("{:04x}:{:04x}", self.vendor, self.device)
    }
}

/// What we know about the hardware behind one rfkill device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hardware {
    pub role: Role,
    /// Driver of the nearest parent with one bound (`ipw2200`, `acer-wmi`).
    pub driver: Option<String>,
    /// Bus (subsystem) of that parent: `pci`, `platform`, `acpi`, `usb`, ...
    pub bus: Option<String>,
    /// Name of that parent (`0000:06:04.0`, `acer-wmi`, `DELLABCE:00`).
    pub slot: Option<String>,
    /// Its sysfs path relative to the sysfs root.
    pub path: Option<String>,
    pub pci: Option<PciId>,
    /// ipw2x00 `rf_kill`: 0x1 driver software kill, 0x2 hardware kill line.
    pub rf_kill: Option<u8>,
    /// Marketing name when we know the card (`Intel PRO/Wireless 2200BG`).
    pub model: Option<&'static str>,
    pub form: FormFactor,
}

/// `rf_kill` bit: the driver's own software kill (module parameter
/// `disable=1` or a write to `rf_kill`); not the rfkill soft block.
pub const RF_KILL_SW: u8 = 0x1;
/// `rf_kill` bit: the card's hardware kill line (mini-PCI pin 13) is active.
pub const RF_KILL_HW: u8 = 0x2;

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

/// Buses of removable/real radio hardware.
const CARD_BUSES: &[&str] = &[
    "pci", "usb", "sdio", "pcmcia", "ssb", "bcma", "mmc", "spi", "serial",
];
/// Buses of laptop firmware switches.
const PLATFORM_BUSES: &[&str] = &["platform", "acpi", "wmi", "pnp"];
/// rfkill device classes that are the radio itself (cfg80211 phy, HCI, NFC).
const RADIO_CLASSES: &[&str] = &["ieee80211", "bluetooth", "nfc"];

/// Platform drivers that register rfkill switches (module or driver names;
/// `-` and `_` are treated alike).
const PLATFORM_DRIVERS: &[&str] = &[
    "acer_wmi",
    "acerhk",
    "amilo_rfkill",
    "asus_laptop",
    "asus_nb_wmi",
    "asus_wmi",
    "compal_laptop",
    "dell_laptop",
    "dell_rbtn",
    "dell_wmi",
    "eeepc_laptop",
    "eeepc_wmi",
    "fujitsu_laptop",
    "hp_wmi",
    "hp_wireless",
    "ideapad_acpi",
    "ideapad_laptop",
    "intel_hid",
    "intel_vbtn",
    "lg_laptop",
    "msi_laptop",
    "msi_wmi",
    "panasonic_laptop",
    "samsung_laptop",
    "sony_laptop",
    "thinkpad_acpi",
    "toshiba_acpi",
    "toshiba_bluetooth",
    "xo15_ebook",
];

/// rfkill names of platform switches, for when sysfs cannot tell us.
const PLATFORM_NAME_PREFIXES: &[&str] = &[
    "acer-", "asus-", "compal-", "dell-", "eeepc-", "fujitsu-", "hp-", "ideapad_", "lg-", "msi-",
    "samsung-", "sony-", "toshiba", "tpacpi_", "amilo-",
];

fn norm(name: &str) -> String {
    name.replace('-', "_").to_ascii_lowercase()
}

pub fn is_platform_driver(driver: &str) -> bool {
    PLATFORM_DRIVERS.contains(&norm(driver).as_str())
}

fn is_platform_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    PLATFORM_NAME_PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// `phy0`, `hci1`, `nfc0`: names the kernel gives to radio devices.
fn is_radio_name(name: &str) -> bool {
    ["phy", "hci", "nfc"].iter().any(|p| {
        name.strip_prefix(p)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Known cards by PCI id (and driver, which tells 2100 from 2200BG on 8086:1043).
pub fn card_model(driver: Option<&str>, pci: Option<&PciId>) -> Option<&'static str> {
    let pci = pci?;
    if pci.vendor != 0x8086 {
        return None;
    }
    let drv = driver.map(norm);
    Some(match pci.device {
        0x4220 | 0x4221 => "Intel PRO/Wireless 2200BG",
        0x4223 | 0x4224 => "Intel PRO/Wireless 2915ABG",
        0x1043 => {
            // ipw2200 claims 8086:1043 only with 2200BG subsystems (8086:27xx,
            // 103c:2741); everything else on 1043 is the ipw2100 card.
            let sub_2200 = matches!(
                (pci.subsystem_vendor, pci.subsystem_device),
                (Some(0x8086), Some(0x2700..=0x27ff)) | (Some(0x103c), Some(0x2741))
            );
            match drv.as_deref() {
                Some("ipw2200") => "Intel PRO/Wireless 2200BG",
                Some("ipw2100") => "Intel PRO/Wireless 2100",
                _ if sub_2200 => "Intel PRO/Wireless 2200BG",
                _ => "Intel PRO/Wireless 2100",
            }
        }
        0x4222 | 0x4227 => "Intel PRO/Wireless 3945ABG",
        0x4229 | 0x4230 => "Intel Wireless WiFi Link 4965AGN",
        _ => return None,
    })
}

/// Which form factor: mini-PCI for the ipw2x00 family, USB for USB, mini PCIe
/// for drivers that only exist for PCI Express cards; unknown otherwise.
pub fn form_factor(driver: Option<&str>, bus: Option<&str>, pci: Option<&PciId>) -> FormFactor {
    let drv = driver.map(norm).unwrap_or_default();
    if drv == "ipw2100" || drv == "ipw2200" {
        return FormFactor::MiniPci;
    }
    if let Some(p) = pci {
        if p.vendor == 0x8086 && matches!(p.device, 0x1043 | 0x4220 | 0x4221 | 0x4223 | 0x4224) {
            return FormFactor::MiniPci;
        }
    }
    match bus {
        Some("usb") => return FormFactor::Usb,
        Some("pci") => {}
        _ => return FormFactor::Unknown,
    }
    const PCIE_ONLY: &[&str] = &[
        "iwl3945",
        "iwl4965",
        "iwlwifi",
        "iwlagn",
        "ath10k_pci",
        "ath11k_pci",
        "ath12k_pci",
        "mt7921e",
        "mt7922e",
        "mt7915e",
        "rtw89_8852ae",
        "rtw89_8852be",
        "rtw_8822be",
        "rtw_8822ce",
        "rtw_8821ce",
        "rtl8188ee",
        "rtl8192ce",
        "rtl8192de",
        "rtl8192ee",
        "rtl8192se",
        "rtl8723ae",
        "rtl8723be",
        "rtl8821ae",
    ];
    if PCIE_ONLY.contains(&drv.as_str()) {
        FormFactor::MiniPcie
    } else {
        FormFactor::Unknown
    }
}

/// Facts about the hardware behind one radio, from its sysfs view (or, when
/// sysfs is unreadable, from its name alone).
pub fn hardware(device: &str, sys: Option<&SysRadio>) -> Hardware {
    let hw_node = sys.and_then(|s| s.hardware());
    let driver = hw_node.and_then(|n| n.driver.clone());
    let bus = hw_node.and_then(|n| n.subsystem.clone());
    let pci = hw_node.and_then(|n| match (n.pci_vendor, n.pci_device) {
        (Some(vendor), Some(device)) => Some(PciId {
            vendor,
            device,
            subsystem_vendor: n.pci_subsystem_vendor,
            subsystem_device: n.pci_subsystem_device,
        }),
        _ => None,
    });
    let rf_kill = sys.and_then(|s| s.parents.iter().find_map(|p| p.rf_kill));
    let role = role_of(device, sys);
    let (model, form) = if role == Role::Card {
        (
            card_model(driver.as_deref(), pci.as_ref()),
            form_factor(driver.as_deref(), bus.as_deref(), pci.as_ref()),
        )
    } else {
        (None, FormFactor::Unknown)
    };
    Hardware {
        role,
        slot: hw_node.map(|n| n.name.clone()),
        path: hw_node.map(|n| n.path.clone()),
        driver,
        bus,
        pci,
        rf_kill,
        model,
        form,
    }
}

fn role_of(device: &str, sys: Option<&SysRadio>) -> Role {
    if let Some(sys) = sys {
        if let Some(hw) = sys.hardware() {
            let drv_platform = hw.driver.as_deref().is_some_and(is_platform_driver);
            match hw.subsystem.as_deref() {
                Some(b) if PLATFORM_BUSES.contains(&b) => return Role::Platform,
                _ if drv_platform => return Role::Platform,
                Some(b) if CARD_BUSES.contains(&b) => return Role::Card,
                _ => {}
            }
        }
        // No bound driver on a known bus: look at the chain itself.
        for p in &sys.parents {
            match p.subsystem.as_deref() {
                Some(b) if PLATFORM_BUSES.contains(&b) => return Role::Platform,
                Some(b) if CARD_BUSES.contains(&b) => return Role::Card,
                _ => {}
            }
        }
        if sys
            .parents
            .first()
            .and_then(|p| p.subsystem.as_deref())
            .is_some_and(|c| RADIO_CLASSES.contains(&c))
        {
            return Role::Card;
        }
    }
    if is_platform_name(device) {
        Role::Platform
    } else if is_radio_name(device) {
        Role::Card
    } else {
        Role::Unknown
    }
}

/// A short label for a device in evidence lines: `tpacpi_bluetooth_sw (rfkill 0, thinkpad_acpi)`.
fn label(r: &Radio, hw: &Hardware) -> String {
    match &hw.driver {
        Some(d) => format!("{} (rfkill {}, {d})", display_name(r), r.id),
        None => format!("{} (rfkill {})", display_name(r), r.id),
    }
}

fn display_name(r: &Radio) -> String {
    if r.device.is_empty() {
        format!("rfkill{}", r.id)
    } else {
        r.device.clone()
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
            "{what}; hard=1 with reasons 0x0: the driver sets the state directly (rfkill_set_states), as laptop switches do"
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sys::sysfs::{DeviceNode, RfkillAttrs};

    pub fn node(path: &str, subsystem: Option<&str>, driver: Option<&str>) -> DeviceNode {
        DeviceNode {
            path: path.to_string(),
            name: path.rsplit('/').next().unwrap().to_string(),
            subsystem: subsystem.map(str::to_string),
            driver: driver.map(str::to_string),
            pci_vendor: None,
            pci_device: None,
            pci_subsystem_vendor: None,
            pci_subsystem_device: None,
            rf_kill: None,
            modalias: None,
        }
    }

    pub fn pci_node(slot: &str, driver: &str, dev: u16, rf_kill: Option<u8>) -> DeviceNode {
        DeviceNode {
            pci_vendor: Some(0x8086),
            pci_device: Some(dev),
            pci_subsystem_vendor: Some(0x8086),
            pci_subsystem_device: Some(0x2701),
            rf_kill,
            ..node(
                &format!("devices/pci0000:00/0000:00:1e.0/{slot}"),
                Some("pci"),
                Some(driver),
            )
        }
    }

    /// A radio with its sysfs view; `reasons` None = kernel < 5.11.
    pub fn radio(
        id: u32,
        name: &str,
        kind: RfkillType,
        soft: bool,
        hard: bool,
        reasons: Option<u8>,
        parents: Vec<DeviceNode>,
    ) -> Radio {
        let type_name = kind.sysfs_name().unwrap_or("wlan").to_string();
        let attrs = RfkillAttrs {
            index: id,
            name: name.to_string(),
            type_name: type_name.clone(),
            soft,
            hard,
            state: Some(if hard {
                2
            } else if soft {
                0
            } else {
                1
            }),
            persistent: Some(false),
            hard_block_reasons: reasons,
        };
        Radio {
            id,
            kind,
            type_name,
            device: name.to_string(),
            soft,
            hard,
            reasons: reasons.map(Reasons),
            sys: Some(SysRadio {
                node: format!("rfkill{id}"),
                attrs,
                parents,
            }),
        }
    }

    pub fn phy(id: u32, soft: bool, hard: bool, reasons: Option<u8>, card: DeviceNode) -> Radio {
        let phy = node(
            &format!("{}/ieee80211/phy0", card.path),
            Some("ieee80211"),
            None,
        );
        radio(
            id,
            "phy0",
            RfkillType::Wlan,
            soft,
            hard,
            reasons,
            vec![phy, card],
        )
    }

    pub fn platform(
        id: u32,
        name: &str,
        driver: &str,
        kind: RfkillType,
        soft: bool,
        hard: bool,
        reasons: Option<u8>,
    ) -> Radio {
        let dev = node(
            &format!("devices/platform/{driver}"),
            Some("platform"),
            Some(driver),
        );
        radio(id, name, kind, soft, hard, reasons, vec![dev])
    }

    /// The pin13 machine: ipw2200's kill line active (reason signal, rf_kill 2)
    /// beside a free acer-wireless switch.
    pub fn ipw2200_beside_acer() -> Vec<Radio> {
        vec![
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
                false,
                false,
                Some(0),
            ),
        ]
    }

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
        assert!(f.evidence[0].contains("reasons 0x0"), "{:?}", f.evidence);
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

    #[test]
    fn card_models_and_form_factors() {
        let id = |device, sv, sd| PciId {
            vendor: 0x8086,
            device,
            subsystem_vendor: Some(sv),
            subsystem_device: Some(sd),
        };
        assert_eq!(
            card_model(None, Some(&id(0x1043, 0x8086, 0x2754))),
            Some("Intel PRO/Wireless 2200BG")
        );
        assert_eq!(
            card_model(None, Some(&id(0x1043, 0x8086, 0x2551))),
            Some("Intel PRO/Wireless 2100")
        );
        assert_eq!(
            card_model(Some("ipw2100"), Some(&id(0x1043, 0x8086, 0x2754))),
            Some("Intel PRO/Wireless 2100")
        );
        assert_eq!(
            card_model(None, Some(&id(0x4221, 0, 0))),
            Some("Intel PRO/Wireless 2200BG")
        );
        assert_eq!(
            card_model(None, Some(&id(0x4223, 0, 0))),
            Some("Intel PRO/Wireless 2915ABG")
        );
        assert_eq!(
            card_model(
                None,
                Some(&PciId {
                    vendor: 0x168c,
                    device: 0x0013,
                    subsystem_vendor: None,
                    subsystem_device: None
                })
            ),
            None
        );
        assert_eq!(
            form_factor(None, Some("pci"), Some(&id(0x4224, 0, 0))),
            FormFactor::MiniPci
        );
        assert_eq!(
            form_factor(Some("ipw2100"), Some("pci"), None),
            FormFactor::MiniPci
        );
        assert_eq!(
            form_factor(Some("iwlwifi"), Some("pci"), None),
            FormFactor::MiniPcie
        );
        assert_eq!(
            form_factor(Some("rtl8187"), Some("usb"), None),
            FormFactor::Usb
        );
        assert_eq!(
            form_factor(Some("ath9k"), Some("pci"), None),
            FormFactor::Unknown
        );
    }
}
