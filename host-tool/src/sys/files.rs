//! Writing files safely.
#![forbid(unsafe_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::sys::os::os_text;

/// Writing an output file failed; nothing was replaced.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {}", .path.display(), os_text(.source))]
pub struct WriteError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Write `text` to `path` through a temporary file in the same directory and
/// a rename, so a failure never leaves half a snapshot behind.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), WriteError> {
    let fail = |source: std::io::Error| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let name = path.file_name().ok_or_else(|| {
        fail(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file name",
        ))
    })?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all()))
        .map_err(fail)
        .and_then(|_| std::fs::rename(&tmp, path).map_err(fail));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = std::env::temp_dir().join(format!("pin13-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("snap.json");
        write_atomic(&f, "one\n").unwrap();
        write_atomic(&f, "two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "two\n");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        // A directory that does not exist: an error, nothing written.
        assert!(write_atomic(&dir.join("no/such/x.json"), "x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
