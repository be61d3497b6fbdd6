#![forbid(unsafe_code)]
//! The CLI tests: one binary, one harness ([`harness`]), one module per
//! command or document.

mod harness;

mod block;
mod compat;
mod diagnose;
mod docs;
mod guide;
mod hostile;
mod jig_emulate;
mod jig_serial;
mod jig_sim;
mod man;
mod snapshot;
mod status;
mod verify;
mod version;
mod watch;
mod wording;
