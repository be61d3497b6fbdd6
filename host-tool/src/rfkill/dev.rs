//! /dev/rfkill access (skeleton; being written). The only module with `unsafe`.
#![allow(unsafe_code)]

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DevError {
    #[error("cannot open {path}: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl DevError {
    pub fn hint(&self) -> Option<String> {
        None
    }
}
