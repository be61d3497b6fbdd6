//! `pin13 status` (and bare `pin13`): every radio's soft and hard state, as a
//! table, raw, or JSON identical to util-linux `rfkill -J`.
#![forbid(unsafe_code)]

use crate::context::Context;
use crate::error::Error;
use crate::exit::Status;
use crate::model::inventory::{self, Inventory};
use crate::model::select;
use crate::render::table::{self, Column};
use crate::sys::os::RawStdout;

/// The name of the JSON table (util-linux >= 2.38).
pub const JSON_TABLE: &str = "rfkilldevices";

/// The subcommand's name.
pub const NAME: &str = "status";

/// `status`'s options (also bare `pin13`'s, through `OutputArgs`): what clap's
/// derive and the hot-path parser (`cli::fast`) both read.
pub mod opt {
    use crate::cmd::args::Opt;

    pub const JSON: Opt = Opt::new("json", Some('J'), "json", false);
    pub const OUTPUT: Opt = Opt::new("output", Some('o'), "output", true);
    pub const OUTPUT_ALL: Opt = Opt::new("output_all", None, "output-all", false);
    pub const NOHEADINGS: Opt = Opt::new("noheadings", Some('n'), "noheadings", false);
    pub const RAW: Opt = Opt::new("raw", Some('r'), "raw", false);
    /// All of them, in the order clap lists them.
    pub const ALL: [Opt; 5] = [JSON, OUTPUT, OUTPUT_ALL, NOHEADINGS, RAW];
    /// Pairs clap refuses together (`conflicts_with = CONFLICTS[i][1]` on the
    /// first of each pair).
    pub const CONFLICTS: [[&str; 2]; 2] = [[JSON.id, RAW.id], [OUTPUT_ALL.id, OUTPUT.id]];
}
use opt::{CONFLICTS, JSON, NOHEADINGS, OUTPUT, OUTPUT_ALL, RAW};

#[derive(Debug, Default, Clone, PartialEq, Eq, clap::Args)]
#[command(after_help = table::columns_help())]
pub struct StatusArgs {
    /// Radios to show: index, device name (phy0), type (wlan, wifi, bluetooth, ...)
    /// or `all`. Default: all.
    #[arg(value_name = "SELECTOR")]
    pub selectors: Vec<String>,

    #[command(flatten)]
    pub out: OutputArgs,
}

/// How `status` prints the table: util-linux's `-J`, `-o`, `--output-all`,
/// `-n`, `-r`. Bare `pin13` takes them too (`pin13 -J`, as `rfkill -J`).
#[derive(Debug, Default, Clone, PartialEq, Eq, clap::Args)]
pub struct OutputArgs {
    /// JSON exactly like util-linux `rfkill -J`.
    #[arg(short = JSON.short, long = JSON.long, conflicts_with = CONFLICTS[0][1])]
    pub json: bool,

    /// Columns to show, comma-separated; a leading `+` adds to util-linux's
    /// default (ID,TYPE,DEVICE,SOFT,HARD), e.g. `-o +TYPE-DESC`. Without -o the
    /// table shows ID,TYPE,DEVICE,SOFT,HARD,DRIVER,REASON; --json and --raw
    /// show util-linux's five.
    #[arg(short = OUTPUT.short, long = OUTPUT.long, value_name = "LIST")]
    pub output: Option<String>,

    /// Show every column.
    #[arg(short = OUTPUT_ALL.short, long = OUTPUT_ALL.long, conflicts_with = CONFLICTS[1][1])]
    pub output_all: bool,

    /// Do not print the header line.
    #[arg(short = NOHEADINGS.short, long = NOHEADINGS.long)]
    pub noheadings: bool,

    /// Raw output: no alignment, blanks escaped as \x20.
    #[arg(short = RAW.short, long = RAW.long)]
    pub raw: bool,
}

impl OutputArgs {
    /// Whether any of them was given.
    pub fn any(&self) -> bool {
        self.json || self.output.is_some() || self.output_all || self.noheadings || self.raw
    }

    /// The `status` that bare `pin13` runs with these options.
    pub fn status_args(&self) -> StatusArgs {
        StatusArgs {
            selectors: Vec::new(),
            out: self.clone(),
        }
    }
}

impl StatusArgs {
    /// What bare `pin13` runs.
    pub fn default_args() -> Self {
        StatusArgs::default()
    }

    /// The columns to print.
    pub fn columns(&self) -> Result<Vec<Column>, Error> {
        if self.out.output_all {
            return Ok(Column::ALL.to_vec());
        }
        match &self.out.output {
            Some(spec) => table::parse_columns(spec),
            None if self.out.json || self.out.raw => Ok(Column::DEFAULT.to_vec()),
            None => Ok(Column::DEFAULT_TABLE.to_vec()),
        }
    }
}

/// Render the selected radios of `inv` as `args` asks (pure; tested).
pub fn render(inv: &Inventory, args: &StatusArgs) -> Result<String, Error> {
    let cols = args.columns()?;
    let sels = select::parse_all(&args.selectors, &inv.radios)?;
    let radios = select::filter(&sels, &inv.radios);
    let rows = table::rows(&cols, &radios);
    Ok(if args.out.json {
        table::json(JSON_TABLE, &cols, &rows)
    } else if args.out.raw {
        table::raw(&cols, &rows, !args.out.noheadings)
    } else {
        table::table(&cols, &rows, !args.out.noheadings)
    })
}

/// `status`'s output is one string written once, straight to fd 1
/// ([`RawStdout`]: no line buffer to allocate and copy through).
pub fn run(ctx: &Context, args: &StatusArgs) -> Result<Status, Error> {
    // Bad columns are a usage error before anything is read.
    let cols = args.columns()?;
    // util-linux's columns need only names; DRIVER and REASON need the walk
    // up the device tree (and sysfs's reasons on 8-byte kernels).
    let detail = if cols.iter().any(|c| c.needs_tree()) {
        inventory::Detail::Full
    } else {
        inventory::Detail::Names
    };
    let inv = match inventory::load_with(ctx, detail) {
        Ok(inv) => inv,
        Err(e) => {
            // util-linux prints an empty table with -J before failing; scripts
            // then still get valid JSON.
            if args.out.json {
                let empty = table::json(JSON_TABLE, &args.columns()?, &[]);
                table::emit(&mut RawStdout, &empty)?;
            }
            return Err(e);
        }
    };
    for n in inv.notes() {
        table::note(&n);
    }
    let text = render(&inv, args)?;
    table::emit(&mut RawStdout, &text)?;
    if !args.out.json && !args.out.raw {
        if inv.radios.is_empty() {
            table::note(
                "no radios: rfkill is loaded, but no driver has registered a radio \
                 (is the wireless driver loaded? see `lspci -k` / `lsusb`)",
            );
        }
        let sels = select::parse_all(&args.selectors, &inv.radios)?;
        let hard: Vec<String> = select::filter(&sels, &inv.radios)
            .into_iter()
            .filter(|r| r.hard)
            .map(|r| r.name())
            .collect();
        if !hard.is_empty() {
            table::hint(&format!(
                "{} {} hard-blocked (software cannot lift that); `pin13 diagnose` says who \
                 holds the block and what to do",
                hard.join(", "),
                if hard.len() == 1 { "is" } else { "are" }
            ));
        }
    }
    Ok(Status::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::inventory::Source;
    use crate::sys::sysfs::Sysfs;
    use std::path::Path;

    fn fixture(name: &str) -> Inventory {
        let s = Sysfs::new(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../tests/fixtures/sysfs")
                .join(name),
        );
        Inventory {
            radios: inventory::from_sysfs(&s).unwrap(),
            source: Source::SysfsFallback { why: "test".into() },
            problems: Vec::new(),
        }
    }

    fn util_linux(scene: &str, file: &str) -> String {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../tests/fixtures/expected/util-linux")
                .join(scene)
                .join(file),
        )
        .unwrap()
    }

    fn args(f: impl FnOnce(&mut StatusArgs)) -> StatusArgs {
        let mut a = StatusArgs::default();
        f(&mut a);
        a
    }

    /// util-linux's default columns, spelled out: pin13's own table default adds DRIVER, REASON.
    const UL_COLUMNS: &str = "ID,TYPE,DEVICE,SOFT,HARD";

    #[test]
    fn matches_util_linux_on_the_real_capture() {
        let inv = fixture("qemu-all-types");
        let cases: Vec<(StatusArgs, &str)> = vec![
            (args(|a| a.out.json = true), "rfkill-J.out"),
            (
                args(|a| a.out.output = Some(UL_COLUMNS.into())),
                "rfkill.out",
            ),
            (args(|a| a.out.raw = true), "rfkill-r.out"),
            (
                args(|a| {
                    a.out.noheadings = true;
                    a.out.output = Some(UL_COLUMNS.into())
                }),
                "rfkill-n.out",
            ),
            (
                args(|a| {
                    a.out.json = true;
                    a.out.output = Some("ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD".into())
                }),
                "rfkill-J-o-all.out",
            ),
            (
                args(|a| a.out.output = Some("ID,TYPE,DEVICE,TYPE-DESC,SOFT,HARD".into())),
                "rfkill-o-all.out",
            ),
            (
                args(|a| {
                    a.out.json = true;
                    a.selectors = vec!["wlan".into()]
                }),
                "rfkill-J-o-list-wlan.out",
            ),
            (
                args(|a| {
                    a.selectors = vec!["1".into()];
                    a.out.output = Some(UL_COLUMNS.into())
                }),
                "rfkill-o-list-1.out",
            ),
        ];
        for (a, file) in cases {
            assert_eq!(
                render(&inv, &a).unwrap(),
                util_linux("all-types", file),
                "{file}"
            );
        }
    }

    #[test]
    fn table_shows_who_and_why_json_and_raw_stay_util_linux() {
        let inv = fixture("ipw2200-hardkill");
        let t = render(&inv, &args(|_| {})).unwrap();
        assert_eq!(
            t,
            "ID TYPE DEVICE             SOFT      HARD DRIVER   REASON\n \
             0 wlan phy0          unblocked   blocked ipw2200  signal\n \
             1 wlan acer-wireless unblocked unblocked acer-wmi\n"
        );
        let j = render(&inv, &args(|a| a.out.json = true)).unwrap();
        assert!(!j.contains("driver"));
        let r = render(&inv, &args(|a| a.out.raw = true)).unwrap();
        assert!(r.starts_with("ID TYPE DEVICE SOFT HARD\n"), "{r}");
        // `+LIST` appends to util-linux's columns, as util-linux does.
        let plus = render(
            &inv,
            &args(|a| a.out.output = Some("+DRIVER,REASON".into())),
        )
        .unwrap();
        assert_eq!(plus, t);
    }

    #[test]
    fn unknown_selector_is_a_usage_error() {
        let inv = fixture("ipw2200-hardkill");
        let e = render(&inv, &args(|a| a.selectors = vec!["phy9".into()])).unwrap_err();
        assert_eq!(e.status(), Status::Usage);
        assert!(e.hint().unwrap().contains("1 acer-wireless (wlan)"));
    }
}
