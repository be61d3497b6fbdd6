//! The list of radios every command works from: /dev/rfkill's ADD events
//! enriched with sysfs, or sysfs alone when /dev/rfkill is missing or
//! unreadable, or a snapshot (`--replay`).
//!
//! CONTRACT shared by status/watch/block and diagnose/verify/snapshot.
#![forbid(unsafe_code)]

use crate::sys::sysfs::SysRadio;
use crate::sys::{Reasons, RfkillType};

/// One radio, merged from every source we could read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Radio {
    /// rfkill index (event idx = sysfs index).
    pub id: u32,
    /// Type as a number-backed enum (from the event, or parsed from sysfs).
    pub kind: RfkillType,
    /// Type name as util-linux prints it: the sysfs `type` string when readable
    /// (`ultrawideband`), else the kernel name of `kind`.
    pub type_name: String,
    /// Device name (sysfs `name`), e.g. `phy0`; empty if sysfs is unreadable.
    pub device: String,
    pub soft: bool,
    pub hard: bool,
    /// Hard-block reasons from the 9-byte event or sysfs; `None` when the
    /// kernel does not report them (< 5.11).
    pub reasons: Option<Reasons>,
    /// The sysfs view, when readable.
    pub sys: Option<SysRadio>,
}

/// Where the inventory came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// /dev/rfkill (ADD events), names and details from sysfs.
    Device,
    /// sysfs only; `why` says why /dev/rfkill could not be used (printed on stderr).
    SysfsFallback { why: String },
    /// A snapshot file (`--replay`).
    Replay { path: std::path::PathBuf },
}

#[derive(Debug, Clone)]
pub struct Inventory {
    pub radios: Vec<Radio>,
    pub source: Source,
    /// What could not be read on the way (a symlink loop, an unreadable
    /// attribute), one line each for stderr: the radios above are what
    /// could be read, and these say what is missing.
    pub problems: Vec<String>,
}

use std::path::Path;

use crate::context::Context;
use crate::error::Error;
use crate::model::snapshot::{self, Snapshot};
use crate::sys::sysfs::{Sysfs, SysfsError};
use crate::sys::{device::Device, DevError};
use crate::sys::{Event, Op};

/// A radio's name for people: its device name (`phy0`), or `rfkill3` when
/// sysfs did not give one.
pub fn radio_name(id: u32, device: &str) -> String {
    if device.is_empty() {
        format!("rfkill{id}")
    } else {
        device.to_string()
    }
}

impl Radio {
    /// [`radio_name`] of this radio.
    pub fn name(&self) -> String {
        radio_name(self.id, &self.device)
    }

    /// A radio known from sysfs alone.
    pub fn from_sys(sys: SysRadio) -> Radio {
        Radio {
            id: sys.attrs.index,
            kind: sys.attrs.kind(),
            type_name: sys.attrs.type_name.clone(),
            device: sys.attrs.name.clone(),
            soft: sys.attrs.soft,
            hard: sys.attrs.hard,
            reasons: sys.attrs.reasons(),
            sys: Some(sys),
        }
    }

    /// A radio known from an ADD event, enriched with its sysfs directory
    /// when there is one. The event's state wins: it is what the kernel
    /// reported at open; sysfs supplies names, reasons (8-byte events) and
    /// the devices above.
    pub fn from_event(ev: &Event, sys: Option<SysRadio>) -> Radio {
        let type_name = sys
            .as_ref()
            .map(|s| s.attrs.type_name.clone())
            .or_else(|| ev.kind.sysfs_name().map(str::to_string))
            .unwrap_or_default();
        Radio {
            id: ev.idx,
            kind: ev.kind,
            type_name,
            device: sys
                .as_ref()
                .map(|s| s.attrs.name.clone())
                .unwrap_or_default(),
            soft: ev.soft,
            hard: ev.hard,
            reasons: ev
                .reasons
                .or_else(|| sys.as_ref().and_then(|s| s.attrs.reasons())),
            sys,
        }
    }

    /// The driver of the hardware behind the radio, when sysfs says.
    pub fn driver(&self) -> Option<&str> {
        self.sys.as_ref().and_then(|s| s.driver())
    }

    /// Stable names of the hard-block reasons, or `None` when the kernel does
    /// not report them. Empty when the radio is not hard-blocked.
    pub fn reason_names(&self) -> Option<Vec<String>> {
        if !self.hard {
            return Some(Vec::new());
        }
        self.reasons.map(|r| r.names())
    }
}

/// Fold a stream of events into the radios it describes: ADD inserts (or
/// replaces), DEL removes, a kernel CHANGE updates soft/hard/reasons. A
/// change *request* (type ALL, as pin13 and util-linux write them) and
/// CHANGE_ALL update only the soft state — this is how a capture file used
/// as `--rfkill-dev` reflects the writes appended to it. The kernel itself
/// sends only ADD events right after open, so on a real device this is the
/// plain list of ADD events in the kernel's order.
///
/// O(n log n) in the number of events (a capture may hold millions): the
/// radio of an event is found by binary search among the sorted distinct
/// indexes (no hash map, whose random keys would cost a `getrandom` call and
/// hashing on every run), and CHANGE_ALL is applied lazily: the soft
/// state a radio ends with is the newest of its own last write and the last
/// CHANGE_ALL for its type or for all types.
pub fn fold_events(events: &[Event]) -> Vec<Event> {
    use crate::sys::RfkillType;

    // Slot per ADD, in kernel order (None once deleted), and the sequence
    // number at which the slot's soft state was last set.
    let mut slots: Vec<Option<(Event, usize)>> = Vec::new();
    let mut indexes: Vec<u32> = events.iter().map(|e| e.idx).collect();
    indexes.sort_unstable();
    indexes.dedup();
    // The slot of each distinct index (by its place in `indexes`), while it
    // has one.
    let mut by_idx: Vec<Option<usize>> = vec![None; indexes.len()];
    // Last CHANGE_ALL per type (RfkillType::All included): (seq, soft); a
    // type is a byte, so this holds at most 256 entries.
    let mut change_all = ChangeAll::new();
    for (seq, ev) in events.iter().enumerate() {
        // every event's index is in `indexes`
        let Ok(at) = indexes.binary_search(&ev.idx) else {
            continue;
        };
        let slot = by_idx[at];
        match ev.op {
            Op::Add => match slot {
                Some(i) => slots[i] = Some((*ev, seq)),
                None => {
                    by_idx[at] = Some(slots.len());
                    slots.push(Some((*ev, seq)));
                }
            },
            Op::Del => {
                if let Some(i) = by_idx[at].take() {
                    slots[i] = None;
                }
            }
            Op::Change => {
                if let Some((e, at)) = slot.and_then(|i| slots[i].as_mut()) {
                    // a change request (type ALL) sets only the soft state
                    *at = seq;
                    e.soft = ev.soft;
                    if ev.kind != RfkillType::All {
                        e.hard = ev.hard;
                        if ev.reasons.is_some() {
                            e.reasons = ev.reasons;
                        }
                    }
                }
            }
            Op::ChangeAll => match change_all.iter_mut().find(|(k, _)| *k == ev.kind) {
                Some((_, last)) => *last = (seq, ev.soft),
                None => change_all.push((ev.kind, (seq, ev.soft))),
            },
            Op::Unknown(_) => {}
        }
    }
    slots
        .into_iter()
        .flatten()
        .map(|(mut e, at)| {
            e.soft = resolved_soft(&e, at, &change_all);
            e.op = Op::Add;
            e
        })
        .collect()
}

/// The last CHANGE_ALL per type: (type, (sequence number, soft)).
type ChangeAll = Vec<(crate::sys::RfkillType, (usize, bool))>;

/// A radio's soft state: its own, unless a CHANGE_ALL for its type or for
/// all types came after the radio's own last write.
fn resolved_soft(e: &Event, at: usize, change_all: &ChangeAll) -> bool {
    change_all
        .iter()
        .filter(|(k, _)| *k == e.kind || *k == crate::sys::RfkillType::All)
        .map(|(_, last)| last)
        .filter(|(seq, _)| *seq > at)
        .max_by_key(|(seq, _)| *seq)
        .map_or(e.soft, |(_, soft)| *soft)
}

/// The one merge rule of every source: the folded events in the kernel's
/// order, each enriched with the sysfs view `sys_of` gives for its index.
fn merge(events: &[Event], mut sys_of: impl FnMut(u32) -> Option<SysRadio>) -> Vec<Radio> {
    fold_events(events)
        .iter()
        .map(|ev| Radio::from_event(ev, sys_of(ev.idx)))
        .collect()
}

/// Radios from the events read at open, enriched from sysfs. A sysfs
/// directory that cannot be read only loses the enrichment.
pub fn from_events(events: &[Event], sysfs: &Sysfs) -> Vec<Radio> {
    from_events_noting(events, sysfs, &mut Vec::new())
}

/// [`from_events`], saying in `problems` what of sysfs could not be read.
pub fn from_events_noting(
    events: &[Event],
    sysfs: &Sysfs,
    problems: &mut Vec<String>,
) -> Vec<Radio> {
    merge(events, |idx| {
        let mut unreadable = Vec::new();
        let got = sysfs.radio_noting(idx, &mut unreadable);
        for e in unreadable {
            problems.push(format!("{e}; radio {idx} is shown as rfkill{idx}"));
        }
        match got {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!(
                    "{e}; radio {idx} is shown without its sysfs details (name, driver, bus)"
                ));
                None
            }
        }
    })
}

/// Radios from sysfs alone, sorted by index, and a line for each radio or
/// attribute that could not be read.
pub fn survey_sysfs(sysfs: &Sysfs) -> Result<(Vec<Radio>, Vec<String>), SysfsError> {
    let (radios, problems) = sysfs.survey()?;
    let problems = problems
        .into_iter()
        .map(|e| match &e {
            SysfsError::Io { path, .. } if path.ends_with("name") => {
                format!("{e}; that radio is shown by its rfkillN name")
            }
            _ => format!("{e}; that radio is left out"),
        })
        .collect();
    Ok((radios.into_iter().map(Radio::from_sys).collect(), problems))
}

/// The radios a snapshot describes, as the live tool would have listed them:
/// from its events when /dev/rfkill was read, else from its sysfs devices.
pub fn from_snapshot(snap: &Snapshot) -> Vec<Radio> {
    let radios = merge(&snap.decoded_events(), |idx| snap.device(idx));
    if radios.is_empty() {
        snap.devices
            .iter()
            .map(|d| Radio::from_sys(d.sys.clone()))
            .collect()
    } else {
        radios
    }
}

/// `--replay FILE`: the inventory a snapshot describes.
pub fn load_replay(path: &Path) -> Result<Inventory, Error> {
    let hint = Some("make one with `pin13 snapshot -o FILE` on the machine to examine".to_string());
    let bytes = crate::sys::files::read_regular(path, snapshot::MAX_BYTES).map_err(|e| {
        use crate::sys::files::ReadError;
        let message = match e {
            ReadError::Io { source, .. } => format!(
                "cannot read snapshot {}: {}",
                path.display(),
                crate::sys::os::os_text(&source)
            ),
            ReadError::NotRegular { .. } => {
                format!("snapshot {} is not a regular file", path.display())
            }
            ReadError::TooLarge { cap, .. } => format!(
                "snapshot {} is larger than {} MiB: snapshots are a few KB, this is not one",
                path.display(),
                cap >> 20
            ),
        };
        Error::runtime(message, hint.clone())
    })?;
    let snap = snapshot::parse(&bytes).map_err(|why| {
        Error::runtime(
            format!("{} is not a pin13 snapshot: {why}", path.display()),
            hint.clone(),
        )
    })?;
    Ok(Inventory {
        radios: from_snapshot(&snap),
        source: Source::Replay {
            path: path.to_path_buf(),
        },
        problems: Vec::new(),
    })
}

/// Radios from the events read at open with only their names from sysfs:
/// what util-linux's columns need (ID, TYPE, DEVICE, SOFT, HARD), one small
/// read per radio instead of the walk up to driver and bus. The type name
/// comes from the kernel's fixed table; only an unknown type reads `type`.
pub fn from_events_names(events: &[Event], sysfs: &Sysfs) -> Vec<Radio> {
    let read_line = |idx: u32, attr: &str| {
        sysfs
            .read_rel(&format!("class/rfkill/rfkill{idx}/{attr}"))
            .ok()
            .flatten()
            .map(|b| crate::sys::sysfs::parse_line(&b))
    };
    fold_events(events)
        .iter()
        .map(|ev| Radio {
            id: ev.idx,
            kind: ev.kind,
            type_name: match ev.kind.sysfs_name() {
                Some(n) => n.to_string(),
                None => read_line(ev.idx, "type").unwrap_or_default(),
            },
            device: read_line(ev.idx, "name").unwrap_or_default(),
            soft: ev.soft,
            hard: ev.hard,
            reasons: ev.reasons,
            sys: None,
        })
        .collect()
}

/// Radios from sysfs alone, sorted by index.
pub fn from_sysfs(sysfs: &Sysfs) -> Result<Vec<Radio>, SysfsError> {
    Ok(sysfs.list()?.into_iter().map(Radio::from_sys).collect())
}

/// Read /dev/rfkill (or the file given as the device) and return the radios
/// it describes as ADD events: a capture's changes are folded here, once.
///
/// At most [`MAX_INITIAL_EVENTS`](crate::sys::device::MAX_INITIAL_EVENTS)
/// radios at once, as the kernel device is held to: a capture may hold
/// millions of changes, but one that describes more radios than that was
/// made, not recorded, and would only cost memory.
pub fn read_device(path: &Path) -> Result<Vec<Event>, DevError> {
    let mut dev = Device::open_read(path)?;
    let radios = fold_events(&dev.drain()?);
    if radios.len() > crate::sys::device::MAX_INITIAL_EVENTS {
        return Err(DevError::NotRfkill {
            path: path.to_path_buf(),
            what: format!(
                "a capture of {} radios at once (a machine has a handful; at most {} are \
                 read)",
                radios.len(),
                crate::sys::device::MAX_INITIAL_EVENTS
            ),
        });
    }
    Ok(radios)
}

/// The error for a machine with neither /dev/rfkill nor the sysfs class.
pub fn no_rfkill_error(dev_path: &Path, sysfs: &Sysfs) -> Error {
    let typed_dev = dev_path != Path::new(crate::sys::error::DEFAULT_PATH);
    let typed_sysfs = sysfs.root() != Path::new("/sys");
    if typed_dev || typed_sysfs {
        // Paths the user typed: say what is missing, not "load a module".
        let which = match (typed_dev, typed_sysfs) {
            (true, true) => "the paths given to --rfkill-dev and --sysfs",
            (true, false) => "the path given to --rfkill-dev",
            _ => "the path given to --sysfs",
        };
        return Error::runtime(
            format!(
                "no such file: {} (and {} does not exist)",
                dev_path.display(),
                sysfs.class_dir().display()
            ),
            Some(format!("check {which}")),
        );
    }
    Error::runtime(
        format!(
            "no rfkill support: {} does not exist and {} is missing (the rfkill module is not loaded)",
            dev_path.display(),
            sysfs.class_dir().display()
        ),
        Some(
            "load it with `sudo modprobe rfkill`; drivers load it themselves, so loading your \
             radio's driver also works (e.g. `sudo modprobe ipw2200`)"
                .to_string(),
        ),
    )
}

/// The error for a device that cannot be opened: "no rfkill support" when
/// neither it nor the sysfs class exists, else the device's own error.
pub fn device_error(ctx: &Context, e: DevError) -> Error {
    if e.io_kind() == Some(std::io::ErrorKind::NotFound) && !ctx.sysfs.has_rfkill_class() {
        no_rfkill_error(&ctx.rfkill_dev, &ctx.sysfs)
    } else {
        e.into()
    }
}

/// How much of sysfs [`load_with`] reads for each radio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Names only ([`from_events_names`]): enough for util-linux's columns.
    /// `Radio::sys` is `None` when the inventory comes from /dev/rfkill.
    Names,
    /// Every attribute and the devices above (driver, bus, PCI ids, rf_kill).
    Full,
}

/// The inventory every command works from; see the module documentation.
pub fn load(ctx: &Context) -> Result<Inventory, Error> {
    load_with(ctx, Detail::Full)
}

/// [`load`], reading only as much sysfs as `detail` asks for. The sysfs
/// fallback and replays always carry every detail.
pub fn load_with(ctx: &Context, detail: Detail) -> Result<Inventory, Error> {
    if let Some(path) = &ctx.replay {
        return load_replay(path);
    }
    match read_device(&ctx.rfkill_dev) {
        Ok(events) => {
            let mut problems = Vec::new();
            let radios = match detail {
                Detail::Names => from_events_names(&events, &ctx.sysfs),
                Detail::Full => from_events_noting(&events, &ctx.sysfs, &mut problems),
            };
            Ok(Inventory {
                radios,
                source: Source::Device,
                problems,
            })
        }
        Err(dev_err) if dev_err.is_not_rfkill() => Err(dev_err.into()),
        Err(dev_err) => match survey_sysfs(&ctx.sysfs) {
            Ok((radios, problems)) => Ok(Inventory {
                radios,
                source: Source::SysfsFallback {
                    why: dev_err.to_string(),
                },
                problems,
            }),
            Err(SysfsError::NoClass { .. })
                if dev_err.io_kind() == Some(std::io::ErrorKind::NotFound) =>
            {
                Err(no_rfkill_error(&ctx.rfkill_dev, &ctx.sysfs))
            }
            Err(SysfsError::NoClass { .. }) => Err(dev_err.into()),
            Err(e) => Err(e.into()),
        },
    }
}

impl Inventory {
    /// The lines to print on stderr: where the state comes from when it is
    /// not /dev/rfkill, then what could not be read.
    pub fn notes(&self) -> Vec<String> {
        let source = match &self.source {
            Source::Device => None,
            Source::SysfsFallback { why } => {
                Some(format!("{why}; showing the state from sysfs instead"))
            }
            Source::Replay { path } => Some(format!("replaying {}", path.display())),
        };
        source
            .into_iter()
            .chain(self.problems.iter().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::{Reasons, RfkillType};
    use std::path::PathBuf;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
    }

    fn ctx(sysfs: &str, dev: PathBuf) -> Context {
        Context {
            rfkill_dev: dev,
            sysfs: Sysfs::new(fixtures().join("sysfs").join(sysfs)),
            replay: None,
        }
    }

    fn ev(idx: u32, kind: RfkillType, op: Op, soft: bool, hard: bool) -> Event {
        Event {
            idx,
            kind,
            op,
            soft,
            hard,
            reasons: None,
        }
    }

    #[test]
    fn falls_back_to_sysfs_when_the_device_is_missing_and_says_why() {
        let inv = load(&ctx("ipw2200-hardkill", "/nonexistent/rfkill".into())).unwrap();
        match &inv.source {
            Source::SysfsFallback { why } => assert_eq!(
                why,
                "cannot open /nonexistent/rfkill: No such file or directory"
            ),
            other => panic!("{other:?}"),
        }
        assert!(inv.notes()[0].contains("sysfs"));
        assert_eq!(inv.radios.len(), 2);
        let r = &inv.radios[0];
        assert_eq!(
            (r.id, r.device.as_str(), r.type_name.as_str()),
            (0, "phy0", "wlan")
        );
        assert!(r.hard && !r.soft);
        assert_eq!(r.reasons, Some(Reasons(1)));
        assert_eq!(r.driver(), Some("ipw2200"));
        assert_eq!(r.reason_names(), Some(vec!["signal".to_string()]));
        assert_eq!(inv.radios[1].reason_names(), Some(vec![]));
    }

    #[test]
    fn falls_back_when_the_device_is_unreadable() {
        // A directory cannot be read as a device: EISDIR stands in for EACCES
        // (tests run as root, which ignores file modes).
        let inv = load(&ctx("qemu-hwsim2", fixtures())).unwrap();
        assert!(matches!(inv.source, Source::SysfsFallback { .. }));
        assert_eq!(inv.radios.len(), 2);
    }

    #[test]
    fn no_device_and_no_class_is_no_rfkill_support() {
        let e = load(&ctx("nothing-here", "/nonexistent/rfkill".into())).unwrap_err();
        assert_eq!(e.status(), crate::exit::Status::Failure);
        // Paths the user typed: no module advice, the missing file by name.
        assert!(e
            .to_string()
            .starts_with("no such file: /nonexistent/rfkill"));
        assert!(e.hint().unwrap().contains("--rfkill-dev and --sysfs"));
        let e = no_rfkill_error(Path::new("/dev/rfkill"), &Sysfs::new("/sys"));
        assert!(e.to_string().contains("no rfkill support"));
        assert!(e.hint().unwrap().contains("modprobe rfkill"));
    }

    #[test]
    fn device_events_win_and_sysfs_enriches() {
        // the real capture: 4 ADD events, then changes; fold the first four
        let data = std::fs::read(fixtures().join("events/qemu-all-types/events.bin")).unwrap();
        let evs = crate::sys::source::Records::decode_all(&data[..32], 8).unwrap();
        let radios = from_events(&evs, &Sysfs::new(fixtures().join("sysfs/qemu-all-types")));
        let names: Vec<_> = radios.iter().map(|r| r.device.as_str()).collect();
        assert_eq!(names, ["phy0", "phy1", "dell-rbtn", "hci0"]);
        assert!(radios[2].hard);
        // 8-byte events carry no reasons: they come from sysfs (0x0)
        assert_eq!(radios[2].reasons, Some(Reasons(0)));
        assert_eq!(radios[2].reason_names(), Some(vec![]));
        assert_eq!(radios[2].driver(), Some("dell-rbtn"));
    }

    #[test]
    fn names_only_matches_the_full_read_on_util_linux_columns() {
        let data = std::fs::read(fixtures().join("events/qemu-all-types/events.bin")).unwrap();
        // the four ADD events read at open, as `status` sees them
        let evs = crate::sys::source::Records::decode_all(&data[..32], 8).unwrap();
        let sysfs = Sysfs::new(fixtures().join("sysfs/qemu-all-types"));
        let full = from_events(&evs, &sysfs);
        let light = from_events_names(&evs, &sysfs);
        assert_eq!(light.len(), 4);
        assert_eq!(full.len(), 4);
        for (l, f) in light.iter().zip(&full) {
            assert_eq!(
                (l.id, l.kind, &l.type_name, &l.device, l.soft, l.hard),
                (f.id, f.kind, &f.type_name, &f.device, f.soft, f.hard)
            );
            assert!(l.sys.is_none() && f.sys.is_some());
        }
    }

    #[test]
    fn events_without_sysfs_keep_the_kernel_type_name_and_no_device_name() {
        let radios = from_events(
            &[ev(5, RfkillType::Uwb, Op::Add, false, false)],
            &Sysfs::new("/nonexistent"),
        );
        assert_eq!(radios[0].type_name, "ultrawideband");
        assert_eq!(radios[0].device, "");
        assert_eq!(radios[0].reasons, None);
        assert!(radios[0].sys.is_none());
    }

    #[test]
    fn a_radio_without_a_name_is_shown_by_its_index() {
        assert_eq!(radio_name(3, ""), "rfkill3");
        assert_eq!(radio_name(0, "phy0"), "phy0");
    }

    #[test]
    fn fold_applies_del_change_and_requests() {
        use RfkillType::*;
        let evs = [
            ev(0, Wlan, Op::Add, false, false),
            ev(1, Bluetooth, Op::Add, false, false),
            ev(2, Wlan, Op::Add, false, true),
            ev(0, Wlan, Op::Change, true, false),
            ev(1, Bluetooth, Op::Del, false, false),
            // requests as written to the device: soft only
            ev(2, All, Op::Change, true, false),
            ev(0, Wlan, Op::ChangeAll, false, false),
        ];
        let out = fold_events(&evs);
        assert_eq!(out.iter().map(|e| e.idx).collect::<Vec<_>>(), vec![0, 2]);
        assert!(!out[0].soft, "CHANGE_ALL wlan unblocked idx 0");
        assert!(!out[1].soft && out[1].hard, "a request never clears hard");
        let before_all = fold_events(&evs[..6]);
        assert!(before_all[0].soft && before_all[1].soft);
        assert!(out.iter().all(|e| e.op == Op::Add));
    }

    /// The plain reading of the fold rules, one radio list scanned per event
    /// (quadratic): the reference the linear fold must agree with.
    fn fold_reference(events: &[Event]) -> Vec<Event> {
        let mut out: Vec<Event> = Vec::new();
        for ev in events {
            match ev.op {
                Op::Add => match out.iter_mut().find(|e| e.idx == ev.idx) {
                    Some(e) => *e = *ev,
                    None => out.push(*ev),
                },
                Op::Del => out.retain(|e| e.idx != ev.idx),
                Op::Change => {
                    if let Some(e) = out.iter_mut().find(|e| e.idx == ev.idx) {
                        e.soft = ev.soft;
                        if ev.kind != RfkillType::All {
                            e.hard = ev.hard;
                            if ev.reasons.is_some() {
                                e.reasons = ev.reasons;
                            }
                        }
                    }
                }
                Op::ChangeAll => {
                    for e in out
                        .iter_mut()
                        .filter(|e| ev.kind == RfkillType::All || e.kind == ev.kind)
                    {
                        e.soft = ev.soft;
                    }
                }
                Op::Unknown(_) => {}
            }
        }
        for e in &mut out {
            e.op = Op::Add;
        }
        out
    }

    fn any_event() -> impl proptest::strategy::Strategy<Value = Event> {
        use proptest::prelude::*;
        (
            0u32..6,
            0u8..4,
            0u8..5,
            any::<bool>(),
            any::<bool>(),
            any::<Option<u8>>(),
        )
            .prop_map(|(idx, kind, op, soft, hard, reasons)| Event {
                idx,
                kind: RfkillType::from_u8(kind),
                op: Op::from_u8(op),
                soft,
                hard,
                reasons: reasons.map(Reasons),
            })
    }

    proptest::proptest! {
        #[test]
        fn the_linear_fold_agrees_with_the_plain_rules(
            evs in proptest::collection::vec(any_event(), 0..64)
        ) {
            proptest::prop_assert_eq!(fold_events(&evs), fold_reference(&evs));
        }
    }

    #[test]
    fn a_capture_of_many_radios_folds_to_every_radio() {
        // 200k ADDs (a 1.6 MB capture) with a CHANGE_ALL every 1000: the old
        // fold scanned every radio for each event (2*10^10 steps).
        let evs: Vec<Event> = (0..200_000u32)
            .map(|i| {
                if i % 1000 == 500 {
                    ev(0, RfkillType::Wlan, Op::ChangeAll, true, false)
                } else {
                    ev(i, RfkillType::Wlan, Op::Add, false, false)
                }
            })
            .collect();
        let out = fold_events(&evs);
        assert_eq!(out.len(), 200_000 - 200);
        assert!(out[0].soft && out.last().is_some_and(|e| !e.soft));
    }

    #[test]
    fn a_missing_path_hint_names_the_options_typed() {
        let hint = |dev: &str, root: &str| {
            no_rfkill_error(Path::new(dev), &Sysfs::new(root))
                .hint()
                .unwrap_or_default()
        };
        assert_eq!(hint("/dev/rfkill", "/x"), "check the path given to --sysfs");
        assert_eq!(hint("/y", "/sys"), "check the path given to --rfkill-dev");
        assert_eq!(
            hint("/y", "/x"),
            "check the paths given to --rfkill-dev and --sysfs"
        );
        assert!(hint("/dev/rfkill", "/sys").contains("modprobe rfkill"));
    }
}
