//! The host side (feature `std`): request/response over any byte transport,
//! with protocol-version check, ids, time budgets and typed errors.
#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::frame::{decode, encode, FrameReader};
use crate::wire::{FirmwareVersion, HelloInfo, Invalid, Request, Response, WireError};
use crate::{MAX_FRAME, PROTOCOL_VERSION};

/// The jig's own time budget for answering `Hello` (the margin comes on top).
pub const HELLO_BUDGET: Duration = Duration::from_millis(500);

/// Added to every request's own time budget, `Hello` included (USB latency,
/// host scheduling, a slow emulator).
pub const DEFAULT_MARGIN: Duration = Duration::from_millis(1000);

/// How long the jig has to answer `Hello` with the default margin.
pub const HELLO_TIMEOUT: Duration = HELLO_BUDGET.saturating_add(DEFAULT_MARGIN);

/// A byte link to a jig.
pub trait Transport {
    /// Send all bytes.
    fn send(&mut self, bytes: &[u8]) -> Result<(), TransportError>;
    /// Wait up to `timeout` for at least one byte. `Ok(0)` means the timeout
    /// passed with nothing received.
    fn recv(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, TransportError>;
}

/// A transport failure.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The other end went away (USB unplugged, pty closed).
    #[error("the jig disconnected")]
    Disconnected,
    #[error("I/O error on the jig link: {0}")]
    Io(#[from] std::io::Error),
}

/// Why a request did not produce a result.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// Nothing (or nothing matching) arrived within the time budget.
    #[error("no answer from the jig within {} ms", waited.as_millis())]
    NoAnswer { waited: Duration },
    /// The jig speaks another protocol version.
    #[error("the jig speaks protocol {jig}, this pin13 speaks {host}")]
    VersionMismatch {
        jig: u16,
        host: u16,
        firmware: Option<FirmwareVersion>,
    },
    /// The jig answered with an error.
    #[error("{0}")]
    Refused(WireError),
    /// The request breaks the protocol limits (caught before sending).
    #[error("{0}")]
    Invalid(Invalid),
    /// The jig answered something that does not fit the request.
    #[error("unexpected answer from the jig: {0}")]
    Unexpected(&'static str),
    /// The jig stopped the probe before it finished (an `Abort` reached it
    /// while it ran); every jig line is an input.
    #[error("the jig aborted the probe before it finished; every jig line is an input")]
    Aborted,
}

/// The frozen prefix of every `Hello` response, readable across versions.
#[derive(Deserialize)]
struct HelloPrefix {
    _id: u8,
    variant: u32,
    protocol: u16,
}

/// A connected jig.
#[derive(Debug)]
pub struct Client<T> {
    transport: T,
    next_id: u8,
    reader: FrameReader<MAX_FRAME>,
    pending: Vec<u8>,
    info: HelloInfo,
    margin: Duration,
}

impl<T: Transport> Client<T> {
    /// Say hello and check the protocol version.
    pub fn connect(transport: T) -> Result<Client<T>, ClientError> {
        Self::connect_with_margin(transport, DEFAULT_MARGIN)
    }

    /// Like [`Client::connect`] with another timeout margin: `margin` is
    /// added to every answer's deadline, the greeting's included.
    pub fn connect_with_margin(transport: T, margin: Duration) -> Result<Client<T>, ClientError> {
        let placeholder = HelloInfo {
            protocol: 0,
            firmware: FirmwareVersion {
                major: 0,
                minor: 0,
                patch: 0,
            },
            kind: crate::wire::JigKind::InProcess,
        };
        let mut c = Client {
            transport,
            next_id: 1,
            reader: FrameReader::new(),
            pending: Vec::new(),
            info: placeholder,
            margin,
        };
        // A lone terminator makes the jig drop any partial frame left by an
        // earlier, interrupted session.
        c.transport.send(&[0])?;
        c.info = c.hello()?;
        Ok(c)
    }

    /// What the jig said in `Hello`.
    pub fn info(&self) -> HelloInfo {
        self.info
    }

    pub fn transport(&mut self) -> &mut T {
        &mut self.transport
    }

    pub fn into_transport(self) -> T {
        self.transport
    }

    fn hello(&mut self) -> Result<HelloInfo, ClientError> {
        let id = self.send_request(&Request::Hello {
            protocol: PROTOCOL_VERSION,
        })?;
        // Id 0 is not accepted here: line noise left in the jig before our
        // resync byte is answered with an id-0 error that is not about Hello.
        let mut frame = self.wait_frame(id, HELLO_BUDGET + self.margin, false)?;
        let raw = frame.clone();
        match decode::<Response>(&mut frame) {
            Ok(env) => match env.body {
                Response::Hello(info) if info.protocol == PROTOCOL_VERSION => Ok(info),
                Response::Hello(info) => Err(ClientError::VersionMismatch {
                    jig: info.protocol,
                    host: PROTOCOL_VERSION,
                    firmware: Some(info.firmware),
                }),
                Response::Error(e) => Err(ClientError::Refused(e)),
                _ => Err(ClientError::Unexpected("not an answer to Hello")),
            },
            // A newer or older jig: read only the frozen prefix.
            Err(_) => match hello_prefix(raw) {
                Some(p) if p.variant == 0 && p.protocol != PROTOCOL_VERSION => {
                    Err(ClientError::VersionMismatch {
                        jig: p.protocol,
                        host: PROTOCOL_VERSION,
                        firmware: None,
                    })
                }
                _ => Err(ClientError::Unexpected(
                    "an answer to Hello that does not decode",
                )),
            },
        }
    }

    /// Run one isolation probe.
    pub fn probe(
        &mut self,
        cfg: &jig_core::ProbeConfig,
    ) -> Result<jig_core::ProbeReport, ClientError> {
        match self.request(Request::Probe(*cfg))? {
            Response::Probe(r) => Ok(r),
            Response::Aborted => Err(ClientError::Aborted),
            _ => Err(ClientError::Unexpected("not a probe report")),
        }
    }

    /// Run the analog probe (protocol 2).
    pub fn analog_probe(
        &mut self,
        cfg: &jig_core::ProbeConfig,
    ) -> Result<jig_core::analog::AnalogReport, ClientError> {
        match self.request(Request::AnalogProbe(*cfg))? {
            Response::AnalogProbe(r) => Ok(r),
            Response::Aborted => Err(ClientError::Aborted),
            _ => Err(ClientError::Unexpected("not an analog probe report")),
        }
    }

    /// Run one kill-line operation.
    pub fn kill(&mut self, op: &jig_core::KillOp) -> Result<jig_core::KillReport, ClientError> {
        match self.request(Request::Kill(*op))? {
            Response::Kill(r) => Ok(r),
            _ => Err(ClientError::Unexpected("not a kill-line report")),
        }
    }

    /// Run the jig's self-test.
    pub fn self_test(&mut self) -> Result<jig_core::SelfTestReport, ClientError> {
        match self.request(Request::SelfTest)? {
            Response::SelfTest(r) => Ok(r),
            _ => Err(ClientError::Unexpected("not a self-test report")),
        }
    }

    /// Make every jig line an input.
    pub fn abort(&mut self) -> Result<(), ClientError> {
        match self.request(Request::Abort)? {
            Response::Aborted => Ok(()),
            _ => Err(ClientError::Unexpected("not an abort acknowledgement")),
        }
    }

    /// Send one request and wait for its response. A jig error becomes
    /// [`ClientError::Refused`].
    pub fn request(&mut self, req: Request) -> Result<Response, ClientError> {
        req.validate().map_err(ClientError::Invalid)?;
        let id = self.send_request(&req)?;
        let budget = Duration::from_micros(req.budget_us()) + self.margin;
        let mut frame = self.wait_frame(id, budget, true)?;
        match decode::<Response>(&mut frame) {
            Ok(env) => match env.body {
                Response::Error(e) => Err(ClientError::Refused(e)),
                Response::Hello(_) => Err(ClientError::Unexpected(
                    "Hello in answer to another request",
                )),
                body => Ok(body),
            },
            Err(_) => Err(ClientError::Unexpected("a frame that does not decode")),
        }
    }

    fn send_request(&mut self, req: &Request) -> Result<u8, ClientError> {
        let id = self.next_id;
        // 0 is what the jig uses when it cannot tell which request it answers.
        self.next_id = if id == u8::MAX { 1 } else { id + 1 };
        let mut out = [0u8; MAX_FRAME];
        let frame = encode(id, req, &mut out)
            .map_err(|_| ClientError::Unexpected("request does not fit a frame"))?;
        self.transport.send(frame)?;
        Ok(id)
    }

    /// Wait for the frame answering `id`; stale frames (earlier ids, e.g. an
    /// answer that arrived after a timeout) are skipped. A frame with id 0 is
    /// the jig saying it could not read our request (taken only when
    /// `accept_zero`).
    fn wait_frame(
        &mut self,
        id: u8,
        budget: Duration,
        accept_zero: bool,
    ) -> Result<Vec<u8>, ClientError> {
        let deadline = Instant::now() + budget;
        loop {
            while !self.pending.is_empty() {
                let b = self.pending.remove(0);
                if let Some(Ok(frame)) = self.reader.push(b) {
                    let frame = frame.to_vec();
                    match frame_id(&frame) {
                        Some(got) if got == id || (accept_zero && got == 0) => return Ok(frame),
                        _ => continue,
                    }
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(ClientError::NoAnswer { waited: budget });
            }
            let mut buf = [0u8; 256];
            let n = self.transport.recv(&mut buf, deadline - now)?;
            if n == 0 {
                return Err(ClientError::NoAnswer { waited: budget });
            }
            self.pending.extend_from_slice(&buf[..n]);
        }
    }
}

/// The envelope id of a COBS frame, without consuming it.
fn frame_id(frame: &[u8]) -> Option<u8> {
    let mut copy = frame.to_vec();
    crate::frame::peek_id(&mut copy)
}

/// Only the frozen `Hello` prefix of a response frame.
fn hello_prefix(mut frame: Vec<u8>) -> Option<HelloPrefix> {
    let len = crate::frame::cobs_decode_in_place(&mut frame).ok()?;
    postcard::take_from_bytes::<HelloPrefix>(&frame[..len])
        .ok()
        .map(|(p, _rest)| p)
}
