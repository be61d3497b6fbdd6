//! COBS framing: encode one message, split a byte stream into frames, decode.
#![forbid(unsafe_code)]

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::wire::Envelope;
use crate::MAX_FRAME;

/// Why a frame could not be made or read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum FrameError {
    /// More than [`MAX_FRAME`] bytes arrived before a terminator.
    #[error("frame longer than {MAX_FRAME} bytes")]
    TooLong,
    /// The bytes are not valid COBS, or not a postcard message of the expected type.
    #[error("corrupt or unknown frame")]
    Corrupt,
    /// The message does not fit the output buffer.
    #[error("message does not fit the frame buffer")]
    NoRoom,
}

/// Encode `Envelope { id, body }` as a COBS frame with its `0x00` terminator
/// into `out`; returns the frame.
pub fn encode<'o, T: Serialize>(
    id: u8,
    body: &T,
    out: &'o mut [u8],
) -> Result<&'o [u8], FrameError> {
    let env = Envelope { id, body };
    postcard::to_slice_cobs(&env, out)
        .map(|s| &*s)
        .map_err(|_| FrameError::NoRoom)
}

/// Decode one frame (the bytes before the terminator, or including it). The
/// buffer is decoded in place. Trailing bytes after the message are an error.
pub fn decode<T: DeserializeOwned>(frame: &mut [u8]) -> Result<Envelope<T>, FrameError> {
    let n = cobs_decode_in_place(frame)?;
    match postcard::take_from_bytes::<Envelope<T>>(&frame[..n]) {
        Ok((env, [])) => Ok(env),
        _ => Err(FrameError::Corrupt),
    }
}

/// The envelope id and the first byte of the body of a decoded frame, when
/// the frame is valid COBS but not a known message (for error replies).
pub fn peek_id(frame: &mut [u8]) -> Option<u8> {
    let n = cobs_decode_in_place(frame).ok()?;
    frame[..n].first().copied()
}

/// COBS decode in place; stops at a `0x00` or the end. Strict: a code byte
/// that points past the end is an error.
pub(crate) fn cobs_decode_in_place(buf: &mut [u8]) -> Result<usize, FrameError> {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    let mut read = 0;
    let mut write = 0;
    while read < end {
        let code = buf[read] as usize;
        read += 1;
        let block_end = read + code - 1;
        if block_end > end {
            return Err(FrameError::Corrupt);
        }
        while read < block_end {
            buf[write] = buf[read];
            write += 1;
            read += 1;
        }
        if code != 0xFF && read < end {
            buf[write] = 0;
            write += 1;
        }
    }
    Ok(write)
}

/// Splits a byte stream into frames at `0x00`. Holds at most `N` bytes of a
/// frame; a longer frame is dropped up to its terminator and reported once.
#[derive(Debug)]
pub struct FrameReader<const N: usize = MAX_FRAME> {
    buf: [u8; N],
    len: usize,
    overflow: bool,
}

impl<const N: usize> Default for FrameReader<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> FrameReader<N> {
    pub const fn new() -> Self {
        FrameReader {
            buf: [0; N],
            len: 0,
            overflow: false,
        }
    }

    /// Drop any partial frame.
    pub fn clear(&mut self) {
        self.len = 0;
        self.overflow = false;
    }

    /// Feed one byte. Returns a complete frame (without its terminator) when
    /// `byte` ends one, or `Err(TooLong)` when an overlong frame ends. Empty
    /// frames are skipped.
    pub fn push(&mut self, byte: u8) -> Option<Result<&mut [u8], FrameError>> {
        if byte == 0 {
            let n = self.len;
            self.len = 0;
            if self.overflow {
                self.overflow = false;
                return Some(Err(FrameError::TooLong));
            }
            if n == 0 {
                return None;
            }
            return Some(Ok(&mut self.buf[..n]));
        }
        if self.overflow {
            return None;
        }
        // Keep one byte of room: a frame of N bytes plus terminator is N+1 > MAX.
        if self.len + 1 >= N {
            self.overflow = true;
            self.len = 0;
            return None;
        }
        self.buf[self.len] = byte;
        self.len += 1;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cobs_round_trip_with_zeros() {
        let msg: (u8, [u8; 5]) = (7, [0, 1, 0, 0, 9]);
        let mut out = [0u8; 32];
        let frame = encode(3, &msg, &mut out).unwrap().to_vec();
        assert_eq!(frame.last(), Some(&0));
        assert!(
            !frame[..frame.len() - 1].contains(&0),
            "no zero inside a frame"
        );
        let mut f = frame.clone();
        let env: Envelope<(u8, [u8; 5])> = decode(&mut f).unwrap();
        assert_eq!(env, Envelope { id: 3, body: msg });
    }

    #[test]
    fn reader_splits_frames_and_reports_overlong_once() {
        let mut r = FrameReader::<8>::new();
        let mut got = Vec::new();
        for &b in &[0u8, 1, 2, 3, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 0, 4, 0] {
            if let Some(res) = r.push(b) {
                got.push(res.map(|f| f.to_vec()));
            }
        }
        assert_eq!(
            got,
            vec![Ok(vec![1, 2, 3]), Err(FrameError::TooLong), Ok(vec![4])]
        );
    }

    #[test]
    fn strict_cobs_rejects_code_past_end() {
        let mut f = [5u8, 1, 2];
        assert_eq!(cobs_decode_in_place(&mut f), Err(FrameError::Corrupt));
    }
}
