//! What pin13 knows about hardware, as data: the laptop platform drivers that
//! register rfkill switches (one [`PlatformDriver`] entry each: module name,
//! the rfkill names it registers, where its switch is) and the wireless card
//! families ([`CardFamily`]: PCI ids, driver, form factor, so which pin is the
//! kill input). Adding a laptop driver is one entry in [`PLATFORM_DRIVERS`];
//! adding a card family is one entry in [`CARD_FAMILIES`]. The rest of this
//! module reads a radio's sysfs view against these tables.
#![forbid(unsafe_code)]

use crate::sys::sysfs::SysRadio;

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
    /// What the card's kill input is called.
    pub fn kill_input(self) -> &'static str {
        match self {
            FormFactor::MiniPci => "mini-PCI pin 13",
            FormFactor::MiniPcie => "W_DISABLE#, mini PCIe pin 20",
            FormFactor::Usb => "the adapter's kill input",
            FormFactor::Unknown => "the card's kill input",
        }
    }

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

/// Buses of removable/real radio hardware.
const CARD_BUSES: &[&str] = &[
    "pci", "usb", "sdio", "pcmcia", "ssb", "bcma", "mmc", "spi", "serial",
];
/// Buses of laptop firmware switches.
const PLATFORM_BUSES: &[&str] = &["platform", "acpi", "wmi", "pnp"];
/// rfkill device classes that are the radio itself (cfg80211 phy, HCI, NFC).
const RADIO_CLASSES: &[&str] = &["ieee80211", "bluetooth", "nfc"];

/// A laptop platform driver that registers rfkill switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlatformDriver {
    /// Module (or driver) name with `_`; `-` and `_` are treated alike.
    pub module: &'static str,
    /// Prefixes of the rfkill device names it registers (lower case), used
    /// when sysfs cannot show the device behind a switch.
    pub names: &'static [&'static str],
    /// Where the user finds the switch it reads, in plain words.
    pub switch: Option<&'static str>,
}

const ACER: &str = "Acer: press the wireless key (often Fn+F3) or slide the wireless switch on the front edge. Old TravelMate/Aspire models without WMI need the acerhk module instead.";
const DELL: &str = "Dell: slide the wireless switch on the side or front edge, or press Fn+F2.";
const ASUS: &str = "ASUS: press Fn+F2 or the airplane-mode key.";
const HP: &str =
    "HP: press the wireless button or key (its light is amber or red while the radio is off).";
const IDEAPAD: &str = "Lenovo IdeaPad: slide the wireless switch or press the airplane-mode key (Fn+F5/F7). Models without a switch can be misread by ideapad_laptop.";
const TOSHIBA: &str =
    "Toshiba: slide the wireless switch on the front or side edge, or press Fn+F8.";

const fn drv(
    module: &'static str,
    names: &'static [&'static str],
    switch: Option<&'static str>,
) -> PlatformDriver {
    PlatformDriver {
        module,
        names,
        switch,
    }
}

/// Every platform driver pin13 knows, one entry each.
pub const PLATFORM_DRIVERS: &[PlatformDriver] = &[
    drv("acer_wmi", &["acer-"], Some(ACER)),
    drv("acerhk", &[], None),
    drv("amilo_rfkill", &["amilo-"], None),
    drv("asus_laptop", &["asus-"], Some(ASUS)),
    drv("asus_nb_wmi", &["asus-"], Some(ASUS)),
    drv("asus_wmi", &["asus-"], Some(ASUS)),
    drv("compal_laptop", &["compal-"], None),
    drv("dell_laptop", &["dell-"], Some(DELL)),
    drv(
        "dell_rbtn",
        &["dell-"],
        Some("Dell: slide the wireless switch or press the airplane-mode key; dell-rbtn reads it."),
    ),
    drv("dell_wmi", &["dell-"], Some(DELL)),
    drv("eeepc_laptop", &["eeepc-"], Some(ASUS)),
    drv("eeepc_wmi", &["eeepc-"], Some(ASUS)),
    drv("fujitsu_laptop", &["fujitsu-"], None),
    drv("hp_wmi", &["hp-"], Some(HP)),
    drv("hp_wireless", &["hp-"], Some(HP)),
    drv("ideapad_acpi", &["ideapad_"], Some(IDEAPAD)),
    drv("ideapad_laptop", &["ideapad_"], Some(IDEAPAD)),
    drv("intel_hid", &[], None),
    drv("intel_vbtn", &[], None),
    drv("lg_laptop", &["lg-"], None),
    drv("msi_laptop", &["msi-"], None),
    drv("msi_wmi", &["msi-"], None),
    drv("panasonic_laptop", &[], None),
    drv("samsung_laptop", &["samsung-"], None),
    drv(
        "sony_laptop",
        &["sony-"],
        Some("Sony VAIO: slide the WIRELESS switch on the front or side."),
    ),
    drv(
        "thinkpad_acpi",
        &["tpacpi_"],
        Some("ThinkPad: slide the radio switch on the front or left edge to on (Fn+F5 only changes soft blocks)."),
    ),
    drv("toshiba_acpi", &["toshiba"], Some(TOSHIBA)),
    drv("toshiba_bluetooth", &["toshiba"], Some(TOSHIBA)),
    drv("xo15_ebook", &[], None),
];

/// A family of wireless cards: how to recognise it and where its kill input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardFamily {
    pub model: &'static str,
    /// The Linux driver that binds it.
    pub driver: &'static str,
    /// Intel (8086) PCI device ids.
    pub pci_devices: &'static [u16],
    pub form: FormFactor,
}

/// Cards pin13 names by model. 8086:1043 is shared by the 2100 and some
/// 2200BG boards: see [`card_model`].
pub const CARD_FAMILIES: &[CardFamily] = &[
    CardFamily {
        model: "Intel PRO/Wireless 2200BG",
        driver: "ipw2200",
        pci_devices: &[0x4220, 0x4221],
        form: FormFactor::MiniPci,
    },
    CardFamily {
        model: "Intel PRO/Wireless 2915ABG",
        driver: "ipw2200",
        pci_devices: &[0x4223, 0x4224],
        form: FormFactor::MiniPci,
    },
    CardFamily {
        model: "Intel PRO/Wireless 2100",
        driver: "ipw2100",
        pci_devices: &[0x1043],
        form: FormFactor::MiniPci,
    },
    CardFamily {
        model: "Intel PRO/Wireless 3945ABG",
        driver: "iwl3945",
        pci_devices: &[0x4222, 0x4227],
        form: FormFactor::MiniPcie,
    },
    CardFamily {
        model: "Intel Wireless WiFi Link 4965AGN",
        driver: "iwl4965",
        pci_devices: &[0x4229, 0x4230],
        form: FormFactor::MiniPcie,
    },
];

/// Drivers that exist only for PCI Express cards (so mini PCIe or M.2),
/// besides the [`CARD_FAMILIES`] drivers.
const PCIE_ONLY_DRIVERS: &[&str] = &[
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

/// Words of the kernel command line that matter for rfkill besides the
/// parameters of the modules in the tables (`MODULE.`).
const CMDLINE_PREFIXES: &[&str] = &["rfkill.", "systemd.restore_state"];

fn norm(name: &str) -> String {
    name.replace('-', "_").to_ascii_lowercase()
}

/// The table entry of a platform driver, by module or driver name.
pub fn platform_driver(driver: &str) -> Option<&'static PlatformDriver> {
    let n = norm(driver);
    PLATFORM_DRIVERS.iter().find(|d| d.module == n)
}

pub fn is_platform_driver(driver: &str) -> bool {
    platform_driver(driver).is_some()
}

fn is_platform_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    PLATFORM_DRIVERS
        .iter()
        .flat_map(|d| d.names)
        .any(|p| lower.starts_with(p))
}

/// Where the user finds the switch a platform driver reads.
pub fn switch_hint(driver: Option<&str>) -> String {
    match driver {
        None => "Find the laptop's wireless switch or hotkey and turn the radio on.".into(),
        Some(d) => match platform_driver(d).and_then(|p| p.switch) {
            Some(hint) => hint.to_string(),
            None => format!(
                "Turn on the wireless switch or hotkey that {} reads.",
                d.replace('_', "-")
            ),
        },
    }
}

/// Whether a kernel command-line word concerns rfkill: the rfkill core,
/// systemd's restore, or a parameter of a card or platform module.
pub fn is_rfkill_cmdline_word(word: &str) -> bool {
    if CMDLINE_PREFIXES.iter().any(|p| word.starts_with(p)) {
        return true;
    }
    let Some((module, _)) = word.split_once('.') else {
        return false;
    };
    let m = norm(module);
    CARD_FAMILIES.iter().any(|c| c.driver == m) || PLATFORM_DRIVERS.iter().any(|d| d.module == m)
}

/// The modules whose parameters a snapshot keeps: the rfkill core, the
/// wireless stack and the card-family drivers.
pub fn base_modules() -> Vec<&'static str> {
    let mut out = vec!["rfkill", "cfg80211", "mac80211", "libipw"];
    for c in CARD_FAMILIES {
        if c.form == FormFactor::MiniPci && !out.contains(&c.driver) {
            out.push(c.driver);
        }
    }
    out
}

/// `phy0`, `hci1`, `nfc0`: names the kernel gives to radio devices.
fn is_radio_name(name: &str) -> bool {
    ["phy", "hci", "nfc"].iter().any(|p| {
        name.strip_prefix(p)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

fn family_by_id(pci: &PciId) -> Option<&'static CardFamily> {
    if pci.vendor != 0x8086 {
        return None;
    }
    CARD_FAMILIES
        .iter()
        .find(|c| c.pci_devices.contains(&pci.device))
}

/// Known cards by PCI id (and driver, which tells 2100 from 2200BG on 8086:1043).
pub fn card_model(driver: Option<&str>, pci: Option<&PciId>) -> Option<&'static str> {
    let pci = pci?;
    let family = family_by_id(pci)?;
    if pci.device != 0x1043 {
        return Some(family.model);
    }
    // ipw2200 claims 8086:1043 only with 2200BG subsystems (8086:27xx,
    // 103c:2741); everything else on 1043 is the ipw2100 card.
    let sub_2200 = matches!(
        (pci.subsystem_vendor, pci.subsystem_device),
        (Some(0x8086), Some(0x2700..=0x27ff)) | (Some(0x103c), Some(0x2741))
    );
    let driver = match driver.map(norm).as_deref() {
        Some(d @ ("ipw2200" | "ipw2100")) => d.to_string(),
        _ if sub_2200 => "ipw2200".into(),
        _ => "ipw2100".into(),
    };
    CARD_FAMILIES
        .iter()
        .find(|c| c.driver == driver && c.form == FormFactor::MiniPci)
        .map(|c| c.model)
}

/// Which form factor: mini-PCI for the ipw2x00 family, USB for USB, mini PCIe
/// for drivers that only exist for PCI Express cards; unknown otherwise.
pub fn form_factor(driver: Option<&str>, bus: Option<&str>, pci: Option<&PciId>) -> FormFactor {
    let drv = driver.map(norm).unwrap_or_default();
    let by_driver = CARD_FAMILIES
        .iter()
        .find(|c| c.driver == drv)
        .map(|c| c.form);
    if by_driver == Some(FormFactor::MiniPci)
        || pci.and_then(family_by_id).map(|c| c.form) == Some(FormFactor::MiniPci)
    {
        return FormFactor::MiniPci;
    }
    match bus {
        Some("usb") => return FormFactor::Usb,
        Some("pci") => {}
        _ => return FormFactor::Unknown,
    }
    if by_driver == Some(FormFactor::MiniPcie) || PCIE_ONLY_DRIVERS.contains(&drv.as_str()) {
        FormFactor::MiniPcie
    } else {
        FormFactor::Unknown
    }
}

/// Whether the driver is one of the mini-PCI ipw2x00 family's.
pub fn is_mini_pci_driver(driver: &str) -> bool {
    let d = norm(driver);
    CARD_FAMILIES
        .iter()
        .any(|c| c.driver == d && c.form == FormFactor::MiniPci)
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn one_entry_per_platform_driver_and_every_name_prefix_is_lower_case() {
        for (i, d) in PLATFORM_DRIVERS.iter().enumerate() {
            assert_eq!(d.module, norm(d.module), "{}", d.module);
            assert!(
                PLATFORM_DRIVERS[i + 1..]
                    .iter()
                    .all(|o| o.module != d.module),
                "{} twice",
                d.module
            );
            for p in d.names {
                assert_eq!(*p, p.to_ascii_lowercase());
            }
        }
        assert!(is_platform_driver("acer-wmi") && is_platform_driver("THINKPAD_ACPI"));
        assert!(!is_platform_driver("ipw2200"));
    }

    #[test]
    fn switch_hints_come_from_the_table() {
        assert!(switch_hint(Some("dell-rbtn")).contains("dell-rbtn reads it"));
        assert!(switch_hint(Some("thinkpad_acpi")).starts_with("ThinkPad"));
        assert_eq!(
            switch_hint(Some("xo15_ebook")),
            "Turn on the wireless switch or hotkey that xo15-ebook reads."
        );
        assert!(switch_hint(None).starts_with("Find the laptop's"));
    }

    #[test]
    fn cmdline_words_of_rfkill_cards_and_platform_modules() {
        for w in [
            "rfkill.default_state=0",
            "systemd.restore_state=0",
            "ipw2200.disable=0",
            "ipw2100.enable=1",
            "thinkpad_acpi.wlsw_emulstate=1",
            "acer_wmi.ec_raw_mode=1",
            "dell-laptop.x=1",
        ] {
            assert!(is_rfkill_cmdline_word(w), "{w}");
        }
        for w in ["quiet", "root=/dev/sda1", "i915.modeset=1", "rfkill"] {
            assert!(!is_rfkill_cmdline_word(w), "{w}");
        }
        assert_eq!(
            base_modules(),
            ["rfkill", "cfg80211", "mac80211", "libipw", "ipw2200", "ipw2100"]
        );
    }
}
