//! The hot path: bare `pin13` and `pin13 status` with their usual options,
//! read without building clap's command tree.
//!
//! `status` is the command people run most and it is almost all start-up;
//! building and matching the clap tree was two thirds of a run
//! (docs/benchmarks.md). [`parse`] understands only the simple, valid forms
//! and answers `None` for everything else (help, version, errors, conflicts,
//! repeats, `--`, values that look like options, any other command), which
//! clap then parses as before: so every message stays clap's.
//!
//! What it knows comes from the same place clap's derive reads: the spelling,
//! environment variables and defaults of the options are [`Opt`]s
//! (`cmd::args::GLOBALS`, `cmd::status::opt`), the subcommand's name is
//! `cmd::status::NAME`. The tests check that whatever it accepts, clap
//! parses to the same values.
#![forbid(unsafe_code)]

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use crate::cmd::args::{Opt, GLOBALS, REPLAY, RFKILL_DEV, SYSFS};
use crate::cmd::status::{self, opt, OutputArgs, StatusArgs};

/// A `status` run as clap would have parsed it: the global options and
/// `status`'s arguments (bare `pin13`'s table options become those).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hot {
    pub rfkill_dev: PathBuf,
    pub sysfs: PathBuf,
    pub replay: Option<PathBuf>,
    pub status: StatusArgs,
}

/// `args` (without the program name) as a `status` run, or `None` to leave
/// them to clap. `env` looks up an environment variable (`std::env::var_os`).
pub fn parse<I>(args: I, env: impl Fn(&str) -> Option<OsString>) -> Option<Hot>
where
    I: IntoIterator<Item = OsString>,
{
    let mut args = args.into_iter();
    let mut globals: [Option<OsString>; GLOBALS.len()] = Default::default();
    let mut seen = [false; opt::ALL.len()];
    let mut output = None;
    let mut selectors = Vec::new();
    let mut subcommand = false;
    // A table option before `status` is refused by the dispatcher: clap's way.
    let mut table_before = false;

    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str() else {
            // Only a value of a global option may be other than UTF-8; as a
            // separate argument it is read below, never here.
            return None;
        };
        if let Some(long) = text.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            if let Some(g) = find(&GLOBALS, |o| o.long == name) {
                let value = match inline {
                    Some(v) => OsString::from(v),
                    None => args.next()?,
                };
                set_once(&mut globals[g], value_ok(&value)?)?;
            } else if let Some(i) = find(&opt::ALL, |o| o.long == name) {
                let value = match (opt::ALL[i].takes_value, inline) {
                    (false, None) => None,
                    (false, Some(_)) => return None,
                    (true, Some(v)) => Some(v.to_owned()),
                    (true, None) => Some(args.next()?.into_string().ok()?),
                };
                flag(&mut seen, &mut output, i, value)?;
                table_before |= !subcommand;
            } else {
                return None;
            }
        } else if let Some(shorts) = text.strip_prefix('-').filter(|s| !s.is_empty()) {
            for (at, c) in shorts.char_indices() {
                let i = find(&opt::ALL, |o| o.short == Some(c))?;
                table_before |= !subcommand;
                if !opt::ALL[i].takes_value {
                    flag(&mut seen, &mut output, i, None)?;
                    continue;
                }
                let rest = &shorts[at + c.len_utf8()..];
                let value = if rest.is_empty() {
                    args.next()?.into_string().ok()?
                } else if rest.starts_with('=') {
                    return None;
                } else {
                    rest.to_owned()
                };
                flag(&mut seen, &mut output, i, Some(value))?;
                break;
            }
        } else if subcommand {
            value_ok(&arg)?;
            selectors.push(text.to_owned());
        } else if text == status::NAME && !table_before {
            subcommand = true;
        } else {
            return None;
        }
    }
    for [a, b] in opt::CONFLICTS {
        if is_seen(&seen, a) && is_seen(&seen, b) {
            return None;
        }
    }
    let mut path = |o: &Opt| -> Option<Option<PathBuf>> {
        let i = find(&GLOBALS, |g| g.id == o.id)?;
        let value = match globals[i].take() {
            Some(v) => Some(v),
            None => match o.env.and_then(&env) {
                // clap refuses an empty value, from the environment too
                Some(v) if v.is_empty() => return None,
                Some(v) => Some(v),
                None => o.default.map(OsString::from),
            },
        };
        Some(value.map(PathBuf::from))
    };
    Some(Hot {
        rfkill_dev: path(&RFKILL_DEV)??,
        sysfs: path(&SYSFS)??,
        replay: path(&REPLAY)?,
        status: StatusArgs {
            selectors,
            out: OutputArgs {
                json: is_seen(&seen, opt::JSON.id),
                output,
                output_all: is_seen(&seen, opt::OUTPUT_ALL.id),
                noheadings: is_seen(&seen, opt::NOHEADINGS.id),
                raw: is_seen(&seen, opt::RAW.id),
            },
        },
    })
}

fn find(opts: &[Opt], pred: impl Fn(&Opt) -> bool) -> Option<usize> {
    opts.iter().position(pred)
}

fn is_seen(seen: &[bool], id: &str) -> bool {
    find(&opt::ALL, |o| o.id == id).is_some_and(|i| seen[i])
}

/// Record the table option `opt::ALL[i]`; `None` when it was given before
/// (clap refuses a repeat) or its value is one clap might read otherwise.
fn flag(
    seen: &mut [bool],
    output: &mut Option<String>,
    i: usize,
    value: Option<String>,
) -> Option<()> {
    if std::mem::replace(&mut seen[i], true) {
        return None;
    }
    if let Some(v) = value {
        value_ok(OsStr::new(&v))?;
        *output = Some(v);
    }
    Some(())
}

fn set_once(slot: &mut Option<OsString>, value: &OsStr) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value.to_owned());
    Some(())
}

/// A value clap would take as it is: not empty, not starting with `-`.
fn value_ok(v: &OsStr) -> Option<&OsStr> {
    let first = v.as_encoded_bytes().first()?;
    (*first != b'-').then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::{CommandFactory, FromArgMatches};

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    /// What clap makes of `args` when it is a `status` run; `None` for
    /// anything else (help, errors, other commands, table options before
    /// `status`, which the dispatcher refuses).
    fn by_clap(cmd: &clap::Command, args: &[OsString]) -> Option<Hot> {
        let mut cmd = cmd.clone();
        let argv = std::iter::once(OsString::from("pin13")).chain(args.iter().cloned());
        let mut m = cmd.try_get_matches_from_mut(argv).ok()?;
        let cli = Cli::from_arg_matches_mut(&mut m).ok()?;
        let status = match cli.command {
            None => cli.table.status_args(),
            Some(Command::Status(a)) if !cli.table.any() => a.0,
            Some(_) => return None,
        };
        Some(Hot {
            rfkill_dev: cli.rfkill_dev,
            sysfs: cli.sysfs,
            replay: cli.replay,
            status,
        })
    }

    fn no_env(_: &str) -> Option<OsString> {
        None
    }

    /// The process's own environment, as clap reads it.
    fn real_env(k: &str) -> Option<OsString> {
        std::env::var_os(k)
    }

    const WORDS: [&str; 30] = [
        "status",
        "-J",
        "--json",
        "-r",
        "-n",
        "-rn",
        "-Jn",
        "-o",
        "ID,TYPE",
        "-oID",
        "--output",
        "--output=+DRIVER",
        "--output-all",
        "--raw",
        "--noheadings",
        "--sysfs",
        "/s",
        "--sysfs=/t",
        "--rfkill-dev",
        "/dev/x",
        "--replay",
        "snap.json",
        "wlan",
        "--",
        "-h",
        "--json=1",
        "-o=ID",
        "list",
        "-",
        "",
    ];

    /// Every sequence of up to three words above, and longer ones from a
    /// fixed pseudo-random walk: whatever the hot path accepts, clap parses
    /// to the same values; and it accepts the common forms.
    #[test]
    fn accepts_only_what_clap_parses_the_same() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut cases: Vec<Vec<&str>> = vec![vec![]];
        for a in WORDS {
            cases.push(vec![a]);
            for b in WORDS {
                cases.push(vec![a, b]);
                for c in WORDS
                    .iter()
                    .filter(|c| c.starts_with('-') || **c == "status")
                {
                    cases.push(vec![a, b, c]);
                }
            }
        }
        let mut x: u32 = 13;
        for _ in 0..2000 {
            let mut case = Vec::new();
            for _ in 0..4 + x % 4 {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                case.push(WORDS[(x >> 16) as usize % WORDS.len()]);
            }
            cases.push(case);
        }
        let mut accepted = 0;
        for case in &cases {
            let args = os(case);
            if let Some(hot) = parse(args.clone(), real_env) {
                accepted += 1;
                assert_eq!(Some(hot), by_clap(&cmd, &args), "pin13 {case:?}");
            }
        }
        assert!(
            accepted > 1000,
            "accepted only {accepted} of {}",
            cases.len()
        );
    }

    #[test]
    fn takes_the_common_forms() {
        let hot = |a: &[&str]| parse(os(a), no_env);
        let base = parse(os(&[]), no_env).unwrap();
        assert_eq!(base.rfkill_dev, PathBuf::from("/dev/rfkill"));
        assert_eq!(base.sysfs, PathBuf::from("/sys"));
        assert_eq!(base.replay, None);
        assert_eq!(base.status, StatusArgs::default());
        let json = hot(&["status", "--json"]).unwrap();
        assert!(json.status.out.json && !json.status.out.raw);
        assert_eq!(hot(&["-J"]).unwrap().status, json.status);
        let cols = hot(&["status", "-rno", "ID,TYPE", "wlan", "1"]).unwrap();
        assert!(cols.status.out.raw && cols.status.out.noheadings);
        assert_eq!(cols.status.out.output.as_deref(), Some("ID,TYPE"));
        assert_eq!(cols.status.selectors, ["wlan", "1"]);
        let g = hot(&[
            "--sysfs",
            "/f",
            "status",
            "--rfkill-dev=/d",
            "--replay",
            "s",
        ])
        .unwrap();
        assert_eq!(
            (g.sysfs, g.rfkill_dev, g.replay),
            ("/f".into(), "/d".into(), Some("s".into()))
        );
    }

    #[test]
    fn leaves_everything_else_to_clap() {
        for case in [
            &["--help"][..],
            &["-V"],
            &["status", "-h"],
            &["list"],
            &["-J", "status"],
            &["wlan"],
            &["status", "-J", "-r"],
            &["status", "-J", "--json"],
            &["status", "--output-all", "-o", "ID"],
            &["status", "-o"],
            &["status", "-o", "-J"],
            &["status", "--output="],
            &["status", "--sysfs"],
            &["status", "--sysfs", ""],
            &["--sysfs", "/a", "--sysfs", "/b"],
            &["status", "--", "wlan"],
            &["status", "--jsn"],
            &["status", "-x"],
        ] {
            assert_eq!(parse(os(case), no_env), None, "pin13 {case:?}");
        }
    }

    #[test]
    fn environment_then_default_as_clap_reads_them() {
        let env = |k: &str| match k {
            "PIN13_SYSFS" => Some(OsString::from("/from-env")),
            "PIN13_RFKILL_DEV" => Some(OsString::from("/dev/env")),
            _ => None,
        };
        let hot = parse(os(&["status"]), env).unwrap();
        assert_eq!(hot.sysfs, PathBuf::from("/from-env"));
        assert_eq!(hot.rfkill_dev, PathBuf::from("/dev/env"));
        let hot = parse(os(&["--sysfs", "/arg"]), env).unwrap();
        assert_eq!(hot.sysfs, PathBuf::from("/arg"));
        // clap refuses an empty value from the environment: its message
        let empty = |k: &str| (k == "PIN13_SYSFS").then(OsString::new);
        assert_eq!(parse(os(&[]), empty), None);
        // a path need not be UTF-8
        use std::os::unix::ffi::OsStringExt;
        let odd = OsString::from_vec(vec![b'/', 0xff]);
        let hot = parse(vec!["--sysfs".into(), odd.clone()], no_env).unwrap();
        assert_eq!(hot.sysfs, PathBuf::from(odd));
    }

    /// The [`Opt`]s say what clap's tree says: every status option of
    /// `status` and of bare `pin13`, every global option, with the same
    /// spelling, value-taking, conflicts, environment variable and default.
    #[test]
    fn the_options_table_is_the_clap_tree() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut status = cmd.find_subcommand_mut(status::NAME).unwrap().clone();
        status.build();
        let check = |cmd: &clap::Command, o: &Opt| {
            let a = cmd
                .get_arguments()
                .find(|a| a.get_id() == o.id)
                .unwrap_or_else(|| panic!("{}: no argument {}", cmd.get_name(), o.id));
            assert_eq!(a.get_short(), o.short, "{}", o.id);
            assert_eq!(a.get_long(), Some(o.long), "{}", o.id);
            assert_eq!(a.get_action().takes_values(), o.takes_value, "{}", o.id);
            let env = a.get_env().map(|e| e.to_str().unwrap().to_owned());
            assert_eq!(env.as_deref(), o.env, "{}", o.id);
            if o.takes_value {
                // (a flag's default is clap's own "false")
                let default: Vec<_> = a
                    .get_default_values()
                    .iter()
                    .map(|d| d.to_str().unwrap())
                    .collect();
                assert_eq!(
                    default,
                    o.default.into_iter().collect::<Vec<_>>(),
                    "{}",
                    o.id
                );
            }
            let conflicts: Vec<String> = cmd
                .get_arg_conflicts_with(a)
                .iter()
                .map(|c| c.get_id().to_string())
                .collect();
            let want: Vec<&str> = opt::CONFLICTS
                .iter()
                .filter_map(|[x, y]| (*x == o.id).then_some(*y))
                .collect();
            assert_eq!(conflicts, want, "{}", o.id);
        };
        for c in [&cmd, &status] {
            for o in opt::ALL.iter().chain(&GLOBALS) {
                check(c, o);
            }
            let table: Vec<&str> = c
                .get_arguments()
                .filter(|a| !a.is_global_set() && a.get_id() != "selectors")
                .filter(|a| a.get_id() != "help" && a.get_id() != "version")
                .map(|a| a.get_id().as_str())
                .collect();
            let ids: Vec<&str> = opt::ALL.iter().map(|o| o.id).collect();
            assert_eq!(
                table,
                ids,
                "{}: options the hot path does not know",
                c.get_name()
            );
        }
        let globals: Vec<&str> = cmd
            .get_arguments()
            .filter(|a| a.is_global_set())
            .map(|a| a.get_id().as_str())
            .collect();
        assert_eq!(globals, GLOBALS.iter().map(|o| o.id).collect::<Vec<_>>());
    }
}
