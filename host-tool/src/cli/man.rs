//! `pin13 man` (a roff man page) and `pin13 completions SHELL`.
//!
//! Both are generated from the clap definitions in [`crate::cli`] at run time,
//! so they cannot drift from the real options: a new subcommand or flag shows
//! up in the man page and in every shell's completions without edits here.
//! The man page is one page for the whole tool: the global options, then one
//! subsection per (nested) subcommand with its synopsis and options, then the
//! environment variables (from the args' `env`), the exit statuses (from
//! [`EXIT_STATUS_HELP`]), files and see-also.
//!
//! The generators are behind the cargo feature `generators` (on by default:
//! `cargo install`, `cargo run`, the tests). The packaged static builds leave
//! it off (`scripts/build-static.sh`): the packages and tarballs carry the man
//! page and completions that `scripts/dist.sh` generates with a full build, and
//! the generator code (clap_mangen, clap_complete's writers: about 137 KB of a
//! 1 MiB budget) is not linked. There `pin13 man` and `pin13 completions` say
//! where the installed files are.
#![forbid(unsafe_code)]

use std::io::Write;

use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;

use super::full_command;
use crate::error::Error;
use crate::exit::Status;
use crate::exit::EXIT_STATUS_HELP;

#[derive(Debug, clap::Args)]
pub struct ManArgs {}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// Shell to print completions for.
    ///
    /// bash: save as ~/.local/share/bash-completion/completions/pin13
    /// (or /etc/bash_completion.d/pin13 for everyone).
    ///
    /// zsh: save as _pin13 in a directory on $fpath.
    ///
    /// fish: save as ~/.config/fish/completions/pin13.fish.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

pub fn run_man(_args: &ManArgs) -> Result<Status, Error> {
    if cfg!(not(feature = "generators")) {
        return Err(not_in_this_build(
            "the man page",
            "it",
            "the package installs it (`man pin13`), the tarball has it (pin13.1)",
        ));
    }
    let page = man_page();
    write_stdout(page.as_bytes())?;
    Ok(Status::Success)
}

pub fn run_completions(args: &CompletionsArgs) -> Result<Status, Error> {
    if cfg!(not(feature = "generators")) {
        return Err(not_in_this_build(
            "shell completions",
            "them",
            "the package installs them for bash, zsh and fish \
             (/usr/share/bash-completion/completions/pin13, \
             /usr/share/zsh/vendor-completions/_pin13, \
             /usr/share/fish/vendor_completions.d/pin13.fish), the tarball has them (completions/)",
        ));
    }
    let script = completions(args.shell);
    write_stdout(&script)?;
    Ok(Status::Success)
}

/// The error of a build without the `generators` feature (exit 1).
fn not_in_this_build(what: &str, it: &str, installed: &str) -> Error {
    Error::runtime(
        format!("this pin13 build does not write {what} (built without the `generators` feature)"),
        Some(format!(
            "{installed}; a full build writes {it}: `cargo install --path host-tool`"
        )),
    )
}

/// Write the whole buffer to stdout. Generators write into memory first
/// (clap_complete panics on a failed write; a closed pipe must not abort us).
fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).map_err(Error::Output)?;
    out.flush().map_err(Error::Output)
}

/// The clap command tree as the user sees it, built (bin names and global
/// args propagated), without clap's implicit `help` subcommand.
fn command() -> clap::Command {
    let mut cmd = full_command()
        .disable_help_subcommand(true)
        .subcommand_value_name("COMMAND");
    cmd.build();
    cmd
}

/// The words a radio selector completes to: `all` and the type names. In
/// bash, also the names and indexes of the radios present when completing
/// (the script reads /sys/class/rfkill at that moment).
fn selector_words(shell: clap_complete::Shell) -> Vec<&'static str> {
    let mut words: Vec<&'static str> = crate::model::select::TYPE_WORDS
        .split([',', ' ', '(', ')'])
        .filter(|w| !w.is_empty())
        .collect();
    if shell == clap_complete::Shell::Bash {
        // Inside the script's double-quoted word list: expanded when the
        // shell completes, not when the script is generated.
        words.push(
            "$(cat /sys/class/rfkill/rfkill*/name /sys/class/rfkill/rfkill*/index 2>/dev/null)",
        );
    }
    words
}

/// Wire models of the simulated bench (`intermittent:` takes a rate).
const WIRE_WORDS: [&str; 12] = [
    "open",
    "connected",
    "intermittent:1%",
    "stuck-high",
    "stuck-low",
    "no-contact",
    "powered-open",
    "powered-connected",
    "powered-intermittent:1%",
    "powered-stuck-high",
    "powered-stuck-low",
    "powered-no-contact",
];

/// Jig backends.
const BACKEND_WORDS: [&str; 4] = ["sim", "serial:/dev/ttyACM0", "serial:/dev/ttyUSB0", "rpi"];

/// Give the arguments whose values are words (selectors, wire models,
/// backends) those words for the completion scripts only: parsing keeps its
/// own value parsers, and these words never complete to file names.
fn with_completion_words(cmd: clap::Command, shell: clap_complete::Shell) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    let mut cmd = cmd.mut_args(|a| {
        let words: Vec<&'static str> = match a.get_id().as_str() {
            "selectors" => selector_words(shell),
            "wire" => WIRE_WORDS.to_vec(),
            "backend" => BACKEND_WORDS.to_vec(),
            _ => return a,
        };
        let values: Vec<clap::builder::PossibleValue> = words
            .into_iter()
            .map(clap::builder::PossibleValue::new)
            .collect();
        a.value_parser(clap::builder::PossibleValuesParser::new(values))
    });
    for name in names {
        cmd = cmd.mut_subcommand(name, |sub| with_completion_words(sub, shell));
    }
    cmd
}

/// Shell completion script for `shell`, generated from the clap definitions.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut cmd = with_completion_words(full_command(), shell);
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "pin13", &mut buf);
    buf
}

/// The roff preamble every `roff::Roff` writes; we keep only the first copy.
fn is_preamble(line: &str) -> bool {
    line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq")
}

/// Render one clap_mangen section into a string.
fn section(render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = render(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Append `fragment` to `page` without its preamble; with `demote`, section
/// headings (`.SH X`) become paragraph breaks so the fragment nests under a
/// subsection.
fn append(page: &mut String, fragment: &str, demote: bool) {
    for line in fragment.lines() {
        if is_preamble(line) {
            continue;
        }
        if demote && line.starts_with(".SH") {
            // Right under the .SS heading no paragraph break is needed; the
            // standard headings are implied; a help heading (clap's
            // `help_heading`, e.g. "SIMULATED BENCH") stays as a bold line.
            let title = line[3..].trim().trim_matches('"');
            match title {
                "SYNOPSIS" => {}
                "DESCRIPTION" | "OPTIONS" => page.push_str(".PP\n"),
                _ => {
                    page.push_str(".PP\n");
                    page.push_str(&format!("\\fB{title}\\fR\n"));
                }
            }
            continue;
        }
        page.push_str(line);
        page.push('\n');
    }
}

/// Hide what every subcommand inherits (global options, -h, -V): they are
/// described once under OPTIONS.
fn without_inherited(cmd: &clap::Command) -> clap::Command {
    cmd.clone().mut_args(|a| {
        let id = a.get_id().as_str();
        if a.is_global_set() || id == "help" || id == "version" {
            a.hide(true)
        } else {
            a
        }
    })
}

/// Depth-first walk over visible subcommands.
fn subcommands(cmd: &clap::Command) -> Vec<&clap::Command> {
    let mut out = Vec::new();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        out.push(sub);
        out.extend(subcommands(sub));
    }
    out
}

/// The full man page, pin13(1), as roff source.
pub fn man_page() -> String {
    let cmd = command();
    // The exit statuses get their own section below, not clap's EXTRA.
    let top = Man::new(cmd.clone().after_help("").after_long_help("")).date("");

    let mut page = String::new();
    page.push_str(".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n");
    append(&mut page, &section(|w| top.render_title(w)), false);
    // Ragged right: long option lists and JSON keys leave nothing to stretch.
    page.push_str(".ad l\n");
    append(&mut page, &section(|w| top.render_name_section(w)), false);
    page.push_str(".SH SYNOPSIS\n");
    page.push_str(&synopsis(&cmd, "pin13"));
    append(
        &mut page,
        &section(|w| top.render_description_section(w)),
        false,
    );
    append(
        &mut page,
        &section(|w| top.render_options_section(w)),
        false,
    );

    let mut roff = Roff::new();
    roff.control("SH", ["COMMANDS"]);
    roff.text([roman(
        "Run without a command, pin13 runs status. Every command also takes the global options above.",
    )]);
    append(&mut page, &roff.render(), false);
    for sub in subcommands(&cmd) {
        let name = sub
            .get_bin_name()
            .unwrap_or_else(|| sub.get_name())
            .to_owned();
        let mut roff = Roff::new();
        roff.control("SS", [name.as_str()]);
        append(&mut page, &roff.render(), false);
        let man = Man::new(without_inherited(sub));
        page.push_str(&synopsis(&without_inherited(sub), &name));
        append(
            &mut page,
            &section(|w| man.render_description_section(w)),
            true,
        );
        let has_options = sub.get_arguments().any(|a| {
            let id = a.get_id().as_str();
            !a.is_hide_set() && !a.is_global_set() && id != "help" && id != "version"
        });
        if has_options {
            append(&mut page, &section(|w| man.render_options_section(w)), true);
        }
    }

    let mut roff = Roff::new();
    // Every environment variable any (sub)command reads, once.
    let mut env_args: Vec<&clap::Arg> = Vec::new();
    for c in std::iter::once(&cmd).chain(subcommands(&cmd)) {
        for arg in c.get_arguments().filter(|a| a.get_env().is_some()) {
            if !env_args.iter().any(|seen| seen.get_env() == arg.get_env()) {
                env_args.push(arg);
            }
        }
    }
    if !env_args.is_empty() {
        roff.control("SH", ["ENVIRONMENT"]);
        for arg in env_args {
            let env = arg
                .get_env()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_default();
            let long = arg.get_long().map(|l| format!("--{l}")).unwrap_or_default();
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            roff.control("TP", []);
            roff.text([bold(env)]);
            roff.text([roman(format!(
                "Used when {long} is not given. {}.",
                help.trim_end_matches('.')
            ))]);
        }
    }

    roff.control("SH", ["AS RFKILL"]);
    roff.text([roman(
        "Installed or linked under the name rfkill, pin13 is util-linux rfkill 2.38: the same \
         arguments (rfkill [options] command [identifier ...]), the same output bytes, messages and \
         exit statuses (0, or 1 for an invalid identifier, an unknown command or a failed open; a \
         failed write is a warning and, as in util-linux, still exit 0), block, unblock and toggle \
         silent, none of pin13's own columns or notes. Link it \
         where util-linux rfkill is missing, e.g. a minimal or old distro:",
    )]);
    roff.control("IP", []);
    roff.text([bold(
        "sudo ln -s /usr/local/bin/pin13 /usr/local/sbin/rfkill",
    )]);
    roff.control("PP", []);
    roff.text([roman(
        "Do not replace the distro's own /usr/sbin/rfkill. Under its own name pin13 keeps its \
         richer defaults and the exit statuses below.",
    )]);

    roff.control("SH", ["EXAMPLES"]);
    for (what, example) in EXAMPLES {
        roff.control("TP", []);
        roff.text([bold(example)]);
        roff.text([roman(what)]);
    }

    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in exit_statuses() {
        roff.control("TP", []);
        roff.text([bold(code)]);
        roff.text([roman(meaning)]);
    }

    roff.control("SH", ["FILES"]);
    roff.control("TP", []);
    roff.text([bold("/dev/rfkill")]);
    roff.text([roman(
        "The kernel's rfkill control device: read to list radios and watch events, written to block and unblock.",
    )]);
    roff.control("TP", []);
    roff.text([bold("/sys/class/rfkill/")]);
    roff.text([roman(
        "One directory per radio (name, type, soft, hard, hard_block_reasons) and a link to the parent device.",
    )]);

    roff.control("SH", ["SEE ALSO"]);
    roff.text([bold("rfkill"), roman("(8), "), bold("dmesg"), roman("(1).")]);
    roff.text([roman(format!(
        "The modding guide (symptoms, the tape mod, the bench jig): {GUIDE_INSTALLED} \
         from the packages, {GUIDE_IN_TARBALL} in the tarballs."
    ))]);
    append(&mut page, &roff.render(), false);
    readable(&page)
}

/// Where a package puts the guide (the project has no public home page yet,
/// so there is no URL to give).
pub const GUIDE_INSTALLED: &str = "/usr/share/doc/pin13/guide.md";
/// Where the guide is in a tarball (`scripts/dist.sh`), beside the binary.
pub const GUIDE_IN_TARBALL: &str = "guide.md";

/// The EXAMPLES section: (what it does, the command).
const EXAMPLES: [(&str, &str); 8] = [
    (
        "Every radio, with the driver and the reason of a hard block.",
        "pin13",
    ),
    ("Why is the wireless off, and what to do.", "pin13 diagnose"),
    (
        "util-linux's old listing, for scripts that read it.",
        "pin13 list",
    ),
    (
        "Lift the soft block of every wireless radio.",
        "sudo pin13 unblock wifi",
    ),
    (
        "Follow changes while pressing the kill switch.",
        "pin13 watch",
    ),
    (
        "Check the tape mod for 30 seconds (PASS or FAIL).",
        "pin13 verify --duration 30",
    ),
    (
        "Save a report for someone else to replay.",
        "pin13 snapshot -o mylaptop.json",
    ),
    (
        "Try the bench jig with no hardware.",
        "pin13 jig probe --backend sim --wire open",
    ),
];

/// Text escaped for roff: `\` as `\e`, `-` as `\-`.
fn esc(s: &str) -> String {
    s.replace('\\', "\\e").replace('-', "\\-")
}

/// One SYNOPSIS line for `cmd` called `name`, with every visible option and
/// its value name (`[\-o|\-\-output LIST]`), the positionals and `COMMAND`.
fn synopsis(cmd: &clap::Command, name: &str) -> String {
    let mut parts = vec![format!("\\fB{}\\fR", esc(name))];
    for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let value = a
            .get_value_names()
            .and_then(|v| v.first())
            .map(|v| v.to_string())
            .unwrap_or_else(|| a.get_id().as_str().to_ascii_uppercase());
        let many = a.get_num_args().is_some_and(|r| r.max_values() > 1)
            || matches!(a.get_action(), clap::ArgAction::Append);
        let dots = if many { "..." } else { "" };
        let item = if a.is_positional() {
            format!("\\fI{}\\fR{dots}", esc(&value))
        } else {
            let mut names = Vec::new();
            if let Some(c) = a.get_short() {
                names.push(format!("\\fB\\-{}\\fR", esc(&c.to_string())));
            }
            if let Some(l) = a.get_long() {
                names.push(format!("\\fB\\-\\-{}\\fR", esc(l)));
            }
            let takes = a.get_action().takes_values();
            let v = if takes {
                format!(" \\fI{}\\fR", esc(&value))
            } else {
                String::new()
            };
            format!("{}{v}", names.join("|"))
        };
        parts.push(if a.is_required_set() {
            item
        } else {
            format!("[{item}]")
        });
    }
    if cmd.has_subcommands() {
        parts.push(if cmd.is_subcommand_required_set() {
            "\\fICOMMAND\\fR".to_string()
        } else {
            "[\\fICOMMAND\\fR]".to_string()
        });
    }
    format!("{}\n", parts.join(" "))
}

/// The page as man readers want it: no markdown backticks (a pair becomes
/// bold), and a break point after every comma and slash inside long words
/// (`ID,TYPE,DEVICE,...`, JSON key lists, paths), so no width from 60
/// columns up leaves a line groff cannot fill.
fn readable(page: &str) -> String {
    let mut out = String::with_capacity(page.len() + page.len() / 8);
    for line in page.lines() {
        if line.starts_with('.') || line.starts_with('\'') {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut bold = false;
        for (i, word) in line.split(' ').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let long = word.chars().count() > 20;
            let chars: Vec<char> = word.chars().collect();
            for (k, &c) in chars.iter().enumerate() {
                match c {
                    '`' => {
                        out.push_str(if bold { "\\fR" } else { "\\fB" });
                        bold = !bold;
                    }
                    ',' | '/' if long && k + 1 < chars.len() => {
                        out.push(c);
                        out.push_str("\\:");
                    }
                    c => out.push(c),
                }
            }
        }
        if bold {
            out.push_str("\\fR");
        }
        out.push('\n');
    }
    out
}

/// `(code, meaning)` pairs from [`EXIT_STATUS_HELP`] (its first line is a title).
pub fn exit_statuses() -> Vec<(String, String)> {
    EXIT_STATUS_HELP
        .lines()
        .skip(1)
        .filter_map(|line| {
            let line = line.trim();
            let (code, meaning) = line.split_once(char::is_whitespace)?;
            Some((code.to_owned(), meaning.trim().to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a build without the generators says (scripts/build-static.sh runs
    /// such a build and checks the exit status and the pointer to `man pin13`).
    #[test]
    fn a_lean_build_says_where_the_installed_files_are() {
        let e = not_in_this_build(
            "the man page",
            "it",
            "the package installs it (`man pin13`)",
        );
        assert_eq!(e.status(), Status::Failure);
        assert_eq!(
            e.to_string(),
            "this pin13 build does not write the man page (built without the `generators` feature)"
        );
        let hint = e.hint().unwrap();
        assert!(hint.starts_with("the package installs it (`man pin13`); a full build writes it"));
        assert!(hint.ends_with("`cargo install --path host-tool`"), "{hint}");
    }

    fn visible_names(cmd: &clap::Command) -> Vec<String> {
        subcommands(cmd)
            .iter()
            .map(|s| s.get_bin_name().unwrap_or(s.get_name()).to_owned())
            .collect()
    }

    #[test]
    fn exit_statuses_cover_every_status() {
        let codes: Vec<String> = exit_statuses().into_iter().map(|(c, _)| c).collect();
        let want: Vec<String> = [
            Status::Success,
            Status::Failure,
            Status::Usage,
            Status::SoftBlocked,
            Status::HardBlocked,
            Status::JigNotIsolated,
            Status::Incomplete,
        ]
        .iter()
        .map(|s| s.code().to_string())
        .collect();
        assert_eq!(codes, want);
        assert!(exit_statuses().iter().all(|(_, m)| !m.is_empty()));
    }

    #[test]
    fn man_page_has_title_every_subcommand_and_exit_status() {
        let page = man_page();
        assert!(page.contains("\n.TH pin13 1"), "no .TH line:\n{page}");
        assert_eq!(
            page.matches(".ds Aq \\(aq").count(),
            1,
            "preamble must appear once"
        );
        for name in visible_names(&command()) {
            assert!(
                page.contains(&format!(".SS \"{name}\""))
                    || page.contains(&format!(".SS {name}\n")),
                "{name} missing"
            );
        }
        assert!(page.contains(".SH \"EXIT STATUS\""));
        for (code, meaning) in exit_statuses() {
            assert!(
                page.contains(&format!("\\fB{code}\\fR\n{}", meaning.replace('-', "\\-"))),
                "status {code}"
            );
        }
        assert!(page.contains("PIN13_SYSFS") && page.contains("PIN13_RFKILL_DEV"));
        // No section heading survives inside a command subsection.
        let commands =
            &page[page.find(".SH COMMANDS").unwrap()..page.find(".SH ENVIRONMENT").unwrap()];
        assert!(!commands.lines().skip(1).any(|l| l.starts_with(".SH")));
    }

    #[test]
    fn completions_name_every_top_level_subcommand() {
        let cmd = command();
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
        ] {
            let script = String::from_utf8(completions(shell)).unwrap();
            for sub in cmd.get_subcommands() {
                assert!(
                    script.contains(sub.get_name()),
                    "{shell}: {} missing",
                    sub.get_name()
                );
            }
        }
    }
}
