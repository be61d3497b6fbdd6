//! pin13 lab helper: timing for the benchmarks, run inside the QEMU guest.
//!
//! Built by tests/lab/lib/host.sh with plain `rustc` (std only, static musl), so
//! it needs no crate and stays out of the workspace.
//!
//!   labtool alternate N -- CMD_A... -- CMD_B...
//!       run A and B alternately N times each (stdout to /dev/null) and print
//!       the wall time of each run (median, mean, p90, min, max) and B/A ratios.
//!   labtool rotate N -- @LABEL CMD... -- @LABEL CMD... [...]
//!       the same for any number of commands, in rotating order (each round
//!       starts one further along, so none always follows another); one row
//!       per command: median, p90, min and its ratio to the FIRST command's
//!       median (the reference).
//!   labtool true
//!       exit 0 at once: the start-up cost of a static Rust binary, to compare
//!       with `pin13 --version`.
//!   labtool latency FLIPS ROUNDS RFKILL_INDEX -- CMD_A... [-- CMD_B...]
//!       for each of ROUNDS rounds and each CMD in turn: start CMD (a watcher
//!       printing one line per rfkill event), flip the lab's hard switch
//!       FLIPS/ROUNDS times, stop it; print, per CMD, the time from a flip to
//!       the watcher's line on its stdout (median, p90, worst).
//!
//! A flip: set bit 0 of /dev/port offset 0xE0 (pc-testdev), then make
//! dell-rbtn re-read it by writing the device's current soft state back to
//! /sys/class/rfkill/rfkillN/soft. The clock starts right before that write.
#![forbid(unsafe_code)]

use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::process::{exit, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

const SWITCH_PORT: u64 = 0xE0;

fn usage() -> ! {
    eprintln!("usage: labtool alternate N -- CMD_A... -- CMD_B...");
    eprintln!("       labtool rotate N -- @LABEL CMD... -- @LABEL CMD... [...]");
    eprintln!("       labtool latency FLIPS ROUNDS RFKILL_INDEX -- CMD_A... [-- CMD_B...]");
    exit(2);
}

fn die(msg: &str) -> ! {
    eprintln!("labtool: {msg}");
    exit(1);
}

fn parse_num(s: &str) -> u64 {
    s.parse()
        .unwrap_or_else(|_| die(&format!("not a number: {s}")))
}

/// Summary of a set of durations, in microseconds.
struct Stats {
    n: usize,
    min: f64,
    median: f64,
    mean: f64,
    p90: f64,
    max: f64,
}

fn stats(samples: &[Duration]) -> Stats {
    let mut us: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e6).collect();
    us.sort_by(|a, b| a.total_cmp(b));
    let n = us.len();
    if n == 0 {
        return Stats {
            n,
            min: 0.0,
            median: 0.0,
            mean: 0.0,
            p90: 0.0,
            max: 0.0,
        };
    }
    let median = if n % 2 == 1 {
        us[n / 2]
    } else {
        (us[n / 2 - 1] + us[n / 2]) / 2.0
    };
    let p90 = us[((n as f64 * 0.9).ceil() as usize).clamp(1, n) - 1];
    Stats {
        n,
        min: us[0],
        median,
        mean: us.iter().sum::<f64>() / n as f64,
        p90,
        max: us[n - 1],
    }
}

fn print_stats(label: &str, s: &Stats) {
    println!(
        "@@BENCH {label}: n={} median={:.0}us mean={:.0}us p90={:.0}us min={:.0}us max={:.0}us",
        s.n, s.median, s.mean, s.p90, s.min, s.max
    );
}

fn split_cmds(args: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for a in args {
        if a == "--" {
            out.push(Vec::new());
        } else if let Some(last) = out.last_mut() {
            last.push(a.clone());
        } else {
            usage();
        }
    }
    if out.iter().any(|c| c.is_empty()) {
        usage();
    }
    out
}

fn run_once(cmd: &[String]) -> Duration {
    let t0 = Instant::now();
    let status = Command::new(&cmd[0])
        .args(&cmd[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| die(&format!("cannot run {}: {e}", cmd[0])));
    let dt = t0.elapsed();
    if !status.success() {
        die(&format!("{} exited with {status}", cmd.join(" ")));
    }
    dt
}

fn alternate(args: &[String]) {
    if args.is_empty() {
        usage();
    }
    let n = parse_num(&args[0]) as usize;
    let cmds = split_cmds(&args[1..]);
    if cmds.len() != 2 {
        usage();
    }
    // one untimed run each to warm the page cache
    run_once(&cmds[0]);
    run_once(&cmds[1]);
    let (mut a, mut b) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        // alternate which goes first, so neither always follows the other
        if i % 2 == 0 {
            a.push(run_once(&cmds[0]));
            b.push(run_once(&cmds[1]));
        } else {
            b.push(run_once(&cmds[1]));
            a.push(run_once(&cmds[0]));
        }
    }
    let (sa, sb) = (stats(&a), stats(&b));
    print_stats(&format!("A [{}]", cmds[0].join(" ")), &sa);
    print_stats(&format!("B [{}]", cmds[1].join(" ")), &sb);
    println!(
        "@@BENCH ratio A/B: median {:.3} mean {:.3}",
        sa.median / sb.median,
        sa.mean / sb.mean
    );
}

/// Set bit 0 of the switch port (the Dell switch), keeping the other bits.
fn rotate(args: &[String]) {
    if args.is_empty() {
        usage();
    }
    let n = parse_num(&args[0]) as usize;
    let mut cmds = split_cmds(&args[1..]);
    let mut labels = Vec::new();
    for c in &mut cmds {
        if !c[0].starts_with('@') || c.len() < 2 {
            usage();
        }
        labels.push(c.remove(0)[1..].to_owned());
    }
    let k = cmds.len();
    for c in &cmds {
        run_once(c);
    }
    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(n); k];
    for i in 0..n {
        for j in 0..k {
            let c = (i + j) % k;
            samples[c].push(run_once(&cmds[c]));
        }
    }
    let st: Vec<Stats> = samples.iter().map(|s| stats(s)).collect();
    for (c, s) in st.iter().enumerate() {
        println!(
            "@@BENCH row {}: n={} median={:.0}us p90={:.0}us min={:.0}us ratio={:.2} [{}]",
            labels[c],
            s.n,
            s.median,
            s.p90,
            s.min,
            s.median / st[0].median,
            cmds[c].join(" ")
        );
    }
}

fn set_switch(on: bool) {
    let mut port = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/port")
        .unwrap_or_else(|e| die(&format!("/dev/port: {e}")));
    let mut cur = [0u8; 1];
    port.seek(SeekFrom::Start(SWITCH_PORT))
        .and_then(|_| port.read_exact(&mut cur))
        .unwrap_or_else(|e| die(&format!("/dev/port: {e}")));
    let byte = if on { cur[0] | 1 } else { cur[0] & !1 };
    port.seek(SeekFrom::Start(SWITCH_PORT))
        .and_then(|_| port.write_all(&[byte]))
        .unwrap_or_else(|e| die(&format!("/dev/port: {e}")));
}

fn poke(soft_path: &str) {
    let cur = fs::read_to_string(soft_path).unwrap_or_else(|e| die(&format!("{soft_path}: {e}")));
    let mut f = OpenOptions::new()
        .write(true)
        .open(soft_path)
        .unwrap_or_else(|e| die(&format!("{soft_path}: {e}")));
    f.write_all(cur.trim().as_bytes())
        .unwrap_or_else(|e| die(&format!("{soft_path}: {e}")));
}

fn latency(args: &[String]) {
    if args.len() < 5 {
        usage();
    }
    let flips = parse_num(&args[0]);
    let rounds = parse_num(&args[1]).max(1);
    let idx = parse_num(&args[2]);
    let cmds = split_cmds(&args[3..]);
    if cmds.is_empty() {
        usage();
    }
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); cmds.len()];
    let mut lost = vec![0u64; cmds.len()];
    for r in 0..rounds {
        let n = flips / rounds + u64::from(r < flips % rounds);
        for (i, cmd) in cmds.iter().enumerate() {
            lost[i] += latency_round(idx, n, cmd, &mut samples[i]);
        }
    }
    for (i, cmd) in cmds.iter().enumerate() {
        print_stats(&format!("latency [{}]", cmd.join(" ")), &stats(&samples[i]));
        if lost[i] > 0 {
            println!(
                "@@BENCH latency [{}]: {} flips without a line within 5 s",
                cmd.join(" "),
                lost[i]
            );
        }
    }
}

/// Start CMD, flip the switch N times, add each flip-to-line time to SAMPLES;
/// returns how many flips got no line.
fn latency_round(idx: u64, n: u64, cmd: &[String], samples: &mut Vec<Duration>) -> u64 {
    let soft = format!("/sys/class/rfkill/rfkill{idx}/soft");
    let hard = format!("/sys/class/rfkill/rfkill{idx}/hard");

    let mut child = Command::new(&cmd[0])
        .args(&cmd[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| die(&format!("cannot run {}: {e}", cmd[0])));
    let out = child.stdout.take().unwrap_or_else(|| die("no stdout pipe"));
    let (tx, rx) = mpsc::channel::<(Instant, String)>();
    thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send((Instant::now(), line)).is_err() {
                break;
            }
        }
    });
    // the watcher is ready once it has printed the devices present at start,
    // then stays quiet for 500 ms; one that prints nothing at start gets 2 s
    let _ = rx.recv_timeout(Duration::from_secs(2));
    while rx.recv_timeout(Duration::from_millis(500)).is_ok() {}

    let mut on = fs::read_to_string(&hard)
        .map(|s| s.trim() == "0")
        .unwrap_or(true);
    let mut lost = 0;
    for _ in 0..n {
        on = !on;
        set_switch(on);
        let t0 = Instant::now();
        poke(&soft);
        match rx.recv_timeout(Duration::from_secs(5)) {
            Ok((t, _line)) => samples.push(t.duration_since(t0)),
            Err(_) => lost += 1,
        }
        // take any extra line (there should be none) and let the system settle
        while let Ok((_, line)) = rx.recv_timeout(Duration::from_millis(60)) {
            eprintln!("labtool: extra line: {line}");
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    lost
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("alternate") => alternate(&args[1..]),
        Some("latency") => latency(&args[1..]),
        Some("rotate") => rotate(&args[1..]),
        // the start-up floor of a static Rust binary (for the benchmark)
        Some("true") => {}
        _ => usage(),
    }
}
