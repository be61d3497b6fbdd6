//! sysfs: `/sys/class/rfkill/rfkillN` and the devices above it.
//!
//! The root is injectable (`--sysfs DIR`, default `/sys`), so fixture trees
//! hold `class/rfkill/...`, `devices/...`, `bus/...`. Parsing (`parse_*`) works
//! on bytes and is separate from I/O (`Sysfs::*`).
//!
//! CONTRACT (shared by status/watch/block and diagnose/verify/snapshot): the
//! types below are the data model. Add fields if needed; do not rename.
#![forbid(unsafe_code)]

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::rfkill::{Reasons, RfkillType};

/// A sysfs tree rooted at `root` (normally `/sys`).
#[derive(Debug, Clone)]
pub struct Sysfs {
    root: PathBuf,
}

impl Sysfs {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Sysfs { root: root.into() }
    }
    pub fn root(&self) -> &std::path::Path {
        &self.root
    }
}

/// The attributes of one `class/rfkill/rfkillN` directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfkillAttrs {
    /// `index` (equals N in rfkillN and the event idx).
    pub index: u32,
    /// `name` (first line, trailing newline removed), e.g. `phy0`, `acer-wireless`.
    pub name: String,
    /// `type` exactly as the kernel wrote it, e.g. `wlan`, `ultrawideband`.
    pub type_name: String,
    /// `soft` (1 = blocked); falls back to `state` == 0 on kernels without `soft`.
    pub soft: bool,
    /// `hard` (1 = blocked); falls back to `state` == 2 on kernels without `hard`.
    pub hard: bool,
    /// `state`: 0 soft-blocked, 1 unblocked, 2 hard-blocked.
    pub state: Option<u8>,
    /// `persistent`.
    pub persistent: Option<bool>,
    /// `hard_block_reasons` (kernel >= 5.11; `None` when the file is absent).
    pub hard_block_reasons: Option<u8>,
}

impl RfkillAttrs {
    pub fn kind(&self) -> RfkillType {
        RfkillType::from_sysfs_name(&self.type_name).unwrap_or(RfkillType::Unknown(255))
    }
    pub fn reasons(&self) -> Option<Reasons> {
        self.hard_block_reasons.map(Reasons)
    }
}

/// One device in the chain above an rfkill device (its `device` link, then
/// that device's parent directory, and so on up to `devices/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceNode {
    /// Path relative to the sysfs root, e.g. `devices/pci0000:00/0000:00:1e.0/0000:06:04.0`.
    pub path: String,
    /// Last path component, e.g. `0000:06:04.0`, `phy0`, `acer-wmi`.
    pub name: String,
    /// Name of the `subsystem` link target: `pci`, `platform`, `acpi`, `usb`, `ieee80211`, ...
    pub subsystem: Option<String>,
    /// Name of the `driver` link target, e.g. `ipw2200`, `acer-wmi`.
    pub driver: Option<String>,
    /// PCI `vendor`/`device` (and subsystem ids) when the files exist (hex `0x8086`).
    pub pci_vendor: Option<u16>,
    pub pci_device: Option<u16>,
    pub pci_subsystem_vendor: Option<u16>,
    pub pci_subsystem_device: Option<u16>,
    /// ipw2100/ipw2200 `rf_kill` attribute: bit 0x1 driver SW kill, 0x2 hardware line.
    pub rf_kill: Option<u8>,
    /// `modalias`, when present.
    pub modalias: Option<String>,
}

/// One rfkill device as sysfs shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SysRadio {
    /// `rfkillN`.
    pub node: String,
    pub attrs: RfkillAttrs,
    /// Devices above, nearest first (for cfg80211: `phyN` then the PCI device ...).
    pub parents: Vec<DeviceNode>,
}

impl SysRadio {
    /// The nearest parent that has a driver bound: the hardware behind the radio.
    pub fn hardware(&self) -> Option<&DeviceNode> {
        self.parents.iter().find(|d| d.driver.is_some())
    }
    /// Driver name of [`Self::hardware`].
    pub fn driver(&self) -> Option<&str> {
        self.hardware().and_then(|d| d.driver.as_deref())
    }
    /// Bus (subsystem) of [`Self::hardware`]: `pci`, `platform`, `acpi`, `usb`, ...
    pub fn bus(&self) -> Option<&str> {
        self.hardware().and_then(|d| d.subsystem.as_deref())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SysfsError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl SysfsError {
    pub fn hint(&self) -> Option<String> {
        None
    }
}
