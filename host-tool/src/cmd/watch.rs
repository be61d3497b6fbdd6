//! `pin13 watch` (not implemented yet).
#![forbid(unsafe_code)]

use crate::app::Context;
use crate::{Error, Status};

#[derive(Debug, clap::Args)]
pub struct WatchArgs {}

pub fn run(_ctx: &Context, _args: &WatchArgs) -> Result<Status, Error> {
    Err(Error::NotImplemented("watch"))
}
