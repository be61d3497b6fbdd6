//! The snapshot document (`pin13 snapshot`, `--replay FILE`): its schema,
//! parsing and encoding. Capturing a machine is `cmd::snapshot`'s; turning a
//! document into radios is [`crate::model::inventory::from_snapshot`]'s.
//!
//! Document (format `pin13-snapshot`, version 1; keys are stable):
//! ```text
//! { "format": "pin13-snapshot", "format_version": 1,
//!   "tool": {"name": "pin13", "version": "0.1.0"},
//!   "created_unix": 1764000000,                 (null in --reproducible output)
//!   "kernel": {"osrelease": "6.1.0-28-686", "version": "#1 SMP ...", "cmdline_rfkill": ["rfkill.default_state=0"]},
//!   "sysfs_root": "/sys",
//!   "rfkill_dev": {"path": "/dev/rfkill", "readable": true, "error": null, "event_size": 9},
//!   "devices": [ {"node": "rfkill0", "attrs": {...}, "parents": [...],      (the sysfs data model, verbatim)
//!                 "driver": "ipw2200", "bus": "pci", "pci_id": "8086:4220", "rf_kill": 2} ],   (derived, for readers)
//!   "events": [ {"idx": 0, "type": 1, "op": 0, "soft": 0, "hard": 1, "reasons": 1} ],  (ADD events; reasons null with 8-byte events)
//!   "module_parameters": {"ipw2200": {"disable": "0", "led": "1"}, "rfkill": {...}} }
//! ```
#![forbid(unsafe_code)]

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::sys::sysfs::SysRadio;
use crate::sys::{Event, Op, Reasons, RfkillType};

/// The `format` value of every snapshot.
pub const FORMAT: &str = "pin13-snapshot";
/// The newest `format_version` this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kernel {
    /// `/proc/sys/kernel/osrelease` (`uname -r`); null when unknown.
    pub osrelease: Option<String>,
    /// `/proc/sys/kernel/version` (`uname -v`).
    pub version: Option<String>,
    /// rfkill-related words of `/proc/cmdline` (`rfkill.*`, `systemd.restore_state`, `ipw2*.*`).
    #[serde(default)]
    pub cmdline_rfkill: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevInfo {
    pub path: String,
    pub readable: bool,
    /// Why it could not be read, when it could not.
    pub error: Option<String>,
    /// 8 or 9: the event size the kernel gave us.
    pub event_size: Option<usize>,
}

/// One rfkill device: the sysfs data model verbatim, plus derived fields for
/// people reading the file (ignored when the snapshot is loaded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapDevice {
    #[serde(flatten)]
    pub sys: SysRadio,
    #[serde(default)]
    pub driver: Option<String>,
    #[serde(default)]
    pub bus: Option<String>,
    #[serde(default)]
    pub pci_id: Option<String>,
    #[serde(default)]
    pub rf_kill: Option<u8>,
}

impl SnapDevice {
    pub fn new(sys: SysRadio) -> Self {
        let hw = sys.hardware();
        let pci_id = hw.and_then(|h| match (h.pci_vendor, h.pci_device) {
            (Some(v), Some(d)) => Some(format!("{v:04x}:{d:04x}")),
            _ => None,
        });
        SnapDevice {
            driver: sys.driver().map(str::to_string),
            bus: sys.bus().map(str::to_string),
            pci_id,
            rf_kill: sys.parents.iter().find_map(|p| p.rf_kill),
            sys,
        }
    }
}

/// One event as the kernel sent it, numbers kept raw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapEvent {
    pub idx: u32,
    #[serde(rename = "type")]
    pub kind: u8,
    pub op: u8,
    pub soft: u8,
    pub hard: u8,
    /// `hard_block_reasons` of a 9-byte event; null for 8-byte events.
    pub reasons: Option<u8>,
}

impl From<&Event> for SnapEvent {
    fn from(e: &Event) -> Self {
        SnapEvent {
            idx: e.idx,
            kind: e.kind.to_u8(),
            op: e.op.to_u8(),
            soft: u8::from(e.soft),
            hard: u8::from(e.hard),
            reasons: e.reasons.map(|r| r.0),
        }
    }
}

impl SnapEvent {
    pub fn event(&self) -> Event {
        Event {
            idx: self.idx,
            kind: RfkillType::from_u8(self.kind),
            op: Op::from_u8(self.op),
            soft: self.soft != 0,
            hard: self.hard != 0,
            reasons: self.reasons.map(Reasons),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub format: String,
    pub format_version: u32,
    pub tool: Tool,
    #[serde(default)]
    pub created_unix: Option<u64>,
    #[serde(default)]
    pub kernel: Kernel,
    #[serde(default)]
    pub sysfs_root: Option<String>,
    pub rfkill_dev: Option<DevInfo>,
    pub devices: Vec<SnapDevice>,
    #[serde(default)]
    pub events: Vec<SnapEvent>,
    #[serde(default)]
    pub module_parameters: BTreeMap<String, BTreeMap<String, String>>,
}

impl Snapshot {
    /// The events the document holds, decoded.
    pub fn decoded_events(&self) -> Vec<Event> {
        self.events.iter().map(SnapEvent::event).collect()
    }

    /// The sysfs view of rfkill device `idx`, when the document has it.
    pub fn device(&self, idx: u32) -> Option<SysRadio> {
        self.devices
            .iter()
            .find(|d| d.sys.attrs.index == idx)
            .map(|d| d.sys.clone())
    }
}

/// The largest snapshot read: real ones are a few KB.
pub const MAX_BYTES: u64 = 1024 * 1024;

/// Parse and check a snapshot document, straight into [`Snapshot`].
pub fn parse(bytes: impl AsRef<[u8]>) -> Result<Snapshot, String> {
    let bytes = bytes.as_ref();
    /// The two keys that say what the document is, read first so a wrong
    /// or newer document gets its own message.
    #[derive(Deserialize)]
    struct Head {
        format: Option<String>,
        format_version: Option<u64>,
    }
    let head: Head = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    match head.format.as_deref() {
        Some(FORMAT) => {}
        Some(other) => return Err(format!("format is {other:?}, not {FORMAT:?}")),
        None => return Err(format!("no \"format\": \"{FORMAT}\" key")),
    }
    match head.format_version {
        Some(v) if v >= 1 && v <= u64::from(FORMAT_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "format_version {v} is newer than this pin13 reads ({FORMAT_VERSION}): update pin13"
            ))
        }
        None => return Err("no \"format_version\" number".into()),
    }
    serde_json::from_slice(bytes).map_err(|e| format!("malformed: {e}"))
}

/// The rfkill-related words of a kernel command line.
pub fn cmdline_rfkill(cmdline: &str) -> Vec<String> {
    cmdline
        .split_ascii_whitespace()
        .filter(|w| crate::model::hardware::is_rfkill_cmdline_word(w))
        .map(str::to_string)
        .collect()
}

/// Pretty JSON with a trailing newline.
pub fn to_json(snap: &Snapshot) -> Result<String, Error> {
    let mut s = serde_json::to_string_pretty(snap)
        .map_err(|e| Error::runtime(format!("cannot encode the snapshot: {e}"), None))?;
    s.push('\n');
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::inventory::{from_snapshot as radios, Radio};

    fn snap_of(radios: &[Radio], events: Vec<SnapEvent>) -> Snapshot {
        Snapshot {
            format: FORMAT.into(),
            format_version: 1,
            tool: Tool {
                name: "pin13".into(),
                version: "0".into(),
            },
            created_unix: None,
            kernel: Kernel::default(),
            sysfs_root: None,
            rfkill_dev: None,
            devices: radios
                .iter()
                .map(|r| SnapDevice::new(r.sys.clone().unwrap()))
                .collect(),
            events,
            module_parameters: BTreeMap::new(),
        }
    }

    fn two() -> Vec<Radio> {
        crate::testkit::ipw2200_beside_acer()
    }

    #[test]
    fn sysfs_only_snapshot_replays_to_the_same_radios() {
        let rs = two();
        let snap = snap_of(&rs, vec![]);
        let text = to_json(&snap).unwrap();
        let back = parse(text.as_bytes()).unwrap();
        assert_eq!(back, snap);
        assert_eq!(crate::model::inventory::from_snapshot(&back), rs);
    }

    #[test]
    fn derived_fields_are_written_for_readers() {
        let snap = snap_of(&two(), vec![]);
        let v: serde_json::Value = serde_json::from_str(&to_json(&snap).unwrap()).unwrap();
        let d = &v["devices"][0];
        assert_eq!(d["node"], "rfkill0");
        assert_eq!(d["attrs"]["hard_block_reasons"], 1);
        assert_eq!(d["driver"], "ipw2200");
        assert_eq!(d["bus"], "pci");
        assert_eq!(d["pci_id"], "8086:4220");
        assert_eq!(d["rf_kill"], 2);
    }

    #[test]
    fn events_win_over_sysfs_state_and_reasons_fall_back() {
        let rs = two();
        // 8-byte ADD events (no reasons byte): phy0 is soft-blocked only now,
        // and a radio sysfs did not show (no name).
        let evs = vec![
            SnapEvent {
                idx: 0,
                kind: 1,
                op: 0,
                soft: 1,
                hard: 0,
                reasons: None,
            },
            SnapEvent {
                idx: 1,
                kind: 1,
                op: 0,
                soft: 0,
                hard: 0,
                reasons: None,
            },
            SnapEvent {
                idx: 7,
                kind: 2,
                op: 0,
                soft: 0,
                hard: 1,
                reasons: Some(2),
            },
        ];
        let got = radios(&snap_of(&rs, evs.clone()));
        assert_eq!(got.len(), 3);
        assert!(got[0].soft && !got[0].hard, "the event's state wins");
        assert_eq!(got[0].reasons, Some(Reasons(1)), "sysfs reasons fill in");
        assert_eq!(got[0].device, "phy0");
        assert_eq!(got[2].id, 7);
        assert_eq!(got[2].device, "");
        assert_eq!(got[2].type_name, "bluetooth");
        assert!(got[2].sys.is_none());
        // A hand-made stream is folded like a capture: DEL removes.
        let mut more = evs;
        more.push(SnapEvent {
            idx: 7,
            kind: 2,
            op: 1,
            soft: 0,
            hard: 0,
            reasons: None,
        });
        assert_eq!(radios(&snap_of(&rs, more)).len(), 2);
    }

    #[test]
    fn bad_documents_are_refused_with_a_reason() {
        assert!(parse("{").unwrap_err().contains("not JSON"));
        assert!(parse("{}").unwrap_err().contains("no \"format\""));
        assert!(parse(r#"{"format":"other"}"#)
            .unwrap_err()
            .contains("not \"pin13-snapshot\""));
        assert!(parse(r#"{"format":"pin13-snapshot","format_version":99}"#)
            .unwrap_err()
            .contains("newer"));
        assert!(parse(r#"{"format":"pin13-snapshot","format_version":1}"#)
            .unwrap_err()
            .contains("malformed"));
    }

    #[test]
    fn cmdline_keeps_only_rfkill_words() {
        assert_eq!(
            cmdline_rfkill("BOOT_IMAGE=/vmlinuz root=UUID=x ro quiet rfkill.default_state=0 systemd.restore_state=0 ipw2200.disable=1"),
            vec!["rfkill.default_state=0", "systemd.restore_state=0", "ipw2200.disable=1"]
        );
    }
}
