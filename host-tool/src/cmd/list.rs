//! `pin13 list [SELECTOR...]`: util-linux's old `rfkill list` text, byte for
//! byte (`0: phy0: Wireless LAN`, `\tSoft blocked: no`, `\tHard blocked: yes`).
#![forbid(unsafe_code)]

use crate::context::Context;
use crate::error::Error;
use crate::exit::Status;
use crate::model::inventory::{self, Inventory};
use crate::model::select;
use crate::render::{legacy, table};

#[derive(Debug, Default, clap::Args)]
#[command(after_help = LIST_HELP)]
pub struct ListArgs {
    /// Radios to list: index, device name (phy0), type (wlan, wifi,
    /// bluetooth, ...) or `all`. Default: all.
    #[arg(value_name = "SELECTOR")]
    pub selectors: Vec<String>,
}

const LIST_HELP: &str = "\
The text util-linux `rfkill list` prints, for scripts that read it:
  0: phy0: Wireless LAN
  \tSoft blocked: no
  \tHard blocked: yes
`pin13 status` shows the same radios as a table, with who holds a hard block.";

/// The listing of the selected radios (pure; tested).
pub fn render(inv: &Inventory, args: &ListArgs) -> Result<String, Error> {
    let sels = select::parse_all(&args.selectors, &inv.radios)?;
    Ok(legacy::list(&select::filter(&sels, &inv.radios)))
}

pub fn run(ctx: &Context, args: &ListArgs) -> Result<Status, Error> {
    let inv = inventory::load_with(ctx, inventory::Detail::Names)?;
    for n in inv.notes() {
        table::note(&n);
    }
    let text = render(&inv, args)?;
    table::emit(&mut std::io::stdout().lock(), &text)?;
    Ok(Status::Success)
}
