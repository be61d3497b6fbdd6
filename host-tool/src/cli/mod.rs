//! The clap tree: the top-level options and one variant per subcommand (each
//! subcommand's arguments live in its module under `cmd/`), the full tree for
//! the generators, and [`man`]: the man page and shell completions.
#![forbid(unsafe_code)]

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

pub mod fast;
pub mod man;
pub mod rfkill;

use crate::cmd;
use crate::cmd::args::{
    hide_unused_globals, set_eager, Deferred, GLOBAL_HEADING, REPLAY, RFKILL_DEV, SYSFS,
};
use crate::exit::EXIT_STATUS_HELP;

/// rfkill status and the pin-13 tape mod companion for old laptops.
///
/// Shows soft and hard kill state, says who holds a hard block and what to
/// do, verifies the pin-13 tape mod and drives the bench jig.
#[derive(Debug, Parser)]
#[command(
    name = "pin13",
    version = crate::cmd::args::VERSION,
    after_help = EXIT_STATUS_HELP,
    propagate_version = true
)]
pub struct Cli {
    /// The rfkill control device. A regular file is read as a capture of 8-byte
    /// events (`dd if=/dev/rfkill bs=8`); changes are appended to it.
    #[arg(
        long = RFKILL_DEV.long,
        global = true,
        help_heading = GLOBAL_HEADING,
        value_name = "PATH",
        env = RFKILL_DEV.env,
        default_value = RFKILL_DEV.default
    )]
    pub rfkill_dev: PathBuf,

    /// sysfs mount point (fixture trees hold class/rfkill/..., devices/..., bus/...).
    #[arg(
        long = SYSFS.long,
        global = true,
        help_heading = GLOBAL_HEADING,
        value_name = "DIR",
        env = SYSFS.env,
        default_value = SYSFS.default
    )]
    pub sysfs: PathBuf,

    /// Answer `status` and `diagnose` from a snapshot file instead of this machine.
    #[arg(long = REPLAY.long, global = true, help_heading = GLOBAL_HEADING, value_name = "FILE")]
    pub replay: Option<PathBuf>,

    /// Without a command, the table options of `status`, as util-linux
    /// `rfkill` takes them (`pin13 -J`, `pin13 -rn`, `pin13 -J -o ID,TYPE`).
    #[command(flatten, next_help_heading = "Status options (with no command)")]
    pub table: cmd::status::OutputArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show every radio's soft and hard state (the default command).
    #[command(name = cmd::status::NAME)]
    Status(Deferred<cmd::status::StatusArgs>),
    /// List radios in util-linux's `rfkill list` text.
    List(Deferred<cmd::list::ListArgs>),
    /// Print one line per rfkill event as it happens.
    Watch(Deferred<cmd::watch::WatchArgs>),
    /// Print rfkill events in util-linux's `rfkill event` lines.
    Event(Deferred<cmd::event::EventArgs>),
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
    Man(Deferred<man::ManArgs>),
    /// Print shell completions.
    Completions(Deferred<man::CompletionsArgs>),
}

/// The whole command tree with every subcommand's arguments in place, for
/// generators that walk it (`pin13 man`, `pin13 completions`).
pub fn full_command() -> clap::Command {
    set_eager(true);
    let mut cmd = Cli::command();
    set_eager(false);
    // Copy the global options into the subcommands, then hide them where
    // they mean nothing, as deferred building does for the one being run.
    cmd.build();
    hide_in_subcommands(cmd)
}

/// [`hide_unused_globals`] on every subcommand below `cmd`, at any depth (a
/// deferred subcommand gets it wherever it sits, e.g. `jig toggle`).
fn hide_in_subcommands(mut cmd: clap::Command) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |sub| hide_in_subcommands(hide_unused_globals(sub)));
    }
    cmd
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
        assert!(!crate::cmd::args::is_eager());
    }
}
