//! Where rfkill events come from, as a trait, so `watch` and `verify` run the
//! same code on the real /dev/rfkill ([`crate::sys::device::DevSource`]), on a
//! scripted list ([`Scripted`]) and on a captured stream ([`Records`]).
//!
//! Captured streams: a regular file does not keep event boundaries (a read of
//! 9 bytes would take one byte of the next 8-byte event), so a capture is a
//! file of fixed-size records — exactly what `dd if=/dev/rfkill bs=8` writes —
//! and is cut into records of that size ([`Records`]). The real device path
//! is tested with a `UnixDatagram` pair, which does give one event per read().
#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::time::Duration;

use crate::sys::event::{DecodeError, Event};
use crate::sys::DevError;

/// What waiting for the next event produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// One event.
    Event(Event),
    /// `timeout` passed without an event.
    TimedOut,
    /// No event will ever come (a replayed stream is exhausted).
    End,
    /// SIGINT arrived: stop quietly (exit 0).
    Interrupted,
    /// The reader of our stdout went away (`pin13 watch | head -3`): stop quietly.
    OutputClosed,
}

/// A stream of rfkill events.
pub trait EventSource {
    /// Wait at most `timeout` (`None`: no limit) for the next event.
    fn next_event(&mut self, timeout: Option<Duration>) -> Result<Next, DevError>;
}

/// A scripted source for tests: hands out the given items in order, then
/// [`Next::End`]. Timeouts are not waited for, they are items like any other.
#[derive(Debug, Clone, Default)]
pub struct Scripted {
    items: VecDeque<Next>,
}

impl Scripted {
    pub fn new(items: impl IntoIterator<Item = Next>) -> Self {
        Scripted {
            items: items.into_iter().collect(),
        }
    }

    /// Only events, then the end.
    pub fn events(events: impl IntoIterator<Item = Event>) -> Self {
        Self::new(events.into_iter().map(Next::Event))
    }

    /// How many items are left.
    pub fn remaining(&self) -> usize {
        self.items.len()
    }
}

impl EventSource for Scripted {
    fn next_event(&mut self, _timeout: Option<Duration>) -> Result<Next, DevError> {
        Ok(self.items.pop_front().unwrap_or(Next::End))
    }
}

/// A captured stream cut into fixed-size records (8 for `dd bs=8` captures of
/// a default fd, 9 for captures made after `RFKILL_IOCTL_MAX_SIZE`).
#[derive(Debug, Clone)]
pub struct Records {
    data: Vec<u8>,
    pos: usize,
    size: usize,
}

impl Records {
    /// `size` must be at least 8 (an event is never shorter).
    pub fn new(data: Vec<u8>, size: usize) -> Result<Self, DecodeError> {
        if size < crate::sys::event::EVENT_SIZE_V1 {
            return Err(DecodeError { len: size });
        }
        Ok(Records { data, pos: 0, size })
    }

    /// Decode every record at once; a short tail is an error.
    pub fn decode_all(data: &[u8], size: usize) -> Result<Vec<Event>, DecodeError> {
        let mut r = Records::new(data.to_vec(), size)?;
        let mut out = Vec::new();
        while let Some(e) = r.next_record()? {
            out.push(e);
        }
        Ok(out)
    }

    fn next_record(&mut self) -> Result<Option<Event>, DecodeError> {
        if self.pos >= self.data.len() {
            return Ok(None);
        }
        let end = (self.pos + self.size).min(self.data.len());
        let rec = &self.data[self.pos..end];
        self.pos = end;
        if rec.len() < self.size {
            return Err(DecodeError { len: rec.len() });
        }
        Event::decode(rec).map(Some)
    }
}

impl EventSource for Records {
    fn next_event(&mut self, _timeout: Option<Duration>) -> Result<Next, DevError> {
        match self.next_record() {
            Ok(Some(e)) => Ok(Next::Event(e)),
            Ok(None) => Ok(Next::End),
            Err(e) => Err(DevError::Decode {
                path: "captured stream".into(),
                source: e,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::{Op, RfkillType};

    fn rec(idx: u32, t: u8, op: u8, soft: u8, hard: u8) -> Vec<u8> {
        let mut v = idx.to_ne_bytes().to_vec();
        v.extend_from_slice(&[t, op, soft, hard]);
        v
    }

    #[test]
    fn scripted_hands_out_items_then_end() {
        let e = Event::decode(&rec(1, 1, 2, 1, 0)).unwrap();
        let mut s = Scripted::new([Next::TimedOut, Next::Event(e), Next::Interrupted]);
        assert_eq!(s.next_event(None).unwrap(), Next::TimedOut);
        assert_eq!(s.next_event(None).unwrap(), Next::Event(e));
        assert_eq!(s.next_event(None).unwrap(), Next::Interrupted);
        assert_eq!(s.next_event(None).unwrap(), Next::End);
        assert_eq!(s.remaining(), 0);
    }

    #[test]
    fn records_of_8_bytes() {
        let mut data = rec(0, 1, 0, 0, 0);
        data.extend(rec(2, 2, 2, 1, 1));
        let evs = Records::decode_all(&data, 8).unwrap();
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[1].idx, 2);
        assert_eq!(evs[1].kind, RfkillType::Bluetooth);
        assert_eq!(evs[1].op, Op::Change);
        assert_eq!(evs[1].reasons, None);
    }

    #[test]
    fn records_of_9_bytes_carry_reasons() {
        let mut data = rec(0, 1, 2, 0, 1);
        data.push(1);
        data.extend(rec(0, 1, 2, 0, 0));
        data.push(0);
        let mut r = Records::new(data, 9).unwrap();
        match r.next_event(None).unwrap() {
            Next::Event(e) => assert!(e.reasons.unwrap().signal()),
            other => panic!("{other:?}"),
        }
        assert!(matches!(r.next_event(None).unwrap(), Next::Event(_)));
        assert_eq!(r.next_event(None).unwrap(), Next::End);
    }

    #[test]
    fn a_short_tail_is_an_error_not_a_panic() {
        let mut data = rec(0, 1, 0, 0, 0);
        data.extend_from_slice(&[1, 2, 3]);
        assert_eq!(Records::decode_all(&data, 8), Err(DecodeError { len: 3 }));
        assert!(Records::new(vec![], 7).is_err());
    }
}
