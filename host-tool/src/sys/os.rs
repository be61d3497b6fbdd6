//! The thin libc wrappers: the only module of pin13 with `unsafe` (`openat`,
//! `ioctl`, `poll`, `localtime_r`, `geteuid`). Every decision lives in safe
//! code around them.
#![allow(unsafe_code)]

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::Duration;

/// `_IOW('R', 2, __u32)`: `RFKILL_IOCTL_MAX_SIZE` (same value on every Linux arch
/// pin13 targets: x86, x86_64, arm, aarch64 use the generic ioctl encoding).
pub const RFKILL_IOCTL_MAX_SIZE: u32 = (1 << 30) | (4 << 16) | ((b'R' as u32) << 8) | 2;

/// `io::Error` text without Rust's " (os error N)" suffix, like strerror().
pub fn os_text(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Open `path` with `flags` (`O_RDONLY`, `O_RDWR`, `O_NONBLOCK`, ...; never
/// `O_CREAT`) and always `O_CLOEXEC`, in one system call: `openat(AT_FDCWD)`.
///
/// `std::fs::File::open` goes through the C library's `open()`, and musl's
/// follows every `O_CLOEXEC` open with a `fcntl(F_SETFD, FD_CLOEXEC)` for
/// kernels older than 2.6.23, which ignored the flag: one system call more
/// per file, and status reads one file per radio (docs/benchmarks.md).
/// Every kernel pin13 supports (3.2 and later) honours `O_CLOEXEC`.
pub fn open_cloexec(path: &Path, flags: libc::c_int) -> io::Result<OwnedFd> {
    let bytes = path.as_os_str().as_bytes();
    // The path as a C string: on the stack when short (sysfs attributes are),
    // else on the heap.
    let mut stack = [0u8; 256];
    let heap;
    let c_path: &CStr = if bytes.len() < stack.len() {
        stack[..bytes.len()].copy_from_slice(bytes);
        CStr::from_bytes_until_nul(&stack).map_err(|_| nul_in_path())?
    } else {
        heap = CString::new(bytes).map_err(|_| nul_in_path())?;
        &heap
    };
    if c_path.to_bytes().len() != bytes.len() {
        // a NUL inside the path: the kernel would see a shorter one
        return Err(nul_in_path());
    }
    let flags = (flags | libc::O_CLOEXEC) & !libc::O_CREAT;
    loop {
        // SAFETY: `c_path` points to a NUL-terminated string that lives
        // until the call returns (a local buffer or CString); the kernel only
        // reads it. Without O_CREAT (cleared above) the mode argument is
        // not read, so passing none is sound for the variadic call.
        let fd = unsafe { libc::openat(libc::AT_FDCWD, c_path.as_ptr(), flags) };
        if fd >= 0 {
            // SAFETY: `fd` was just returned by openat, is open and owned by
            // nobody else: the OwnedFd becomes its only owner and closes it.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

fn nul_in_path() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "file name contained an unexpected NUL byte",
    )
}

/// Standard output written straight to fd 1, without std's `LineWriter`
/// (which allocates its buffer on first use and copies the text into it
/// before writing). For a command whose whole output is one string written
/// once (`status`), with nothing else on stdout: `write_all` retries a
/// partial or interrupted write; errors (EPIPE: SIGPIPE is ignored, as std
/// sets it) come back as they are.
pub struct RawStdout;

impl io::Write for RawStdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // SAFETY: `buf` is a live slice of `buf.len()` initialised bytes that
        // the kernel only reads; fd 1 is the process's stdout (if it is
        // closed, write fails with EBADF, returned as an error).
        let n = unsafe { libc::write(libc::STDOUT_FILENO, buf.as_ptr().cast(), buf.len()) };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `ioctl(fd, RFKILL_IOCTL_MAX_SIZE, &size)`.
pub fn set_max_size(fd: BorrowedFd<'_>, size: u32) -> io::Result<()> {
    let value: u32 = size;
    // SAFETY: `fd` is a valid open descriptor for the duration of the call
    // (borrowed); the request reads one `u32` through the pointer, which
    // points to a live, properly aligned local that outlives the call. The
    // kernel never writes through it. Other file types reject the request
    // with an error (ENOTTY), which we return.
    let r = unsafe {
        libc::ioctl(
            fd.as_raw_fd(),
            RFKILL_IOCTL_MAX_SIZE as _,
            &value as *const u32,
        )
    };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// `poll()` on borrowed descriptors; returns each one's `revents`.
/// `timeout` `None` waits forever; it is rounded up to whole milliseconds.
pub fn poll(fds: &[(BorrowedFd<'_>, i16)], timeout: Option<Duration>) -> io::Result<Vec<i16>> {
    let mut pfds: Vec<libc::pollfd> = fds
        .iter()
        .map(|(fd, events)| libc::pollfd {
            fd: fd.as_raw_fd(),
            events: *events,
            revents: 0,
        })
        .collect();
    let ms: libc::c_int = match timeout {
        None => -1,
        Some(t) => {
            let ms = t.as_micros().div_ceil(1000);
            ms.min(libc::c_int::MAX as u128) as libc::c_int
        }
    };
    // SAFETY: `pfds` is a live Vec of `pfds.len()` initialised `pollfd`
    // structs that the kernel may write `revents` into; every fd in it is
    // borrowed from `fds` and so stays open during the call.
    let r = unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, ms) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(pfds.iter().map(|p| p.revents).collect())
}

/// Whether pin13 runs as root: its effective user id is 0 (what the kernel
/// checks before a write to /dev/rfkill, with the file's mode).
pub fn is_root() -> bool {
    // SAFETY: geteuid() takes no arguments, touches no memory of ours and
    // cannot fail (POSIX: "always successful").
    unsafe { libc::geteuid() == 0 }
}

/// The local time zone's offset from UTC, in seconds east, at `unix_secs`
/// (`localtime_r`'s `tm_gmtoff`; honours `TZ`). `None` if libc cannot say.
// The libc crate deprecates `time_t` on musl (it may grow to 64 bits on
// 32-bit targets); it stays consistent with the `localtime_r` symbol the
// crate binds, which is all this call needs.
#[allow(deprecated)]
pub fn local_utc_offset(unix_secs: i64) -> Option<i32> {
    let t: libc::time_t = libc::time_t::try_from(unix_secs).ok()?;
    // SAFETY: `libc::tm` is a plain C struct of integers and a pointer, for
    // which all-zero bytes are a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers refer to live locals of the right types;
    // localtime_r is the re-entrant variant that writes only into `tm`.
    let r = unsafe { libc::localtime_r(&t, &mut tm) };
    if r.is_null() {
        None
    } else {
        i32::try_from(tm.tm_gmtoff).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ioctl_number_matches_the_kernel_header() {
        assert_eq!(RFKILL_IOCTL_MAX_SIZE, 0x4004_5202);
    }

    #[test]
    fn local_offset_is_within_a_day() {
        let off = local_utc_offset(1_700_000_000).unwrap();
        assert!(off.abs() < 86_400);
    }

    #[test]
    fn is_root_agrees_with_the_owner_of_a_new_file() {
        // A file this process creates belongs to its effective user id.
        let dir = crate::testkit::Scratch::new("os-euid");
        let f = dir.0.join("mine");
        std::fs::write(&f, b"").unwrap();
        use std::os::unix::fs::MetadataExt;
        let uid = std::fs::metadata(&f).unwrap().uid();
        assert_eq!(is_root(), uid == 0, "file owner {uid}");
    }

    #[test]
    fn open_cloexec_sets_the_flag_and_refuses_nul() {
        let dir = crate::testkit::Scratch::new("os-open");
        let f = dir.0.join("a");
        std::fs::write(&f, b"x").unwrap();
        let fd = open_cloexec(&f, libc::O_RDONLY).unwrap();
        // SAFETY (test): fcntl(F_GETFD) on a descriptor we own.
        let fl = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFD) };
        assert_eq!(fl & libc::FD_CLOEXEC, libc::FD_CLOEXEC);
        let e = open_cloexec(&dir.0.join("missing"), libc::O_RDONLY).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        let nul = Path::new(std::ffi::OsStr::from_bytes(b"a\0b"));
        assert_eq!(
            open_cloexec(nul, libc::O_RDONLY).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
        // a long path goes through the heap and still opens
        let mut long = dir.0.clone();
        for _ in 0..150 {
            long.push(".");
        }
        long.push("a");
        assert!(long.as_os_str().len() > 256);
        assert!(open_cloexec(&long, libc::O_RDONLY).is_ok());
    }

    #[test]
    fn os_text_drops_the_os_error_suffix() {
        let e = io::Error::from_raw_os_error(libc::ENOENT);
        assert_eq!(os_text(&e), "No such file or directory");
    }
}
