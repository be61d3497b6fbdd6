//! /dev/rfkill access: open, read events, write changes, wait. The libc calls
//! it needs are in [`crate::sys::os`].
//!
//! What the path given as the device may be, decided at open from `fstat`:
//! - **the rfkill control device**: a character device with the misc major
//!   and `RFKILL_MINOR` (10:242). Listing opens it `O_RDONLY|O_NONBLOCK|
//!   O_CLOEXEC`, asks for 9-byte events with `RFKILL_IOCTL_MAX_SIZE` (any
//!   error: stay with 8 bytes), then reads the ADD events the kernel queues on
//!   open until EAGAIN, one event per read(), at most [`MAX_INITIAL_EVENTS`].
//!   Changing state opens it `O_RDWR` and writes one 8-byte event per change.
//! - **a capture** (`dd if=/dev/rfkill bs=8`): a regular file of at most
//!   [`MAX_CAPTURE_BYTES`], a whole number of 8-byte records, each one a
//!   valid event; read buffered; EOF ends it; writes are appended to it after
//!   every record was checked (tests use this to see exactly what would be
//!   written).
//! - **a stream** (a pipe or FIFO, `cat capture | pin13 --rfkill-dev
//!   /dev/stdin watch`): read as the same 8-byte records, in order.
//! - anything else (another character device such as /dev/zero or
//!   /dev/null, a block device) is refused: [`DevError::NotRfkill`].
//!
//! Watching: poll() on the fd, on stdout (a closed pipe shows as POLLERR,
//! like util-linux) and on a stop self-pipe (SIGINT, and for `verify` also
//! SIGTERM and SIGHUP), with a timeout that every source honours.
#![forbid(unsafe_code)]

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::sys::error::DevError;
use crate::sys::event::{Event, EVENT_SIZE_EXT, EVENT_SIZE_V1};
use crate::sys::os::{open_cloexec, poll, set_max_size};
use crate::sys::source::{EventSource, Next};

/// Read buffer of the kernel device: larger than any event it can send us
/// (9 bytes today).
const READ_BUF: usize = 64;
/// Bytes read at once from a stream, and at most from a capture (a capture
/// smaller than this is read with a buffer of its size: one read and the
/// read that gives EOF).
const CHUNK: usize = 64 * 1024;
/// The misc character device major and the rfkill minor (`RFKILL_MINOR`).
const RFKILL_DEV: (u64, u64) = (10, 242);
/// The kernel queues one ADD event per radio on open (and caps a queue at
/// 1000 events); more than this at open is not an rfkill device.
pub const MAX_INITIAL_EVENTS: usize = 4096;
/// Largest capture file read (two million events; real ones are a few KB).
pub const MAX_CAPTURE_BYTES: u64 = 16 * 1024 * 1024;
/// How long listing waits for a stream to deliver its events.
const STREAM_DRAIN: Duration = Duration::from_secs(1);

/// What the device path turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The kernel's control device (or a test socket): one event per read.
    Kernel,
    /// A regular file of 8-byte records.
    Capture,
    /// A pipe or FIFO of 8-byte records.
    Stream,
}

/// An open rfkill control device (or a stand-in: a capture file, a stream,
/// a test socket).
#[derive(Debug)]
pub struct Device {
    file: File,
    path: PathBuf,
    event_size: usize,
    kind: Kind,
    /// Bytes of a capture or stream read; those before `pos` are decoded.
    buf: Vec<u8>,
    pos: usize,
    /// Bytes asked for by one read of a capture or stream.
    chunk: usize,
    /// Records of a capture or stream decoded so far.
    records: u64,
    /// A capture or stream gave EOF.
    eof: bool,
}

fn metadata_kind(path: &Path, meta: &std::fs::Metadata) -> Result<Kind, DevError> {
    let ft = meta.file_type();
    let not = |what: String| DevError::NotRfkill {
        path: path.to_path_buf(),
        what,
    };
    if ft.is_file() {
        if meta.len() > MAX_CAPTURE_BYTES {
            return Err(not(format!(
                "a file of {} bytes, larger than any capture ({} MiB at most)",
                meta.len(),
                MAX_CAPTURE_BYTES >> 20
            )));
        }
        if meta.len() % EVENT_SIZE_V1 as u64 != 0 {
            return Err(not(format!(
                "a file of {} bytes, not a whole number of 8-byte events",
                meta.len()
            )));
        }
        Ok(Kind::Capture)
    } else if ft.is_fifo() || ft.is_socket() {
        Ok(Kind::Stream)
    } else if ft.is_char_device() {
        let rdev = meta.rdev();
        let (major, minor) = (libc::major(rdev) as u64, libc::minor(rdev) as u64);
        if (major, minor) == RFKILL_DEV {
            Ok(Kind::Kernel)
        } else {
            Err(not(format!(
                "the character device {major}:{minor}, not the rfkill control device (10:242)"
            )))
        }
    } else if ft.is_dir() {
        Err(DevError::Open {
            path: path.to_path_buf(),
            write: false,
            source: io::Error::from_raw_os_error(libc::EISDIR),
        })
    } else {
        Err(not("a block device".into()))
    }
}

impl Device {
    /// Open for listing and watching: read-only, non-blocking, close-on-exec;
    /// on the kernel device, opt in to 9-byte events.
    pub fn open_read(path: &Path) -> Result<Self, DevError> {
        let file = open_cloexec(path, libc::O_RDONLY | libc::O_NONBLOCK)
            .map(File::from)
            .map_err(|source| DevError::Open {
                path: path.to_path_buf(),
                write: false,
                source,
            })?;
        let meta = file.metadata().map_err(|source| DevError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let kind = metadata_kind(path, &meta)?;
        let mut dev = Self::with_kind(file, path, kind)?;
        dev.fit_chunk(&meta);
        Ok(dev)
    }

    /// Open for changing state: read-write, non-blocking, close-on-exec. A
    /// capture is read to its end first, every record checked, so a file
    /// that is not a capture is refused before anything is appended.
    pub fn open_write(path: &Path) -> Result<Self, DevError> {
        let file = open_cloexec(path, libc::O_RDWR | libc::O_NONBLOCK)
            .map(File::from)
            .map_err(|source| DevError::Open {
                path: path.to_path_buf(),
                write: true,
                source,
            })?;
        let meta = file.metadata().map_err(|source| DevError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let kind = metadata_kind(path, &meta)?;
        if kind == Kind::Stream {
            return Err(DevError::NotRfkill {
                path: path.to_path_buf(),
                what: "a pipe or FIFO, which can be read but not changed".into(),
            });
        }
        let mut dev = Device::new(file, path, kind);
        dev.fit_chunk(&meta);
        if kind == Kind::Capture {
            while dev.read_event()?.is_some() {}
        }
        Ok(dev)
    }

    /// Wrap an already open descriptor as the kernel device (tests: one end
    /// of a `UnixDatagram` pair, which keeps one event per read() like the
    /// kernel). It must be non-blocking for [`Device::drain`] to end.
    pub fn from_fd(fd: OwnedFd, name: &Path) -> Result<Self, DevError> {
        Self::with_kind(File::from(fd), name, Kind::Kernel)
    }

    fn new(file: File, path: &Path, kind: Kind) -> Self {
        Device {
            file,
            path: path.to_path_buf(),
            event_size: EVENT_SIZE_V1,
            kind,
            buf: Vec::new(),
            pos: 0,
            chunk: CHUNK,
            records: 0,
            eof: false,
        }
    }

    /// A capture is read with a buffer no larger than the file (and one byte
    /// for the read that gives EOF), not a 64 KiB one per read.
    fn fit_chunk(&mut self, meta: &std::fs::Metadata) {
        if self.kind == Kind::Capture {
            self.chunk =
                usize::try_from(meta.len().saturating_add(1)).map_or(CHUNK, |n| n.min(CHUNK));
        }
    }

    fn with_kind(file: File, path: &Path, kind: Kind) -> Result<Self, DevError> {
        let mut dev = Device::new(file, path, kind);
        if kind == Kind::Kernel && set_max_size(dev.file.as_fd(), EVENT_SIZE_EXT as u32).is_ok() {
            // Kernels before 5.11 answer ENOSYS, 6.8 and later ENOTTY for an
            // ioctl they do not know: either way the events stay 8 bytes.
            dev.event_size = EVENT_SIZE_EXT;
        }
        Ok(dev)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// 9 when the kernel agreed to send `rfkill_event_ext`, else 8.
    pub fn event_size(&self) -> usize {
        self.event_size
    }

    /// True when the device is a regular file read as 8-byte records.
    pub fn is_capture(&self) -> bool {
        self.kind == Kind::Capture
    }

    /// Read one event without blocking. `Ok(None)`: nothing queued (EAGAIN)
    /// or the end of a capture file or stream.
    pub fn read_event(&mut self) -> Result<Option<Event>, DevError> {
        Ok(match self.read_one()? {
            Read1::Event(e) => Some(e),
            Read1::Empty | Read1::Eof => None,
        })
    }

    fn read_one(&mut self) -> Result<Read1, DevError> {
        match self.kind {
            Kind::Kernel => self.read_kernel(),
            Kind::Capture | Kind::Stream => self.read_record(),
        }
    }

    fn read_err(&self, source: io::Error) -> DevError {
        DevError::Read {
            path: self.path.clone(),
            source,
        }
    }

    fn read_kernel(&mut self) -> Result<Read1, DevError> {
        let mut buf = [0u8; READ_BUF];
        loop {
            match self.file.read(&mut buf) {
                Ok(0) => return Ok(Read1::Eof),
                Ok(n) => {
                    return Event::decode(&buf[..n])
                        .map(Read1::Event)
                        .map_err(|source| DevError::Decode {
                            path: self.path.clone(),
                            source,
                        })
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Read1::Empty),
                Err(source) => return Err(self.read_err(source)),
            }
        }
    }

    /// The next 8-byte record of a capture or stream, read in chunks into
    /// one buffer that is reused (a record is taken by moving `pos`, not by
    /// shifting the rest of the chunk).
    fn read_record(&mut self) -> Result<Read1, DevError> {
        loop {
            let rest = &self.buf[self.pos..];
            if let Some(rec) = rest.first_chunk::<EVENT_SIZE_V1>() {
                let ev = Event::decode_record(rec, self.records).map_err(|source| {
                    DevError::NotCapture {
                        path: self.path.clone(),
                        source,
                    }
                })?;
                self.pos += EVENT_SIZE_V1;
                self.records += 1;
                return Ok(Read1::Event(ev));
            }
            if self.eof {
                if rest.is_empty() {
                    return Ok(Read1::Eof);
                }
                return Err(DevError::Decode {
                    path: self.path.clone(),
                    source: crate::sys::event::DecodeError { len: rest.len() },
                });
            }
            // Keep the part of a record left over (under 8 bytes) and read
            // the next chunk after it.
            self.buf.drain(..self.pos);
            self.pos = 0;
            let have = self.buf.len();
            self.buf.resize(have + self.chunk, 0);
            let got = self.file.read(&mut self.buf[have..]);
            self.buf.truncate(have + got.as_ref().map_or(0, |n| *n));
            match got {
                Ok(0) => self.eof = true,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Read1::Empty),
                Err(source) => return Err(self.read_err(source)),
            }
        }
    }

    /// Every event queued right now (after open: one ADD per device). A
    /// stream is read until its end or for at most a second.
    pub fn drain(&mut self) -> Result<Vec<Event>, DevError> {
        let mut out = Vec::new();
        // Only a stream waits, so only a stream reads the clock (the first
        // clock_gettime maps in the vDSO: two page faults and musl's symbol
        // lookup, on every status run before).
        let deadline = (self.kind == Kind::Stream).then(|| Instant::now() + STREAM_DRAIN);
        loop {
            match self.read_one()? {
                Read1::Event(e) => out.push(e),
                Read1::Eof => break,
                Read1::Empty if self.kind == Kind::Stream => {
                    let left = deadline.map_or(Duration::ZERO, |d| {
                        d.saturating_duration_since(Instant::now())
                    });
                    if left.is_zero() {
                        break;
                    }
                    match poll(&[(self.file.as_fd(), libc::POLLIN)], Some(left)) {
                        Ok(_) => {}
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(source) => return Err(DevError::Poll { source }),
                    }
                }
                Read1::Empty => break,
            }
            if self.kind == Kind::Kernel && out.len() > MAX_INITIAL_EVENTS {
                return Err(DevError::NotRfkill {
                    path: self.path.clone(),
                    what: format!(
                        "a device that queued more than {MAX_INITIAL_EVENTS} events at open"
                    ),
                });
            }
        }
        // The kernel's device queues an ADD per radio the moment it is
        // opened; a pipe that gives nothing at all (an idle FIFO, an empty
        // pipe) is not standing in for it, and its "no radios" would hide
        // the radios sysfs lists.
        if self.kind == Kind::Stream && out.is_empty() {
            return Err(DevError::NotRfkill {
                path: self.path.clone(),
                what: format!(
                    "a pipe or FIFO that gave no rfkill event within {} s (the kernel's device \
                     sends one ADD per radio at once)",
                    STREAM_DRAIN.as_secs()
                ),
            });
        }
        Ok(out)
    }

    /// Write one change event (8 bytes, `struct rfkill_event`, as util-linux).
    pub fn write_event(&mut self, ev: &Event) -> Result<(), DevError> {
        let bytes = ev.encode_v1();
        loop {
            match self.file.write(&bytes) {
                Ok(n) if n == bytes.len() => return Ok(()),
                Ok(n) => {
                    return Err(DevError::ShortWrite {
                        path: self.path.clone(),
                        written: n,
                        wanted: bytes.len(),
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(source) => {
                    return Err(DevError::Write {
                        path: self.path.clone(),
                        source,
                    })
                }
            }
        }
    }
}

/// What one non-blocking read gave.
enum Read1 {
    Event(Event),
    /// EAGAIN: nothing queued now.
    Empty,
    /// read() returned 0: the end of a file, or a pipe without writers.
    Eof,
}

/// The stop self-pipe: a socket that becomes readable when one of `signals`
/// arrives. Registering it replaces their default action (terminate), so
/// the caller decides what they do (pin13 watch: exit 0 on Ctrl-C).
pub fn stop_pipe(signals: &[i32]) -> Result<UnixStream, DevError> {
    let (read, write) = UnixStream::pair().map_err(|source| DevError::Signal { source })?;
    read.set_nonblocking(true)
        .map_err(|source| DevError::Signal { source })?;
    write
        .set_nonblocking(true)
        .map_err(|source| DevError::Signal { source })?;
    for &sig in signals {
        let w = write
            .try_clone()
            .map_err(|source| DevError::Signal { source })?;
        signal_hook::low_level::pipe::register(sig, w)
            .map_err(|source| DevError::Signal { source })?;
    }
    Ok(read)
}

/// [`stop_pipe`] for SIGINT alone.
pub fn sigint_pipe() -> Result<UnixStream, DevError> {
    stop_pipe(&[signal_hook::consts::SIGINT])
}

/// [`stop_pipe`] for every signal that ends a session: Ctrl-C (SIGINT),
/// `kill` (SIGTERM) and a closed terminal or dropped ssh link (SIGHUP).
pub fn end_of_session_pipe() -> Result<UnixStream, DevError> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    stop_pipe(&[SIGINT, SIGTERM, SIGHUP])
}

/// The real event source: a [`Device`], stdout and an optional stop pipe.
#[derive(Debug)]
pub struct DevSource {
    dev: Device,
    stop: Option<UnixStream>,
    watch_stdout: bool,
}

impl DevSource {
    pub fn new(dev: Device) -> Self {
        DevSource {
            dev,
            stop: None,
            watch_stdout: false,
        }
    }

    /// End with [`Next::Interrupted`] when this socket becomes readable
    /// (see [`stop_pipe`]).
    pub fn stop_on(mut self, pipe: UnixStream) -> Self {
        self.stop = Some(pipe);
        self
    }

    /// End with [`Next::OutputClosed`] when stdout's reader goes away.
    pub fn watch_stdout(mut self, on: bool) -> Self {
        self.watch_stdout = on;
        self
    }

    pub fn device(&self) -> &Device {
        &self.dev
    }
}

impl EventSource for DevSource {
    fn next_event(&mut self, timeout: Option<Duration>) -> Result<Next, DevError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let left = match deadline {
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return Ok(Next::TimedOut);
                    }
                    Some(d - now)
                }
                None => None,
            };
            // A capture file is always readable; its EOF is the end.
            if self.dev.kind == Kind::Capture {
                return Ok(match self.dev.read_event()? {
                    Some(e) => Next::Event(e),
                    None => Next::End,
                });
            }
            // A stream may hold more decoded-ready bytes than poll can see.
            if self.dev.kind == Kind::Stream {
                match self.dev.read_one()? {
                    Read1::Event(e) => return Ok(Next::Event(e)),
                    Read1::Eof => return Ok(Next::End),
                    Read1::Empty => {}
                }
            }
            let stdout = io::stdout();
            let mut fds: Vec<(BorrowedFd<'_>, i16)> = vec![(self.dev.file.as_fd(), libc::POLLIN)];
            if let Some(s) = &self.stop {
                fds.push((s.as_fd(), libc::POLLIN));
            }
            let out_slot = fds.len();
            if self.watch_stdout {
                // Events 0: only POLLERR/POLLHUP/POLLNVAL are reported, which is
                // what a pipe whose reader has gone shows.
                fds.push((stdout.as_fd(), 0));
            }
            let revents = match poll(&fds, left) {
                Ok(r) => r,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(source) => return Err(DevError::Poll { source }),
            };
            if self.stop.is_some() && revents[1] != 0 {
                return Ok(Next::Interrupted);
            }
            if self.watch_stdout && revents[out_slot] != 0 {
                return Ok(Next::OutputClosed);
            }
            if revents[0] & (libc::POLLERR | libc::POLLNVAL) != 0 {
                return Err(self
                    .dev
                    .read_err(io::Error::other("poll reported an error on the device")));
            }
            if revents[0] & (libc::POLLIN | libc::POLLHUP) != 0 {
                match self.dev.read_one()? {
                    Read1::Event(e) => return Ok(Next::Event(e)),
                    // Readable but nothing to read: the stream is over.
                    Read1::Eof => return Ok(Next::End),
                    Read1::Empty if revents[0] & libc::POLLHUP != 0 => return Ok(Next::End),
                    Read1::Empty => continue,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::{Op, RfkillType};
    use std::os::unix::net::UnixDatagram;

    fn pair() -> (Device, UnixDatagram) {
        let (ours, kernel) = UnixDatagram::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let dev = Device::from_fd(OwnedFd::from(ours), Path::new("fake-rfkill")).unwrap();
        (dev, kernel)
    }

    fn raw(idx: u32, t: u8, op: u8, soft: u8, hard: u8) -> Vec<u8> {
        let mut v = idx.to_ne_bytes().to_vec();
        v.extend_from_slice(&[t, op, soft, hard]);
        v
    }

    #[test]
    fn a_socket_refuses_the_ioctl_so_we_stay_with_8_bytes() {
        let (dev, _k) = pair();
        assert_eq!(dev.event_size(), 8);
        assert!(!dev.is_capture());
    }

    #[test]
    fn drain_reads_one_event_per_datagram_until_eagain() {
        let (mut dev, k) = pair();
        k.send(&raw(0, 1, 0, 0, 1)).unwrap();
        let mut ext = raw(1, 2, 0, 1, 1);
        ext.push(0x1);
        k.send(&ext).unwrap();
        let evs = dev.drain().unwrap();
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[0].reasons, None);
        assert_eq!(evs[1].kind, RfkillType::Bluetooth);
        assert!(evs[1].reasons.unwrap().signal());
        assert!(dev.drain().unwrap().is_empty());
    }

    #[test]
    fn a_short_datagram_is_a_decode_error() {
        let (mut dev, k) = pair();
        k.send(&[1, 2, 3]).unwrap();
        assert!(matches!(dev.read_event(), Err(DevError::Decode { .. })));
    }

    #[test]
    fn writes_one_8_byte_event() {
        let (mut dev, k) = pair();
        dev.write_event(&Event::change(3, true)).unwrap();
        let mut buf = [0u8; 32];
        let n = k.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], &raw(3, 0, 2, 1, 0)[..]);
    }

    #[test]
    fn dev_source_times_out_then_gets_events() {
        let (dev, k) = pair();
        let mut src = DevSource::new(dev);
        let t0 = Instant::now();
        assert_eq!(
            src.next_event(Some(Duration::from_millis(30))).unwrap(),
            Next::TimedOut
        );
        assert!(t0.elapsed() >= Duration::from_millis(30));
        k.send(&raw(4, 1, 2, 1, 0)).unwrap();
        match src.next_event(None).unwrap() {
            Next::Event(e) => {
                assert_eq!((e.idx, e.op), (4, Op::Change));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            src.next_event(Some(Duration::ZERO)).unwrap(),
            Next::TimedOut
        );
    }

    #[test]
    fn dev_source_stops_when_the_stop_socket_is_readable() {
        let (dev, _k) = pair();
        let (stop_r, mut stop_w) = UnixStream::pair().unwrap();
        let mut src = DevSource::new(dev).stop_on(stop_r);
        stop_w.write_all(&[1]).unwrap();
        assert_eq!(src.next_event(None).unwrap(), Next::Interrupted);
    }

    #[test]
    fn capture_files_are_fixed_records_and_writes_append() {
        let s = Scratch::new("dev");
        let dir = s.0.clone();
        let f = dir.join("cap.bin");
        let mut data = raw(0, 1, 0, 0, 0);
        data.extend(raw(1, 1, 0, 1, 0));
        std::fs::write(&f, &data).unwrap();
        let mut dev = Device::open_read(&f).unwrap();
        assert!(dev.is_capture());
        let evs = dev.drain().unwrap();
        assert_eq!(evs.iter().map(|e| e.idx).collect::<Vec<_>>(), vec![0, 1]);
        drop(dev);
        let mut w = Device::open_write(&f).unwrap();
        w.write_event(&Event::change_all(RfkillType::Wlan, true))
            .unwrap();
        let after = std::fs::read(&f).unwrap();
        assert_eq!(&after[16..], &raw(0, 1, 3, 1, 0)[..]);
    }

    use crate::testkit::Scratch;

    #[test]
    fn other_character_devices_are_refused_at_open() {
        for p in ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/full"] {
            let e = Device::open_read(Path::new(p)).unwrap_err();
            assert!(matches!(e, DevError::NotRfkill { .. }), "{p}: {e:?}");
            assert!(e.to_string().contains("not an rfkill device"), "{e}");
            assert!(e.is_not_rfkill());
            assert!(Device::open_write(Path::new(p)).is_err());
        }
    }

    #[test]
    fn a_file_that_is_not_a_capture_is_refused_and_left_unchanged() {
        let s = Scratch::new("notcap");
        let f = s.0.join("notes.txt");
        std::fs::write(&f, b"hello, world!!!\n").unwrap(); // 16 bytes
        let e = Device::open_write(&f).unwrap_err();
        assert!(matches!(e, DevError::NotCapture { .. }), "{e:?}");
        assert_eq!(std::fs::read(&f).unwrap(), b"hello, world!!!\n");
        let odd = s.0.join("odd.bin");
        std::fs::write(&odd, [0u8; 12]).unwrap();
        assert!(matches!(
            Device::open_read(&odd),
            Err(DevError::NotRfkill { .. })
        ));
    }

    #[test]
    fn a_pipe_is_read_as_records_every_event_in_order() {
        let (mut w, r) = UnixStream::pair().unwrap();
        r.set_nonblocking(true).unwrap();
        // A socket stands in for a pipe: a stream without boundaries.
        let mut dev = Device::new(
            File::from(OwnedFd::from(r)),
            Path::new("pipe"),
            Kind::Stream,
        );
        let mut data = Vec::new();
        for i in 0..10 {
            data.extend(raw(i, 1, 0, 0, 0));
        }
        w.write_all(&data).unwrap();
        drop(w);
        let evs = dev.drain().unwrap();
        assert_eq!(
            evs.iter().map(|e| e.idx).collect::<Vec<_>>(),
            (0..10).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_capture_honours_the_timeout() {
        let s = Scratch::new("cap-timeout");
        let f = s.0.join("cap.bin");
        std::fs::write(&f, raw(0, 1, 0, 0, 0)).unwrap();
        let mut src = DevSource::new(Device::open_read(&f).unwrap());
        assert_eq!(
            src.next_event(Some(Duration::ZERO)).unwrap(),
            Next::TimedOut
        );
        assert!(matches!(src.next_event(None).unwrap(), Next::Event(_)));
        assert_eq!(src.next_event(None).unwrap(), Next::End);
    }

    #[test]
    fn a_typed_missing_path_is_no_such_file_and_the_default_says_modprobe() {
        let e = Device::open_read(Path::new("/nonexistent/rfkill")).unwrap_err();
        assert_eq!(e.io_kind(), Some(io::ErrorKind::NotFound));
        assert_eq!(
            e.to_string(),
            "cannot open /nonexistent/rfkill: No such file or directory"
        );
        assert!(e.hint().unwrap().starts_with("no such file"));
        let e = DevError::Open {
            path: PathBuf::from("/dev/rfkill"),
            write: false,
            source: io::Error::from_raw_os_error(libc::ENOENT),
        };
        assert!(e.hint().unwrap().contains("modprobe rfkill"));
    }
}
