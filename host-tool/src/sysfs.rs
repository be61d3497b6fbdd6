//! sysfs: /sys/class/rfkill and the parent devices (skeleton; being written).
#![forbid(unsafe_code)]

use std::path::PathBuf;

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
