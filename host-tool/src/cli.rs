//! Command-line definition (clap derive). Each subcommand's arguments live in
//! its own module under `cmd/`; this file only ties them together.
#![forbid(unsafe_code)]

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd;
use crate::exit::EXIT_STATUS_HELP;

/// rfkill status and the pin-13 tape mod companion for old laptops.
///
/// Shows soft and hard kill state, says who holds a hard block and what to
/// do, verifies the pin-13 tape mod and drives the bench jig.
#[derive(Debug, Parser)]
#[command(name = "pin13", version, after_help = EXIT_STATUS_HELP, propagate_version = true)]
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
    Status(cmd::status::StatusArgs),
    /// Print one line per rfkill event as it happens.
    Watch(cmd::watch::WatchArgs),
    /// Soft-block radios (index, name, type or `all`).
    Block(cmd::block::ChangeArgs),
    /// Remove the soft block from radios (index, name, type or `all`).
    Unblock(cmd::block::ChangeArgs),
    /// Flip the soft block of radios (index, name, type or `all`).
    Toggle(cmd::block::ChangeArgs),
    /// Say why a radio is off, who holds the block, and what to do.
    Diagnose(cmd::diagnose::DiagnoseArgs),
    /// Check the tape mod: watch the card while you press the kill switch.
    Verify(cmd::verify::VerifyArgs),
    /// Capture everything needed to reproduce a report offline, as JSON.
    Snapshot(cmd::snapshot::SnapshotArgs),
    /// Drive the bench jig (Pico over USB serial, Raspberry Pi GPIO, or simulated).
    Jig(cmd::jig::JigArgs),
    /// Print the man page (roff).
    Man(cmd::man::ManArgs),
    /// Print shell completions.
    Completions(cmd::man::CompletionsArgs),
}
