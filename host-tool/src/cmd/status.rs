//! `pin13 status` (not implemented yet).
#![forbid(unsafe_code)]

use crate::app::Context;
use crate::{Error, Status};

#[derive(Debug, clap::Args)]
pub struct StatusArgs {}

impl StatusArgs {
    /// What bare `pin13` runs.
    pub fn default_args() -> Self {
        StatusArgs {}
    }
}

pub fn run(_ctx: &Context, _args: &StatusArgs) -> Result<Status, Error> {
    Err(Error::NotImplemented("status"))
}
