//! /dev/rfkill access: open, read events, write changes, wait. The libc calls
//! it needs are in [`crate::sys::os`].
//!
//! - Listing: open `O_RDONLY|O_NONBLOCK|O_CLOEXEC`, ask for 9-byte events with
//!   `RFKILL_IOCTL_MAX_SIZE` (ENOTTY/ENOSYS/EINVAL: stay with 8 bytes), then
//!   read the ADD events the kernel queues on open until EAGAIN. One event per
//!   read(), into a buffer larger than any event, so nothing is truncated.
//! - Changing state: open `O_RDWR` and write one 8-byte event per change.
//! - Watching: poll() on the fd, on stdout (a closed pipe shows as POLLERR,
//!   like util-linux) and on a SIGINT self-pipe, with a timeout.
//! - A regular file given as the device is a capture (`dd if=/dev/rfkill
//!   bs=8`): it is read as fixed 8-byte records, EOF ends it, and writes are
//!   appended to it (tests use this to see exactly what would be written).
#![forbid(unsafe_code)]

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::sys::error::DevError;
use crate::sys::event::{Event, EVENT_SIZE_EXT, EVENT_SIZE_V1};
use crate::sys::os::{poll, set_max_size};
use crate::sys::source::{EventSource, Next};

/// `_IOW('R', 2, __u32)`: `RFKILL_IOCTL_MAX_SIZE` (same value on every Linux arch
/// pin13 targets: x86, x86_64, arm, aarch64 use the generic ioctl encoding).
pub const RFKILL_IOCTL_MAX_SIZE: u32 = (1 << 30) | (4 << 16) | ((b'R' as u32) << 8) | 2;

/// Read buffer: larger than any event the kernel can send us (9 bytes today).
const READ_BUF: usize = 64;

/// An open rfkill control device (or a stand-in: a capture file, a socket).
#[derive(Debug)]
pub struct Device {
    file: File,
    path: PathBuf,
    event_size: usize,
    records: bool,
}

impl Device {
    /// Open for listing and watching: read-only, non-blocking, close-on-exec
    /// (std adds O_CLOEXEC), then opt in to 9-byte events.
    pub fn open_read(path: &Path) -> Result<Self, DevError> {
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
            .map_err(|source| DevError::Open {
                path: path.to_path_buf(),
                write: false,
                source,
            })?;
        Self::from_file(file, path)
    }

    /// Open for changing state: read-write, non-blocking, close-on-exec.
    pub fn open_write(path: &Path) -> Result<Self, DevError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
            .map_err(|source| DevError::Open {
                path: path.to_path_buf(),
                write: true,
                source,
            })?;
        let records = file.metadata().map(|m| m.is_file()).unwrap_or(false);
        let mut dev = Device {
            file,
            path: path.to_path_buf(),
            event_size: EVENT_SIZE_V1,
            records,
        };
        if records {
            // A capture file: skip to its end so writes are appended after it.
            while dev.read_event()?.is_some() {}
        }
        Ok(dev)
    }

    /// Wrap an already open descriptor (tests: one end of a `UnixDatagram`
    /// pair, which keeps one event per read() like the kernel). It must be
    /// non-blocking for [`Device::drain`] to end.
    pub fn from_fd(fd: OwnedFd, name: &Path) -> Result<Self, DevError> {
        Self::from_file(File::from(fd), name)
    }

    fn from_file(file: File, path: &Path) -> Result<Self, DevError> {
        let records = file.metadata().map(|m| m.is_file()).unwrap_or(false);
        let mut dev = Device {
            file,
            path: path.to_path_buf(),
            event_size: EVENT_SIZE_V1,
            records,
        };
        if !records {
            dev.event_size = match set_max_size(dev.file.as_fd(), EVENT_SIZE_EXT as u32) {
                Ok(()) => EVENT_SIZE_EXT,
                Err(e)
                    if matches!(
                        e.raw_os_error(),
                        Some(libc::ENOTTY) | Some(libc::ENOSYS) | Some(libc::EINVAL)
                    ) =>
                {
                    EVENT_SIZE_V1
                }
                Err(source) => {
                    return Err(DevError::Read {
                        path: path.to_path_buf(),
                        source,
                    })
                }
            };
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
        self.records
    }

    /// Read one event without blocking. `Ok(None)`: nothing queued (EAGAIN)
    /// or the end of a capture file.
    pub fn read_event(&mut self) -> Result<Option<Event>, DevError> {
        Ok(match self.read_one()? {
            Read1::Event(e) => Some(e),
            Read1::Empty | Read1::Eof => None,
        })
    }

    fn read_one(&mut self) -> Result<Read1, DevError> {
        let mut buf = [0u8; READ_BUF];
        // A capture file keeps no boundaries: take exactly one record.
        let want = if self.records {
            self.event_size
        } else {
            READ_BUF
        };
        loop {
            match self.file.read(&mut buf[..want]) {
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
                Err(source) => {
                    return Err(DevError::Read {
                        path: self.path.clone(),
                        source,
                    })
                }
            }
        }
    }

    /// Every event queued right now (after open: one ADD per device).
    pub fn drain(&mut self) -> Result<Vec<Event>, DevError> {
        let mut out = Vec::new();
        while let Some(e) = self.read_event()? {
            out.push(e);
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

/// The SIGINT self-pipe: a socket that becomes readable when SIGINT arrives.
/// Registering it replaces the default action (terminate) for SIGINT, so the
/// caller decides what Ctrl-C does (pin13 watch: exit 0).
pub fn sigint_pipe() -> Result<UnixStream, DevError> {
    let (read, write) = UnixStream::pair().map_err(|source| DevError::Signal { source })?;
    read.set_nonblocking(true)
        .map_err(|source| DevError::Signal { source })?;
    write
        .set_nonblocking(true)
        .map_err(|source| DevError::Signal { source })?;
    signal_hook::low_level::pipe::register(signal_hook::consts::SIGINT, write)
        .map_err(|source| DevError::Signal { source })?;
    Ok(read)
}

/// The real event source: a [`Device`], stdout and an optional SIGINT pipe.
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
    /// (see [`sigint_pipe`]).
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
            // A capture file is always readable; its EOF is the end.
            if self.dev.records {
                return Ok(match self.dev.read_event()? {
                    Some(e) => Next::Event(e),
                    None => Next::End,
                });
            }
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
                return Err(DevError::Read {
                    path: self.dev.path.clone(),
                    source: io::Error::other("poll reported an error on the device"),
                });
            }
            if revents[0] & (libc::POLLIN | libc::POLLHUP) != 0 {
                match self.dev.read_one()? {
                    Read1::Event(e) => return Ok(Next::Event(e)),
                    // Readable but nothing to read: not rfkill (a file, a pipe
                    // whose writer has gone); the stream is over.
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
        let dir = std::env::temp_dir().join(format!("pin13-dev-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
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
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_readable_empty_device_ends_instead_of_spinning() {
        let dev = Device::open_read(Path::new("/dev/null")).unwrap();
        assert_eq!(dev.event_size(), 8);
        let mut src = DevSource::new(dev);
        assert_eq!(
            src.next_event(Some(Duration::from_secs(30))).unwrap(),
            Next::End
        );
    }

    #[test]
    fn missing_device_says_how_to_load_rfkill() {
        let e = Device::open_read(Path::new("/nonexistent/rfkill")).unwrap_err();
        assert_eq!(e.io_kind(), Some(io::ErrorKind::NotFound));
        assert_eq!(
            e.to_string(),
            "cannot open /nonexistent/rfkill: No such file or directory"
        );
        assert!(e.hint().unwrap().contains("modprobe rfkill"));
    }
}
