//! pin13 host tool library.
//!
//! Module map (see docs/architecture.md):
//! - [`rfkill`]: the kernel ABI — a pure event codec ([`rfkill::event`]) and the
//!   only module with `unsafe` ([`rfkill::dev`], the /dev/rfkill ioctls).
//! - [`sysfs`]: /sys/class/rfkill and parent devices, parsing separate from I/O.
//! - [`inventory`]: the radios every command works from; [`select`]: selectors;
//!   [`output`]: util-linux-identical table/raw/JSON; [`clock`]: local timestamps.
//! - [`cmd`]: one module per subcommand; [`cli`] ties them together with clap.
//! - [`app`]: `run()`, the only place that turns errors into messages and exit codes.
//!
//! `unsafe` is denied crate-wide and forbidden in every module but `rfkill::dev`.
#![deny(unsafe_code)]

pub mod app;
pub mod cli;
pub mod cmd;
pub mod context;
pub mod error;
pub mod exit;
pub mod jig;
pub mod model;
pub mod render;
pub mod sys;
#[cfg(test)]
pub(crate) mod testkit;

pub use error::Error;
pub use exit::Status;
