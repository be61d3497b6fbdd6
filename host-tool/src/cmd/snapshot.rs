//! `pin13 snapshot` (not implemented yet).
#![forbid(unsafe_code)]

use crate::app::Context;
use crate::{Error, Status};

#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {}

pub fn run(_ctx: &Context, _args: &SnapshotArgs) -> Result<Status, Error> {
    Err(Error::NotImplemented("snapshot"))
}
