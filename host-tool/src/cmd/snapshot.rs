//! `pin13 snapshot [-o FILE]`: everything needed to reproduce a report
//! offline, as one JSON document; and the reader behind the global
//! `--replay FILE` ([`load_inventory`]), which makes `status` and `diagnose`
//! answer from such a document.
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
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::context::Context;
use crate::model::inventory::{Inventory, Radio, Source};
use crate::sys::sysfs::SysRadio;
use crate::sys::{Event, Op, Reasons, RfkillType};
use crate::{Error, Status};

/// The `format` value of every snapshot.
pub const FORMAT: &str = "pin13-snapshot";
/// The newest `format_version` this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {
    /// Write the snapshot to FILE (atomically) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// procfs mount point for the kernel version. Default: /proc when --sysfs
    /// is /sys, else a `proc` directory beside the sysfs root (DIR/../proc)
    /// when there is one.
    #[arg(long, value_name = "DIR", env = "PIN13_PROC")]
    pub proc: Option<PathBuf>,

    /// Leave out the creation time, so equal machines give equal files.
    #[arg(long)]
    pub reproducible: bool,
}

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

// ---------------------------------------------------------------------------
// Replay: snapshot -> inventory (pure).

/// The radios a snapshot describes: from its ADD events when /dev/rfkill was
/// read (as the live tool does), else from its sysfs devices.
pub fn radios(snap: &Snapshot) -> Vec<Radio> {
    let events: Vec<Event> = snap.events.iter().map(SnapEvent::event).collect();
    let adds = crate::model::inventory::fold_events(&events);
    let mut out: Vec<Radio> = if adds.is_empty() {
        snap.devices
            .iter()
            .map(|d| Radio::from_sys(d.sys.clone()))
            .collect()
    } else {
        adds.iter()
            .map(|e| {
                let sys = snap.devices.iter().find(|d| d.sys.attrs.index == e.idx);
                Radio::from_event(e, sys.map(|d| d.sys.clone()))
            })
            .collect()
    };
    out.sort_by_key(|r| r.id);
    out
}

/// Parse and check a snapshot document.
pub fn parse(text: &str) -> Result<Snapshot, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        Some(other) => return Err(format!("format is {other:?}, not {FORMAT:?}")),
        None => return Err(format!("no \"format\": \"{FORMAT}\" key")),
    }
    match value.get("format_version").and_then(|v| v.as_u64()) {
        Some(v) if v >= 1 && v <= u64::from(FORMAT_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "format_version {v} is newer than this pin13 reads ({FORMAT_VERSION}): update pin13"
            ))
        }
        None => return Err("no \"format_version\" number".into()),
    }
    serde_json::from_value(value).map_err(|e| format!("malformed: {e}"))
}

/// `--replay FILE`: the inventory a snapshot describes.
pub fn load_inventory(path: &Path) -> Result<Inventory, Error> {
    let hint = Some("make one with `pin13 snapshot -o FILE` on the machine to examine".to_string());
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::runtime(
            format!(
                "cannot read snapshot {}: {}",
                path.display(),
                crate::sys::os::os_text(&e)
            ),
            hint.clone(),
        )
    })?;
    let snap = parse(&text).map_err(|why| {
        Error::runtime(
            format!("{} is not a pin13 snapshot: {why}", path.display()),
            hint.clone(),
        )
    })?;
    Ok(Inventory {
        radios: radios(&snap),
        source: Source::Replay {
            path: path.to_path_buf(),
        },
    })
}

// ---------------------------------------------------------------------------
// Capture (I/O).

/// Longest parameter value kept (some modules export big tables).
const MAX_PARAM: usize = 4096;

/// Where procfs is for this run (see [`SnapshotArgs::proc`]).
pub fn proc_root(explicit: Option<&Path>, sysfs_root: &Path) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if sysfs_root == Path::new("/sys") || sysfs_root == Path::new("/sys/") {
        return Some(PathBuf::from("/proc"));
    }
    let sibling = sysfs_root.parent()?.join("proc");
    sibling.is_dir().then_some(sibling)
}

fn read_trimmed(path: &Path) -> Option<String> {
    let b = std::fs::read(path).ok()?;
    Some(
        String::from_utf8_lossy(&b)
            .trim_end_matches('\n')
            .to_string(),
    )
}

/// Kernel facts from procfs (missing files give nulls).
pub fn read_kernel(proc: Option<&Path>) -> Kernel {
    let Some(proc) = proc else {
        return Kernel::default();
    };
    let cmdline = read_trimmed(&proc.join("cmdline")).unwrap_or_default();
    Kernel {
        osrelease: read_trimmed(&proc.join("sys/kernel/osrelease")),
        version: read_trimmed(&proc.join("sys/kernel/version")),
        cmdline_rfkill: cmdline_rfkill(&cmdline),
    }
}

/// The rfkill-related words of a kernel command line.
pub fn cmdline_rfkill(cmdline: &str) -> Vec<String> {
    cmdline
        .split_ascii_whitespace()
        .filter(|w| crate::model::hardware::is_rfkill_cmdline_word(w))
        .map(str::to_string)
        .collect()
}

/// The module names behind the radios' drivers: the driver directory's
/// `module` link when present, else the driver name with `-` as `_`.
fn driver_modules(sysfs_root: &Path, devices: &[SysRadio]) -> Vec<String> {
    let mut out = Vec::new();
    for d in devices {
        for p in &d.parents {
            let (Some(drv), Some(bus)) = (&p.driver, &p.subsystem) else {
                continue;
            };
            let link = sysfs_root.join(format!("bus/{bus}/drivers/{drv}/module"));
            let m = std::fs::read_link(&link)
                .ok()
                .and_then(|t| t.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| drv.replace('-', "_"));
            out.push(m);
        }
    }
    out
}

/// `module/<m>/parameters/*` for the base modules and the radios' drivers.
pub fn read_module_parameters(
    sysfs_root: &Path,
    devices: &[SysRadio],
) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut names: Vec<String> = crate::model::hardware::base_modules()
        .iter()
        .map(|s| s.to_string())
        .collect();
    names.extend(driver_modules(sysfs_root, devices));
    let mut out = BTreeMap::new();
    for m in names {
        if out.contains_key(&m) {
            continue;
        }
        let dir = sysfs_root.join("module").join(&m).join("parameters");
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut params = BTreeMap::new();
        for entry in rd.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // Write-only or root-only parameters are left out, not guessed.
            if let Some(mut v) = read_trimmed(&entry.path()) {
                if v.len() > MAX_PARAM {
                    let mut cut = MAX_PARAM;
                    while !v.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    v.truncate(cut);
                }
                params.insert(name, v);
            }
        }
        // A module without readable parameters says nothing: leave it out.
        if !params.is_empty() {
            out.insert(m, params);
        }
    }
    out
}

/// The ADD events /dev/rfkill gives on open, or why it could not be read.
fn read_events(path: &Path) -> (DevInfo, Vec<SnapEvent>) {
    let info = |readable, error, event_size| DevInfo {
        path: path.display().to_string(),
        readable,
        error,
        event_size,
    };
    match crate::sys::device::Device::open_read(path) {
        Ok(mut dev) => match dev.drain() {
            Ok(evs) => (
                info(true, None, Some(dev.event_size())),
                crate::model::inventory::fold_events(&evs)
                    .iter()
                    .map(SnapEvent::from)
                    .collect(),
            ),
            Err(e) => (info(false, Some(e.to_string()), None), Vec::new()),
        },
        Err(e) => (info(false, Some(e.to_string()), None), Vec::new()),
    }
}

/// Capture this machine (or the trees the options point at).
pub fn capture(ctx: &Context, args: &SnapshotArgs) -> Result<Snapshot, Error> {
    let root = ctx.sysfs.root().to_path_buf();
    // No rfkill class at all is worth a snapshot too (kernel, module
    // parameters): it says the rfkill core or the driver is not loaded.
    let devices = match ctx.sysfs.list() {
        Ok(d) => d,
        Err(crate::sys::sysfs::SysfsError::NoClass { path }) => {
            crate::render::table::note(&format!(
                "{} does not exist (rfkill not loaded): the snapshot has no devices",
                path.display()
            ));
            Vec::new()
        }
        Err(e) => return Err(e.into()),
    };
    let (dev, events) = read_events(&ctx.rfkill_dev);
    let proc = proc_root(args.proc.as_deref(), &root);
    let created_unix = if args.reproducible {
        None
    } else {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|d| d.as_secs())
    };
    Ok(Snapshot {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        tool: Tool {
            name: "pin13".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        created_unix,
        kernel: read_kernel(proc.as_deref()),
        sysfs_root: Some(root.display().to_string()),
        rfkill_dev: Some(dev),
        module_parameters: read_module_parameters(&root, &devices),
        devices: devices.into_iter().map(SnapDevice::new).collect(),
        events,
    })
}

/// Pretty JSON with a trailing newline.
pub fn to_json(snap: &Snapshot) -> Result<String, Error> {
    let mut s = serde_json::to_string_pretty(snap)
        .map_err(|e| Error::runtime(format!("cannot encode the snapshot: {e}"), None))?;
    s.push('\n');
    Ok(s)
}

/// Write `text` to `path` through a temporary file in the same directory and
/// a rename, so a failure never leaves half a snapshot behind.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), Error> {
    let fail = |what: &str, e: std::io::Error| {
        Error::runtime(
            format!(
                "cannot {what} {}: {}",
                path.display(),
                crate::sys::os::os_text(&e)
            ),
            None,
        )
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::usage(format!("-o {}: not a file name", path.display()), None))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all()))
        .map_err(|e| fail("write", e))
        .and_then(|_| std::fs::rename(&tmp, path).map_err(|e| fail("write", e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

pub fn run(ctx: &Context, args: &SnapshotArgs) -> Result<Status, Error> {
    if ctx.replay.is_some() {
        return Err(Error::usage(
            "snapshot captures this machine; it cannot be combined with --replay",
            Some(
                "to look at a snapshot, run `pin13 --replay FILE status` or `... diagnose`".into(),
            ),
        ));
    }
    let snap = capture(ctx, args)?;
    if let Some(dev) = &snap.rfkill_dev {
        if let Some(e) = &dev.error {
            crate::render::table::note(&format!(
                "no events in the snapshot ({e}); sysfs was captured"
            ));
        }
    }
    let text = to_json(&snap)?;
    match &args.output {
        Some(path) => {
            write_atomic(path, &text)?;
            crate::render::table::note(&format!(
                "wrote {} ({} radios)",
                path.display(),
                snap.devices.len()
            ));
        }
        None => {
            crate::render::table::emit(&mut std::io::stdout().lock(), &text)?;
        }
    }
    Ok(Status::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let back = parse(&text).unwrap();
        assert_eq!(back, snap);
        assert_eq!(radios(&back), rs);
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

    #[test]
    fn proc_root_rules() {
        assert_eq!(
            proc_root(None, Path::new("/sys")),
            Some(PathBuf::from("/proc"))
        );
        assert_eq!(
            proc_root(Some(Path::new("/x/proc")), Path::new("/sys")),
            Some(PathBuf::from("/x/proc"))
        );
        let dir = std::env::temp_dir().join(format!("pin13-proc-root-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sys")).unwrap();
        assert_eq!(proc_root(None, &dir.join("sys")), None, "no sibling proc");
        std::fs::create_dir_all(dir.join("proc")).unwrap();
        assert_eq!(proc_root(None, &dir.join("sys")), Some(dir.join("proc")));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = std::env::temp_dir().join(format!("pin13-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("snap.json");
        write_atomic(&f, "one\n").unwrap();
        write_atomic(&f, "two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "two\n");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        // A directory that does not exist: an error, nothing written.
        assert!(write_atomic(&dir.join("no/such/x.json"), "x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
