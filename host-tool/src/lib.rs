//! pin13 host tool library, in layers (docs/architecture.md has the map);
//! imports go one way, top to bottom:
//! - [`app`]: `run()`, the only place that turns errors into messages and exit codes;
//! - [`cli`]: the clap tree, the man page and completions;
//! - [`cmd`]: one module per subcommand: arguments, call the layers, pick the render;
//! - [`render`]: everything users read; [`jig`]: the bench jig's backends;
//! - [`model`]: radios, selectors, hardware tables, diagnose rules, the verify
//!   watcher, the snapshot document, durations;
//! - [`context`], [`error`], [`exit`]: shared;
//! - [`sys`]: everything that touches the OS; [`sys::os`] is the only module with `unsafe`.
#![deny(unsafe_code)]

pub mod app;
pub mod cli;
pub mod cmd;
pub mod context;
pub mod error;
pub mod exit;
#[cfg(test)]
mod fuzz;
pub mod jig;
pub mod model;
pub mod render;
pub mod sys;
#[cfg(test)]
pub(crate) mod testkit;

pub use error::Error;
pub use exit::Status;
