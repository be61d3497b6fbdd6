//! `pin13 diagnose` (not implemented yet).
#![forbid(unsafe_code)]

use crate::app::Context;
use crate::{Error, Status};

#[derive(Debug, clap::Args)]
pub struct DiagnoseArgs {}

pub fn run(_ctx: &Context, _args: &DiagnoseArgs) -> Result<Status, Error> {
    Err(Error::NotImplemented("diagnose"))
}
