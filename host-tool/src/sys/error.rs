//! Errors of /dev/rfkill and its stand-ins, with the hint that says what to do.
#![forbid(unsafe_code)]

use std::io;
use std::path::{Path, PathBuf};

use crate::sys::event::{DecodeError, RecordError};
use crate::sys::os::os_text;

/// Where the kernel's rfkill control device lives.
pub const DEFAULT_PATH: &str = "/dev/rfkill";

#[derive(Debug, thiserror::Error)]
pub enum DevError {
    #[error("cannot open {path}{}: {}", if *.write { " for writing" } else { "" }, os_text(.source))]
    Open {
        path: PathBuf,
        write: bool,
        source: io::Error,
    },
    #[error("cannot read {path}: {}", os_text(.source))]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write to {path}: {}", os_text(.source))]
    Write { path: PathBuf, source: io::Error },
    #[error("{path}: the kernel accepted only {written} of {wanted} bytes of a change event")]
    ShortWrite {
        path: PathBuf,
        written: usize,
        wanted: usize,
    },
    #[error("{path}: {source}")]
    Decode { path: PathBuf, source: DecodeError },
    /// The path is not the rfkill control device nor a capture or stream.
    #[error("{path} is not an rfkill device: it is {what}")]
    NotRfkill { path: PathBuf, what: String },
    /// A capture file or stream holds something that is not rfkill events.
    #[error("{path} is not an rfkill event capture: {source}")]
    NotCapture { path: PathBuf, source: RecordError },
    #[error("cannot wait for rfkill events: {}", os_text(.source))]
    Poll { source: io::Error },
    #[error("cannot set up the Ctrl-C handler: {}", os_text(.source))]
    Signal { source: io::Error },
}

impl DevError {
    /// True when the path is there but is not rfkill: no fallback to sysfs,
    /// the user pointed pin13 at the wrong thing.
    pub fn is_not_rfkill(&self) -> bool {
        matches!(
            self,
            DevError::NotRfkill { .. } | DevError::NotCapture { .. } | DevError::Decode { .. }
        )
    }

    /// The OS error behind this one, if any.
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            DevError::Open { source, .. }
            | DevError::Read { source, .. }
            | DevError::Write { source, .. }
            | DevError::Poll { source }
            | DevError::Signal { source } => Some(source.kind()),
            _ => None,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            DevError::Open {
                path,
                write,
                source,
            } => match source.kind() {
                io::ErrorKind::NotFound if path == Path::new(DEFAULT_PATH) => Some(format!(
                    "{} does not exist: load the rfkill module (`sudo modprobe rfkill`) or the \
                     driver of your radio (e.g. `sudo modprobe ipw2200`)",
                    path.display()
                )),
                io::ErrorKind::NotFound => Some(format!(
                    "no such file: check the path given to --rfkill-dev (or PIN13_RFKILL_DEV); \
                     the real device is {DEFAULT_PATH}"
                )),
                io::ErrorKind::PermissionDenied if *write => Some(permission_hint(path)),
                io::ErrorKind::PermissionDenied => Some(format!(
                    "{} is not readable for you: run with sudo, or see `ls -l {}` (a udev rule \
                     `KERNEL==\"rfkill\", MODE=\"0664\"` makes it readable)",
                    path.display(),
                    path.display()
                )),
                _ => None,
            },
            DevError::NotRfkill { .. } | DevError::NotCapture { .. } => Some(format!(
                "--rfkill-dev takes {DEFAULT_PATH}, a capture file (`dd if={DEFAULT_PATH} bs=8 \
                 of=capture.bin`) or a pipe of such records"
            )),
            DevError::Write { path, source }
                if source.kind() == io::ErrorKind::PermissionDenied =>
            {
                Some(permission_hint(path))
            }
            _ => None,
        }
    }
}

/// How to get write access to /dev/rfkill.
pub fn permission_hint(path: &Path) -> String {
    let p = path.display();
    format!(
        "changing radios needs write permission on {p}: run `sudo pin13 ...`, or give a group \
         write access with a udev rule (/etc/udev/rules.d/60-rfkill.rules: \
         `KERNEL==\"rfkill\", GROUP=\"netdev\", MODE=\"0664\"`, then `sudo udevadm trigger` and \
         add yourself to that group: `sudo usermod -aG netdev $USER`)"
    )
}
