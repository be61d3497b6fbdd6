//! The one harness of the CLI tests: run the built `pin13` from the repository
//! root (so fixture paths read like README.md's) with one clean environment,
//! scratch directories that remove themselves, golden-file comparison.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

pub const BIN: &str = env!("CARGO_BIN_EXE_pin13");

/// Every environment variable pin13 reads (`#[arg(env = ...)]` in host-tool/src).
pub const PIN13_VARS: &[&str] = &[
    "PIN13_SYSFS",
    "PIN13_RFKILL_DEV",
    "PIN13_PROC",
    "PIN13_JIG_BACKEND",
    "PIN13_JIG_SLACK_MS",
];

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `REL` below the repository root, read as text.
pub fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

pub fn fixtures() -> PathBuf {
    root().join("tests/fixtures")
}

/// The folder of expected outputs: pin13's golden files and util-linux's
/// reference output (`util-linux/SCENE/`).
pub fn expected() -> PathBuf {
    fixtures().join("expected")
}

pub fn sysfs(name: &str) -> PathBuf {
    fixtures().join("sysfs").join(name)
}

pub fn proc(name: &str) -> PathBuf {
    fixtures().join("proc").join(name)
}

pub fn example(name: &str) -> PathBuf {
    root()
        .join("examples/snapshots")
        .join(format!("{name}.json"))
}

/// The trees made for issue 3 (with a `proc/` twin) and the host-core ones reused here.
pub const OWN_TREES: &[&str] = &[
    "ipw2200-taped",
    "ipw2200-taped-softblock",
    "thinkpad-radio-switch",
    "dell-rbtn-legacy",
    "iwlwifi-not-owner",
    "pre511-ipw2200",
];
pub const CORE_TREES: &[&str] = &[
    "ipw2200-hardkill",
    "pre511-ipw2200-btusb",
    "qemu-all-types",
    "qemu-hwsim2",
];

/// A command for `program` with the one environment scrub: none of the
/// caller's PIN13_* variables, the C locale, UTC, no terminal width; stdin
/// closed. Tests that need a variable set it on the returned command.
pub fn clean(program: impl AsRef<OsStr>) -> Command {
    let mut c = Command::new(program);
    for v in PIN13_VARS {
        c.env_remove(v);
    }
    c.env("LC_ALL", "C")
        .env("TZ", "UTC")
        .env_remove("COLUMNS")
        .stdin(Stdio::null());
    c
}

/// The built `pin13 ARGS...`, run from the repository root (see [`clean`]).
pub fn pin13(args: &[&str]) -> Command {
    let mut c = clean(BIN);
    c.current_dir(root()).args(args);
    c
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        finish(o)
    }
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

pub fn run(args: &[&str]) -> Run {
    finish(pin13(args).output().unwrap())
}

/// Run `c` with `stream` on its stdin as a live event stream (point
/// `--rfkill-dev` or PIN13_RFKILL_DEV at /dev/stdin): the records are written
/// at once and the pipe stays open, as /dev/rfkill does, until the command
/// exits, so a watch runs its whole duration.
pub fn live(mut c: Command, stream: &[u8]) -> Run {
    use std::io::{Read, Write};
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stream).unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut b = Vec::new();
        out.read_to_end(&mut b).map(|_| b)
    });
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        err.read_to_end(&mut b).map(|_| b)
    });
    let status = child.wait().unwrap();
    drop(input);
    finish(Output {
        status,
        stdout: out.join().unwrap().unwrap(),
        stderr: err.join().unwrap().unwrap(),
    })
}

pub fn finish(o: Output) -> Run {
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    }
}

/// `pin13 --sysfs TREE --rfkill-dev DEV ARGS...`
pub fn on(tree: &Path, dev: &Path, args: &[&str]) -> Run {
    pin13(&[])
        .arg("--sysfs")
        .arg(tree)
        .arg("--rfkill-dev")
        .arg(dev)
        .args(args)
        .output()
        .unwrap()
        .into()
}

/// `pin13 --sysfs FIXTURE --rfkill-dev /nonexistent ARGS...` (sysfs alone).
pub fn fixture(name: &str, args: &[&str]) -> Run {
    on(&sysfs(name), Path::new("/nonexistent/rfkill"), args)
}

pub fn replay(file: &Path, args: &[&str]) -> Run {
    pin13(&[])
        .arg("--replay")
        .arg(file)
        .args(args)
        .output()
        .unwrap()
        .into()
}

/// Compare `actual` with `tests/fixtures/expected/NAME`; `UPDATE_GOLDEN=1`
/// rewrites the file instead (then review the diff before committing).
pub fn golden(name: &str, actual: &str) {
    let path = expected().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    assert_eq!(actual, want, "output differs from {}", path.display());
}

/// util-linux `rfkill`'s real output `expected/util-linux/REL` (a lab
/// capture: compared with, never rewritten by the tests).
pub fn util_linux(rel: &str) -> String {
    let path = expected().join("util-linux").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A fresh, empty directory for one test, removed with everything in it
/// when dropped (keep it alive as long as its files are used).
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let d = std::env::temp_dir().join(format!(
            "pin13-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One 8-byte rfkill event record as the kernel writes it (`dd if=/dev/rfkill
/// bs=8`; idx in native byte order).
pub fn rec(idx: u32, kind: u8, op: u8, soft: u8, hard: u8) -> Vec<u8> {
    let mut v = idx.to_ne_bytes().to_vec();
    v.extend_from_slice(&[kind, op, soft, hard]);
    v
}

pub const ADD: u8 = 0;
pub const DEL: u8 = 1;
pub const CHANGE: u8 = 2;
pub const WLAN: u8 = 1;

/// Make a FIFO at `path` (the `mkfifo` command: no unsafe in the tests).
pub fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success(), "mkfifo {}", path.display());
}

/// Write a capture file of records into `dir` and return its path.
pub fn capture(dir: &Path, records: &[Vec<u8>]) -> PathBuf {
    let p = dir.join("rfkill.capture");
    std::fs::write(&p, records.concat()).unwrap();
    p
}

/// Whether `tool` is on PATH.
pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

/// A running `pin13 jig emulate ARGS...` on a pty, stopped when dropped.
/// Its stderr (the emulator's log) is discarded.
pub struct Emulator {
    pub child: std::process::Child,
    /// The pty's path, the first line the emulator prints.
    pub path: String,
}

impl Emulator {
    pub fn start(args: &[&str]) -> Emulator {
        Self::start_with_stderr(args, Stdio::null())
    }

    /// [`Emulator::start`] with the emulator's stderr going to `stderr`.
    pub fn start_with_stderr(args: &[&str], stderr: Stdio) -> Emulator {
        use std::io::BufRead;
        let mut child = pin13(&["jig", "emulate"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start pin13 jig emulate");
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let path = first.trim_end().to_string();
        assert!(
            path.starts_with("/dev/"),
            "first stdout line is the pty path, got {first:?}"
        );
        Emulator { child, path }
    }

    /// `serial:PTY`, the `--backend` that talks to this emulator.
    pub fn backend(&self) -> String {
        format!("serial:{}", self.path)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The built pin13 (`./pin13`) and copies of the repository-relative
/// `paths` (fixture trees, snapshots; at the same relative paths) in a
/// directory `nobody` can enter: the checkout may sit under a directory only
/// root can enter (a clone in `mktemp -d` is 0700), which would turn every
/// run into a sysfs error. None if a copy fails.
pub fn nobody_stage(paths: &[&str]) -> Option<TempDir> {
    use std::os::unix::fs::PermissionsExt;
    let d = TempDir::new("nobody");
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).ok()?;
    let copy = |from: &Path, to: &Path| {
        Command::new("cp")
            .arg("-a")
            .arg(from)
            .arg(to)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !copy(Path::new(BIN), &d.join("pin13")) {
        return None;
    }
    for p in paths {
        let to = d.join(p);
        let mut dir = to.parent()?;
        std::fs::create_dir_all(dir).ok()?;
        while dir != d.path() {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).ok()?;
            dir = dir.parent()?;
        }
        if !copy(&root().join(p), &to) {
            return None;
        }
    }
    Some(d)
}

/// Whether the tests run as root (`id -u` is 0).
pub fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `./pin13 ARGS` in `stage` (see [`nobody_stage`]) as the unprivileged
/// user nobody (uid and gid 65534, through setpriv). None where that is not
/// possible: the tests do not run as root, setpriv is missing, or no stage.
pub fn as_nobody(stage: Option<&TempDir>, args: &[&str]) -> Option<Run> {
    if !running_as_root() {
        return None;
    }
    let stage = stage?;
    let mut c = clean("setpriv");
    c.current_dir(stage.path())
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "./pin13",
        ])
        .args(args);
    let o = c.output().ok()?;
    Some(finish(o))
}

/// Assert that `text` contains `want`; the message shows `text`.
#[track_caller]
pub fn has(text: &str, want: &str) {
    assert!(text.contains(want), "{text}");
}

/// Every variable the tool reads (`env = "..."` on a clap argument, or an
/// `Opt`'s `env: Some("...")`, anywhere in host-tool/src) is one [`clean`] removes, so no test sees the caller's
/// settings; and the scrub names none that is not read.
#[test]
fn the_scrub_covers_every_variable_pin13_reads() {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                // `#[arg(env = "...")]`, and `env: Some("...")` of the option
                // table the derive and the hot path share (cmd::args::Opt)
                for pat in ["env = \"", "env: Some(\""] {
                    for (i, _) in text.match_indices(pat) {
                        let rest = &text[i + pat.len()..];
                        out.push(rest[..rest.find('"').unwrap()].to_owned());
                    }
                }
            }
        }
    }
    let mut read = Vec::new();
    walk(&root().join("host-tool/src"), &mut read);
    assert!(
        !read.is_empty(),
        "no env = \"...\" found: is the walk broken?"
    );
    for v in &read {
        assert!(PIN13_VARS.contains(&v.as_str()), "{v} is not scrubbed");
    }
    for v in PIN13_VARS {
        assert!(read.iter().any(|r| r == v), "{v} is scrubbed but not read");
    }
}
