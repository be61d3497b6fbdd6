//! One module per subcommand.
#![forbid(unsafe_code)]

pub mod args;
pub mod block;
pub mod compat;
pub mod diagnose;
pub mod event;
pub mod jig;
pub mod list;
pub mod snapshot;
pub mod status;
pub mod verify;
pub mod watch;
