//! `pin13 snapshot` (not implemented yet).
#![forbid(unsafe_code)]

use crate::app::Context;
use crate::{Error, Status};

#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {}

pub fn run(_ctx: &Context, _args: &SnapshotArgs) -> Result<Status, Error> {
    Err(Error::NotImplemented("snapshot"))
}

/// Read a snapshot file as an inventory (`--replay`). Stub until `snapshot`
/// lands (issue 3 replaces it).
pub fn load_inventory(_path: &std::path::Path) -> Result<crate::inventory::Inventory, Error> {
    Err(Error::NotImplemented("--replay"))
}
