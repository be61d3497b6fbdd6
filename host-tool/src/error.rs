//! The library's error type. Only `app::run` turns it into a message and an
//! exit status; library code never prints errors or exits.
#![forbid(unsafe_code)]

use crate::exit::Status;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input from the user that clap could not catch (exit 2).
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },

    #[error(transparent)]
    Sysfs(#[from] crate::sys::sysfs::SysfsError),

    #[error(transparent)]
    Dev(#[from] crate::sys::DevError),

    #[error(transparent)]
    Write(#[from] crate::sys::files::WriteError),

    #[error(transparent)]
    Jig(#[from] crate::jig::JigError),

    /// A runtime failure with its own hint (exit 1).
    #[error("{message}")]
    Runtime {
        message: String,
        hint: Option<String>,
    },

    /// Writing our own output failed (a closed pipe is handled before this).
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
}

impl Error {
    pub fn usage(message: impl Into<String>, hint: Option<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint,
        }
    }

    pub fn runtime(message: impl Into<String>, hint: Option<String>) -> Self {
        Error::Runtime {
            message: message.into(),
            hint,
        }
    }

    /// The exit status this error maps to.
    pub fn status(&self) -> Status {
        match self {
            Error::Usage { .. } => Status::Usage,
            _ => Status::Failure,
        }
    }

    /// A line telling the user what to do, when we know one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Usage { hint, .. } | Error::Runtime { hint, .. } => hint.clone(),
            Error::Dev(e) => e.hint(),
            Error::Sysfs(e) => e.hint(),
            Error::Jig(e) => e.hint(),
            _ => None,
        }
    }

    /// True when the error is only a closed stdout (`pin13 watch | head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}
