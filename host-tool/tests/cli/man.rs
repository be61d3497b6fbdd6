//! `pin13 man` and `pin13 completions` run as a user would run them: the
//! built binary, its stdout fed to groff / bash.

use std::io::Write;
use std::process::{Command, Stdio};

use clap::CommandFactory;
use pin13::cli::Cli;

use crate::harness::*;

/// Every visible subcommand path, e.g. ["status"], ["jig", "probe"].
fn paths(cmd: &clap::Command, prefix: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let mut p = prefix.to_vec();
        p.push(sub.get_name().to_owned());
        out.push(p.clone());
        out.extend(paths(sub, &p));
    }
    out
}

#[test]
#[cfg_attr(not(feature = "generators"), ignore = "needs the generators feature")]
fn man_page_names_every_command_and_exit_status() {
    let Run {
        code,
        stdout: page,
        stderr: err,
    } = run(&["man"]);
    assert_eq!(code, 0, "stderr: {err}");
    assert!(page.lines().any(|l| l.starts_with(".TH pin13 1")), "no .TH");
    for p in paths(&Cli::command(), &[]) {
        let heading = format!(".SS \"pin13 {}\"", p.join(" "));
        assert!(page.contains(&heading), "missing {heading}");
    }
    assert!(page.contains(".SH \"EXIT STATUS\""));
    for code in 0..=5 {
        assert!(
            page.contains(&format!(".TP\n\\fB{code}\\fR\n")),
            "exit status {code} missing"
        );
    }
}

/// `PROGRAM ARGS` with `input` on stdin; stdout and stderr captured (not shown).
fn feed(program: &str, args: &[&str], input: &str) -> std::process::Output {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
#[cfg_attr(not(feature = "generators"), ignore = "needs the generators feature")]
fn man_page_formats_without_groff_warnings() {
    if !have("groff") {
        eprintln!("SKIPPED: groff is not installed (apt-get install groff-base)");
        return;
    }
    let Run {
        code: _,
        stdout: page,
        stderr: _,
    } = run(&["man"]);
    let out = feed("groff", &["-man", "-Tutf8", "-ww", "-Wbreak", "-z"], &page);
    assert!(out.status.success());
    // Every warning but `break` (a long word that cannot be justified: help
    // texts with JSON keys do that, and it is only typesetting).
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warnings");

    // And the rendered text carries the sections a reader looks for.
    let out = feed("groff", &["-man", "-Tascii", "-P-cbou"], &page);
    let text = String::from_utf8_lossy(&out.stdout);
    for heading in [
        "NAME",
        "SYNOPSIS",
        "OPTIONS",
        "COMMANDS",
        "ENVIRONMENT",
        "EXIT STATUS",
    ] {
        assert!(text.contains(heading), "{heading} not rendered");
    }
}

#[test]
#[cfg_attr(not(feature = "generators"), ignore = "needs the generators feature")]
fn bash_completion_is_valid_and_offers_every_subcommand() {
    let Run {
        code,
        stdout: script,
        stderr: err,
    } = run(&["completions", "bash"]);
    assert_eq!(code, 0, "stderr: {err}");
    let dir = TempDir::new("compl");
    let file = dir.join("pin13.bash");
    std::fs::write(&file, &script).unwrap();

    let syntax = Command::new("bash").arg("-n").arg(&file).status().unwrap();
    assert!(syntax.success(), "bash -n rejected the completion script");

    // Ask the completion function what follows `pin13 [parents...] <TAB>`.
    let all = paths(&Cli::command(), &[]);
    let parents: Vec<Vec<String>> = std::iter::once(Vec::new())
        .chain(
            all.iter()
                .filter(|p| {
                    all.iter()
                        .any(|q| q.len() == p.len() + 1 && q.starts_with(p))
                })
                .cloned(),
        )
        .collect();
    for parent in parents {
        let words: Vec<String> = std::iter::once("pin13".to_owned())
            .chain(parent.iter().cloned())
            .collect();
        let shell = format!(
            "source {file}; COMP_WORDS=({words} ''); COMP_CWORD={cword}; _pin13 pin13 '' {prev}; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            file = file.display(),
            words = words.join(" "),
            cword = words.len(),
            prev = words.last().unwrap(),
        );
        let out = Command::new("bash").args(["-c", &shell]).output().unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let offered: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        for child in all
            .iter()
            .filter(|q| q.len() == parent.len() + 1 && q.starts_with(&parent))
        {
            let name = child.last().unwrap();
            assert!(
                offered.contains(name),
                "`pin13 {} <TAB>` does not offer {name}: {offered:?}",
                parent.join(" ")
            );
        }
    }
}

#[test]
#[cfg_attr(not(feature = "generators"), ignore = "needs the generators feature")]
fn zsh_and_fish_completions_mention_every_subcommand() {
    for shell in ["zsh", "fish"] {
        let Run {
            code,
            stdout: script,
            stderr: err,
        } = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        for p in paths(&Cli::command(), &[]) {
            assert!(
                script.contains(p.last().unwrap().as_str()),
                "{shell}: {p:?} missing"
            );
        }
        if have(shell) {
            let flag = if shell == "zsh" { "-n" } else { "--no-execute" };
            let out = feed(shell, &[flag], &script);
            assert!(
                out.status.success(),
                "{shell} rejected its completion script: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let Run {
        code,
        stdout: out,
        stderr: err,
    } = run(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("possible values"), "{err}");
}

#[test]
#[cfg_attr(not(feature = "generators"), ignore = "needs the generators feature")]
fn closed_stdout_is_not_a_crash() {
    // `pin13 man | head -1` where the reader is gone before pin13 writes:
    // pin13 must exit 0 quietly, not abort (clap_complete panics on write errors).
    for args in [&["man"][..], &["completions", "bash"][..]] {
        let mut child = pin13(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
}
