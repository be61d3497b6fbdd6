//! Argument pieces shared by the subcommands: [`Deferred`] building of a
//! subcommand's arguments, and [`Opt`]: the spelling of the options that the
//! hot-path parser (`cli::fast`) reads as well as clap.
#![forbid(unsafe_code)]

use std::cell::Cell;
use std::ops::Deref;

use clap::{ArgMatches, Args, FromArgMatches};

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

/// Build every subcommand's arguments eagerly (true) or when clap builds that
/// subcommand (false, the default); see `cli::full_command`.
pub fn set_eager(on: bool) {
    EAGER.with(|e| e.set(on));
}

/// Whether eager building is on.
pub fn is_eager() -> bool {
    EAGER.with(Cell::get)
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
        if is_eager() {
            T::augment_args(cmd)
        } else {
            cmd.defer(|cmd| add_deferred(cmd, T::augment_args))
        }
    }
    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        if is_eager() {
            T::augment_args_for_update(cmd)
        } else {
            cmd.defer(|cmd| add_deferred(cmd, T::augment_args_for_update))
        }
    }
}

/// The version and the build (`host-tool/build.rs`: git describe or the
/// package version), as `pin13 --version` prints it after the name and every
/// snapshot records it, so a report names what the user ran.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("PIN13_BUILD"), ")");

/// One option as clap's derive declares it (its attributes take these fields:
/// `#[arg(short = X.short, long = X.long, ...)]`) and as the hot-path parser
/// (`cli::fast`) reads it: the one home of its spelling, its environment
/// variable and its default. A test in `cli::fast` checks the clap tree
/// against these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt {
    /// clap's id: the field's name.
    pub id: &'static str,
    pub short: Option<char>,
    pub long: &'static str,
    /// Whether it takes a value (an `Option<_>` or `PathBuf` field) or is a
    /// flag (`bool`).
    pub takes_value: bool,
    /// Read when the option is not given.
    pub env: Option<&'static str>,
    /// Used when neither the option nor its environment variable is given.
    pub default: Option<&'static str>,
}

impl Opt {
    /// A flag or option with no environment variable and no default.
    pub const fn new(
        id: &'static str,
        short: Option<char>,
        long: &'static str,
        takes_value: bool,
    ) -> Opt {
        Opt {
            id,
            short,
            long,
            takes_value,
            env: None,
            default: None,
        }
    }
}

/// `--rfkill-dev PATH`, global.
pub const RFKILL_DEV: Opt = Opt {
    env: Some("PIN13_RFKILL_DEV"),
    default: Some(crate::sys::error::DEFAULT_PATH),
    ..Opt::new("rfkill_dev", None, "rfkill-dev", true)
};
/// `--sysfs DIR`, global.
pub const SYSFS: Opt = Opt {
    env: Some("PIN13_SYSFS"),
    default: Some("/sys"),
    ..Opt::new("sysfs", None, "sysfs", true)
};
/// `--replay FILE`, global.
pub const REPLAY: Opt = Opt::new("replay", None, "replay", true);
/// The global options, in the order clap lists them.
pub const GLOBALS: [Opt; 3] = [RFKILL_DEV, SYSFS, REPLAY];

/// The help heading of the options every command takes.
pub const GLOBAL_HEADING: &str = "Global options";

/// Hide the global options a subcommand has no use for (they are still
/// accepted, and refused with a message where they cannot apply): none at
/// all for `man` and `completions`; `--replay` for the commands that read
/// live events or change the machine.
pub fn hide_unused_globals(cmd: clap::Command) -> clap::Command {
    let hidden: &[&str] = match cmd.get_name() {
        "man" | "completions" => &["rfkill_dev", "sysfs", "replay"],
        "watch" | "event" | "block" | "unblock" | "toggle" | "verify" | "snapshot" => &["replay"],
        _ => &[],
    };
    cmd.mut_args(|a| {
        if a.is_global_set() && hidden.contains(&a.get_id().as_str()) {
            a.hide(true)
        } else {
            a
        }
    })
}

/// Run a deferred `augment` on `cmd` and leave `cmd` as eager building would
/// have: global arguments last, the variant's about texts on top.
fn add_deferred(cmd: clap::Command, augment: fn(clap::Command) -> clap::Command) -> clap::Command {
    let inherited = cmd.get_arguments().count();
    let about = cmd.get_about().cloned();
    let long_about = cmd.get_long_about().cloned();
    let mut cmd = hide_unused_globals(move_first_to_back(augment(cmd), inherited));
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
