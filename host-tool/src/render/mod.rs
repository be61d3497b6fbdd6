//! What users read: util-linux's table, raw and JSON output ([`table`]), the
//! diagnose advice ([`advice`]), `pin13 jig`'s reports ([`jig`]), and the words shared by every command.
#![forbid(unsafe_code)]

pub mod advice;
pub mod block;
pub mod diagnose;
pub mod escape;
pub mod jig;
pub mod legacy;
pub mod table;
pub mod verify;
pub mod watch;
pub mod words;
