//! pin13 host<->jig wire protocol.
//!
//! Shared by the Pico firmware, `pin13 jig` (serial backend and emulator) and
//! the tests. `no_std`, no alloc; the `std` feature adds the host client.
//!
//! # Wire format
//! Every message is one frame: the postcard encoding of an [`Envelope`]
//! (`id: u8`, then the body), COBS-encoded and terminated by one `0x00` byte.
//! A frame is at most [`MAX_FRAME`] bytes including the terminator. The host
//! sends [`Request`]s; the jig answers each with exactly one [`Response`]
//! carrying the same `id`, in order. Empty frames (a lone `0x00`) are
//! ignored, so a host may send `0x00` to make the jig drop any partial frame.
//!
//! Compatibility rule: `Request::Hello` (variant 0) and `Response::Hello`
//! (variant 0, starting with `protocol: u16`) never change, so a host can
//! always read the jig's protocol version and refuse a mismatch with a clear
//! message. Any other change bumps [`PROTOCOL_VERSION`]. The golden-byte tests
//! in `tests/golden.rs` pin the encoding.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

pub mod device;
pub mod frame;
pub mod inbox;
pub mod server;
pub mod wire;

#[cfg(feature = "std")]
pub mod client;
#[cfg(feature = "std")]
pub mod mem;

pub use device::JigDevice;
pub use frame::{decode, encode, FrameError, FrameReader};
pub use inbox::{AbortWatch, Inbox};
pub use server::{Device, DeviceError, Server, StreamServer};
pub use wire::{
    Envelope, FirmwareVersion, HelloInfo, JigKind, KillOp, KillReport, ProbeConfig, ProbeReport,
    Request, Response, SelfTestReport, Verdict, WireError,
};

/// The protocol version both ends must speak. Bump on any wire change
/// (other than the frozen `Hello` prefix).
pub const PROTOCOL_VERSION: u16 = 2;

/// Largest frame on the wire, COBS overhead and the `0x00` terminator included.
pub const MAX_FRAME: usize = 64;

/// Largest postcard body that still fits a [`MAX_FRAME`] frame.
pub const MAX_BODY: usize = MAX_FRAME - 2;

/// Protocol limits, checked by the server before it runs anything, so every
/// operation finishes within a bounded time. An `Abort` that arrives while a
/// probe runs stops it within [`jig_core::probe::STOP_POLL_SAMPLES`] samples
/// (the probe is answered `Aborted`, then the `Abort` itself); kill-line
/// operations and the self-test run to their end, then the `Abort` is
/// answered.
pub mod limits {
    /// Isolation samples per probe.
    pub const MAX_SAMPLES: u32 = 10_000;
    /// Settle time per line change, microseconds.
    pub const MAX_SETTLE_US: u32 = 100_000;
    /// Upper bound of one probe's modelled duration (samples x settle x line changes).
    pub const MAX_PROBE_US: u64 = 10_000_000;
    /// Longest kill-line operation, microseconds.
    pub const MAX_KILL_US: u64 = 60_000_000;
    /// Most edges one kill-line operation may produce.
    pub const MAX_EDGES: u32 = 100_000;
    /// Line changes a probe makes per sample, at most (used for time budgets).
    pub const PROBE_CHANGES_PER_SAMPLE: u64 = 8;
    /// Line changes a probe makes besides its samples (contact and stuck checks), at most.
    pub const PROBE_FIXED_CHANGES: u64 = 16;
    /// Time the analog probe's averaged ADC reads may take, at most (4 x 1024
    /// reads at 2 us, doubled).
    pub const ANALOG_READS_US: u64 = 20_000;
}
