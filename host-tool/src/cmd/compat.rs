//! pin13 as util-linux `rfkill` 2.38 (run under the name `rfkill`): the same
//! commands, stdout bytes, messages and exit statuses (0, or 1 for anything
//! wrong), and nothing of pin13's own: no sysfs fallback, no notes or hints,
//! no DRIVER/REASON columns, identifiers as util-linux reads them (a type
//! word in lower case, `all`, or an index that exists in sysfs; no names).
//!
//! Warnings are printed as util-linux does, `rfkill: ...` on stderr, and the
//! work goes on with the next identifier; the exit status is 1 if any failed,
//! except a failed write: util-linux 2.38.1 (`__rfkill_block`) warns
//! `write failed: /dev/rfkill: <strerror>` and still returns 0 for it, so a
//! block, unblock or toggle whose write fails exits 0 here too.
#![forbid(unsafe_code)]

use std::io::Write;

use crate::cmd::event::event_loop;
use crate::cmd::status::{OutputArgs, JSON_TABLE};
use crate::context::Context;
use crate::error::Error;
use crate::exit::Status;
use crate::model::inventory::{self, Radio};
use crate::render::{legacy, table, table::Column};
use crate::sys::clock::Stamp;
use crate::sys::device::{sigint_pipe, DevSource, Device};
use crate::sys::os::os_text;
use crate::sys::{DevError, Event, RfkillType};

/// What util-linux's `main()` decides before doing anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RfkillArgs {
    /// `-J`, `-n`, `-r`, `-o LIST`, `--output-all`: the options `status`
    /// takes too (util-linux's meaning of `-o` is [`columns`]'s).
    pub out: OutputArgs,
    pub action: Action,
    pub identifiers: Vec<String>,
}

/// The command word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Action {
    /// No command, or `list` with `-o`: the table (`ACT_LIST`).
    #[default]
    Table,
    /// `list` without `-o`: the old text (`ACT_LIST_OLD`; also with -J in 2.38).
    ListOld,
    Event,
    Help,
    Block,
    Unblock,
    Toggle,
}

/// An identifier as util-linux resolves it (`rfkill_id_to_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Id {
    All,
    Type(RfkillType),
    Index(u32),
}

impl Id {
    fn matches(self, ev: &Event) -> bool {
        match self {
            Id::All => true,
            Id::Type(t) => ev.kind == t,
            Id::Index(n) => ev.idx == n,
        }
    }

    /// The write that sets the soft block for this identifier.
    fn write(self, block: bool) -> Event {
        match self {
            Id::All => Event::change_all(RfkillType::All, block),
            Id::Type(t) => Event::change_all(t, block),
            Id::Index(n) => Event::change(n, block),
        }
    }
}

/// A failed identifier: either a warning and go on, or (a malformed number)
/// util-linux's immediate exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    Invalid(String),
    Fatal(String),
}

/// util-linux's identifier words: exact and lower case (`WLAN` is invalid).
const TYPE_WORDS: [(&str, RfkillType); 11] = [
    ("all", RfkillType::All),
    ("wlan", RfkillType::Wlan),
    ("wifi", RfkillType::Wlan),
    ("bluetooth", RfkillType::Bluetooth),
    ("uwb", RfkillType::Uwb),
    ("ultrawideband", RfkillType::Uwb),
    ("wimax", RfkillType::Wimax),
    ("wwan", RfkillType::Wwan),
    ("gps", RfkillType::Gps),
    ("fm", RfkillType::Fm),
    ("nfc", RfkillType::Nfc),
];

/// Resolve one identifier; `index_exists` says whether
/// `/sys/class/rfkill/rfkillN/name` exists (util-linux's `access()`).
pub fn resolve(s: &str, index_exists: impl Fn(u32) -> bool) -> Result<Id, IdError> {
    let invalid = || IdError::Invalid(format!("invalid identifier: {s}"));
    match s.bytes().next() {
        Some(b) if b.is_ascii_lowercase() => TYPE_WORDS
            .iter()
            .find(|(w, _)| *w == s)
            .map(|(_, t)| {
                if *t == RfkillType::All {
                    Id::All
                } else {
                    Id::Type(*t)
                }
            })
            .ok_or_else(invalid),
        Some(b) if b.is_ascii_digit() => {
            if !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(IdError::Fatal(format!("invalid identifier: '{s}'")));
            }
            let n: u32 = s.parse().map_err(|_| {
                IdError::Fatal(format!(
                    "invalid identifier: '{s}': Numerical result out of range"
                ))
            })?;
            if index_exists(n) {
                Ok(Id::Index(n))
            } else {
                Err(invalid())
            }
        }
        _ => Err(invalid()),
    }
}

/// util-linux's column names, in its `infos[]` order.
const UL_COLUMNS: [Column; 6] = [
    Column::Device,
    Column::Id,
    Column::Type,
    Column::TypeDesc,
    Column::Soft,
    Column::Hard,
];

/// The table's columns: `ID TYPE DEVICE [TYPE-DESC] SOFT HARD`, then `-o`
/// replaces them, or appends with a leading `+` (`string_add_to_idarray`).
/// `Err(Some(msg))`: a message then exit 1; `Err(None)`: exit 1 silently (an
/// empty item, too many columns), as util-linux.
pub fn columns(output: Option<&str>, output_all: bool) -> Result<Vec<Column>, Option<String>> {
    let mut cols = vec![Column::Id, Column::Type, Column::Device];
    if output_all {
        cols.push(Column::TypeDesc);
    }
    cols.extend([Column::Soft, Column::Hard]);
    let Some(list) = output else {
        return Ok(cols);
    };
    if list.is_empty() {
        return Err(None);
    }
    let list = match list.strip_prefix('+') {
        Some(rest) => rest,
        None => {
            cols.clear();
            list
        }
    };
    let max = UL_COLUMNS.len() * 2;
    let mut start = 0;
    while start < list.len() {
        let end = list[start..].find(',').map_or(list.len(), |i| start + i);
        if end == start {
            return Err(None);
        }
        if cols.len() >= max {
            return Err(None);
        }
        let name = &list[start..end];
        match UL_COLUMNS
            .iter()
            .find(|c| c.header().eq_ignore_ascii_case(name))
        {
            Some(c) => cols.push(*c),
            // util-linux prints the rest of the list from the bad name on.
            None => return Err(Some(format!("unknown column: {}", &list[start..]))),
        }
        start = end + 1;
    }
    Ok(cols)
}

/// `rfkill: MSG` on stderr.
fn warn(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "rfkill: {msg}");
}

fn open_text(ctx: &Context, e: &DevError) -> String {
    match e {
        DevError::Open { source, .. } => {
            format!(
                "cannot open {}: {}",
                ctx.rfkill_dev.display(),
                os_text(source)
            )
        }
        DevError::Read { source, .. } => {
            format!(
                "cannot read {}: {}",
                ctx.rfkill_dev.display(),
                os_text(source)
            )
        }
        other => other.to_string(),
    }
}

/// The radios present (ADD events, folded for capture files), names from sysfs.
fn read_radios(ctx: &Context) -> Result<Vec<Radio>, String> {
    let events = inventory::read_device(&ctx.rfkill_dev).map_err(|e| open_text(ctx, &e))?;
    Ok(inventory::from_events_names(&events, &ctx.sysfs))
}

/// The ADD events present (a capture's changes folded in).
fn read_events(ctx: &Context) -> Result<Vec<Event>, String> {
    inventory::read_device(&ctx.rfkill_dev).map_err(|e| open_text(ctx, &e))
}

fn event_of(r: &Radio) -> Event {
    Event {
        idx: r.id,
        kind: r.kind,
        op: crate::sys::Op::Add,
        soft: r.soft,
        hard: r.hard,
        reasons: r.reasons,
    }
}

/// Run `args` as util-linux would. `Ok(Failure)` after warnings already printed.
pub fn run(ctx: &Context, args: &RfkillArgs) -> Result<Status, Error> {
    let exists = |n: u32| {
        ctx.sysfs
            .class_dir()
            .join(format!("rfkill{n}/name"))
            .exists()
    };
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    match args.action {
        Action::Help => Ok(Status::Success),
        Action::Event => {
            let dev = match Device::open_read(&ctx.rfkill_dev) {
                Ok(d) => d,
                Err(e) => {
                    warn(&open_text(ctx, &e));
                    return Ok(Status::Failure);
                }
            };
            let mut src = DevSource::new(dev)
                .stop_on(sigint_pipe()?)
                .watch_stdout(true);
            event_loop(&mut src, &mut out, &mut Stamp::now)?;
            Ok(Status::Success)
        }
        Action::ListOld | Action::Table => {
            let cols = if args.action == Action::Table {
                match columns(args.out.output.as_deref(), args.out.output_all) {
                    Ok(c) => c,
                    Err(msg) => {
                        if let Some(m) = msg {
                            warn(&m);
                        }
                        return Ok(Status::Failure);
                    }
                }
            } else {
                Vec::new()
            };
            let mut rows: Vec<Vec<Option<String>>> = Vec::new();
            let wanted: Vec<Option<&String>> = if args.identifiers.is_empty() {
                vec![None]
            } else {
                args.identifiers.iter().map(Some).collect()
            };
            for param in wanted {
                let id = match param {
                    None => Id::All,
                    Some(s) => match resolve(s, exists) {
                        Ok(id) => id,
                        Err(IdError::Invalid(m)) => {
                            warn(&m);
                            failed = true;
                            continue;
                        }
                        Err(IdError::Fatal(m)) => {
                            warn(&m);
                            return Ok(Status::Failure);
                        }
                    },
                };
                let radios = match read_radios(ctx) {
                    Ok(r) => r,
                    Err(m) => {
                        warn(&m);
                        failed = true;
                        continue;
                    }
                };
                let hits: Vec<&Radio> =
                    radios.iter().filter(|r| id.matches(&event_of(r))).collect();
                if args.action == Action::ListOld {
                    table::emit(&mut out, &legacy::list(&hits))?;
                } else {
                    rows.extend(table::rows(&cols, &hits));
                }
            }
            if args.action == Action::Table {
                let text = if args.out.json {
                    table::json(JSON_TABLE, &cols, &rows)
                } else if args.out.raw {
                    table::raw(&cols, &rows, !args.out.noheadings)
                } else {
                    table::table(&cols, &rows, !args.out.noheadings)
                };
                table::emit(&mut out, &text)?;
            }
            Ok(if failed {
                Status::Failure
            } else {
                Status::Success
            })
        }
        Action::Block | Action::Unblock | Action::Toggle => {
            // Each identifier in turn; a malformed number ends everything
            // (after the earlier ones were done, as util-linux).
            for s in &args.identifiers {
                let id = match resolve(s, exists) {
                    Ok(id) => id,
                    Err(IdError::Invalid(m)) => {
                        warn(&m);
                        failed = true;
                        continue;
                    }
                    Err(IdError::Fatal(m)) => {
                        warn(&m);
                        return Ok(Status::Failure);
                    }
                };
                let mut dev = match Device::open_write(&ctx.rfkill_dev) {
                    Ok(d) => d,
                    Err(e) => {
                        warn(&open_text(ctx, &e));
                        failed = true;
                        continue;
                    }
                };
                let writes: Vec<Event> = match args.action {
                    Action::Block => vec![id.write(true)],
                    Action::Unblock => vec![id.write(false)],
                    // One write per matching radio, the opposite of its soft
                    // state, each for the whole identifier: with a type, the
                    // last radio's state decides (util-linux's toggle).
                    _ => match read_events(ctx) {
                        Ok(evs) => evs
                            .iter()
                            .filter(|e| id.matches(e))
                            .map(|e| id.write(!e.soft))
                            .collect(),
                        Err(m) => {
                            warn(&m);
                            failed = true;
                            continue;
                        }
                    },
                };
                for w in &writes {
                    if let Err(e) = dev.write_event(w) {
                        let why = match &e {
                            DevError::Write { source, .. } => os_text(source),
                            other => other.to_string(),
                        };
                        // util-linux's warn(), then on as if it had worked:
                        // its exit status does not count a failed write.
                        warn(&format!(
                            "write failed: {}: {why}",
                            ctx.rfkill_dev.display()
                        ));
                    }
                }
            }
            Ok(if failed {
                Status::Failure
            } else {
                Status::Success
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_as_util_linux_reads_them() {
        let has = |n: u32| n < 3;
        assert_eq!(resolve("wifi", has), Ok(Id::Type(RfkillType::Wlan)));
        assert_eq!(resolve("all", has), Ok(Id::All));
        assert_eq!(resolve("2", has), Ok(Id::Index(2)));
        for bad in ["WLAN", "phy0", "nosuch", "-1", ""] {
            assert_eq!(
                resolve(bad, has),
                Err(IdError::Invalid(format!("invalid identifier: {bad}")))
            );
        }
        assert_eq!(
            resolve("7", has),
            Err(IdError::Invalid("invalid identifier: 7".into()))
        );
        assert_eq!(
            resolve("7abc", has),
            Err(IdError::Fatal("invalid identifier: '7abc'".into()))
        );
    }

    #[test]
    fn columns_as_util_linux_builds_them() {
        use Column::*;
        assert_eq!(columns(None, false), Ok(vec![Id, Type, Device, Soft, Hard]));
        assert_eq!(
            columns(None, true),
            Ok(vec![Id, Type, Device, TypeDesc, Soft, Hard])
        );
        assert_eq!(columns(Some("id,type"), true), Ok(vec![Id, Type]));
        assert_eq!(
            columns(Some("+type-desc"), false),
            Ok(vec![Id, Type, Device, Soft, Hard, TypeDesc])
        );
        assert_eq!(columns(Some("ID,"), false), Ok(vec![Id]));
        assert_eq!(columns(Some("ID,,TYPE"), false), Err(None));
        assert_eq!(columns(Some(""), false), Err(None));
        assert_eq!(
            columns(Some("ID,FOO,TYPE"), false),
            Err(Some("unknown column: FOO,TYPE".into()))
        );
        assert_eq!(
            columns(Some("DRIVER"), false),
            Err(Some("unknown column: DRIVER".into()))
        );
    }
}
