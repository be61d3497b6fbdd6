//! The thin libc wrappers: the only module of pin13 with `unsafe` (`openat`,
//! `ioctl`, `poll`, `localtime_r`, `geteuid`, and the start-up allocator).
//! Every decision lives in safe code around them.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// Bytes of the start-up arena (in .bss: no file size, and a page costs
/// only when touched). A `status` run allocates about 10 KiB in all.
const ARENA_BYTES: usize = 64 * 1024;

#[repr(C, align(64))]
struct Arena(UnsafeCell<[u8; ARENA_BYTES]>);

// SAFETY: the bytes are handed out in disjoint blocks, each claimed by one
// atomic compare-exchange on `ARENA_NEXT`; nobody reads or writes the array
// as a whole.
unsafe impl Sync for Arena {}

static ARENA: Arena = Arena(UnsafeCell::new([0; ARENA_BYTES]));
/// Offset of the first free byte of [`ARENA`].
static ARENA_NEXT: AtomicUsize = AtomicUsize::new(0);

/// The allocator: the first allocations come from a fixed arena by bumping
/// an offset (a block freed while it is the last one gives its bytes back;
/// others stay used), the rest from the C library's `malloc`. A short-lived
/// command (`status`: ~80 small allocations) then never calls `malloc`,
/// whose first use costs musl a `brk`, several `mmap`s and `munmap`s and
/// their page faults (docs/benchmarks.md). Memory stays bounded: the arena
/// is fixed, everything past it is `malloc`'s as before.
pub struct StartupAlloc;

#[global_allocator]
static GLOBAL: StartupAlloc = StartupAlloc;

fn arena_base() -> usize {
    ARENA.0.get() as usize
}

/// The arena's offset of `ptr`, if it points into the arena.
fn arena_offset(ptr: *mut u8) -> Option<usize> {
    (ptr as usize)
        .checked_sub(arena_base())
        .filter(|&off| off < ARENA_BYTES)
}

/// Claim `layout` from the arena; `None` when it does not fit.
fn arena_alloc(layout: Layout) -> Option<*mut u8> {
    let base = arena_base();
    let mut cur = ARENA_NEXT.load(Ordering::Relaxed);
    loop {
        let addr = base.checked_add(cur)?;
        let start = addr.checked_next_multiple_of(layout.align())? - base;
        let end = start.checked_add(layout.size())?;
        if end > ARENA_BYTES {
            return None;
        }
        match ARENA_NEXT.compare_exchange_weak(cur, end, Ordering::AcqRel, Ordering::Relaxed) {
            Ok(_) => return Some(ARENA.0.get().cast::<u8>().wrapping_add(start)),
            Err(now) => cur = now,
        }
    }
}

// SAFETY: every block handed out is either a disjoint, suitably aligned
// range of the arena (claimed atomically above; never handed out twice
// while in use: only the last block's bytes are taken back, by an atomic
// compare-exchange that fails if anything was claimed after it) or comes
// from `System`, and each pointer is given back to the allocator it came
// from (decided by its address).
unsafe impl GlobalAlloc for StartupAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match arena_alloc(layout) {
            Some(p) => p,
            // SAFETY: the caller's contract (a valid, non-zero layout) is
            // passed on unchanged.
            None => unsafe { System.alloc(layout) },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match arena_alloc(layout) {
            Some(p) => {
                // SAFETY: `p` is a fresh arena block of `layout.size()`
                // bytes that nobody else uses; a block given back may hold
                // old bytes, so it is cleared.
                unsafe { p.write_bytes(0, layout.size()) };
                p
            }
            // SAFETY: as in `alloc`.
            None => unsafe { System.alloc_zeroed(layout) },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        match arena_offset(ptr) {
            Some(off) => {
                // The last block: give its bytes back (fails harmlessly if
                // it is not the last, or another thread claimed more).
                let _ = ARENA_NEXT.compare_exchange(
                    off + layout.size(),
                    off,
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                );
            }
            // SAFETY: `ptr` is not in the arena, so `System` gave it out,
            // with this layout (the caller's contract).
            None => unsafe { System.dealloc(ptr, layout) },
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Some(off) = arena_offset(ptr) else {
            // SAFETY: from `System` (not in the arena); the caller's
            // contract is passed on unchanged.
            return unsafe { System.realloc(ptr, layout, new_size) };
        };
        // The last block grows or shrinks in place.
        if let Some(end) = off.checked_add(new_size).filter(|&e| e <= ARENA_BYTES) {
            if ARENA_NEXT
                .compare_exchange(
                    off + layout.size(),
                    end,
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                )
                .is_ok()
            {
                return ptr;
            }
        }
        if new_size <= layout.size() {
            // Smaller: the block keeps its bytes.
            return ptr;
        }
        // SAFETY: `new_size` with the old alignment is a valid layout (the
        // caller's contract for realloc).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: a valid, non-zero layout.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are live and distinct, the old one holds
            // `layout.size()` bytes and the new one at least as many.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size());
                self.dealloc(ptr, layout);
            }
        }
        new
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
    fn the_arena_hands_out_disjoint_aligned_blocks_and_takes_the_last_back() {
        // Whatever the arena holds now (other tests allocate too), blocks
        // from it are aligned, distinct, and keep their contents when
        // grown; a Vec that outgrows the arena moves to malloc intact.
        let mut blocks: Vec<Vec<u64>> = (0..64).map(|i| vec![i; 1 + i as usize]).collect();
        for (i, b) in blocks.iter_mut().enumerate() {
            assert_eq!(b.as_ptr() as usize % std::mem::align_of::<u64>(), 0);
            b.extend(std::iter::repeat_n(i as u64, 100));
        }
        for (i, b) in blocks.iter().enumerate() {
            assert!(b.iter().all(|&v| v == i as u64), "block {i}");
        }
        let big: Vec<u8> = (0..ARENA_BYTES * 2).map(|i| i as u8).collect();
        assert!(arena_offset(big.as_ptr() as *mut u8).is_none());
        assert!(big.iter().enumerate().all(|(i, &b)| b == i as u8));
        let page = Layout::from_size_align(16, 4096).unwrap();
        if let Some(p) = arena_alloc(page) {
            assert_eq!(p as usize % 4096, 0);
            // SAFETY (test): given back with the layout it was claimed with.
            unsafe { GLOBAL.dealloc(p, page) };
        }
    }

    #[test]
    fn os_text_drops_the_os_error_suffix() {
        let e = io::Error::from_raw_os_error(libc::ENOENT);
        assert_eq!(os_text(&e), "No such file or directory");
    }
}
