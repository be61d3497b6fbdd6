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

use crate::sys::{Reasons, RfkillType};

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
    /// In JSON: `"8086"`, as `lspci -n` writes them (see [`pci_id_json`]).
    #[serde(default, with = "pci_id_json")]
    pub pci_vendor: Option<u16>,
    #[serde(default, with = "pci_id_json")]
    pub pci_device: Option<u16>,
    #[serde(default, with = "pci_id_json")]
    pub pci_subsystem_vendor: Option<u16>,
    #[serde(default, with = "pci_id_json")]
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
    #[error("cannot read {path}: {}", crate::sys::os::os_text(.source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file exists but holds something the kernel never writes there.
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    /// No `class/rfkill` directory: the rfkill core is not loaded (or the
    /// `--sysfs` root is not a sysfs tree).
    #[error("{path} does not exist")]
    NoClass { path: PathBuf },
}

impl SysfsError {
    pub fn hint(&self) -> Option<String> {
        match self {
            SysfsError::NoClass { .. } => Some(
                "the rfkill module is not loaded: `sudo modprobe rfkill`, or load your radio's \
                 driver (e.g. `sudo modprobe ipw2200`)"
                    .to_string(),
            ),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------
// Parsing: bytes in, values out. No I/O here.

/// Why a sysfs file's bytes are not what the kernel writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The first line without its newline (`name`, `type`, `modalias`).
pub fn parse_line(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    text(&bytes[..end])
}

fn trimmed(bytes: &[u8]) -> String {
    text(bytes).trim().to_string()
}

/// A decimal number (`index`, written with `%d`).
pub fn parse_u32(bytes: &[u8]) -> Result<u32, ParseError> {
    let t = trimmed(bytes);
    t.parse()
        .map_err(|_| ParseError(format!("expected a number, found {t:?}")))
}

/// `0` or `1` (`soft`, `hard`, `persistent`).
pub fn parse_bool01(bytes: &[u8]) -> Result<bool, ParseError> {
    match trimmed(bytes).as_str() {
        "0" => Ok(false),
        "1" => Ok(true),
        t => Err(ParseError(format!("expected 0 or 1, found {t:?}"))),
    }
}

/// `state`: 0 soft-blocked, 1 unblocked, 2 hard-blocked.
pub fn parse_state(bytes: &[u8]) -> Result<u8, ParseError> {
    match trimmed(bytes).as_str() {
        "0" => Ok(0),
        "1" => Ok(1),
        "2" => Ok(2),
        t => Err(ParseError(format!("expected 0, 1 or 2, found {t:?}"))),
    }
}

fn parse_hex_u64(bytes: &[u8]) -> Result<u64, ParseError> {
    let t = trimmed(bytes);
    let digits = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(&t);
    u64::from_str_radix(digits, 16)
        .map_err(|_| ParseError(format!("expected a hex number, found {t:?}")))
}

/// `hard_block_reasons` (`0x%lx`). Bits above 7 do not fit the event byte
/// and are dropped, as the kernel's own event does.
pub fn parse_reasons(bytes: &[u8]) -> Result<u8, ParseError> {
    parse_hex_u64(bytes).map(|v| (v & 0xff) as u8)
}

/// PCI `vendor`/`device`/`subsystem_*` (`0x8086`).
pub fn parse_pci_id(bytes: &[u8]) -> Result<u16, ParseError> {
    let v = parse_hex_u64(bytes)?;
    u16::try_from(v).map_err(|_| ParseError(format!("PCI id out of range: {v:#x}")))
}

/// A PCI id in JSON (the snapshot's device nodes): written as the 4-digit
/// lowercase hex of `lspci -n` (`"8086"`), or null. Read back: that form
/// (either case, `0x` allowed, as sysfs writes it), or a number 0..=65535 as
/// snapshots before the hex form held. Anything else is a serde error naming
/// what was found (a long string only by its start).
pub mod pci_id_json {
    use serde::de::{self, Deserializer, Unexpected, Visitor};
    use serde::Serializer;

    /// The text form of one id: `8086`.
    pub fn hex(id: u16) -> String {
        format!("{id:04x}")
    }

    /// `8086`, `0x8086`, `8086` in upper case: exactly 4 hex digits.
    pub fn parse_hex(s: &str) -> Option<u16> {
        let digits = s
            .strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .unwrap_or(s);
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u16::from_str_radix(digits, 16).ok()
    }

    pub fn serialize<S: Serializer>(id: &Option<u16>, s: S) -> Result<S::Ok, S::Error> {
        match id {
            Some(v) => s.serialize_str(&hex(*v)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
        d.deserialize_any(PciId)
    }

    struct PciId;

    impl<'de> Visitor<'de> for PciId {
        type Value = Option<u16>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a PCI id: 4 hex digits such as \"8086\", a number 0 to 65535, or null")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(PciId)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            u16::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            match u64::try_from(v) {
                Ok(u) => self.visit_u64(u),
                Err(_) => Err(E::invalid_value(Unexpected::Signed(v), &self)),
            }
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            parse_hex(s).map(Some).ok_or_else(|| {
                // A hostile file may hold a megabyte here: name its start only.
                let shown: String = s.chars().take(12).collect();
                let shown = if shown.len() < s.len() {
                    format!("{shown}...")
                } else {
                    shown
                };
                E::invalid_value(Unexpected::Str(&shown), &self)
            })
        }
    }
}

/// ipw2x00 `rf_kill` (`%i`: 0..=3).
pub fn parse_rf_kill(bytes: &[u8]) -> Result<u8, ParseError> {
    let t = trimmed(bytes);
    match t.parse::<u8>() {
        Ok(v) if v <= 3 => Ok(v),
        _ => Err(ParseError(format!("expected 0..3, found {t:?}"))),
    }
}

/// Where a failed attribute came from, for the error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrError {
    pub attr: &'static str,
    pub error: ParseError,
}

impl RfkillAttrs {
    /// Build the attributes from file contents. `get(name)` returns the bytes
    /// of `name`, or `None` when the file does not exist. `node_index` (N of
    /// `rfkillN`) stands in for a missing `index` file.
    pub fn parse(
        mut get: impl FnMut(&'static str) -> Option<Vec<u8>>,
        node_index: Option<u32>,
    ) -> Result<RfkillAttrs, AttrError> {
        fn at<T>(attr: &'static str, r: Result<T, ParseError>) -> Result<T, AttrError> {
            r.map_err(|error| AttrError { attr, error })
        }
        let missing = |attr: &'static str| AttrError {
            attr,
            error: ParseError("missing".into()),
        };
        let index = match get("index") {
            Some(b) => at("index", parse_u32(&b))?,
            None => node_index.ok_or_else(|| missing("index"))?,
        };
        let name = parse_line(&get("name").ok_or_else(|| missing("name"))?);
        let type_name = parse_line(&get("type").ok_or_else(|| missing("type"))?);
        let state = get("state")
            .map(|b| at("state", parse_state(&b)))
            .transpose()?;
        let soft = match get("soft") {
            Some(b) => at("soft", parse_bool01(&b))?,
            None => state.map(|s| s == 0).ok_or_else(|| missing("soft"))?,
        };
        let hard = match get("hard") {
            Some(b) => at("hard", parse_bool01(&b))?,
            None => state.map(|s| s == 2).ok_or_else(|| missing("hard"))?,
        };
        let persistent = get("persistent")
            .map(|b| at("persistent", parse_bool01(&b)))
            .transpose()?;
        let hard_block_reasons = get("hard_block_reasons")
            .map(|b| at("hard_block_reasons", parse_reasons(&b)))
            .transpose()?;
        Ok(RfkillAttrs {
            index,
            name,
            type_name,
            soft,
            hard,
            state,
            persistent,
            hard_block_reasons,
        })
    }
}

/// Resolve `target` (a symlink's content) against `base` (the directory
/// holding the link), both relative to the sysfs root, without touching the
/// file system: the kernel's links are relative and `..` is lexical there.
/// Absolute targets under `/sys/` are taken relative to the root.
pub fn resolve_link(base: &str, target: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let rest = if let Some(abs) = target.strip_prefix('/') {
        abs.strip_prefix("sys/").unwrap_or(abs)
    } else {
        parts.extend(base.split('/').filter(|p| !p.is_empty() && *p != "."));
        target
    };
    for p in rest.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn last_component(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn parent_of(path: &str) -> Option<&str> {
    path.rfind('/').map(|i| &path[..i])
}

// ---------------------------------------------------------------------------
// I/O on the tree.

/// The most of one attribute that is read: a page, as the kernel gives.
pub const ATTR_MAX: u64 = 4096;

impl Sysfs {
    /// `class/rfkill` under the root.
    pub fn class_dir(&self) -> PathBuf {
        self.root.join("class/rfkill")
    }

    /// True when `class/rfkill` exists (the rfkill core is loaded).
    pub fn has_rfkill_class(&self) -> bool {
        self.class_dir().is_dir()
    }

    fn abs(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Read a file relative to the root: `Ok(None)` when it does not exist.
    pub fn read_rel(&self, rel: &str) -> Result<Option<Vec<u8>>, SysfsError> {
        use crate::sys::files::{read_head, ReadError};
        let path = self.abs(rel);
        match read_head(&path, ATTR_MAX) {
            Ok(b) => Ok(Some(b)),
            Err(ReadError::Io { source: e, .. })
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                Ok(None)
            }
            Err(ReadError::Io { source, .. }) => Err(SysfsError::Io { path, source }),
            Err(other) => Err(SysfsError::Io {
                path,
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, other.to_string()),
            }),
        }
    }

    /// The target of a symlink relative to the root, resolved lexically;
    /// `None` when `rel` is not a symlink.
    pub fn link_rel(&self, rel: &str) -> Option<String> {
        let target = std::fs::read_link(self.abs(rel)).ok()?;
        let base = parent_of(rel).unwrap_or("");
        Some(resolve_link(base, &target.to_string_lossy()))
    }

    /// The `rfkillN` names present, sorted by N.
    pub fn nodes(&self) -> Result<Vec<String>, SysfsError> {
        let dir = self.class_dir();
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(SysfsError::NoClass { path: dir })
            }
            Err(source) => return Err(SysfsError::Io { path: dir, source }),
        };
        let mut nodes: Vec<(u32, String)> = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|source| SysfsError::Io {
                path: dir.clone(),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(n) = name.strip_prefix("rfkill").and_then(|n| n.parse().ok()) {
                nodes.push((n, name));
            }
        }
        nodes.sort();
        Ok(nodes.into_iter().map(|(_, n)| n).collect())
    }

    /// Every rfkill device, sorted by index. Devices that vanish while being
    /// read (hot-unplug) are left out; any other problem is an error.
    pub fn list(&self) -> Result<Vec<SysRadio>, SysfsError> {
        let (radios, mut problems) = self.survey()?;
        if problems.is_empty() {
            Ok(radios)
        } else {
            Err(problems.swap_remove(0))
        }
    }

    /// Every rfkill device that can be read, sorted by index, and the
    /// problems met on the way: a radio that cannot be read (a symlink loop,
    /// an unreadable attribute) is left out and named, never dropped
    /// silently; an unreadable `name` only loses the name.
    pub fn survey(&self) -> Result<(Vec<SysRadio>, Vec<SysfsError>), SysfsError> {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for node in self.nodes()? {
            match self.read_radio_noting(&node, &mut problems) {
                Ok(Some(r)) => out.push(r),
                Ok(None) => {}
                Err(e) => problems.push(e),
            }
        }
        out.sort_by_key(|r| r.attrs.index);
        Ok((out, problems))
    }

    /// The device with this index (`class/rfkill/rfkillN`), if present.
    pub fn radio(&self, index: u32) -> Result<Option<SysRadio>, SysfsError> {
        self.radio_noting(index, &mut Vec::new())
    }

    /// [`Sysfs::radio`], noting an unreadable `name` as
    /// [`Sysfs::read_radio_noting`] does.
    pub fn radio_noting(
        &self,
        index: u32,
        problems: &mut Vec<SysfsError>,
    ) -> Result<Option<SysRadio>, SysfsError> {
        self.read_radio_noting(&format!("rfkill{index}"), problems)
    }

    /// Read `class/rfkill/<node>` and the devices above it. `Ok(None)` when
    /// it does not exist.
    pub fn read_radio(&self, node: &str) -> Result<Option<SysRadio>, SysfsError> {
        self.read_radio_noting(node, &mut Vec::new())
    }

    /// [`Sysfs::read_radio`]; an unreadable `name` gives an empty name (shown
    /// as `rfkillN`) and its error is pushed onto `problems`.
    pub fn read_radio_noting(
        &self,
        node: &str,
        problems: &mut Vec<SysfsError>,
    ) -> Result<Option<SysRadio>, SysfsError> {
        let class_rel = format!("class/rfkill/{node}");
        // Modern kernels: a symlink into devices/; very old ones: a directory.
        let dir = self.link_rel(&class_rel).unwrap_or(class_rel.clone());
        match std::fs::metadata(self.abs(&dir)) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            // a symlink loop (ELOOP), a permission problem: say so
            Err(source) => {
                return Err(SysfsError::Io {
                    path: self.abs(&class_rel),
                    source,
                })
            }
        }
        let mut io_err = None;
        let node_index = node.strip_prefix("rfkill").and_then(|n| n.parse().ok());
        let attrs = RfkillAttrs::parse(
            |attr| match self.read_rel(&format!("{dir}/{attr}")) {
                Ok(b) => b,
                Err(e) if attr == "name" => {
                    problems.push(e);
                    Some(Vec::new())
                }
                Err(e) => {
                    io_err.get_or_insert(e);
                    None
                }
            },
            node_index,
        );
        if let Some(e) = io_err {
            return Err(e);
        }
        let attrs = match attrs {
            Ok(a) => a,
            // The directory went away between the check and the reads.
            Err(_) if !self.abs(&dir).is_dir() => return Ok(None),
            Err(AttrError { attr, error }) => {
                return Err(SysfsError::Parse {
                    path: self.abs(&format!("{dir}/{attr}")),
                    message: error.0,
                })
            }
        };
        let parents = match self.link_rel(&format!("{dir}/device")) {
            Some(dev) => self.parents(&dev),
            None => Vec::new(),
        };
        Ok(Some(SysRadio {
            node: node.to_string(),
            attrs,
            parents,
        }))
    }

    /// `rel` and every directory above it up to `devices/` that is a device
    /// (has a `uevent` file), nearest first.
    pub fn parents(&self, rel: &str) -> Vec<DeviceNode> {
        let mut out = Vec::new();
        let mut cur = Some(rel.trim_end_matches('/'));
        while let Some(p) = cur {
            if !p.starts_with("devices/") {
                break;
            }
            if self.abs(&format!("{p}/uevent")).is_file() {
                out.push(self.device_node(p));
            }
            cur = parent_of(p);
        }
        out
    }

    /// Describe one device directory (relative to the root).
    pub fn device_node(&self, rel: &str) -> DeviceNode {
        let opt = |attr: &str| self.read_rel(&format!("{rel}/{attr}")).ok().flatten();
        let link_name = |attr: &str| {
            self.link_rel(&format!("{rel}/{attr}"))
                .map(|t| last_component(&t).to_string())
        };
        let subsystem = link_name("subsystem");
        let pci = |attr: &str| {
            if subsystem.as_deref() == Some("pci") {
                opt(attr).and_then(|b| parse_pci_id(&b).ok())
            } else {
                None
            }
        };
        DeviceNode {
            path: rel.to_string(),
            name: last_component(rel).to_string(),
            driver: link_name("driver"),
            pci_vendor: pci("vendor"),
            pci_device: pci("device"),
            pci_subsystem_vendor: pci("subsystem_vendor"),
            pci_subsystem_device: pci("subsystem_device"),
            rf_kill: opt("rf_kill").and_then(|b| parse_rf_kill(&b).ok()),
            modalias: opt("modalias")
                .map(|b| parse_line(&b))
                .filter(|m| !m.is_empty()),
            subsystem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn files(pairs: &[(&'static str, &str)]) -> HashMap<&'static str, Vec<u8>> {
        pairs
            .iter()
            .map(|(k, v)| (*k, v.as_bytes().to_vec()))
            .collect()
    }

    fn parse(pairs: &[(&'static str, &str)]) -> Result<RfkillAttrs, AttrError> {
        let f = files(pairs);
        RfkillAttrs::parse(|a| f.get(a).cloned(), Some(7))
    }

    #[test]
    fn parses_a_modern_rfkill_directory() {
        let a = parse(&[
            ("index", "0\n"),
            ("name", "phy0\n"),
            ("type", "wlan\n"),
            ("soft", "0\n"),
            ("hard", "1\n"),
            ("state", "2\n"),
            ("persistent", "0\n"),
            ("hard_block_reasons", "0x1\n"),
        ])
        .unwrap();
        assert_eq!(a.index, 0);
        assert_eq!(a.name, "phy0");
        assert_eq!(a.type_name, "wlan");
        assert!(!a.soft && a.hard);
        assert_eq!(a.state, Some(2));
        assert_eq!(a.persistent, Some(false));
        assert_eq!(a.hard_block_reasons, Some(1));
        assert!(a.reasons().unwrap().signal());
        assert_eq!(a.kind(), crate::sys::RfkillType::Wlan);
    }

    #[test]
    fn pre_5_11_has_no_reasons() {
        let a = parse(&[
            ("index", "3\n"),
            ("name", "hci0\n"),
            ("type", "bluetooth\n"),
            ("soft", "1\n"),
            ("hard", "0\n"),
            ("state", "0\n"),
        ])
        .unwrap();
        assert_eq!(a.hard_block_reasons, None);
        assert_eq!(a.persistent, None);
        assert!(a.soft);
    }

    #[test]
    fn very_old_kernels_fall_back_to_state_and_node_index() {
        let a = parse(&[
            ("name", "acer-wireless\n"),
            ("type", "wlan\n"),
            ("state", "2\n"),
        ])
        .unwrap();
        assert_eq!(a.index, 7);
        assert!(a.hard && !a.soft);
        let a = parse(&[("name", "x\n"), ("type", "wlan\n"), ("state", "0\n")]).unwrap();
        assert!(a.soft && !a.hard);
    }

    #[test]
    fn names_keep_inner_spaces_and_drop_the_newline_only() {
        assert_eq!(parse_line(b"tpacpi_bluetooth_sw\n"), "tpacpi_bluetooth_sw");
        assert_eq!(parse_line(b"odd name\nsecond"), "odd name");
        assert_eq!(parse_line(b"no-newline"), "no-newline");
        assert_eq!(parse_line(b""), "");
    }

    #[test]
    fn bad_values_name_the_attribute() {
        let e = parse(&[
            ("name", "x\n"),
            ("type", "wlan\n"),
            ("soft", "yes\n"),
            ("hard", "0\n"),
        ])
        .unwrap_err();
        assert_eq!(e.attr, "soft");
        assert!(e.error.0.contains("\"yes\""));
        let e = parse(&[("name", "x\n"), ("type", "wlan\n")]).unwrap_err();
        assert_eq!(e.attr, "soft");
        let e = parse(&[("type", "wlan\n"), ("soft", "0"), ("hard", "0")]).unwrap_err();
        assert_eq!(e.attr, "name");
        let e = parse(&[
            ("index", "-1\n"),
            ("name", "x"),
            ("type", "wlan"),
            ("soft", "0"),
            ("hard", "0"),
        ])
        .unwrap_err();
        assert_eq!(e.attr, "index");
    }

    #[test]
    fn number_parsers() {
        assert_eq!(parse_reasons(b"0x0\n"), Ok(0));
        assert_eq!(parse_reasons(b"0x3\n"), Ok(3));
        assert_eq!(parse_reasons(b"0x102\n"), Ok(2));
        assert!(parse_reasons(b"zz").is_err());
        assert_eq!(parse_pci_id(b"0x8086\n"), Ok(0x8086));
        assert_eq!(parse_pci_id(b"0x4220\n"), Ok(0x4220));
        assert!(parse_pci_id(b"0x123456\n").is_err());
        assert_eq!(parse_rf_kill(b"2\n"), Ok(2));
        assert!(parse_rf_kill(b"4\n").is_err());
        assert_eq!(parse_state(b"1\n"), Ok(1));
        assert!(parse_state(b"3\n").is_err());
        assert_eq!(parse_u32(b" 12 \n"), Ok(12));
    }

    #[test]
    fn links_resolve_lexically_like_the_kernel_writes_them() {
        assert_eq!(
            resolve_link(
                "class/rfkill",
                "../../devices/pci0000:00/0000:00:1e.0/0000:06:04.0/ieee80211/phy0/rfkill0"
            ),
            "devices/pci0000:00/0000:00:1e.0/0000:06:04.0/ieee80211/phy0/rfkill0"
        );
        assert_eq!(
            resolve_link(
                "devices/pci0000:00/0000:00:1e.0/0000:06:04.0/ieee80211/phy0/rfkill0",
                "../../phy0"
            ),
            "devices/pci0000:00/0000:00:1e.0/0000:06:04.0/ieee80211/phy0"
        );
        assert_eq!(
            resolve_link(
                "devices/platform/acer-wmi",
                "../../../bus/platform/drivers/acer-wmi"
            ),
            "bus/platform/drivers/acer-wmi"
        );
        assert_eq!(resolve_link("a/b", "/sys/devices/x"), "devices/x");
        assert_eq!(resolve_link("a", "../../../../x"), "x");
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;

    fn fixture(name: &str) -> Sysfs {
        Sysfs::new(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../tests/fixtures/sysfs")
                .join(name),
        )
    }

    #[test]
    fn ipw2200_hardkill_tree() {
        let s = fixture("ipw2200-hardkill");
        assert!(s.has_rfkill_class());
        let radios = s.list().unwrap();
        assert_eq!(radios.len(), 2);
        let phy0 = &radios[0];
        assert_eq!(phy0.node, "rfkill0");
        assert_eq!(phy0.attrs.name, "phy0");
        assert!(phy0.attrs.hard && !phy0.attrs.soft);
        assert_eq!(phy0.attrs.hard_block_reasons, Some(1));
        let names: Vec<_> = phy0.parents.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["phy0", "0000:06:04.0", "0000:00:1e.0", "pci0000:00"]
        );
        assert_eq!(phy0.parents[0].subsystem.as_deref(), Some("ieee80211"));
        let card = phy0.hardware().unwrap();
        assert_eq!(card.path, "devices/pci0000:00/0000:00:1e.0/0000:06:04.0");
        assert_eq!(phy0.driver(), Some("ipw2200"));
        assert_eq!(phy0.bus(), Some("pci"));
        assert_eq!(
            (card.pci_vendor, card.pci_device),
            (Some(0x8086), Some(0x4220))
        );
        assert_eq!(
            (card.pci_subsystem_vendor, card.pci_subsystem_device),
            (Some(0x8086), Some(0x2701))
        );
        assert_eq!(card.rf_kill, Some(2));
        assert!(card
            .modalias
            .as_deref()
            .unwrap()
            .starts_with("pci:v00008086d00004220"));
        // the bridge has no driver and no rf_kill
        assert_eq!(phy0.parents[2].driver, None);
        assert_eq!(phy0.parents[2].rf_kill, None);

        let acer = &radios[1];
        assert_eq!(acer.attrs.name, "acer-wireless");
        assert_eq!(acer.driver(), Some("acer-wmi"));
        assert_eq!(acer.bus(), Some("platform"));
        assert_eq!(acer.hardware().unwrap().pci_vendor, None);
        assert_eq!(acer.attrs.hard_block_reasons, Some(0));
        assert_eq!(s.radio(1).unwrap().unwrap(), *acer);
        assert_eq!(s.radio(9).unwrap(), None);
    }

    #[test]
    fn pre_5_11_tree_has_no_reasons_and_a_usb_radio() {
        let radios = fixture("pre511-ipw2200-btusb").list().unwrap();
        assert_eq!(radios.len(), 2);
        assert_eq!(radios[0].attrs.hard_block_reasons, None);
        assert_eq!(radios[1].attrs.type_name, "bluetooth");
        assert_eq!(radios[1].driver(), Some("btusb"));
        assert_eq!(radios[1].bus(), Some("usb"));
        assert_eq!(radios[1].parents[0].name, "hci0");
    }

    #[test]
    fn real_qemu_capture_dell_rbtn_on_acpi() {
        let radios = fixture("qemu-all-types").list().unwrap();
        let names: Vec<_> = radios.iter().map(|r| r.attrs.name.as_str()).collect();
        assert_eq!(names, ["phy0", "phy1", "dell-rbtn", "hci0"]);
        assert_eq!(radios[2].driver(), Some("dell-rbtn"));
        assert_eq!(radios[2].bus(), Some("acpi"));
        assert!(radios[2].attrs.hard && radios[2].attrs.soft);
        assert_eq!(radios[0].driver(), Some("mac80211_hwsim"));
        assert_eq!(radios[3].driver(), None);
    }

    #[test]
    fn missing_class_is_its_own_error() {
        let e = fixture("does-not-exist").list().unwrap_err();
        assert!(matches!(e, SysfsError::NoClass { .. }));
        assert!(e.hint().unwrap().contains("modprobe rfkill"));
    }

    /// A device node as JSON with the four PCI ids set to `id` (raw JSON).
    fn node_json(id: &str) -> String {
        format!(
            r#"{{"path": "devices/pci0000:00/0000:06:04.0", "name": "0000:06:04.0",
                "subsystem": "pci", "driver": "ipw2200", "pci_vendor": {id},
                "pci_device": {id}, "pci_subsystem_vendor": {id},
                "pci_subsystem_device": {id}, "rf_kill": 2, "modalias": null}}"#
        )
    }

    fn node_from(id: &str) -> Result<DeviceNode, String> {
        serde_json::from_str(&node_json(id)).map_err(|e| e.to_string())
    }

    #[test]
    fn pci_ids_are_written_as_lspci_hex() {
        let n = crate::testkit::pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(2));
        let v = serde_json::to_value(&n).unwrap();
        assert_eq!(v["pci_vendor"], "8086");
        assert_eq!(v["pci_device"], "4220");
        assert_eq!(v["pci_subsystem_vendor"], "8086");
        assert_eq!(v["pci_subsystem_device"], "2701");
        // Leading zeros are kept and letters are lower case.
        let n = DeviceNode {
            pci_device: Some(0x0a2b),
            pci_subsystem_device: Some(0),
            ..n
        };
        let v = serde_json::to_value(&n).unwrap();
        assert_eq!(v["pci_device"], "0a2b");
        assert_eq!(v["pci_subsystem_device"], "0000");
        let text = serde_json::to_string(&n).unwrap();
        assert_eq!(serde_json::from_str::<DeviceNode>(&text).unwrap(), n);
        // No id: null, and null (or a missing key) reads back as none.
        let none = crate::testkit::node("devices/platform/acer-wmi", Some("platform"), None);
        let v = serde_json::to_value(&none).unwrap();
        assert!(v["pci_vendor"].is_null());
        assert_eq!(node_from("null").unwrap().pci_vendor, None);
        let mut o = v.as_object().unwrap().clone();
        o.remove("pci_vendor");
        let back: DeviceNode = serde_json::from_value(o.into()).unwrap();
        assert_eq!(back, none);
    }

    #[test]
    fn pci_ids_read_back_as_hex_text_or_old_numbers() {
        for (json, want) in [
            (r#""8086""#, 0x8086),
            (r#""4220""#, 0x4220),
            (r#""ABCD""#, 0xabcd),
            (r#""0x8086""#, 0x8086),
            (r#""0000""#, 0),
            ("32902", 0x8086),
            ("16928", 0x4220),
            ("0", 0),
            ("65535", 0xffff),
        ] {
            let n = node_from(json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(n.pci_vendor, Some(want), "{json}");
            assert_eq!(n.pci_subsystem_device, Some(want), "{json}");
        }
    }

    #[test]
    fn pci_ids_that_are_not_ids_are_refused_with_what_was_found() {
        for (json, found) in [
            (r#""zz""#, r#"string "zz""#),
            (r#""""#, r#"string """#),
            (r#""808""#, r#"string "808""#),
            (r#""80860""#, r#"string "80860""#),
            (r#""+808""#, r#"string "+808""#),
            (r#""0x""#, r#"string "0x""#),
            (r#"" 8086""#, r#"string " 8086""#),
            ("-1", "integer `-1`"),
            ("65536", "integer `65536`"),
            ("18446744073709551615", "integer `18446744073709551615`"),
            ("18446744073709551616", "floating point"),
            ("1e300", "floating point"),
            ("32902.5", "floating point"),
            ("true", "boolean"),
            ("[]", "sequence"),
            ("{}", "map"),
        ] {
            let e = node_from(json).expect_err(json);
            assert!(e.contains(found), "{json}: {e}");
            assert!(e.contains("4 hex digits such as \"8086\""), "{json}: {e}");
        }
        // A long string is named by its start only.
        let long = format!("\"{}\"", "f".repeat(100_000));
        let e = node_from(&long).unwrap_err();
        assert!(
            e.contains(r#"string "ffffffffffff...""#),
            "{}",
            &e[..e.len().min(200)]
        );
        assert!(e.len() < 300, "{} bytes", e.len());
    }
}
