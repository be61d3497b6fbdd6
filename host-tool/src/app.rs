//! `run()`: parse the command line, dispatch, and turn results into output and
//! an exit status. The only place that prints errors.
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::{self, Cli, Command};
use crate::cmd;
use crate::context::Context;
use crate::error::Error;
use crate::exit::Status;
use crate::model::plan::Action;
use crate::render::escape;
use crate::sys::sysfs::Sysfs;

pub fn run() -> ExitCode {
    let cli = match parse_args() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                Status::Usage.code()
            } else {
                0
            });
        }
    };
    match dispatch(cli) {
        Ok(status) => status.into(),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "pin13: {}", escape::text(&e.to_string()));
            if let Some(h) = e.hint() {
                let _ = writeln!(err, "hint: {}", escape::text(&h));
            }
            e.status().into()
        }
    }
}

/// `Cli::try_parse()`, minus freeing clap's command tree and matches: the
/// process exits soon after, and handing hundreds of small allocations back
/// one by one (musl's allocator returns memory to the kernel eagerly) was a
/// tenth of a `status` run.
fn parse_args() -> Result<Cli, clap::Error> {
    let mut cmd = Cli::command();
    let parsed = match cmd.try_get_matches_from_mut(std::env::args_os()) {
        Ok(mut matches) => {
            let cli = Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut cmd));
            std::mem::forget(matches);
            cli
        }
        Err(e) => Err(e),
    };
    std::mem::forget(cmd);
    parsed
}

fn dispatch(cli: Cli) -> Result<Status, Error> {
    let ctx = Context {
        rfkill_dev: cli.rfkill_dev,
        sysfs: Sysfs::new(cli.sysfs),
        replay: cli.replay,
    };
    match cli.command {
        None => cmd::status::run(&ctx, &cmd::status::StatusArgs::default_args()),
        Some(Command::Status(a)) => cmd::status::run(&ctx, &a),
        Some(Command::Watch(a)) => cmd::watch::run(&ctx, &a),
        Some(Command::Block(a)) => cmd::block::run(&ctx, Action::Block, &a),
        Some(Command::Unblock(a)) => cmd::block::run(&ctx, Action::Unblock, &a),
        Some(Command::Toggle(a)) => cmd::block::run(&ctx, Action::Toggle, &a),
        Some(Command::Diagnose(a)) => cmd::diagnose::run(&ctx, &a),
        Some(Command::Verify(a)) => cmd::verify::run(&ctx, &a),
        Some(Command::Snapshot(a)) => cmd::snapshot::run(&ctx, &a),
        Some(Command::Jig(a)) => cmd::jig::run(&ctx, &a),
        Some(Command::Man(a)) => cli::man::run_man(&a),
        Some(Command::Completions(a)) => cli::man::run_completions(&a),
    }
}
