//! The command line of util-linux `rfkill` 2.38, for pin13 run under the
//! name `rfkill` (a link or a copy): `rfkill [options] command [identifier ...]`.
//!
//! Parsed as glibc's `getopt_long("Jno:rVh")` does: options anywhere before
//! `--` (arguments are permuted), short options bundled (`-rn`, `-oID`),
//! long options by a unique prefix (`--js`), `--output=LIST` or
//! `--output LIST`. Every mistake is exit 1 with util-linux's message.
#![forbid(unsafe_code)]

use std::ffi::OsString;

use crate::cmd::compat::{Action, RfkillArgs};

/// Why parsing stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// `-h`/`--help`: print the usage, exit 0.
    Help,
    /// `-V`/`--version`: print the version, exit 0.
    Version,
    /// A mistake: print `message` (if any) and the "Try" line on stderr, exit 1.
    /// `from_getopt`: the message is getopt's, which starts with argv[0] as
    /// given (`/usr/sbin/rfkill: invalid option -- 'x'`), not with `rfkill`.
    Usage {
        message: Option<String>,
        try_help: bool,
        from_getopt: bool,
    },
}

const LONG: [(&str, bool); 7] = [
    ("json", false),
    ("noheadings", false),
    ("output", true),
    ("output-all", false),
    ("raw", false),
    ("version", false),
    ("help", false),
];

/// Whether `argv0` (the program name) calls for util-linux's command line.
pub fn is_rfkill_name(argv0: &std::ffi::OsStr) -> bool {
    std::path::Path::new(argv0)
        .file_name()
        .is_some_and(|n| n == "rfkill")
}

/// One of getopt's own complaints.
fn usage(message: impl Into<String>) -> Stop {
    Stop::Usage {
        message: Some(message.into()),
        try_help: true,
        from_getopt: true,
    }
}

/// Parse the arguments after the program name.
pub fn parse(args: &[OsString]) -> Result<RfkillArgs, Stop> {
    let mut a = RfkillArgs::default();
    let mut operands: Vec<String> = Vec::new();
    let mut seen_excl: Option<&'static str> = None;
    let mut i = 0;
    // -J and -r exclude each other (util-linux's `excl[]`), reported as soon
    // as the second one is seen.
    let mut excl = |name: &'static str| -> Result<(), Stop> {
        match seen_excl {
            Some(other) if other != name => Err(Stop::Usage {
                message: Some("mutually exclusive arguments: --json --raw".to_string()),
                try_help: false,
                from_getopt: false,
            }),
            _ => {
                seen_excl = Some(name);
                Ok(())
            }
        }
    };
    let text = |s: &OsString| s.to_string_lossy().into_owned();
    while i < args.len() {
        let arg = text(&args[i]);
        i += 1;
        if arg == "--" {
            operands.extend(args[i..].iter().map(text));
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let exact = LONG.iter().find(|(n, _)| *n == name);
            let found = match exact {
                Some(f) => *f,
                None => {
                    let hits: Vec<&(&str, bool)> =
                        LONG.iter().filter(|(n, _)| n.starts_with(name)).collect();
                    match hits.as_slice() {
                        [one] => **one,
                        [] => return Err(usage(format!("unrecognized option '--{name}'"))),
                        many => {
                            let list: Vec<String> =
                                many.iter().map(|(n, _)| format!("'--{n}'")).collect();
                            return Err(usage(format!(
                                "option '--{name}' is ambiguous; possibilities: {}",
                                list.join(" ")
                            )));
                        }
                    }
                }
            };
            let (lname, takes) = found;
            let value = if takes {
                match value {
                    Some(v) => Some(v),
                    None if i < args.len() => {
                        i += 1;
                        Some(text(&args[i - 1]))
                    }
                    None => return Err(usage(format!("option '--{lname}' requires an argument"))),
                }
            } else if value.is_some() {
                return Err(usage(format!(
                    "option '--{lname}' doesn't allow an argument"
                )));
            } else {
                None
            };
            match lname {
                "json" => {
                    excl("json")?;
                    a.out.json = true
                }
                "raw" => {
                    excl("raw")?;
                    a.out.raw = true
                }
                "noheadings" => a.out.noheadings = true,
                "output" => a.out.output = value,
                "output-all" => a.out.output_all = true,
                "version" => return Err(Stop::Version),
                _ => return Err(Stop::Help),
            }
            continue;
        }
        if arg.len() > 1 && arg.starts_with('-') {
            let chars: Vec<char> = arg[1..].chars().collect();
            let mut k = 0;
            while k < chars.len() {
                let c = chars[k];
                k += 1;
                match c {
                    'J' => {
                        excl("json")?;
                        a.out.json = true
                    }
                    'r' => {
                        excl("raw")?;
                        a.out.raw = true
                    }
                    'n' => a.out.noheadings = true,
                    'V' => return Err(Stop::Version),
                    'h' => return Err(Stop::Help),
                    'o' => {
                        let rest: String = chars[k..].iter().collect();
                        if !rest.is_empty() {
                            a.out.output = Some(rest);
                        } else if i < args.len() {
                            a.out.output = Some(text(&args[i]));
                            i += 1;
                        } else {
                            return Err(usage("option requires an argument -- 'o'"));
                        }
                        k = chars.len();
                    }
                    other => return Err(usage(format!("invalid option -- '{other}'"))),
                }
            }
            continue;
        }
        operands.push(arg);
    }
    let mut operands = operands.into_iter();
    if let Some(cmd) = operands.next() {
        a.action = match cmd.as_str() {
            "list" if a.out.output.is_none() => Action::ListOld,
            "list" => Action::Table,
            "event" => Action::Event,
            "help" => Action::Help,
            "block" => Action::Block,
            "unblock" => Action::Unblock,
            "toggle" => Action::Toggle,
            _ => {
                return Err(Stop::Usage {
                    message: None,
                    try_help: true,
                    from_getopt: false,
                })
            }
        };
    }
    a.identifiers = operands.collect();
    Ok(a)
}

/// `rfkill --help` (util-linux's text, with the commands 2.38 has).
pub const USAGE: &str = "
Usage:
 rfkill [options] command [identifier ...]

Tool for enabling and disabling wireless devices.

Options:
 -J, --json             use JSON output format
 -n, --noheadings       don't print headings
 -o, --output <list>    define which output columns to use
     --output-all       output all columns
 -r, --raw              use the raw output format

 -h, --help             display this help
 -V, --version          display version

Available output columns:
 DEVICE      kernel device name
 ID          device identifier value
 TYPE        device type name that can be used as identifier
 TYPE-DESC   device type description
 SOFT        status of software block
 HARD        status of hardware block

Commands:
 help
 event
 list   [identifier]
 block   identifier
 unblock identifier
 toggle  identifier

This is pin13 answering as rfkill (see pin13(1)); util-linux's manual: rfkill(8).
";

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<RfkillArgs, Stop> {
        let v: Vec<OsString> = args.iter().map(OsString::from).collect();
        parse(&v)
    }

    #[test]
    fn names() {
        assert!(is_rfkill_name("rfkill".as_ref()));
        assert!(is_rfkill_name("/usr/local/sbin/rfkill".as_ref()));
        assert!(!is_rfkill_name("pin13".as_ref()));
        assert!(!is_rfkill_name("rfkill2".as_ref()));
    }

    #[test]
    fn options_bundle_permute_and_abbreviate() {
        let a = p(&["-rn"]).unwrap();
        assert!(a.out.raw && a.out.noheadings && a.action == Action::Table);
        let a = p(&["list", "-J", "wlan"]).unwrap();
        assert_eq!(a.action, Action::ListOld);
        assert!(a.out.json);
        assert_eq!(a.identifiers, ["wlan"]);
        let a = p(&["-oID,TYPE", "list", "1"]).unwrap();
        assert_eq!(a.action, Action::Table);
        assert_eq!(a.out.output.as_deref(), Some("ID,TYPE"));
        let a = p(&["--out=ID", "--js"]).unwrap_err();
        assert!(matches!(a, Stop::Usage { message: Some(m), .. } if m.contains("ambiguous")));
        let a = p(&["--output=ID", "--js", "--output-all"]).unwrap();
        assert!(a.out.json && a.out.output_all);
        let a = p(&["block", "--", "-1"]).unwrap();
        assert_eq!(a.identifiers, ["-1"]);
    }

    #[test]
    fn mistakes_are_util_linux_messages() {
        let msg = |r: Result<RfkillArgs, Stop>| match r {
            Err(Stop::Usage {
                message, try_help, ..
            }) => (message, try_help),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            msg(p(&["-J", "-r"])),
            (
                Some("mutually exclusive arguments: --json --raw".into()),
                false
            )
        );
        assert_eq!(msg(p(&["lst"])), (None, true));
        assert_eq!(
            msg(p(&["-x"])),
            (Some("invalid option -- 'x'".into()), true)
        );
        assert_eq!(
            msg(p(&["--nosuch"])),
            (Some("unrecognized option '--nosuch'".into()), true)
        );
        assert_eq!(
            msg(p(&["-o"])),
            (Some("option requires an argument -- 'o'".into()), true)
        );
        assert_eq!(p(&["-h"]).unwrap_err(), Stop::Help);
        assert_eq!(p(&["list", "--version"]).unwrap_err(), Stop::Version);
    }
}
