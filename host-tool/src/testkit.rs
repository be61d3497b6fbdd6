//! Builders for radios and machines, shared by every unit test.
#![forbid(unsafe_code)]

use crate::model::inventory::Radio;
use crate::sys::sysfs::{DeviceNode, RfkillAttrs, SysRadio};
use crate::sys::{Event, Op, Reasons, RfkillType};

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

/// A wlan event; `reasons` None = an 8-byte event.
pub fn wlan_event(idx: u32, op: Op, soft: bool, hard: bool, reasons: Option<u8>) -> Event {
    Event {
        idx,
        kind: RfkillType::Wlan,
        op,
        soft,
        hard,
        reasons: reasons.map(Reasons),
    }
}

/// A scratch directory for one test, removed on drop.
pub struct Scratch(pub std::path::PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!("pin13-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Scratch(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
