//! Errors of /dev/rfkill and its stand-ins, with the hint that says what to do.
#![forbid(unsafe_code)]

use std::io;
use std::path::{Path, PathBuf};

use crate::sys::event::DecodeError;
use crate::sys::os::os_text;

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
    #[error("cannot wait for rfkill events: {}", os_text(.source))]
    Poll { source: io::Error },
    #[error("cannot set up the Ctrl-C handler: {}", os_text(.source))]
    Signal { source: io::Error },
}

impl DevError {
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
                io::ErrorKind::NotFound => Some(format!(
                    "{} does not exist: load the rfkill module (`sudo modprobe rfkill`) or the \
                     driver of your radio (e.g. `sudo modprobe ipw2200`)",
                    path.display()
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
