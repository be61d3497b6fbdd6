//! `pin13 man` and `pin13 completions` (not implemented yet).
#![forbid(unsafe_code)]

use crate::app::Context;
use crate::{Error, Status};

#[derive(Debug, clap::Args)]
pub struct ManArgs {}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {}

pub fn run_man(_ctx: &Context, _args: &ManArgs) -> Result<Status, Error> {
    Err(Error::NotImplemented("man"))
}

pub fn run_completions(_ctx: &Context, _args: &CompletionsArgs) -> Result<Status, Error> {
    Err(Error::NotImplemented("completions"))
}
