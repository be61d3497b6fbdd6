//! The thin libc wrappers: the only module of pin13 with `unsafe` (`ioctl`,
//! `poll`, `localtime_r`, `geteuid`). Every decision lives in safe code around them.
#![allow(unsafe_code)]

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
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
    fn os_text_drops_the_os_error_suffix() {
        let e = io::Error::from_raw_os_error(libc::ENOENT);
        assert_eq!(os_text(&e), "No such file or directory");
    }
}
