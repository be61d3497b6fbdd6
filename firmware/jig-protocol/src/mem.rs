//! An in-memory transport (feature `std`): the host [`Client`](crate::client::Client)
//! talks to a [`Server`] in the same process through the real framing, so
//! host<->firmware behaviour is tested without hardware.
#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::time::Duration;

use crate::client::{Transport, TransportError};
use crate::server::{Device, Server, StreamServer};
use crate::wire::WireError;

/// A byte pipe with a protocol server on the far end.
#[derive(Debug)]
pub struct Loopback<D> {
    server: StreamServer<D>,
    to_host: VecDeque<u8>,
    /// Responses the jig still sends before it "goes away" (None = never).
    unplug_after: Option<usize>,
    unplugged: bool,
    muted: bool,
    /// Every byte the host sent, for tests.
    pub sent: Vec<u8>,
}

impl<D> Loopback<D>
where
    D: Device,
    WireError: From<D::Error>,
{
    pub fn new(server: Server<D>) -> Self {
        Loopback {
            server: StreamServer::new(server),
            to_host: VecDeque::new(),
            unplug_after: None,
            unplugged: false,
            muted: false,
            sent: Vec::new(),
        }
    }

    /// Simulate unplugging after `responses` more responses.
    pub fn unplug_after(mut self, responses: usize) -> Self {
        self.unplug_after = Some(responses);
        self
    }

    /// A jig that reads requests but never answers.
    pub fn muted(mut self) -> Self {
        self.muted = true;
        self
    }

    /// Inject raw bytes as if the jig had sent them.
    pub fn inject(&mut self, bytes: &[u8]) {
        self.to_host.extend(bytes);
    }

    pub fn server(&mut self) -> &mut Server<D> {
        self.server.server()
    }
}

impl<D> Transport for Loopback<D>
where
    D: Device,
    WireError: From<D::Error>,
{
    fn send(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        if self.unplugged {
            return Err(TransportError::Disconnected);
        }
        self.sent.extend_from_slice(bytes);
        for &b in bytes {
            let Some(resp) = self.server.push(b) else {
                continue;
            };
            if self.muted {
                continue;
            }
            match self.unplug_after {
                Some(0) => {
                    self.unplugged = true;
                    return Ok(());
                }
                Some(ref mut n) => *n -= 1,
                None => {}
            }
            self.to_host.extend(resp.iter().copied());
        }
        Ok(())
    }

    /// Never sleeps: with nothing queued the timeout counts as passed.
    fn recv(&mut self, buf: &mut [u8], _timeout: Duration) -> Result<usize, TransportError> {
        if self.to_host.is_empty() {
            return if self.unplugged {
                Err(TransportError::Disconnected)
            } else {
                Ok(0)
            };
        }
        let n = buf.len().min(self.to_host.len());
        for (slot, b) in buf.iter_mut().zip(self.to_host.drain(..n)) {
            *slot = b;
        }
        Ok(n)
    }
}
