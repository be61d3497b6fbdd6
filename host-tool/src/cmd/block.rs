//! `pin13 block|unblock|toggle` (not implemented yet).
#![forbid(unsafe_code)]

use crate::app::Context;
use crate::{Error, Status};

/// What to do with the soft block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Block,
    Unblock,
    Toggle,
}

#[derive(Debug, clap::Args)]
pub struct ChangeArgs {
    /// Index, device name (phy0), type (wlan, wifi, bluetooth, ...) or `all`.
    #[arg(required = true, value_name = "SELECTOR")]
    pub selectors: Vec<String>,
}

pub fn run(_ctx: &Context, _action: Action, _args: &ChangeArgs) -> Result<Status, Error> {
    Err(Error::NotImplemented("block"))
}
