//! What pin13 knows, apart from where it reads it: the radios (inventory),
//! selectors, hardware tables, the diagnose rules, the verify watcher, the
//! snapshot document, durations.
#![forbid(unsafe_code)]

pub mod classify;
pub mod duration;
pub mod hardware;
pub mod inventory;
pub mod plan;
pub mod select;
pub mod snapshot;
pub mod watcher;
