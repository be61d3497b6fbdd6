//! Everything that touches the OS: /dev/rfkill and capture files
//! ([`device`], [`source`]), the event codec ([`event`]), sysfs ([`sysfs`]),
//! the clock ([`clock`]) and the only `unsafe` code of pin13 ([`os`]).
//! Parsing works on bytes; I/O stays apart from it.

pub mod clock;
pub mod device;
pub mod error;
pub mod event;
pub mod files;
pub mod kernel;
pub mod os;
pub mod source;
pub mod sysfs;

pub use error::DevError;
pub use event::{Event, Op, Reasons, RfkillType};
pub use source::{EventSource, Next};
