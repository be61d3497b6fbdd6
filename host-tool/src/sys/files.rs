//! Reading and writing files safely: bounded reads that never block on a
//! FIFO, and output files that are replaced atomically or written in place,
//! never clobbered.
#![forbid(unsafe_code)]

use std::collections::hash_map::RandomState;
use std::fs::{File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::sys::os::{open_cloexec, os_text};

/// Writing an output file failed; nothing was replaced.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {}", .path.display(), os_text(.source))]
pub struct WriteError {
    pub path: PathBuf,
    pub source: io::Error,
}

/// Reading an input file failed or it is not what was asked for.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {}: {}", .path.display(), os_text(.source))]
    Io { path: PathBuf, source: io::Error },
    #[error("{} is not a regular file", .path.display())]
    NotRegular { path: PathBuf },
    #[error("{} is larger than {} KiB: not a file pin13 wrote", .path.display(), .cap / 1024)]
    TooLarge { path: PathBuf, cap: u64 },
}

/// Open `path` for reading without blocking (a FIFO with no writer opens at
/// once), close-on-exec, and make sure it is a regular file.
fn open_regular(path: &Path) -> Result<File, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let f = File::from(open_cloexec(path, libc::O_RDONLY | libc::O_NONBLOCK).map_err(io)?);
    let meta = f.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            path: path.to_path_buf(),
        });
    }
    Ok(f)
}

/// The whole of a regular file of at most `cap` bytes; a bigger one is
/// refused, so nothing grows without bound.
pub fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let f = open_regular(path)?;
    let mut out = Vec::new();
    f.take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|source| ReadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if out.len() as u64 > cap {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            cap,
        });
    }
    Ok(out)
}

/// What [`read_head`] reads first, into a stack buffer: more than the
/// attributes pin13 reads hold (a name, a type, a number, a modalias).
const HEAD_FIRST: usize = 256;

/// At most the first `cap` bytes of a regular file (a sysfs or procfs
/// attribute: the kernel never gives more than a page), in as few system
/// calls as the kernel allows: open, fstat, **one** read, close. sysfs and
/// procfs hand over the whole attribute in the first read, so a read that
/// does not fill the buffer is the end (the read to EOF that `read_to_end`
/// adds would cost a system call per attribute). Only an attribute that
/// fills the first [`HEAD_FIRST`] bytes is read on, to EOF or `cap`.
pub fn read_head(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let mut f = open_regular(path)?;
    let mut read = |buf: &mut [u8]| loop {
        match f.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(ReadError::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
    };
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let mut first = [0u8; HEAD_FIRST];
    let want = cap.min(HEAD_FIRST);
    let n = read(&mut first[..want])?;
    let mut out = first[..n].to_vec();
    if n == want && want < cap {
        // A longer attribute: the rest, up to the cap.
        let mut at = n;
        out.resize(cap, 0);
        while at < out.len() {
            let n = read(&mut out[at..])?;
            if n == 0 {
                break;
            }
            at += n;
        }
        out.truncate(at);
    }
    Ok(out)
}

/// A name no one can guess ahead: the process's randomly keyed hasher.
fn unpredictable() -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    h.finish()
}

/// Write `text` to `path`:
/// - a regular file (or a new one) is replaced atomically: a temporary file
///   created exclusively (`O_EXCL`, never through a symlink) with an
///   unpredictable name in the same directory, then renamed over it, so a
///   failure never leaves half a file behind;
/// - a FIFO or a character device (`/dev/stdout`, `/dev/null`) is written in
///   place, never replaced;
/// - a symlink or anything else is refused.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), WriteError> {
    let fail = |source: io::Error| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let refuse = |why: &str| fail(io::Error::new(io::ErrorKind::InvalidInput, why.to_string()));
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(refuse("it is a symbolic link; give the file it points to"))
        }
        Ok(m) if m.file_type().is_fifo() || m.file_type().is_char_device() => {
            // Non-blocking: a FIFO nobody reads is an error (ENXIO), not a hang.
            let mut f = OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                .open(path)
                .map_err(fail)?;
            return f.write_all(text.as_bytes()).map_err(fail);
        }
        Ok(m) if !m.is_file() => return Err(refuse("not a regular file")),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(fail(e)),
    }
    let name = path.file_name().ok_or_else(|| refuse("not a file name"))?;
    let mut tries = 0;
    let (tmp, mut file) = loop {
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{:016x}.tmp", unpredictable()));
        let tmp = path.with_file_name(tmp_name);
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 8 => tries += 1,
            Err(e) => return Err(fail(e)),
        }
    };
    let result = file
        .write_all(text.as_bytes())
        .and_then(|_| file.sync_all())
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(fail);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testkit::Scratch;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let s = Scratch::new("atomic");
        let f = s.0.join("snap.json");
        write_atomic(&f, "one\n").unwrap();
        write_atomic(&f, "two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "two\n");
        assert_eq!(std::fs::read_dir(&s.0).unwrap().count(), 1);
        // A directory that does not exist: an error, nothing written.
        assert!(write_atomic(&s.0.join("no/such/x.json"), "x").is_err());
    }

    #[test]
    fn symlinks_are_refused_and_devices_written_in_place() {
        let s = Scratch::new("clobber");
        let target = s.0.join("precious");
        std::fs::write(&target, "keep").unwrap();
        let link = s.0.join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(write_atomic(&link, "x").is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        // /dev/null stays a character device.
        write_atomic(Path::new("/dev/null"), "x").unwrap();
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
    }

    #[test]
    fn bounded_reads_refuse_big_files_and_non_regular_ones() {
        let s = Scratch::new("bounded");
        let f = s.0.join("big");
        std::fs::write(&f, vec![b'x'; 5000]).unwrap();
        assert!(matches!(
            read_regular(&f, 4096),
            Err(ReadError::TooLarge { .. })
        ));
        assert_eq!(read_regular(&f, 5000).unwrap().len(), 5000);
        assert_eq!(read_head(&f, 4096).unwrap().len(), 4096);
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular { .. })
        ));
        assert!(matches!(
            read_head(&s.0, 10),
            Err(ReadError::NotRegular { .. })
        ));
    }
}
