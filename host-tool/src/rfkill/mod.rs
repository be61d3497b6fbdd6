//! The kernel rfkill interface.
//!
//! - [`event`]: pure codec for `struct rfkill_event` (8 bytes) and
//!   `struct rfkill_event_ext` (9 bytes), decoded from and encoded to bytes.
//! - [`dev`]: /dev/rfkill access; the one module of the project with `unsafe`.
//! - [`source`]: the [`source::EventSource`] trait (real device, scripted, captured).

pub mod dev;
pub mod event;
pub mod source;

pub use event::{Event, Op, Reasons, RfkillType};
pub use source::{EventSource, Next};
