//! `run()`: parse the command line, dispatch, and turn results into output and
//! an exit status. The only place that prints errors.
#![forbid(unsafe_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::{self, Cli, Command};
use crate::cmd;
use crate::cmd::args::{Opt, RFKILL_DEV, SYSFS};
use crate::context::Context;
use crate::error::Error;
use crate::exit::Status;
use crate::model::plan::Action;
use crate::render::escape;
use crate::sys::sysfs::Sysfs;

pub fn run() -> ExitCode {
    let mut args = std::env::args_os();
    if let Some(a0) = args.next().filter(|a0| cli::rfkill::is_rfkill_name(a0)) {
        let rest: Vec<std::ffi::OsString> = args.collect();
        return run_as_rfkill(&a0.to_string_lossy(), &rest);
    }
    // `pin13` and `pin13 status ...`, the commands people run most, without
    // building clap's tree; anything else is clap's (see `cli::fast`).
    if let Some(hot) = cli::fast::parse(args, |k| std::env::var_os(k)) {
        let ctx = context(hot.rfkill_dev, hot.sysfs, hot.replay);
        return report(cmd::status::run(&ctx, &hot.status));
    }
    run_clap()
}

/// Every other command line, through clap. Kept out of line (as is
/// [`run_as_rfkill`]): inlined into [`run`], clap's values made `run`'s stack
/// frame about 16 KiB, four stack pages that every `status` run touched
/// (and faulted in) before doing anything (docs/benchmarks.md).
#[inline(never)]
fn run_clap() -> ExitCode {
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
    report(dispatch(cli))
}

/// A command's result as pin13's exit status, its error (if any) on stderr.
fn report(result: Result<Status, Error>) -> ExitCode {
    match result {
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

/// pin13 installed or linked as `rfkill`: util-linux's command line,
/// output and exit statuses (0 or 1); see `cmd::compat`.
#[inline(never)]
fn run_as_rfkill(argv0: &str, args: &[std::ffi::OsString]) -> ExitCode {
    use cli::rfkill::{parse, Stop, USAGE};
    let say = |to_stdout: bool, text: &str| {
        let _ = if to_stdout {
            std::io::stdout().lock().write_all(text.as_bytes())
        } else {
            std::io::stderr().lock().write_all(text.as_bytes())
        };
    };
    let parsed = match parse(args) {
        Ok(a) => a,
        Err(Stop::Help) => {
            say(true, USAGE);
            return ExitCode::SUCCESS;
        }
        Err(Stop::Version) => {
            say(
                true,
                &format!(
                    "rfkill from pin13 {} (util-linux 2.38.1 compatible)\n",
                    env!("CARGO_PKG_VERSION")
                ),
            );
            return ExitCode::SUCCESS;
        }
        Err(Stop::Usage {
            message,
            try_help,
            from_getopt,
        }) => {
            if let Some(m) = message {
                let who = if from_getopt { argv0 } else { "rfkill" };
                say(false, &format!("{who}: {m}\n"));
            }
            if try_help {
                say(false, "Try 'rfkill --help' for more information.\n");
            }
            return ExitCode::FAILURE;
        }
    };
    if parsed.action == cmd::compat::Action::Help {
        say(true, USAGE);
        return ExitCode::SUCCESS;
    }
    // The same places to look as pin13 (the environment only: util-linux has
    // no such options).
    let env_path = |o: &Opt| {
        o.env
            .and_then(std::env::var_os)
            .filter(|v| !v.is_empty())
            .map_or_else(|| o.default.unwrap_or_default().into(), PathBuf::from)
    };
    let ctx = context(env_path(&RFKILL_DEV), env_path(&SYSFS), None);
    match cmd::compat::run(&ctx, &parsed) {
        Ok(Status::Success) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            say(false, &format!("rfkill: {e}\n"));
            ExitCode::FAILURE
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

/// Where every command looks, from the global options.
fn context(rfkill_dev: PathBuf, sysfs: PathBuf, replay: Option<PathBuf>) -> Context {
    Context {
        rfkill_dev,
        sysfs: Sysfs::new(sysfs),
        replay,
    }
}

fn dispatch(cli: Cli) -> Result<Status, Error> {
    let ctx = context(cli.rfkill_dev, cli.sysfs, cli.replay);
    if cli.command.is_some() && cli.table.any() {
        return Err(Error::usage(
            "-J, -o, --output-all, -n and -r before a command are for bare `pin13` (status)",
            Some("put them after the command: `pin13 status -J`".to_string()),
        ));
    }
    match cli.command {
        None => cmd::status::run(&ctx, &cli.table.status_args()),
        Some(Command::List(a)) => cmd::list::run(&ctx, &a),
        Some(Command::Event(a)) => cmd::event::run(&ctx, &a),
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
