//! The jig side: `handle(request) -> response` over anything that can run the
//! jig core, independent of the transport (USB CDC-ACM on the Pico, a pty in
//! the emulator, memory in tests).
#![forbid(unsafe_code)]

use crate::frame::{decode, encode, peek_id, FrameError, FrameReader};
use crate::wire::{HelloInfo, Request, Response, SelfTestReport, WireError};
use crate::{MAX_FRAME, PROTOCOL_VERSION};

/// What a device reports when the jig core fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DeviceError {
    /// A GPIO read or write failed.
    Pin,
    /// The core rejected the configuration.
    Config(jig_core::ConfigError),
}

impl From<DeviceError> for WireError {
    fn from(e: DeviceError) -> Self {
        match e {
            DeviceError::Pin => WireError::Pin,
            DeviceError::Config(c) => WireError::Config(c.into()),
        }
    }
}

/// Something that runs the jig core: jig-core's `Jig` over real pins (Pico,
/// Raspberry Pi) or over the simulated bench (emulator, tests).
pub trait Device {
    fn probe(&mut self, cfg: &jig_core::ProbeConfig) -> Result<jig_core::ProbeReport, DeviceError>;
    fn kill(&mut self, op: &jig_core::KillOp) -> Result<jig_core::KillReport, DeviceError>;
    fn self_test(&mut self) -> Result<SelfTestReport, DeviceError>;
    /// Make every jig line an input (high impedance). Must not fail silently:
    /// the server calls it after every error.
    fn safe(&mut self) -> Result<(), DeviceError>;
}

/// The protocol server: validates requests, runs them on the device and
/// turns results into responses.
#[derive(Debug)]
pub struct Server<D> {
    device: D,
    info: HelloInfo,
}

impl<D: Device> Server<D> {
    /// `info.protocol` is overwritten with [`PROTOCOL_VERSION`].
    pub fn new(device: D, mut info: HelloInfo) -> Self {
        info.protocol = PROTOCOL_VERSION;
        Server { device, info }
    }

    pub fn device(&mut self) -> &mut D {
        &mut self.device
    }

    pub fn into_device(self) -> D {
        self.device
    }

    /// Answer one request.
    pub fn handle(&mut self, req: Request) -> Response {
        if let Err(inv) = req.validate() {
            let _ = self.device.safe();
            return Response::Error(WireError::Invalid(inv));
        }
        let result = match req {
            // The host checks the version; the jig answers whatever it was asked.
            Request::Hello { .. } => Ok(Response::Hello(self.info)),
            Request::Probe(cfg) => self
                .device
                .probe(&cfg.into())
                .map(|r| Response::Probe(r.into())),
            Request::Kill(op) => self
                .device
                .kill(&op.into())
                .map(|r| Response::Kill(r.into())),
            Request::SelfTest => self.device.self_test().map(Response::SelfTest),
            Request::Abort => self.device.safe().map(|()| Response::Aborted),
        };
        result.unwrap_or_else(|e| {
            let _ = self.device.safe();
            Response::Error(e.into())
        })
    }

    /// Answer one frame (without or with its terminator) with an encoded
    /// response frame in `out`. A frame that does not decode gets
    /// `Error(Decode)` with the id it seemed to carry (0 if none).
    pub fn handle_frame<'o>(&mut self, frame: &mut [u8], out: &'o mut [u8; MAX_FRAME]) -> &'o [u8] {
        let mut copy = [0u8; MAX_FRAME];
        let n = frame.len().min(MAX_FRAME);
        copy[..n].copy_from_slice(&frame[..n]);
        let (id, resp) = match decode::<Request>(frame) {
            Ok(env) => (env.id, self.handle(env.body)),
            Err(_) => {
                // Like every other error: every jig line an input.
                let _ = self.device.safe();
                (
                    peek_id(&mut copy[..n]).unwrap_or(0),
                    Response::Error(WireError::Decode),
                )
            }
        };
        self.encode_response(id, &resp, out)
    }

    /// The response to a frame that arrived too long to read.
    /// Every jig line becomes an input, as after any other error.
    pub fn frame_error<'o>(&mut self, err: FrameError, out: &'o mut [u8; MAX_FRAME]) -> &'o [u8] {
        let _ = self.device.safe();
        let code = match err {
            FrameError::TooLong => WireError::FrameTooLong,
            FrameError::Corrupt | FrameError::NoRoom => WireError::Decode,
        };
        self.encode_response(0, &Response::Error(code), out)
    }

    fn encode_response<'o>(
        &mut self,
        id: u8,
        resp: &Response,
        out: &'o mut [u8; MAX_FRAME],
    ) -> &'o [u8] {
        // Every response fits MAX_FRAME (tests/golden.rs checks the largest).
        // If one ever did not, answer a short error instead of nothing.
        let fits = encode(id, resp, &mut out[..]).map(|f| f.len()).ok();
        match fits {
            Some(n) => &out[..n],
            None => {
                let n = encode(id, &Response::Error(WireError::FrameTooLong), &mut out[..])
                    .map(|f| f.len())
                    .unwrap_or(0);
                &out[..n]
            }
        }
    }
}

/// A server fed a byte stream: splits frames and produces response frames.
#[derive(Debug)]
pub struct StreamServer<D> {
    server: Server<D>,
    reader: FrameReader<MAX_FRAME>,
    out: [u8; MAX_FRAME],
}

impl<D: Device> StreamServer<D> {
    pub fn new(server: Server<D>) -> Self {
        StreamServer {
            server,
            reader: FrameReader::new(),
            out: [0; MAX_FRAME],
        }
    }

    pub fn server(&mut self) -> &mut Server<D> {
        &mut self.server
    }

    /// Feed one received byte; returns a response frame to send when the byte
    /// completed a request.
    pub fn push(&mut self, byte: u8) -> Option<&[u8]> {
        match self.reader.push(byte)? {
            Ok(frame) => Some(self.server.handle_frame(frame, &mut self.out)),
            Err(e) => Some(self.server.frame_error(e, &mut self.out)),
        }
    }

    /// The link went away (port closed, pty closed): drop any partial frame.
    /// Lines are left as they are: a kill line the host asserted on purpose
    /// stays asserted until `Release`, `Abort`, the button or a power cycle
    /// (that is what `pin13 jig kill assert` is for).
    pub fn disconnected(&mut self) {
        self.reader.clear();
    }
}
