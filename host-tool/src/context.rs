//! What every command needs to know about where to look: the rfkill control
//! device, the sysfs root and, with `--replay`, a snapshot to answer from.
#![forbid(unsafe_code)]

use std::path::PathBuf;

use crate::sys::sysfs::Sysfs;

#[derive(Debug, Clone)]
pub struct Context {
    pub rfkill_dev: PathBuf,
    pub sysfs: Sysfs,
    pub replay: Option<PathBuf>,
}
