//! [`Inbox`]: received bytes not yet handed to the [`crate::StreamServer`],
//! and [`AbortWatch`], the probe's stop hook that reads ahead into it and
//! stops the probe when an `Abort` request arrives.
//!
//! A transport loop (the Pico's USB loop, `pin13 jig emulate`'s pty loop)
//! keeps its received bytes in an `Inbox` and pushes them to the stream
//! server one by one with an `AbortWatch` as the stop hook. While a probe
//! runs, the watch asks the transport for more bytes without blocking, keeps
//! every byte it reads in the inbox (in order: the loop pushes them next, so
//! the `Abort` gets its own answer), and scans them, frame by frame, for an
//! `Abort`. The inbox is bounded: when it is full the watch reads nothing
//! more (the transport holds further bytes back) and the probe runs on.
#![forbid(unsafe_code)]

use jig_core::probe::Stop;

use crate::frame::{decode, FrameReader};
use crate::wire::Request;
use crate::MAX_FRAME;

/// A bounded FIFO of received bytes.
#[derive(Debug)]
pub struct Inbox<const N: usize> {
    buf: [u8; N],
    start: usize,
    end: usize,
}

impl<const N: usize> Default for Inbox<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Inbox<N> {
    pub const fn new() -> Self {
        Inbox {
            buf: [0; N],
            start: 0,
            end: 0,
        }
    }

    /// The next byte to hand to the server.
    pub fn pop(&mut self) -> Option<u8> {
        if self.start == self.end {
            return None;
        }
        let b = self.buf[self.start];
        self.start += 1;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        Some(b)
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The free space after the stored bytes (empty when full). Write
    /// received bytes there, then call [`Inbox::filled`].
    pub fn room(&mut self) -> &mut [u8] {
        &mut self.buf[self.end..]
    }

    /// `n` bytes were written to the front of [`Inbox::room`].
    pub fn filled(&mut self, n: usize) {
        self.end = (self.end + n).min(N);
    }

    /// Drop everything (the link went away).
    pub fn clear(&mut self) {
        self.start = 0;
        self.end = 0;
    }
}

/// The stop hook of a probe started by the byte just popped from `inbox`:
/// `read` fills a buffer with what the transport already received (returns
/// 0 when nothing is there; it must not block), and is only called when at
/// least `min_read` bytes fit (a USB read needs room for a whole packet).
pub struct AbortWatch<'a, const N: usize, F> {
    inbox: &'a mut Inbox<N>,
    read: F,
    min_read: usize,
    /// Scans from the first unhandled byte (a frame boundary: the probe's
    /// frame just ended); created on the first question.
    scan: Option<(FrameReader<MAX_FRAME>, usize)>,
}

impl<'a, const N: usize, F: FnMut(&mut [u8]) -> usize> AbortWatch<'a, N, F> {
    pub fn new(inbox: &'a mut Inbox<N>, min_read: usize, read: F) -> Self {
        AbortWatch {
            inbox,
            read,
            min_read,
            scan: None,
        }
    }
}

impl<const N: usize, F: FnMut(&mut [u8]) -> usize> Stop for AbortWatch<'_, N, F> {
    fn stop(&mut self) -> bool {
        let room = self.inbox.room();
        if room.len() >= self.min_read.max(1) {
            let n = (self.read)(room).min(room.len());
            self.inbox.filled(n);
        }
        let start = self.inbox.start;
        let (reader, scanned) = self.scan.get_or_insert_with(|| (FrameReader::new(), start));
        while *scanned < self.inbox.end {
            let b = self.inbox.buf[*scanned];
            *scanned += 1;
            if let Some(Ok(frame)) = reader.push(b) {
                if let Ok(env) = decode::<Request>(frame) {
                    if env.body == Request::Abort {
                        return true;
                    }
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;
    use crate::frame::encode;

    fn frame(id: u8, req: Request) -> ([u8; MAX_FRAME], usize) {
        let mut out = [0u8; MAX_FRAME];
        let n = encode(id, &req, &mut out).unwrap().len();
        (out, n)
    }

    #[test]
    fn the_watch_stops_on_an_abort_and_keeps_every_byte_in_order() {
        let (hello, hn) = frame(3, Request::Hello { protocol: 1 });
        let (abort, an) = frame(4, Request::Abort);
        let wire: Vec<u8> = [&hello[..hn], &abort[..an]].concat();
        let mut inbox = Inbox::<256>::new();
        let mut chunks = wire.chunks(3);
        let mut watch = AbortWatch::new(&mut inbox, 1, |room: &mut [u8]| match chunks.next() {
            Some(c) => {
                room[..c.len()].copy_from_slice(c);
                c.len()
            }
            None => 0,
        });
        let mut asked = 0;
        while !watch.stop() {
            asked += 1;
            assert!(asked < 100, "never stopped");
        }
        let kept: Vec<u8> = core::iter::from_fn(|| inbox.pop()).collect();
        assert_eq!(kept, wire);
    }

    #[test]
    fn no_abort_no_stop_and_a_full_inbox_reads_no_more() {
        let (hello, hn) = frame(3, Request::Hello { protocol: 1 });
        let mut inbox = Inbox::<16>::new();
        let mut reads = 0;
        let mut watch = AbortWatch::new(&mut inbox, 8, |room: &mut [u8]| {
            reads += 1;
            let n = hn.min(room.len());
            room[..n].copy_from_slice(&hello[..n]);
            n
        });
        for _ in 0..10 {
            assert!(!watch.stop());
        }
        // 16 bytes of room: reads while at least 8 fit.
        assert!(reads <= 3, "{reads}");
        assert!(inbox.room().len() < 8);
    }
}
