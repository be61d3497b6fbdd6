//! The jig side: `handle(request) -> response` over anything that can run the
//! jig core, independent of the transport (USB CDC-ACM on the Pico, a pty in
//! the emulator, memory in tests).
#![forbid(unsafe_code)]

use jig_core::probe::{Never, Stop};

use crate::frame::{decode, encode, peek_id, FrameError, FrameReader};
use crate::wire::{HelloInfo, Request, Response, WireError};
use crate::{MAX_FRAME, PROTOCOL_VERSION};

/// What a device reports when the jig core fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DeviceError {
    /// A GPIO read or write failed.
    Pin,
    /// The core rejected the configuration.
    Config(jig_core::ConfigError),
    /// A probe was stopped by its stop hook (an `Abort` arrived while it
    /// ran). The server answers `Aborted`, not an error.
    Aborted,
    /// The jig has no ADC on `SENSE` (no analog probe).
    NoAdc,
}

impl From<DeviceError> for WireError {
    fn from(e: DeviceError) -> Self {
        match e {
            DeviceError::Pin => WireError::Pin,
            DeviceError::Config(c) => WireError::Config(c),
            // Never sent: the server answers a stopped probe with `Aborted`
            // (see `Server::handle_until`); this is the nearest code if a
            // device reports it for something else.
            DeviceError::Aborted => WireError::Pin,
            DeviceError::NoAdc => WireError::NoAdc,
        }
    }
}

/// Something that runs the jig core: jig-core's `Jig` over real pins (Pico,
/// Raspberry Pi) or over the simulated bench, or a link to a jig (the host's
/// serial backend). The one device interface of pin13: the protocol server
/// serves one, the host tool's backends are ones.
///
/// Rule for every implementation: after any error every jig line is an input.
pub trait Device {
    /// What a failed operation reports ([`DeviceError`] on the jig; the host
    /// tool's backends carry messages and hints).
    type Error;
    fn probe(&mut self, cfg: &jig_core::ProbeConfig) -> Result<jig_core::ProbeReport, Self::Error>;
    /// [`Device::probe`], asking `stop` now and then whether to stop (see
    /// `jig_core::probe::run_until`). After a stop every line is an input and
    /// the result is an error. Devices that cannot stop a probe run it whole
    /// (the default).
    fn probe_until(
        &mut self,
        cfg: &jig_core::ProbeConfig,
        stop: &mut dyn Stop,
    ) -> Result<jig_core::ProbeReport, Self::Error> {
        let _ = stop;
        self.probe(cfg)
    }
    fn kill(&mut self, op: &jig_core::KillOp) -> Result<jig_core::KillReport, Self::Error>;
    /// Run the analog probe (`jig_core::analog`), asking `stop` now and then
    /// whether to stop; a jig without an ADC on `SENSE` refuses.
    fn analog_probe_until(
        &mut self,
        cfg: &jig_core::ProbeConfig,
        stop: &mut dyn Stop,
    ) -> Result<jig_core::analog::AnalogReport, Self::Error>;
    /// Check the jig's own lines with the probes off the card (see
    /// `jig_core::selftest`). Every line is an input afterwards.
    fn self_test(&mut self) -> Result<jig_core::SelfTestReport, Self::Error>;
    /// Make every jig line an input (high impedance). Must not fail silently:
    /// the server calls it after every error.
    fn safe(&mut self) -> Result<(), Self::Error>;
}

/// The protocol server: validates requests, runs them on the device and
/// turns results into responses.
#[derive(Debug)]
pub struct Server<D> {
    device: D,
    info: HelloInfo,
}

impl<D> Server<D>
where
    D: Device,
    WireError: From<D::Error>,
{
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

    /// Answer one request. Every error answer makes every line an input
    /// first (the protocol's rule).
    pub fn handle(&mut self, req: Request) -> Response {
        self.handle_until(req, &mut Never)
    }

    /// [`Server::handle`], with a probe asking `stop` now and then whether to
    /// stop. A stopped probe is answered `Aborted` (every line an input): the
    /// `Abort` request that stopped it gets its own `Aborted` answer when the
    /// caller hands it over afterwards, so every request still gets exactly
    /// one answer, in order.
    pub fn handle_until(&mut self, req: Request, stop: &mut dyn Stop) -> Response {
        if let Err(inv) = req.validate() {
            return self.fail(WireError::Invalid(inv));
        }
        let result = match req {
            // The host checks the version; the jig answers whatever it was asked.
            Request::Hello { .. } => Ok(Response::Hello(self.info)),
            Request::Probe(cfg) => {
                let mut stopped = false;
                let mut watch = || {
                    stopped = stopped || stop.stop();
                    stopped
                };
                let r = self.device.probe_until(&cfg, &mut watch);
                if stopped {
                    return match self.device.safe() {
                        Ok(()) => Response::Aborted,
                        Err(e) => self.fail(e.into()),
                    };
                }
                r.map(Response::Probe)
            }
            Request::AnalogProbe(cfg) => {
                let mut stopped = false;
                let mut watch = || {
                    stopped = stopped || stop.stop();
                    stopped
                };
                let r = self.device.analog_probe_until(&cfg, &mut watch);
                if stopped {
                    return match self.device.safe() {
                        Ok(()) => Response::Aborted,
                        Err(e) => self.fail(e.into()),
                    };
                }
                r.map(Response::AnalogProbe)
            }
            Request::Kill(op) => self.device.kill(&op).map(Response::Kill),
            Request::SelfTest => self.device.self_test().map(Response::SelfTest),
            Request::Abort => self.device.safe().map(|()| Response::Aborted),
        };
        result.unwrap_or_else(|e| self.fail(e.into()))
    }

    /// The answer to any error: every line an input, then `Error(e)`.
    fn fail(&mut self, e: WireError) -> Response {
        let _ = self.device.safe();
        Response::Error(e)
    }

    /// Answer one frame (without or with its terminator) with an encoded
    /// response frame in `out`. A frame that does not decode gets
    /// `Error(Decode)` with the id it seemed to carry (0 if none).
    pub fn handle_frame<'o>(&mut self, frame: &mut [u8], out: &'o mut [u8; MAX_FRAME]) -> &'o [u8] {
        self.handle_frame_until(frame, out, &mut Never)
    }

    /// [`Server::handle_frame`] with a stop hook (see [`Server::handle_until`]).
    pub fn handle_frame_until<'o>(
        &mut self,
        frame: &mut [u8],
        out: &'o mut [u8; MAX_FRAME],
        stop: &mut dyn Stop,
    ) -> &'o [u8] {
        let mut copy = [0u8; MAX_FRAME];
        let n = frame.len().min(MAX_FRAME);
        copy[..n].copy_from_slice(&frame[..n]);
        let (id, resp) = match decode::<Request>(frame) {
            Ok(env) => (env.id, self.handle_until(env.body, stop)),
            Err(_) => (
                peek_id(&mut copy[..n]).unwrap_or(0),
                self.fail(WireError::Decode),
            ),
        };
        self.encode_response(id, &resp, out)
    }

    /// The response to a frame that arrived too long to read (every line is
    /// made an input first, as after any error).
    pub fn frame_error<'o>(&mut self, err: FrameError, out: &'o mut [u8; MAX_FRAME]) -> &'o [u8] {
        let code = match err {
            FrameError::TooLong => WireError::FrameTooLong,
            FrameError::Corrupt | FrameError::NoRoom => WireError::Decode,
        };
        let resp = self.fail(code);
        self.encode_response(0, &resp, out)
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
                let _ = self.device.safe();
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

impl<D> StreamServer<D>
where
    D: Device,
    WireError: From<D::Error>,
{
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
        self.push_until(byte, &mut Never)
    }

    /// [`StreamServer::push`] with a stop hook for a probe the byte starts
    /// (see [`Server::handle_until`]; the hook may read ahead in the byte
    /// stream, the caller then pushes those bytes next).
    pub fn push_until(&mut self, byte: u8, stop: &mut dyn Stop) -> Option<&[u8]> {
        match self.reader.push(byte)? {
            Ok(frame) => Some(self.server.handle_frame_until(frame, &mut self.out, stop)),
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
