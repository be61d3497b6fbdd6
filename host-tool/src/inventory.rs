//! The list of radios every command works from: /dev/rfkill's ADD events
//! enriched with sysfs, or sysfs alone when /dev/rfkill is missing or
//! unreadable, or a snapshot (`--replay`).
//!
//! CONTRACT shared by status/watch/block and diagnose/verify/snapshot.
#![forbid(unsafe_code)]

use crate::rfkill::{Reasons, RfkillType};
use crate::sysfs::SysRadio;

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
}
