//! Command-line definition (clap derive). Each subcommand's arguments live in
//! its own module under `cmd/`; this file only ties them together.
#![forbid(unsafe_code)]

use std::cell::Cell;
use std::ops::Deref;
use std::path::PathBuf;

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::cmd;
use crate::exit::EXIT_STATUS_HELP;

/// rfkill status and the pin-13 tape mod companion for old laptops.
///
/// Shows soft and hard kill state, says who holds a hard block and what to
/// do, verifies the pin-13 tape mod and drives the bench jig.
#[derive(Debug, Parser)]
#[command(
    name = "pin13",
    version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("PIN13_BUILD"), ")"),
    after_help = EXIT_STATUS_HELP,
    propagate_version = true
)]
pub struct Cli {
    /// The rfkill control device. A regular file is read as a capture of 8-byte
    /// events (`dd if=/dev/rfkill bs=8`); changes are appended to it.
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        env = "PIN13_RFKILL_DEV",
        default_value = "/dev/rfkill"
    )]
    pub rfkill_dev: PathBuf,

    /// sysfs mount point (fixture trees hold class/rfkill/..., devices/..., bus/...).
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "PIN13_SYSFS",
        default_value = "/sys"
    )]
    pub sysfs: PathBuf,

    /// Answer `status` and `diagnose` from a snapshot file instead of this machine.
    #[arg(long, global = true, value_name = "FILE")]
    pub replay: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show every radio's soft and hard state (the default command).
    Status(Deferred<cmd::status::StatusArgs>),
    /// Print one line per rfkill event as it happens.
    Watch(Deferred<cmd::watch::WatchArgs>),
    /// Soft-block radios (index, name, type or `all`).
    Block(Deferred<cmd::block::ChangeArgs>),
    /// Remove the soft block from radios (index, name, type or `all`).
    Unblock(Deferred<cmd::block::ChangeArgs>),
    /// Flip the soft block of radios (index, name, type or `all`).
    Toggle(Deferred<cmd::block::ChangeArgs>),
    /// Say why a radio is off, who holds the block, and what to do.
    Diagnose(Deferred<cmd::diagnose::DiagnoseArgs>),
    /// Check the tape mod: watch the card while you press the kill switch.
    Verify(Deferred<cmd::verify::VerifyArgs>),
    /// Capture everything needed to reproduce a report offline, as JSON.
    Snapshot(Deferred<cmd::snapshot::SnapshotArgs>),
    /// Drive the bench jig (Pico over USB serial, Raspberry Pi GPIO, or simulated).
    Jig(Deferred<cmd::jig::JigArgs>),
    /// Print the man page (roff).
    Man(Deferred<cmd::man::ManArgs>),
    /// Print shell completions.
    Completions(Deferred<cmd::man::CompletionsArgs>),
}

/// A subcommand's arguments, added to its `clap::Command` only when clap
/// builds that subcommand: when it is the one being parsed, or its help is
/// shown.
///
/// Building every subcommand's arguments (help texts, value names, the jig's
/// backend options nine times over) on every run was most of pin13's start-up
/// cost; `pin13 status` needs only its own. The top-level help lists a
/// subcommand by its name and about text, which stay eager (they come from the
/// variant's doc comment).
///
/// Nothing the user sees changes:
/// - clap copies the global arguments into each subcommand when it builds the
///   parent, before the deferred arguments are added; they are moved back
///   behind the subcommand's own, where eager building puts them (completions
///   and the man page list arguments in that order);
/// - a doc comment on a flattened struct sets an about text that the variant's
///   own doc comment overrides when both are added eagerly; the variant's text
///   is put back after the deferred arguments are added;
/// - [`full_command`] (the man page, completions) builds the whole tree
///   eagerly, since clap's expanded `help` subcommand copies the tree as it is
///   before deferred parts run.
#[derive(Debug, Clone)]
pub struct Deferred<T>(pub T);

thread_local! {
    static EAGER: Cell<bool> = const { Cell::new(false) };
}

/// The whole command tree with every subcommand's arguments in place, for
/// generators that walk it (`pin13 man`, `pin13 completions`).
pub fn full_command() -> clap::Command {
    EAGER.with(|e| e.set(true));
    let cmd = Cli::command();
    EAGER.with(|e| e.set(false));
    cmd
}

impl<T> Deref for Deferred<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: FromArgMatches> FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Deferred)
    }
    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Deferred)
    }
    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

impl<T: Args> Args for Deferred<T> {
    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
    fn augment_args(cmd: clap::Command) -> clap::Command {
        if EAGER.with(Cell::get) {
            T::augment_args(cmd)
        } else {
            cmd.defer(|cmd| add_deferred(cmd, T::augment_args))
        }
    }
    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        if EAGER.with(Cell::get) {
            T::augment_args_for_update(cmd)
        } else {
            cmd.defer(|cmd| add_deferred(cmd, T::augment_args_for_update))
        }
    }
}

/// Run a deferred `augment` on `cmd` and leave `cmd` as eager building would
/// have: global arguments last, the variant's about texts on top.
fn add_deferred(cmd: clap::Command, augment: fn(clap::Command) -> clap::Command) -> clap::Command {
    let inherited = cmd.get_arguments().count();
    let about = cmd.get_about().cloned();
    let long_about = cmd.get_long_about().cloned();
    let mut cmd = move_first_to_back(augment(cmd), inherited);
    if let Some(about) = about {
        cmd = cmd.about(about);
        cmd = match long_about {
            Some(long) => cmd.long_about(long),
            None => cmd.long_about(None::<&str>),
        };
    }
    cmd
}

/// Move the first `n` arguments of `cmd` behind the others, keeping the order
/// within both groups.
fn move_first_to_back(cmd: clap::Command, n: usize) -> clap::Command {
    if n == 0 {
        return cmd;
    }
    let mut args = Vec::new();
    let cmd = cmd.mut_args(|a| {
        args.push(a);
        clap::Arg::default()
    });
    let n = n.min(args.len());
    args.rotate_left(n);
    let mut args = args.into_iter();
    cmd.mut_args(|placeholder| args.next().unwrap_or(placeholder))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command path below `cmd` (built), with its help and its arguments
    /// in order, as the user and the generators see them.
    fn describe(cmd: &mut clap::Command, path: &str, out: &mut Vec<String>) {
        let long = cmd.render_long_help().to_string();
        let short = cmd.render_help().to_string();
        let args: Vec<String> = cmd
            .get_arguments()
            .map(|a| a.get_id().to_string())
            .collect();
        out.push(format!("{path}\n{short}\n{long}\n{args:?}"));
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|s| s.get_name().to_owned())
            // clap's own `help` subcommand: `build()` expands it into a copy
            // of the tree as it was before the deferred parts ran (parsing does
            // not use that copy; `full_command` exists for the generators).
            .filter(|n| n != "help")
            .collect();
        for name in names {
            // Build the subcommand the way parsing does (runs its deferred part).
            let mut m = cmd.clone();
            let argv = [cmd.get_name(), name.as_str(), "--help"];
            match m.try_get_matches_from_mut(argv) {
                Ok(_) => out.push(format!("{path} {name} --help: no help")),
                Err(e) => out.push(format!(
                    "{path} {name} --help\n{:?}\n{}",
                    e.kind(),
                    e.render()
                )),
            }
            if let Some(sub) = cmd.find_subcommand_mut(&name) {
                let mut sub = sub.clone();
                sub.build();
                describe(&mut sub, &format!("{path} {name}"), out);
            }
        }
    }

    #[test]
    fn deferred_tree_looks_like_the_eager_one() {
        let mut lazy = Cli::command();
        lazy.build();
        let mut eager = full_command();
        eager.build();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        describe(&mut lazy, "pin13", &mut a);
        describe(&mut eager, "pin13", &mut b);
        assert!(a.len() > 20, "walked only {} commands", a.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y);
        }
        assert_eq!(a.len(), b.len());
    }

    #[test]
    fn eager_building_is_only_for_full_command() {
        let _ = full_command();
        assert!(!EAGER.with(Cell::get));
    }

    #[test]
    fn move_first_to_back_keeps_both_orders() {
        let cmd = clap::Command::new("t")
            .arg(clap::Arg::new("g1").long("g1"))
            .arg(clap::Arg::new("g2").long("g2"))
            .arg(clap::Arg::new("a").long("a"))
            .arg(clap::Arg::new("b").long("b"))
            .arg(clap::Arg::new("c").long("c"));
        let cmd = move_first_to_back(cmd, 2);
        let ids: Vec<&str> = cmd.get_arguments().map(|a| a.get_id().as_str()).collect();
        assert_eq!(ids, ["a", "b", "c", "g1", "g2"]);
        let cmd = move_first_to_back(cmd, 0);
        assert_eq!(cmd.get_arguments().count(), 5);
    }
}
