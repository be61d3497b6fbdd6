//! The snapshot document (`pin13 snapshot`, `--replay FILE`): its schema,
//! parsing and encoding. Capturing a machine is `cmd::snapshot`'s; turning a
//! document into radios is [`crate::model::inventory::from_snapshot`]'s.
//!
//! Document (format `pin13-snapshot`, version 1; keys are stable):
//! ```text
//! { "format": "pin13-snapshot", "format_version": 1,
//!   "tool": {"name": "pin13", "version": "0.1.0 (v0.1.0-3-g1a2b3c4)"},   (as `pin13 --version`: version and build)
//!   "created_unix": 1764000000,                 (null in --reproducible output)
//!   "kernel": {"osrelease": "6.1.0-28-686", "version": "#1 SMP ...", "cmdline_rfkill": ["rfkill.default_state=0"]},
//!   "sysfs_root": "/sys",
//!   "rfkill_dev": {"path": "/dev/rfkill", "readable": true, "error": null, "event_size": 9},
//!   "devices": [ {"node": "rfkill0", "attrs": {...}, "parents": [...],      (the sysfs data model, verbatim;
//!                                                   PCI ids "8086", older snapshots' numbers read too)
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
        let pci_id = crate::model::hardware::hardware(&sys.attrs.name, Some(&sys))
            .pci
            .map(|p| p.short());
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

/// Why a document is not a snapshot this pin13 reads. Text from the file
/// appears only shortened ([`shown`]); serde's messages name the line and column.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("not JSON: {0}")]
    NotJson(serde_json::Error),
    #[error("no \"format\": \"{FORMAT}\" key")]
    NoFormat,
    #[error("format is {0}, not \"{FORMAT}\"")]
    OtherFormat(String),
    #[error("no \"format_version\" number")]
    NoVersion,
    #[error("format_version {0} is not a version (versions start at 1)")]
    BadVersion(String),
    #[error("format_version {0} is newer than this pin13 reads ({FORMAT_VERSION}): update pin13")]
    Newer(u64),
    #[error("malformed: {0}")]
    Malformed(serde_json::Error),
}

/// A JSON value from the file for a message: at most 40 characters of it.
fn shown(v: &serde_json::Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text,
    }
}

/// Parse and check a snapshot document, straight into [`Snapshot`].
pub fn parse(bytes: impl AsRef<[u8]>) -> Result<Snapshot, SnapshotError> {
    let bytes = bytes.as_ref();
    /// The two keys that say what the document is, read first so a wrong
    /// or newer document gets its own message.
    #[derive(Deserialize)]
    struct Head {
        format: Option<serde_json::Value>,
        format_version: Option<serde_json::Value>,
    }
    let head: Head = serde_json::from_slice(bytes).map_err(SnapshotError::NotJson)?;
    match head.format {
        Some(serde_json::Value::String(f)) if f == FORMAT => {}
        Some(serde_json::Value::Null) | None => return Err(SnapshotError::NoFormat),
        Some(other) => return Err(SnapshotError::OtherFormat(shown(&other))),
    }
    match head.format_version {
        Some(serde_json::Value::Null) | None => return Err(SnapshotError::NoVersion),
        Some(v) => match v.as_u64() {
            Some(n) if (1..=u64::from(FORMAT_VERSION)).contains(&n) => {}
            Some(n) if n > u64::from(FORMAT_VERSION) => return Err(SnapshotError::Newer(n)),
            _ => return Err(SnapshotError::BadVersion(shown(&v))),
        },
    }
    serde_json::from_slice(bytes).map_err(SnapshotError::Malformed)
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
        let e = |doc: &str| parse(doc).unwrap_err();
        assert!(matches!(e("{"), SnapshotError::NotJson(_)));
        assert!(e("{").to_string().starts_with("not JSON: "));
        assert!(matches!(e("{}"), SnapshotError::NoFormat));
        assert_eq!(e("{}").to_string(), "no \"format\": \"pin13-snapshot\" key");
        assert_eq!(
            e(r#"{"format":"other"}"#).to_string(),
            "format is \"other\", not \"pin13-snapshot\""
        );
        assert_eq!(
            e(r#"{"format":7}"#).to_string(),
            "format is 7, not \"pin13-snapshot\""
        );
        assert!(matches!(
            e(r#"{"format":"pin13-snapshot"}"#),
            SnapshotError::NoVersion
        ));
        assert!(matches!(
            e(r#"{"format":"pin13-snapshot","format_version":99}"#),
            SnapshotError::Newer(99)
        ));
        assert!(e(r#"{"format":"pin13-snapshot","format_version":99}"#)
            .to_string()
            .contains("newer"));
        for v in ["0", "-1", "1.5", "\"1\"", "[]", "1e30"] {
            let doc = format!(r#"{{"format":"pin13-snapshot","format_version":{v}}}"#);
            assert!(
                matches!(e(&doc), SnapshotError::BadVersion(_)),
                "{v}: {}",
                e(&doc)
            );
        }
        assert!(matches!(
            e(r#"{"format":"pin13-snapshot","format_version":1}"#),
            SnapshotError::Malformed(_)
        ));
        // What the file holds is quoted shortened.
        let long = format!(r#"{{"format":"{}"}}"#, "x".repeat(100_000));
        let m = e(&long).to_string();
        assert!(m.len() < 100 && m.contains("xxx..."), "{m}");
    }

    /// A snapshot written before PCI ids were hex strings (numbers), and
    /// documents whose ids are not ids: a typed error, never a panic.
    #[test]
    fn old_numeric_pci_ids_replay_and_garbage_is_refused() {
        let snap = snap_of(&two(), vec![]);
        let text = to_json(&snap).unwrap();
        assert!(text.contains(r#""pci_vendor": "8086""#), "{text}");
        assert!(text.contains(r#""pci_device": "4220""#), "{text}");
        let old = text
            .replace(r#""pci_vendor": "8086""#, r#""pci_vendor": 32902"#)
            .replace(r#""pci_device": "4220""#, r#""pci_device": 16928"#)
            .replace(
                r#""pci_subsystem_vendor": "8086""#,
                r#""pci_subsystem_vendor": 32902"#,
            )
            .replace(
                r#""pci_subsystem_device": "2701""#,
                r#""pci_subsystem_device": 9985"#,
            );
        assert!(!old.contains(r#""8086""#), "{old}");
        let back = parse(&old).unwrap();
        assert_eq!(back, snap);
        assert_eq!(back.devices[0].pci_id.as_deref(), Some("8086:4220"));
        for bad in [
            "\"zz\"",
            "\"80860\"",
            "-1",
            "65536",
            "99999999999999999999999",
        ] {
            let doc = text.replace(
                r#""pci_device": "4220""#,
                &format!(r#""pci_device": {bad}"#),
            );
            match parse(&doc) {
                Err(SnapshotError::Malformed(e)) => {
                    assert!(e.to_string().contains("PCI id"), "{bad}: {e}")
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn cmdline_keeps_only_rfkill_words() {
        assert_eq!(
            cmdline_rfkill("BOOT_IMAGE=/vmlinuz root=UUID=x ro quiet rfkill.default_state=0 systemd.restore_state=0 ipw2200.disable=1"),
            vec!["rfkill.default_state=0", "systemd.restore_state=0", "ipw2200.disable=1"]
        );
    }
}
