//! One module per subcommand.
#![forbid(unsafe_code)]

pub mod args;
pub mod block;
pub mod diagnose;
pub mod jig;
pub mod snapshot;
pub mod status;
pub mod verify;
pub mod watch;
