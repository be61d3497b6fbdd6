//! Every command in docs/guide.md runs as written.
//!
//! The guide marks each runnable block with an HTML comment right above it:
//!
//! ```text
//! <!-- guide-test: sysfs=ipw2200-hardkill exit=4 -->
//! ```sh
//! pin13 diagnose
//! ```
//! ```
//!
//! - `sysfs=NAME`: run with `PIN13_SYSFS=tests/fixtures/sysfs/NAME` and
//!   `PIN13_RFKILL_DEV=/nonexistent` (a machine frozen in a fixture tree);
//! - `exit=A[,B...]`: the exit status of each command, in order (one value
//!   applies to every command of the block);
//! - `hardware`: the block needs a real jig. Each such command must be listed in
//!   [`NEEDS_HARDWARE`] with the reason, and is run against a stand-in instead.
//!
//! Every command runs in a fresh temporary directory (files it writes land
//! there), must exit with the documented status, never 2 (usage) and never
//! crash. Inline `pin13 ...` code spans in the prose must be valid command
//! lines (clap accepts them), and inline commands of other tools must be listed
//! in [`EXTERNAL`].

use std::collections::BTreeSet;
use std::path::Path;

use clap::Parser;
use pin13::cli::Cli;

use crate::harness::*;

/// Commands that need a real jig, why, and what the test runs instead:
/// (command as written in the guide, reason, stand-in).
const NEEDS_HARDWARE: &[(&str, &str, Standin)] = &[
    (
        "pin13 jig probe --backend serial:/dev/ttyACM0",
        "needs a Pico running the jig firmware on /dev/ttyACM0",
        Standin::Emulate {
            wire: "open",
            exit: 0,
        },
    ),
    (
        "pin13 jig self-test --backend serial:/dev/ttyACM0",
        "needs a Pico running the jig firmware on /dev/ttyACM0, probes lifted",
        Standin::Emulate {
            wire: "no-contact",
            exit: 0,
        },
    ),
    (
        "pin13 jig self-test --backend rpi",
        "needs a Raspberry Pi's GPIO (and a pin13 built with --features rpi)",
        Standin::AsWritten {
            exit: 1,
            stderr_has: "Raspberry Pi",
        },
    ),
    (
        "pin13 jig probe --backend rpi",
        "needs a Raspberry Pi's GPIO (and a pin13 built with --features rpi)",
        Standin::AsWritten {
            exit: 1,
            stderr_has: "Raspberry Pi",
        },
    ),
    (
        "pin13 jig kill --backend serial:/dev/ttyACM0",
        "needs a Pico jig wired into a powered test host",
        Standin::Emulate {
            wire: "powered-connected",
            exit: 0,
        },
    ),
    (
        "pin13 jig release --backend serial:/dev/ttyACM0",
        "needs a Pico jig wired into a powered test host",
        Standin::Emulate {
            wire: "powered-connected",
            exit: 0,
        },
    ),
    (
        "pin13 jig toggle --backend serial:/dev/ttyACM0 --period 1s --count 10",
        "needs a Pico jig wired into a powered test host",
        Standin::Emulate {
            wire: "powered-connected",
            exit: 0,
        },
    ),
];

/// How a hardware command is exercised without the hardware.
#[derive(Debug, Clone, Copy)]
enum Standin {
    /// Replace `serial:/dev/ttyACM0` by the pty of `pin13 jig emulate --wire WIRE`
    /// (the jig's logic behind the real protocol) and expect `exit`.
    Emulate { wire: &'static str, exit: i32 },
    /// Run it as written on this (non-Pi) machine: it must fail cleanly.
    AsWritten { exit: i32, stderr_has: &'static str },
}

/// Other tools' commands quoted in the prose, and why the test does not run them.
const EXTERNAL: &[(&str, &str)] = &[
    (
        "rfkill list",
        "util-linux, shown as the symptom; reads the user's machine",
    ),
    (
        "rfkill unblock all",
        "util-linux, shown to say it cannot clear a hard block",
    ),
    (
        "rfkill block",
        "util-linux, named as a cause of a soft block",
    ),
    (
        "rfkill -J",
        "util-linux, named as the JSON pin13 status --json reproduces",
    ),
    ("dmesg | grep ipw2200", "reads the user's kernel log"),
    (
        "ip link set eth1 up",
        "the user's interface; shown for its error message",
    ),
    (
        "sudo modprobe rfkill",
        "loads a kernel module on the user's machine",
    ),
    (
        "sudo modprobe ipw2200",
        "loads a kernel module on the user's machine",
    ),
    (
        "bash firmware/build.sh",
        "builds the firmware; run by .ci/run",
    ),
    ("cargo test -p pin13 --test cli guide", "this test"),
];
const EXTERNAL_TOOLS: &[&str] = &[
    "rfkill", "dmesg", "ip", "sudo", "modprobe", "bash", "sh", "cargo", "lspci",
];

/// (idx, type, op, soft, hard) of one `struct rfkill_event`.
type RawEvent = (u32, u8, u8, u8, u8);

/// Event streams the guide's `events=NAME` blocks read, as the kernel would
/// queue them: (idx, type, op, soft, hard); type 1 = wlan; op 0 = add,
/// 2 = change. Indexes match the sysfs trees the blocks name.
const EVENT_STREAMS: &[(&str, &[RawEvent])] = &[
    // ipw2200-hardkill: phy0 (rfkill0) held by the kill line, acer-wireless
    // (rfkill1) free; then the user slides the switch: the line lets go and
    // comes back.
    (
        "ipw2200-switch",
        &[
            (0, 1, 0, 0, 1),
            (1, 1, 0, 0, 0),
            (0, 1, 2, 0, 0),
            (0, 1, 2, 0, 1),
        ],
    ),
    // ipw2200-taped: both radios free, and nothing happens while the user
    // works the switch.
    ("ipw2200-taped-quiet", &[(0, 1, 0, 0, 0), (1, 1, 0, 0, 0)]),
    // ipw2200-taped, but the tape lets the line through once: phy0 goes
    // hard-blocked and back.
    (
        "ipw2200-taped-flicker",
        &[
            (0, 1, 0, 0, 0),
            (1, 1, 0, 0, 0),
            (0, 1, 2, 0, 1),
            (0, 1, 2, 0, 0),
        ],
    ),
];

/// The 8-byte `struct rfkill_event` records of a named stream.
fn event_stream(name: &str) -> Vec<u8> {
    let (_, events) = EVENT_STREAMS
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no event stream {name:?} in EVENT_STREAMS"));
    events
        .iter()
        .flat_map(|&(idx, kind, op, soft, hard)| rec(idx, kind, op, soft, hard))
        .collect()
}

fn guide() -> String {
    std::fs::read_to_string(root().join("docs/guide.md")).unwrap()
}

#[derive(Debug, Default, Clone)]
struct Marker {
    sysfs: Option<String>,
    exits: Vec<i32>,
    hardware: bool,
    /// `events=NAME`: /dev/rfkill replaced by a capture file of the events in
    /// [`EVENT_STREAMS`] (8-byte records, read to its end like a live device).
    events: Option<String>,
    /// `live`: the events= stream stays open (a pipe, as /dev/rfkill) until
    /// the command ends, so `verify --duration 30` runs for 30 s. These
    /// blocks run in their own test, beside the others.
    live: bool,
    /// Marks a ```text block: the exact stdout of the last command of the
    /// runnable block before it.
    output: bool,
}

#[derive(Debug)]
struct Block {
    line: usize,
    marker: Marker,
    commands: Vec<String>,
    /// (line, text) of the ```text block marked `output` that follows.
    output: Option<(usize, String)>,
}

fn parse_marker(text: &str, line: usize) -> Marker {
    let mut m = Marker::default();
    for word in text.split_whitespace() {
        if word == "hardware" {
            m.hardware = true;
        } else if word == "output" {
            m.output = true;
        } else if word == "live" {
            m.live = true;
        } else if let Some(v) = word.strip_prefix("events=") {
            m.events = Some(v.to_owned());
        } else if let Some(v) = word.strip_prefix("sysfs=") {
            m.sysfs = Some(v.to_owned());
        } else if let Some(v) = word.strip_prefix("exit=") {
            m.exits = v
                .split(',')
                .map(|c| {
                    c.parse()
                        .unwrap_or_else(|_| panic!("line {line}: bad exit {v}"))
                })
                .collect();
        } else {
            panic!("docs/guide.md line {line}: unknown guide-test key {word:?}");
        }
    }
    m
}

/// The ```sh blocks with their markers; panics on an unmarked block.
fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut marker: Option<(Marker, usize)> = None;
    let mut lines = text.lines().enumerate();
    while let Some((i, raw)) = lines.next() {
        let line = raw.trim();
        if let Some(rest) = line.strip_prefix("<!-- guide-test:") {
            let body = rest
                .strip_suffix("-->")
                .unwrap_or_else(|| panic!("line {}: unterminated marker", i + 1));
            marker = Some((parse_marker(body, i + 1), i + 1));
            continue;
        }
        if line == "```text" && marker.as_ref().is_some_and(|(m, _)| m.output) {
            marker = None;
            let mut text = String::new();
            for (_, raw) in lines.by_ref() {
                if raw.trim() == "```" {
                    break;
                }
                text.push_str(raw);
                text.push('\n');
            }
            let prev = out.last_mut().unwrap_or_else(|| {
                panic!(
                    "docs/guide.md line {}: output block before any command",
                    i + 1
                )
            });
            assert!(
                prev.output.is_none(),
                "docs/guide.md line {}: two output blocks for one command block",
                i + 1
            );
            prev.output = Some((i + 1, text));
            continue;
        }
        if line == "```sh" {
            let (m, at) = marker.take().unwrap_or_else(|| {
                panic!(
                    "docs/guide.md line {}: ```sh block without a <!-- guide-test: ... --> marker",
                    i + 1
                )
            });
            let mut commands = Vec::new();
            let mut pending = String::new();
            for (_, raw) in lines.by_ref() {
                let l = raw.trim();
                if l == "```" {
                    break;
                }
                if l.is_empty() || l.starts_with('#') {
                    continue;
                }
                if let Some(head) = l.strip_suffix('\\') {
                    pending.push_str(head.trim_end());
                    pending.push(' ');
                    continue;
                }
                pending.push_str(l);
                commands.push(std::mem::take(&mut pending));
            }
            assert!(
                !m.output,
                "docs/guide.md line {at}: `output` marks a ```text block"
            );
            out.push(Block {
                line: i + 1,
                marker: m,
                commands,
                output: None,
            });
            continue;
        }
        if let Some((_, at)) = &marker {
            if !line.is_empty() && !line.starts_with("```") {
                panic!("docs/guide.md line {at}: marker is not followed by a ```sh block");
            }
        }
    }
    assert!(
        marker.is_none(),
        "docs/guide.md ends with a dangling guide-test marker"
    );
    out
}

/// Split a command line into words (the guide uses no quoting).
fn words(cmd: &str) -> Vec<String> {
    cmd.split_whitespace().map(str::to_owned).collect()
}

/// `pin13 ARGS...` in `cwd`, on the machine frozen in `sysfs` when given.
fn run_in(args: &[String], sysfs: Option<&Path>, rfkill_dev: Option<&Path>, cwd: &Path) -> Run {
    let mut c = clean(BIN);
    c.args(args).current_dir(cwd);
    if let Some(dir) = sysfs {
        c.env("PIN13_SYSFS", dir).env(
            "PIN13_RFKILL_DEV",
            rfkill_dev.unwrap_or(Path::new("/nonexistent")),
        );
    }
    finish(c.output().unwrap())
}

/// Checks every run must pass, whatever the command.
fn check_run(what: &str, r: &Run, want: i32) {
    assert!(
        !r.stderr.contains("panicked") && r.code >= 0,
        "{what}: crashed (status {}):\n{}",
        r.code,
        r.stderr
    );
    assert_ne!(r.code, 2, "{what}: usage error:\n{}", r.stderr);
    assert_eq!(
        r.code, want,
        "{what}: exit {} (guide says {want})\nstdout:\n{}\nstderr:\n{}",
        r.code, r.stdout, r.stderr
    );
    assert!(
        !r.stdout.trim().is_empty() || !r.stderr.trim().is_empty(),
        "{what}: printed nothing at all"
    );
}

/// `-o FILE` / `--output FILE` of snapshot must leave a JSON file behind.
fn check_outputs(what: &str, args: &[String], cwd: &Path) {
    if args.get(1).map(String::as_str) != Some("snapshot") {
        return;
    }
    for pair in args.windows(2) {
        if pair[0] == "-o" || pair[0] == "--output" {
            let file = cwd.join(&pair[1]);
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{what}: no {}: {e}", file.display()));
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{what}: {} is not JSON: {e}", file.display()));
        }
    }
}

#[test]
fn every_guide_command_runs_as_documented() {
    let text = guide();
    let blocks = blocks(&text);
    assert!(
        blocks.len() >= 10,
        "only {} runnable blocks found: is the marker syntax broken?",
        blocks.len()
    );
    let mut ran = 0;
    let mut outputs = 0;
    let mut hardware_seen = BTreeSet::new();
    let mut skipped = Vec::new();
    for (n, block) in blocks.iter().enumerate() {
        if block.marker.live {
            continue; // live_guide_commands_run_as_documented
        }
        let at = format!("docs/guide.md line {}", block.line);
        assert!(!block.commands.is_empty(), "{at}: empty block");
        // Commands of one block share a directory (snapshot, then --replay it).
        let mut block_dir: Option<TempDir> = None;
        for (k, cmd) in block.commands.iter().enumerate() {
            let what = format!("{at}: `{cmd}`");
            let args = words(cmd);
            assert_eq!(
                args[0], "pin13",
                "{what}: a runnable block may only hold pin13 commands"
            );
            let args = args[1..].to_vec();

            if block.marker.hardware {
                let (_, reason, standin) = NEEDS_HARDWARE
                    .iter()
                    .find(|(c, _, _)| c == cmd)
                    .unwrap_or_else(|| panic!("{what}: marked `hardware` but not listed in NEEDS_HARDWARE with a reason"));
                hardware_seen.insert(cmd.clone());
                skipped.push(format!("{cmd}  ({reason})"));
                let cwd = TempDir::new(&format!("guide-{n}-{k}"));
                match *standin {
                    Standin::Emulate { wire, exit } => {
                        let emu = Emulator::start(&["--wire", wire]);
                        let args: Vec<String> = args
                            .iter()
                            .map(|a| a.replace("serial:/dev/ttyACM0", &emu.backend()))
                            .collect();
                        let r = run_in(&args, None, None, &cwd);
                        check_run(
                            &format!("{what} [against jig emulate --wire {wire}]"),
                            &r,
                            exit,
                        );
                    }
                    Standin::AsWritten { exit, stderr_has } => {
                        let r = run_in(&args, None, None, &cwd);
                        check_run(&what, &r, exit);
                        assert!(
                            r.stderr.contains(stderr_has),
                            "{what}: unclear error:\n{}",
                            r.stderr
                        );
                    }
                }
                ran += 1;
                continue;
            }

            let want = match block.marker.exits.as_slice() {
                [one] => *one,
                many => *many
                    .get(k)
                    .unwrap_or_else(|| panic!("{what}: no exit= value for this command")),
            };
            assert!(
                (0..=6).contains(&want) && want != 2,
                "{what}: exit={want} is not a documented outcome"
            );
            let sysfs = block.marker.sysfs.as_ref().map(|name| {
                let dir = root().join("tests/fixtures/sysfs").join(name);
                assert!(
                    dir.is_dir(),
                    "{what}: fixture {} does not exist",
                    dir.display()
                );
                dir
            });
            let cwd: &Path =
                block_dir.get_or_insert_with(|| TempDir::new(&format!("guide-block{n}")));
            let dev = block.marker.events.as_ref().map(|name| {
                assert!(sysfs.is_some(), "{what}: events= needs a sysfs= tree");
                let path = cwd.join(format!("rfkill-{k}.events"));
                std::fs::write(&path, event_stream(name)).unwrap();
                path
            });
            let r = run_in(&args, sysfs.as_deref(), dev.as_deref(), cwd);
            check_run(&what, &r, want);
            check_outputs(&what, &args, cwd);
            if k + 1 == block.commands.len() {
                if let Some((line, want)) = &block.output {
                    assert_eq!(
                        &r.stdout, want,
                        "docs/guide.md line {line}: the output shown for `{cmd}` is not what it prints"
                    );
                    outputs += 1;
                }
            }
            ran += 1;
        }
    }
    for (cmd, _, _) in NEEDS_HARDWARE {
        assert!(
            hardware_seen.contains(*cmd),
            "NEEDS_HARDWARE lists `{cmd}`, which the guide no longer has"
        );
    }
    eprintln!("guide: {ran} commands run, {outputs} shown outputs compared; needing hardware (run against a stand-in):");
    for s in &skipped {
        eprintln!("  {s}");
    }
}

#[test]
fn live_guide_commands_run_as_documented() {
    let text = guide();
    let mut ran = 0;
    for block in blocks(&text).iter().filter(|b| b.marker.live) {
        let at = format!("docs/guide.md line {}", block.line);
        let (Some(tree), Some(events), [want]) = (
            &block.marker.sysfs,
            &block.marker.events,
            block.marker.exits.as_slice(),
        ) else {
            panic!("{at}: `live` needs sysfs=, events= and one exit=");
        };
        let cwd = TempDir::new("guide-live");
        for cmd in &block.commands {
            let what = format!("{at}: `{cmd}`");
            let args = words(cmd);
            assert_eq!(args[0], "pin13", "{what}: only pin13 commands");
            let mut c = clean(BIN);
            c.args(&args[1..])
                .current_dir(&cwd)
                .env(
                    "PIN13_SYSFS",
                    root().join("tests/fixtures/sysfs").join(tree),
                )
                .env("PIN13_RFKILL_DEV", "/dev/stdin");
            let r = live(c, &event_stream(events));
            check_run(&what, &r, *want);
            check_outputs(&what, &args[1..], &cwd);
            ran += 1;
        }
    }
    assert!(ran >= 1, "the guide's verify PASS example is marked `live`");
}

/// Inline code spans of the prose (outside fenced blocks).
fn inline_spans(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut parts = line.split('`');
        parts.next();
        while let (Some(code), rest) = (parts.next(), parts.next()) {
            out.push((i + 1, code.to_owned()));
            if rest.is_none() {
                break;
            }
        }
    }
    out
}

#[test]
fn inline_pin13_commands_are_valid_command_lines() {
    let text = guide();
    let mut checked = 0;
    for (line, span) in inline_spans(&text) {
        let args = words(&span);
        if args.first().map(String::as_str) != Some("pin13") {
            continue;
        }
        match Cli::try_parse_from(&args) {
            Ok(_) => {}
            // `pin13 unblock` names the command in prose; only a missing operand is fine.
            Err(e) if e.kind() == clap::error::ErrorKind::MissingRequiredArgument => {}
            Err(e)
                if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            }
            Err(e) => panic!(
                "docs/guide.md line {line}: `{span}` is not a valid pin13 command line:\n{e}"
            ),
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} inline pin13 commands found");
}

#[test]
fn inline_commands_of_other_tools_are_listed() {
    let text = guide();
    let mut seen = BTreeSet::new();
    for (line, span) in inline_spans(&text) {
        let first = span.split_whitespace().next().unwrap_or("");
        if !EXTERNAL_TOOLS.contains(&first) || span.split_whitespace().count() < 2 {
            continue;
        }
        assert!(
            EXTERNAL.iter().any(|(c, _)| *c == span),
            "docs/guide.md line {line}: `{span}` is another tool's command; list it in EXTERNAL with the reason it is not run"
        );
        seen.insert(span);
    }
    for (c, _) in EXTERNAL {
        assert!(
            seen.contains(*c),
            "EXTERNAL lists `{c}`, which the guide no longer quotes"
        );
    }
}

#[test]
fn marker_parser_rejects_what_it_does_not_know() {
    // The expected panics below would print; keep other tests' messages.
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() != Some("marker_parser_rejects_what_it_does_not_know") {
            prev(info)
        }
    }));
    let unmarked = "text\n```sh\npin13\n```\n";
    assert!(std::panic::catch_unwind(|| blocks(unmarked)).is_err());
    let typo = "<!-- guide-test: sysfs=x exti=1 -->\n```sh\npin13\n```\n";
    assert!(std::panic::catch_unwind(|| blocks(typo)).is_err());
    let ok = "<!-- guide-test: sysfs=x exit=0,4 -->\n```sh\npin13 a \\\n  --b\npin13 c\n```\n";
    let b = blocks(ok);
    assert_eq!(b.len(), 1);
    assert_eq!(
        b[0].commands,
        vec!["pin13 a --b".to_owned(), "pin13 c".to_owned()]
    );
    assert_eq!(b[0].marker.exits, vec![0, 4]);
    assert_eq!(b[0].marker.sysfs.as_deref(), Some("x"));
    assert_eq!(b[0].output, None);

    let with_output = "<!-- guide-test: exit=0 -->\n```sh\npin13 x\n```\n\n<!-- guide-test: output -->\n```text\n  two\nlines\n```\n";
    let b = blocks(with_output);
    assert_eq!(b.len(), 1);
    assert_eq!(
        b[0].output.as_ref().map(|(_, t)| t.as_str()),
        Some("  two\nlines\n")
    );
    let orphan = "<!-- guide-test: output -->\n```text\nx\n```\n";
    assert!(std::panic::catch_unwind(|| blocks(orphan)).is_err());
}
