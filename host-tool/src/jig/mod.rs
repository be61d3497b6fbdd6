//! The bench jig behind one interface ([`backend::Backend`], a
//! `jig_protocol::Device` with a label): [`sim`] (jig-core on the simulated
//! bench), [`serial`] (a Pico speaking jig-protocol), [`rpi`] (jig-core on
//! Raspberry Pi GPIO) and [`emulate`] (the simulated bench served on a
//! pseudo-terminal); [`guard`] makes every way out leave the jig safe.
#![forbid(unsafe_code)]

pub mod backend;
pub mod emulate;
pub mod guard;
pub mod rpi;
pub mod serial;
pub mod sim;

pub use backend::{Backend, Device, JigError};
