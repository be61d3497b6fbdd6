//! `pin13 watch`: one line per rfkill event as it happens, with a local
//! timestamp, the device name, type, op, soft, hard and hard-block reasons.
//!
//! Like util-linux `rfkill event`, the first lines are the ADD events the
//! kernel queues on open (one per radio present), then changes follow. It
//! blocks in poll() (no sleeping), stops after `--count` events or
//! `--timeout` seconds, and exits 0 on Ctrl-C and when the reader of its
//! output goes away (`pin13 watch | head -3`).
#![forbid(unsafe_code)]

use std::io::Write;
use std::time::{Duration, Instant};

use crate::context::Context;
use crate::model::duration;
use crate::model::inventory;
use crate::model::select::{self, Selector};
use crate::render::watch::Formatter;
use crate::sys::clock::Stamp;
use crate::sys::device::{sigint_pipe, DevSource, Device};

use crate::error::Error;
use crate::exit::Status;
use crate::sys::{EventSource, Next};

#[derive(Debug, clap::Args)]
#[command(after_help = WATCH_HELP)]
pub struct WatchArgs {
    /// Only events of these radios: index, device name, type or `all`.
    #[arg(value_name = "SELECTOR")]
    pub selectors: Vec<String>,

    /// JSON lines: {"time", "id", "type", "device", "op", "soft", "hard", "reasons"}.
    #[arg(short = 'J', long)]
    pub json: bool,

    /// Stop after N events (the initial ADD events count).
    #[arg(long, value_name = "N", value_parser = parse_count, allow_negative_numbers = true)]
    pub count: Option<u64>,

    /// Stop after SECS seconds (decimals allowed), exit status 0.
    #[arg(long, value_name = "SECS", value_parser = parse_timeout, allow_negative_numbers = true)]
    pub timeout: Option<Duration>,
}

const WATCH_HELP: &str = "\
The first lines are one `add` per radio present (as with `rfkill event`),
then one line per change, hot-plug (`add`) and removal (`del`):
  2026-11-24 14:46:57.411611+00:00 change id=2 device=dell-rbtn type=wlan soft=unblocked hard=unblocked reasons=-
reasons: signal (switch or kill line), not-owner (firmware owns the radio),
unspecified (hard-blocked, the driver gives no reason), unknown (kernel < 5.11),
- (not hard-blocked). With --json, `reasons` is a list: [] when not hard-blocked
and for unspecified (no reason bits), null when unknown. Ctrl-C, a closed pipe
(`| head`), --count and --timeout exit 0.";

/// `--count`: a whole number of events, 1 or more.
fn parse_count(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(0) => Err("must be at least 1 (the number of events to show)".into()),
        Ok(n) => Ok(n),
        Err(_) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            Err(format!("must be at most {}", u64::MAX))
        }
        Err(_) => Err("must be a whole number of events, at least 1".into()),
    }
}

/// `--timeout`: 0 up to 1e9 seconds; a bare number is seconds.
fn parse_timeout(s: &str) -> Result<Duration, String> {
    duration::parse(
        s,
        &duration::Spec::secs_up_to(Duration::from_secs(1_000_000_000)),
    )
}

/// Why the loop ended (all end with exit status 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Count,
    Timeout,
    End,
    Interrupted,
    OutputClosed,
}

/// Options of the loop.
#[derive(Debug, Clone, Default)]
pub struct LoopOpts {
    pub count: Option<u64>,
    pub timeout: Option<Duration>,
    pub selectors: Vec<Selector>,
}

/// The watch loop over any event source; `now` gives timestamps (tests pass
/// a fixed clock). Writes one line per matching event and flushes it.
pub fn watch_loop(
    src: &mut dyn EventSource,
    fmt: &mut Formatter<'_>,
    out: &mut dyn Write,
    opts: &LoopOpts,
    now: &mut dyn FnMut() -> Stamp,
) -> Result<Ended, Error> {
    let deadline = opts.timeout.map(|t| Instant::now() + t);
    let mut seen = 0u64;
    loop {
        if opts.count.is_some_and(|c| seen >= c) {
            return Ok(Ended::Count);
        }
        let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let ev = match src.next_event(left)? {
            Next::Event(ev) => ev,
            Next::TimedOut => return Ok(Ended::Timeout),
            Next::End => return Ok(Ended::End),
            Next::Interrupted => return Ok(Ended::Interrupted),
            Next::OutputClosed => return Ok(Ended::OutputClosed),
        };
        let t = now();
        if !opts.selectors.is_empty() {
            let name = fmt.name_of(&ev);
            let hit = opts.selectors.iter().any(|s| match s {
                Selector::All => true,
                Selector::Type(k) => ev.kind == *k,
                Selector::Index(n) => ev.idx == *n,
                Selector::Name(n) => name == *n,
            });
            if !hit {
                continue;
            }
        }
        let line = fmt.line(&ev, t);
        match out
            .write_all(crate::render::escape::text(&line).as_bytes())
            .and_then(|()| out.flush())
        {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(Ended::OutputClosed),
            Err(e) => return Err(Error::Output(e)),
        }
        seen += 1;
    }
}

pub fn run(ctx: &Context, args: &WatchArgs) -> Result<Status, Error> {
    if ctx.replay.is_some() {
        return Err(Error::usage(
            "watch reads live events; --replay does not apply",
            None,
        ));
    }
    // Selectors are checked against the radios present now.
    let selectors = if args.selectors.is_empty() {
        Vec::new()
    } else {
        let inv = inventory::load(ctx)?;
        select::parse_all(&args.selectors, &inv.radios)?
    };
    let dev = Device::open_read(&ctx.rfkill_dev).map_err(|e| inventory::device_error(ctx, e))?;
    let mut src = DevSource::new(dev)
        .stop_on(sigint_pipe()?)
        .watch_stdout(true);
    let mut fmt = Formatter::new(&ctx.sysfs, args.json);
    let opts = LoopOpts {
        count: args.count,
        timeout: args.timeout,
        selectors,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    watch_loop(&mut src, &mut fmt, &mut out, &opts, &mut Stamp::now)?;
    Ok(Status::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::source::{Records, Scripted};
    use crate::sys::sysfs::Sysfs;
    use crate::sys::Op;
    use crate::sys::RfkillType;
    use crate::testkit::wlan_event as ev;
    use std::path::Path;

    fn sysfs(name: &str) -> Sysfs {
        Sysfs::new(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../tests/fixtures/sysfs")
                .join(name),
        )
    }

    fn fixed() -> impl FnMut() -> Stamp {
        let mut n = 0;
        move || {
            n += 1;
            Stamp {
                secs: 1_795_530_262 + n,
                micros: 368_237,
                offset: 3600,
            }
        }
    }

    fn run_script(
        tree: &str,
        json: bool,
        src: &mut dyn EventSource,
        opts: LoopOpts,
    ) -> (Ended, String) {
        let s = sysfs(tree);
        let mut f = Formatter::new(&s, json);
        let mut out = Vec::new();
        let end = watch_loop(src, &mut f, &mut out, &opts, &mut fixed()).unwrap();
        (end, String::from_utf8(out).unwrap())
    }

    #[test]
    fn json_lines_for_the_pin13_case() {
        let mut src = Scripted::events([
            ev(0, Op::Add, false, true, Some(1)),
            ev(1, Op::Add, false, false, Some(0)),
            ev(0, Op::Change, false, false, Some(0)),
        ]);
        let (end, out) = run_script("ipw2200-hardkill", true, &mut src, LoopOpts::default());
        assert_eq!(end, Ended::End);
        assert_eq!(
            out,
            concat!(
                r#"{"time":"2026-11-24T15:24:23.368237+01:00","id":0,"type":"wlan","device":"phy0","op":"add","soft":"unblocked","hard":"blocked","reasons":["signal"]}"#,
                "\n",
                r#"{"time":"2026-11-24T15:24:24.368237+01:00","id":1,"type":"wlan","device":"acer-wireless","op":"add","soft":"unblocked","hard":"unblocked","reasons":[]}"#,
                "\n",
                r#"{"time":"2026-11-24T15:24:25.368237+01:00","id":0,"type":"wlan","device":"phy0","op":"change","soft":"unblocked","hard":"unblocked","reasons":[]}"#,
                "\n"
            )
        );
    }

    #[test]
    fn text_lines_take_reasons_from_sysfs_for_8_byte_events() {
        let mut src = Scripted::events([ev(0, Op::Add, false, true, None)]);
        let (_, out) = run_script("ipw2200-hardkill", false, &mut src, LoopOpts::default());
        assert_eq!(
            out,
            "2026-11-24 15:24:23.368237+01:00 add id=0 device=phy0 type=wlan soft=unblocked \
             hard=blocked reasons=signal\n"
        );
        // pre-5.11: nobody knows the reasons
        let mut src = Scripted::events([ev(0, Op::Add, false, true, None)]);
        let (_, out) = run_script("pre511-ipw2200-btusb", true, &mut src, LoopOpts::default());
        assert!(out.contains(r#""reasons":null"#), "{out}");
    }

    #[test]
    fn del_keeps_the_name_and_unknown_radios_have_none() {
        let mut src = Scripted::events([
            ev(1, Op::Add, false, false, None),
            ev(1, Op::Del, false, false, None),
            ev(42, Op::Add, false, false, None),
        ]);
        let (_, out) = run_script("ipw2200-hardkill", true, &mut src, LoopOpts::default());
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[1].contains(r#""device":"acer-wireless","op":"del""#));
        assert!(lines[2].contains(r#""device":null"#));
    }

    #[test]
    fn count_stops_after_n_and_filters_count_only_matches() {
        let mut src = Scripted::events([
            ev(0, Op::Add, false, true, Some(1)),
            ev(1, Op::Add, false, false, Some(0)),
            ev(1, Op::Change, true, false, Some(0)),
            ev(0, Op::Change, false, false, Some(0)),
        ]);
        let opts = LoopOpts {
            count: Some(2),
            selectors: vec![Selector::Name("acer-wireless".into())],
            ..Default::default()
        };
        let (end, out) = run_script("ipw2200-hardkill", false, &mut src, opts);
        assert_eq!(end, Ended::Count);
        assert_eq!(out.lines().count(), 2);
        assert!(out.lines().all(|l| l.contains("device=acer-wireless")));
        assert_eq!(src.remaining(), 1, "stopped right after the second match");
    }

    #[test]
    fn timeout_interrupt_and_closed_output_end_quietly() {
        for (item, want) in [
            (Next::TimedOut, Ended::Timeout),
            (Next::Interrupted, Ended::Interrupted),
            (Next::OutputClosed, Ended::OutputClosed),
        ] {
            let mut src = Scripted::new([Next::Event(ev(0, Op::Add, false, false, None)), item]);
            let (end, out) = run_script("ipw2200-hardkill", false, &mut src, LoopOpts::default());
            assert_eq!(end, want);
            assert_eq!(out.lines().count(), 1);
        }
    }

    /// A writer whose reader has gone: every write fails with EPIPE.
    struct ClosedPipe;
    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_stdout_ends_the_loop_without_error() {
        let s = sysfs("ipw2200-hardkill");
        let mut f = Formatter::new(&s, false);
        let mut src = Scripted::events([ev(0, Op::Add, false, false, None); 3]);
        let end = watch_loop(
            &mut src,
            &mut f,
            &mut ClosedPipe,
            &LoopOpts::default(),
            &mut fixed(),
        )
        .unwrap();
        assert_eq!(end, Ended::OutputClosed);
        assert_eq!(src.remaining(), 2);
    }

    #[test]
    fn the_real_capture_replays_in_order() {
        let dir =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/events/qemu-all-types");
        let data = std::fs::read(dir.join("events.bin")).unwrap();
        let mut src = Records::new(data, 8).unwrap();
        let (end, out) = run_script("qemu-all-types", true, &mut src, LoopOpts::default());
        assert_eq!(end, Ended::End);
        // same sequence as util-linux `rfkill event` read at the same time
        let reference = std::fs::read_to_string(dir.join("rfkill-event.txt")).unwrap();
        let want: Vec<String> = reference
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                // "...: idx 0 type 1 op 0 soft 0 hard 0"
                let n = f.len();
                format!(
                    "{} {} {} {} {}",
                    f[n - 9],
                    f[n - 7],
                    f[n - 5],
                    f[n - 3],
                    f[n - 1]
                )
            })
            .collect();
        let got: Vec<String> = out
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let t = RfkillType::from_user_name(v["type"].as_str().unwrap()).unwrap();
                let op = match v["op"].as_str().unwrap() {
                    "add" => 0,
                    "del" => 1,
                    "change" => 2,
                    o => panic!("{o}"),
                };
                let b = |k: &str| u8::from(v[k] == "blocked");
                format!("{} {} {op} {} {}", v["id"], t.to_u8(), b("soft"), b("hard"))
            })
            .collect();
        assert_eq!(got, want);
        assert!(out.lines().next().unwrap().contains(r#""device":"phy0""#));
    }

    #[test]
    fn timeout_values() {
        assert_eq!(parse_timeout("2").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_timeout("0.25").unwrap(), Duration::from_millis(250));
        assert!(parse_timeout("-1").is_err());
        assert!(parse_timeout("nan").is_err());
        assert!(parse_timeout("soon").is_err());
    }

    #[test]
    fn count_is_a_whole_number_from_1() {
        assert_eq!(parse_count("1"), Ok(1));
        assert_eq!(parse_count("18446744073709551615"), Ok(u64::MAX));
        assert!(parse_count("0")
            .unwrap_err()
            .starts_with("must be at least 1"));
        assert_eq!(
            parse_count("18446744073709551616").unwrap_err(),
            "must be at most 18446744073709551615"
        );
        for bad in ["", "-1", "1.5", "x", " 1"] {
            assert_eq!(
                parse_count(bad).unwrap_err(),
                "must be a whole number of events, at least 1",
                "{bad:?}"
            );
        }
    }
}
