//! `pin13 watch` through the built binary: a captured real event stream
//! replayed from a file, and a FIFO standing in for a live /dev/rfkill (it
//! blocks in poll() like the device) to check Ctrl-C, a closed stdout and
//! --timeout. Every run is bounded by a guard so a bug cannot hang CI.

use crate::harness::*;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const CAPTURE: &str = "tests/fixtures/events/qemu-all-types/events.bin";
const SYSFS: &str = "tests/fixtures/sysfs/qemu-all-types";

/// `pin13 --sysfs SYSFS --rfkill-dev CAPTURE watch ARGS...`: the real stream.
fn watch_capture(args: &[&str]) -> Run {
    let mut a = vec!["--sysfs", SYSFS, "--rfkill-dev", CAPTURE, "watch"];
    a.extend_from_slice(args);
    run(&a)
}

/// Replace the leading timestamp of each line (text) or the "time" value
/// (JSON) with TIME after checking its format.
fn strip_times(out: &str, json: bool) -> String {
    out.lines()
        .map(|l| {
            let (t, rest) = if json {
                let start = l.find(r#""time":""#).unwrap() + 8;
                let end = start + l[start..].find('"').unwrap();
                (&l[start..end], format!("{}TIME{}", &l[..start], &l[end..]))
            } else {
                (&l[..32], format!("TIME{}", &l[32..]))
            };
            let b = t.as_bytes();
            let sep = if json { b'T' } else { b' ' };
            assert_eq!(t.len(), 32, "{t}");
            assert!(
                b[4] == b'-' && b[7] == b'-' && b[10] == sep && b[19] == b'.',
                "{t}"
            );
            assert!(b[26] == b'+' || b[26] == b'-', "{t}");
            assert!(t.ends_with("+00:00"), "TZ=UTC gives +00:00: {t}");
            rest + "\n"
        })
        .collect()
}

#[test]
fn replays_the_real_capture_as_json_lines() {
    let r = watch_capture(&["--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 19);
    golden("watch-qemu-all-types.jsonl", &strip_times(&r.stdout, true));
}

#[test]
fn replays_the_real_capture_as_text() {
    let r = watch_capture(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    golden("watch-qemu-all-types.txt", &strip_times(&r.stdout, false));
}

#[test]
fn count_and_selectors() {
    let r = watch_capture(&["--json", "--count", "3"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout.lines().count(), 3);
    let r = watch_capture(&["dell-rbtn"]);
    assert_eq!(r.code, 0);
    // the ADD and the three switch flips
    assert_eq!(r.stdout.lines().count(), 4, "{}", r.stdout);
    assert!(r.stdout.lines().all(|l| l.contains("device=dell-rbtn")));
    let r = watch_capture(&["bluetooth"]);
    assert_eq!(r.stdout.lines().count(), 4, "{}", r.stdout);
    let r = watch_capture(&["nosuch"]);
    assert_eq!(r.code, 2);
    // checked against the radios present at the end of the capture
    has(&r.stderr, "2 dell-rbtn (wlan)");
    let r = watch_capture(&["--count", "0"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    has(
        &r.stderr,
        "error: invalid value '0' for '--count <N>': must be at least 1",
    );
    assert!(!r.stderr.contains("is not in"), "{}", r.stderr);
    let r = watch_capture(&["--count", "-1"]);
    assert_eq!(r.code, 2);
    has(&r.stderr, "must be a whole number of events, at least 1");
    assert!(!r.stderr.contains("-- -1"), "{}", r.stderr);
    let r = watch_capture(&["--timeout", "-1"]);
    assert_eq!(r.code, 2);
    has(&r.stderr, "a duration cannot be negative");
}

#[test]
fn no_rfkill_is_an_error_with_the_fix() {
    let sysfs = TempDir::new("watch-none");
    let r = run(&[
        "--sysfs",
        sysfs.to_str().unwrap(),
        "--rfkill-dev",
        "/nonexistent/rfkill",
        "watch",
        "--count",
        "1",
        "--timeout",
        "5",
    ]);
    assert_eq!(r.code, 1);
    has(&r.stderr, "no such file: /nonexistent/rfkill");
}

/// A FIFO as the device: no writer connected yet, so poll() blocks.
struct Fifo {
    _dir: TempDir,
    path: std::path::PathBuf,
}

fn fifo() -> Fifo {
    let dir = TempDir::new("fifo");
    let path = dir.join("rfkill");
    mkfifo(&path);
    Fifo { _dir: dir, path }
}

fn spawn_watch(f: &Fifo, extra: &[&str]) -> Child {
    let mut args = vec![
        "--sysfs",
        "tests/fixtures/sysfs/ipw2200-hardkill",
        "--rfkill-dev",
    ];
    let p = f.path.to_str().unwrap().to_string();
    args.push(&p);
    args.push("watch");
    args.extend_from_slice(extra);
    pin13(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait for the child to exit, killing it after `limit` (a hang is a failure).
fn wait_bounded(mut c: Child, limit: Duration) -> Run {
    let t0 = Instant::now();
    loop {
        if c.try_wait().unwrap().is_some() {
            return finish(c.wait_with_output().unwrap());
        }
        if t0.elapsed() > limit {
            let _ = c.kill();
            let o = c.wait_with_output().unwrap();
            panic!(
                "pin13 watch still running after {limit:?}; stderr: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A writer on the FIFO, open before pin13 starts: read-write, which Linux
/// opens at once (fifo(7)) where write-only would wait for a reader. Opened
/// after the spawn, the writer raced pin13: a pin13 that read first saw a FIFO
/// without writers (its end: exit 0), and the write-only open then waited for
/// a reader that never came.
fn writer(f: &Fifo) -> std::fs::File {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&f.path)
        .unwrap()
}

/// A watch on a FIFO that has been sent one event: the child, the writer's
/// end (open until dropped), pin13's stdout and the first line it printed.
struct Live {
    _fifo: Fifo,
    child: Child,
    w: std::fs::File,
    out: BufReader<std::process::ChildStdout>,
    line: String,
}

fn live_watch(extra: &[&str], event: &[u8]) -> Live {
    let f = fifo();
    let mut w = writer(&f);
    let mut child = spawn_watch(&f, extra);
    w.write_all(event).unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    Live {
        _fifo: f,
        child,
        w,
        out,
        line,
    }
}

/// The watch exits 0 with nothing on stderr, the writer still connected.
fn exits_quietly(child: Child, w: std::fs::File) {
    let r = wait_bounded(child, Duration::from_secs(20));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    drop(w);
}

#[test]
fn ctrl_c_exits_0_after_printing_what_came() {
    // idx 0, wlan, CHANGE, soft 0, hard 1: phy0's kill line goes active
    let l = live_watch(&["--json"], &rec(0, 1, 2, 0, 1));
    has(
        &l.line,
        r#""device":"phy0","op":"change","soft":"unblocked","hard":"blocked","reasons":["signal"]"#,
    );
    // pin13 is now in its poll loop with the SIGINT handler installed
    // the shell's builtin kill: no procps needed
    let ok = std::process::Command::new("sh")
        .args(["-c", &format!("kill -INT {}", l.child.id())])
        .status()
        .unwrap();
    assert!(ok.success());
    exits_quietly(l.child, l.w);
}

#[test]
fn a_closed_stdout_exits_0_without_waiting_for_events() {
    let l = live_watch(&[], &rec(1, 1, 2, 1, 0));
    has(
        &l.line,
        "change id=1 device=acer-wireless type=wlan soft=blocked hard=unblocked reasons=-",
    );
    // like `pin13 watch | head -1`: the reader goes away, no more events come
    drop(l.out);
    exits_quietly(l.child, l.w);
}

#[test]
fn timeout_ends_a_quiet_watch_with_0() {
    let f = fifo();
    // A writer stays connected, so only the timeout can end the watch.
    let w = writer(&f);
    let child = spawn_watch(&f, &["--timeout", "0.3"]);
    let r = wait_bounded(child, Duration::from_secs(20));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    drop(w);
}

#[test]
fn the_writer_going_away_ends_the_stream() {
    let l = live_watch(&["--json", "--count", "5"], &rec(0, 1, 2, 0, 0));
    drop(l.w); // POLLHUP with nothing queued: the end, exit 0
    let r = wait_bounded(l.child, Duration::from_secs(20));
    assert_eq!(r.code, 0, "{}", r.stderr);
}
