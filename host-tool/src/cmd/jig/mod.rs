//! `pin13 jig` (not implemented yet): probe the tape and simulate the kill line
//! through a [`backend::Backend`].
#![forbid(unsafe_code)]

pub mod backend;
pub mod emulate;
pub mod rpi;
pub mod serial;

use crate::app::Context;
use crate::{Error, Status};

#[derive(Debug, clap::Args)]
pub struct JigArgs {}

pub fn run(_ctx: &Context, _args: &JigArgs) -> Result<Status, Error> {
    Err(Error::NotImplemented("jig"))
}
