//! `pin13 verify` (not implemented yet).
#![forbid(unsafe_code)]

use crate::app::Context;
use crate::{Error, Status};

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {}

pub fn run(_ctx: &Context, _args: &VerifyArgs) -> Result<Status, Error> {
    Err(Error::NotImplemented("verify"))
}
