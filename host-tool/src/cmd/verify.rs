//! `pin13 verify [SELECTOR] [--duration SECS] [--json]`: the tape-mod check.
//!
//! Watches one radio (by default the wireless card's own rfkill device) for a
//! while the user presses the kill button or slides the switch. PASS (exit 0)
//! when its hard block never appeared and it never vanished; FAIL (exit 4)
//! otherwise, with the timeline. The decision is the pure [`watcher`]; this
//! file picks the target, drives the watcher with an [`EventSource`] and a
//! [`Clock`], shows a countdown on a terminal and renders the verdict.
#![forbid(unsafe_code)]

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::context::Context;
use crate::error::Error;
use crate::exit::Status;
use crate::model::duration;
use crate::model::watcher::{
    conclude, pick_target, Conclusion, Ending, Entry, Verdict, Watcher, What,
};
use crate::render::escape;
use crate::render::verify::{render_entry, render_header, render_json, render_verdict, TargetInfo};
use crate::sys::clock::{Clock, MonoClock};
use crate::sys::source::{EventSource, Next};

/// Longest watch accepted (a day).
const MAX: Duration = Duration::from_secs(86_400);
/// Shortest watch accepted: nobody presses a switch in less, and a shorter
/// run would call a check PASS that never had the chance to fail.
const MIN: Duration = Duration::from_secs(1);

/// Shown under `pin13 verify --help`.
pub const AFTER_HELP: &str = "\
Press the laptop's wireless kill button or slide its switch, several times,
while the countdown runs. PASS: the radio was never hard-blocked, not even for
a moment, and never vanished. Needs read access to /dev/rfkill.

Exit status: 0 PASS, 4 FAIL (with the timeline), 6 incomplete (interrupted, or
the events ended before the duration: proves nothing), 1 error, 2 usage.";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct VerifyArgs {
    /// The radio to watch: index, device name (phy0) or type. Default: the
    /// wireless card's own rfkill device (the ipw2200 one when there is one).
    #[arg(value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// How long to watch, in seconds (fractions allowed; at least 1 s).
    #[arg(long, short = 'd', value_name = "SECS", default_value = "30", value_parser = parse_duration,
          allow_negative_numbers = true)]
    pub duration: Duration,

    /// Print the result as one JSON object instead of the report (events are
    /// still shown live on stderr when it is a terminal).
    #[arg(long, short = 'J')]
    pub json: bool,
}

/// `--duration`: 1 s to a day; a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    duration::parse(
        s,
        &duration::Spec {
            min: MIN,
            ..duration::Spec::secs_up_to(MAX)
        },
    )
}

/// Drive `w` with events from `src` until `duration` has passed on `clock`.
/// Every timeline entry is written to `out` as it happens; with a countdown
/// writer (a terminal), a "N s left" line is kept up to date there.
/// `namer` gives the sysfs name of a radio that appears during the watch.
pub fn run_watch<S, C>(
    src: &mut S,
    clock: &C,
    w: &mut Watcher,
    duration: Duration,
    out: &mut dyn Write,
    mut countdown: Option<&mut dyn Write>,
    namer: &mut dyn FnMut(u32) -> Option<String>,
) -> Result<Ending, Error>
where
    S: EventSource + ?Sized,
    C: Clock + ?Sized,
{
    let mut shown_left: Option<u64> = None;
    let ending = loop {
        let now = clock.now();
        if now >= duration {
            break Ending::Completed;
        }
        let left = duration - now;
        let mut timeout = left;
        if let Some(cd) = countdown.as_deref_mut() {
            let whole = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            if shown_left != Some(whole) {
                shown_left = Some(whole);
                let _ = write!(
                    cd,
                    "\r\x1b[K  {whole} s left: press the kill switch / slide the switch now"
                );
                let _ = cd.flush();
            }
            // Wake up when the shown number must change.
            let to_tick = left.saturating_sub(Duration::from_secs(whole.saturating_sub(1)));
            if !to_tick.is_zero() {
                timeout = timeout.min(to_tick);
            }
        }
        match src.next_event(Some(timeout))? {
            Next::Event(ev) => {
                let at = clock.now().min(duration);
                let mut entries = w.feed(at, &ev);
                if entries.iter().any(|e| matches!(e.what, What::Added { .. })) {
                    if let Some(name) = namer(ev.idx) {
                        // Replace the "rfkillN" placeholder and maybe re-target.
                        let more = w.name_radio(at, ev.idx, &name);
                        for e in entries.iter_mut().filter(|e| e.id == ev.idx) {
                            e.device = name.clone();
                        }
                        entries.extend(more);
                    }
                }
                if !entries.is_empty() {
                    if let Some(cd) = countdown.as_deref_mut() {
                        let _ = write!(cd, "\r\x1b[K");
                        let _ = cd.flush();
                        shown_left = None;
                    }
                    for e in &entries {
                        writeln!(out, "{}", escape::text(&render_entry(e)))
                            .map_err(Error::Output)?;
                    }
                    out.flush().map_err(Error::Output)?;
                }
            }
            Next::TimedOut => {}
            Next::End => break Ending::StreamEnded,
            Next::Interrupted | Next::OutputClosed => break Ending::Interrupted,
        }
    };
    if let Some(cd) = countdown {
        let _ = write!(cd, "\r\x1b[K");
        let _ = cd.flush();
    }
    Ok(ending)
}

/// The exit status of a finished (or interrupted) watch.
pub fn outcome(v: &Verdict, ending: Ending, planned: Duration) -> Status {
    match conclude(v, ending, planned) {
        Conclusion::Pass => Status::Success,
        Conclusion::Fail => Status::HardBlocked,
        Conclusion::Incomplete => Status::Incomplete,
    }
}

pub fn run(ctx: &Context, args: &VerifyArgs) -> Result<Status, Error> {
    if ctx.replay.is_some() {
        return Err(Error::usage(
            "verify watches live events; it cannot answer from --replay",
            Some("run it on the laptop itself".into()),
        ));
    }
    // Open the event stream first: the kernel queues an ADD event per radio
    // on open, so a change between reading sysfs and now is not lost.
    let dev = crate::sys::device::Device::open_read(&ctx.rfkill_dev).map_err(|e| {
        let hint = e.hint();
        Error::runtime(format!("verify needs live rfkill events: {e}"), hint)
    })?;
    // The starting state comes from sysfs (names, parents, soft/hard); the
    // ADD events queued on open then confirm it, or show what changed since.
    // Without a readable sysfs class, fall back to the usual inventory.
    let radios = match crate::model::inventory::from_sysfs(&ctx.sysfs) {
        Ok(r) => r,
        Err(_) => crate::model::inventory::load(ctx)?.radios,
    };
    let target = pick_target(&radios, args.selector.as_deref())?;
    let info = TargetInfo::new(&radios, target);
    let mut src = crate::sys::device::DevSource::new(dev)
        // Ctrl-C, kill and a dropped ssh session all end the watch here, so
        // the countdown line is cleared and the result says "incomplete".
        .stop_on(crate::sys::device::end_of_session_pipe()?)
        .watch_stdout(!args.json);

    let stdout_tty = std::io::stdout().is_terminal();
    let stderr_tty = std::io::stderr().is_terminal();
    let mut stdout = std::io::stdout();
    let mut stderr = std::io::stderr();
    let mut sink = std::io::sink();
    // Live lines: stdout for the report; with --json they go to stderr (only
    // on a terminal), so stdout holds the JSON object alone.
    let live: &mut dyn Write = if !args.json {
        &mut stdout
    } else if stderr_tty {
        &mut stderr
    } else {
        &mut sink
    };
    let header = render_header(&info, args.duration);
    live.write_all(escape::text(&header).as_bytes())
        .map_err(Error::Output)?;
    let mut watcher = Watcher::new(&radios, target);
    for e in watcher_start_lines(&watcher) {
        writeln!(live, "{}", escape::text(&render_entry(&e))).map_err(Error::Output)?;
    }
    let mut cd_err = std::io::stderr();
    let countdown: Option<&mut dyn Write> = if stderr_tty && (stdout_tty || args.json) {
        Some(&mut cd_err)
    } else {
        None
    };
    let sysfs = ctx.sysfs.clone();
    let mut namer = |idx: u32| -> Option<String> {
        sysfs
            .radio(idx)
            .ok()
            .flatten()
            .map(|r| r.attrs.name)
            .filter(|n| !n.is_empty())
    };
    let clock = MonoClock::start();
    let ending = run_watch(
        &mut src,
        &clock,
        &mut watcher,
        args.duration,
        live,
        countdown,
        &mut namer,
    )?;
    let verdict = watcher.finish(clock.now().min(args.duration));
    let text = if args.json {
        let mut s = render_json(&info, &verdict, ending, args.duration);
        s.push('\n');
        s
    } else {
        render_verdict(&info, &verdict, ending, args.duration)
    };
    let mut out = std::io::stdout().lock();
    out.write_all(escape::text(&text).as_bytes())
        .and_then(|_| out.flush())
        .map_err(Error::Output)?;
    Ok(outcome(&verdict, ending, args.duration))
}

/// The entries a fresh watcher already holds (the start line).
fn watcher_start_lines(w: &Watcher) -> Vec<Entry> {
    w.clone().finish(Duration::ZERO).timeline
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::inventory::Radio;
    use crate::model::watcher::Failure;
    use crate::sys::DevError;
    use crate::sys::{Event, Op, Reasons, RfkillType};
    use crate::testkit::{node, pci_node, phy, platform};
    use std::cell::Cell;
    use std::rc::Rc;

    /// A fake clock shared with [`Timed`].
    #[derive(Clone, Default)]
    struct Fake(Rc<Cell<Duration>>);

    impl Clock for Fake {
        fn now(&self) -> Duration {
            self.0.get()
        }
    }

    /// Scripted events at given times: waiting advances the fake clock, so a
    /// 30-second watch runs in microseconds and exactly.
    struct Timed {
        clock: Fake,
        items: std::collections::VecDeque<(Duration, Next)>,
        waits: usize,
    }

    impl EventSource for Timed {
        fn next_event(&mut self, timeout: Option<Duration>) -> Result<Next, DevError> {
            self.waits += 1;
            let now = self.clock.now();
            let limit = now + timeout.unwrap_or(Duration::MAX / 4);
            match self.items.front() {
                Some((at, _)) if *at <= limit => {
                    let (at, item) = self.items.pop_front().unwrap();
                    self.clock.0.set(at.max(now));
                    Ok(item)
                }
                _ => {
                    self.clock.0.set(limit);
                    Ok(Next::TimedOut)
                }
            }
        }
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn change(idx: u32, soft: bool, hard: bool, reasons: u8) -> Next {
        Next::Event(Event {
            idx,
            kind: RfkillType::Wlan,
            op: Op::Change,
            soft,
            hard,
            reasons: Some(Reasons(reasons)),
        })
    }

    fn machine() -> Vec<Radio> {
        vec![
            platform(
                0,
                "acer-wireless",
                "acer-wmi",
                RfkillType::Wlan,
                false,
                false,
                Some(0),
            ),
            phy(
                1,
                false,
                false,
                Some(0),
                pci_node("0000:06:04.0", "ipw2200", 0x4220, Some(0)),
            ),
        ]
    }

    /// Run a whole watch on a script; returns (verdict, ending, live output, countdown output).
    fn drive(
        items: Vec<(Duration, Next)>,
        duration: Duration,
        with_countdown: bool,
    ) -> (Verdict, Ending, String, String, usize) {
        drive_target(1, items, duration, with_countdown)
    }

    fn drive_target(
        target: u32,
        items: Vec<(Duration, Next)>,
        duration: Duration,
        with_countdown: bool,
    ) -> (Verdict, Ending, String, String, usize) {
        let radios = machine();
        let clock = Fake::default();
        let mut src = Timed {
            clock: clock.clone(),
            items: items.into(),
            waits: 0,
        };
        let mut w = Watcher::new(&radios, target);
        let mut out = Vec::new();
        let mut cd = Vec::new();
        let ending = run_watch(
            &mut src,
            &clock,
            &mut w,
            duration,
            &mut out,
            if with_countdown { Some(&mut cd) } else { None },
            &mut |_| None,
        )
        .unwrap();
        let v = w.finish(clock.now().min(duration));
        (
            v,
            ending,
            String::from_utf8(out).unwrap(),
            String::from_utf8(cd).unwrap(),
            src.waits,
        )
    }

    #[test]
    fn default_target_is_the_card_not_the_platform_switch() {
        assert_eq!(pick_target(&machine(), None).unwrap(), 1);
        // ipw2200 preferred over another card.
        let mut rs = machine();
        rs.insert(
            0,
            phy(
                5,
                false,
                false,
                Some(0),
                node(
                    "devices/pci0000:00/0000:00:14.3",
                    Some("pci"),
                    Some("iwlwifi"),
                ),
            ),
        );
        assert_eq!(pick_target(&rs, None).unwrap(), 1);
        // Only a platform switch: a usage error naming what exists.
        let only = vec![platform(
            0,
            "acer-wireless",
            "acer-wmi",
            RfkillType::Wlan,
            false,
            false,
            Some(0),
        )];
        let e = pick_target(&only, None).unwrap_err();
        assert_eq!(e.status(), Status::Usage);
        assert!(e.hint().unwrap().contains("0 acer-wireless"));
    }

    #[test]
    fn selector_must_name_exactly_one_radio() {
        assert_eq!(pick_target(&machine(), Some("acer-wireless")).unwrap(), 0);
        assert_eq!(pick_target(&machine(), Some("1")).unwrap(), 1);
        let e = pick_target(&machine(), Some("wlan")).unwrap_err();
        assert!(e.to_string().contains("matches 2"), "{e}");
        assert!(pick_target(&machine(), Some("nope")).is_err());
    }

    #[test]
    fn quiet_watch_passes_after_the_full_duration() {
        let (v, ending, live, _, waits) = drive(vec![], Duration::from_secs(30), false);
        assert_eq!(ending, Ending::Completed);
        assert!(v.pass);
        assert_eq!(v.watched, Duration::from_secs(30));
        assert!(live.is_empty());
        assert_eq!(waits, 1, "no countdown: one wait for the whole duration");
        assert_eq!(
            outcome(&v, ending, Duration::from_secs(30)),
            Status::Success
        );
        let t = TargetInfo::new(&machine(), 1);
        let text = render_verdict(&t, &v, ending, Duration::from_secs(30));
        assert!(
            text.starts_with("PASS: phy0 was never hard-blocked and stayed present for 30 s"),
            "{text}"
        );
        assert!(text.contains("pin 13 holds"), "{text}");
        assert!(text.contains("Nothing changed at all"), "{text}");
    }

    #[test]
    fn a_200_ms_flicker_fails() {
        let (v, ending, live, _, _) = drive(
            vec![
                (ms(4000), change(1, false, true, 1)),
                (ms(4200), change(1, false, false, 0)),
            ],
            Duration::from_secs(10),
            false,
        );
        assert_eq!(ending, Ending::Completed);
        assert!(!v.pass);
        assert_eq!(
            v.failures,
            vec![Failure::Hard {
                at: ms(4000),
                lasted: Some(ms(200))
            }]
        );
        assert_eq!(
            live,
            "  +4.000s * phy0           HARD BLOCKED (signal)\n  +4.200s * phy0           hard unblocked after 0.200 s\n"
        );
        assert_eq!(
            outcome(&v, ending, Duration::from_secs(10)),
            Status::HardBlocked
        );
        let t = TargetInfo::new(&machine(), 1);
        let text = render_verdict(&t, &v, ending, Duration::from_secs(10));
        assert!(
            text.starts_with(
                "FAIL: phy0 was hard-blocked 1 time (0.200 s at +4.000s).\nTimeline:\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("  +0.000s * phy0           start: soft unblocked, hard unblocked\n"),
            "{text}"
        );
        assert!(text.contains("pin13 jig probe"), "{text}");
    }

    #[test]
    fn device_removed_mid_run_fails_with_a_clear_line() {
        let del = Next::Event(Event {
            idx: 1,
            kind: RfkillType::Wlan,
            op: Op::Del,
            soft: false,
            hard: false,
            reasons: None,
        });
        let (v, ending, live, _, _) = drive(vec![(ms(2500), del)], Duration::from_secs(5), false);
        assert_eq!(ending, Ending::Completed);
        assert_eq!(v.failures, vec![Failure::Removed { at: ms(2500) }]);
        assert!(
            live.contains("+2.500s * phy0           REMOVED (the device went away)"),
            "{live}"
        );
        let t = TargetInfo::new(&machine(), 1);
        let text = render_verdict(&t, &v, ending, Duration::from_secs(5));
        assert!(
            text.starts_with("FAIL: phy0 disappeared at +2.500s (its driver unregistered it).\n"),
            "{text}"
        );
        assert!(text.contains("dmesg"), "{text}");
    }

    #[test]
    fn events_on_other_radios_are_shown_but_pass() {
        let (v, _, live, _, _) = drive(
            vec![
                (ms(1000), change(0, false, true, 1)),
                (ms(1500), change(0, false, false, 0)),
            ],
            Duration::from_secs(3),
            false,
        );
        assert!(v.pass);
        assert!(
            live.contains("acer-wireless  HARD BLOCKED (signal)"),
            "{live}"
        );
        assert_eq!(v.other_changes, 2);
    }

    #[test]
    fn countdown_ticks_once_a_second_and_is_cleared() {
        let (v, _, live, cd, waits) = drive(
            vec![(ms(1500), change(0, true, false, 0))],
            Duration::from_secs(3),
            true,
        );
        assert!(v.pass);
        assert!(cd.contains("\r\x1b[K  3 s left"), "{cd:?}");
        assert!(cd.contains("\r\x1b[K  2 s left"), "{cd:?}");
        assert!(cd.contains("\r\x1b[K  1 s left"), "{cd:?}");
        assert!(cd.ends_with("\r\x1b[K"), "cleared at the end: {cd:?}");
        assert!(
            !live.contains('\r'),
            "the countdown never reaches the report"
        );
        assert!(waits >= 4, "woke up for each tick: {waits}");
    }

    #[test]
    fn interrupted_without_failure_is_incomplete_never_a_pass() {
        let five = Duration::from_secs(5);
        let (v, ending, _, _, _) = drive(vec![(ms(700), Next::Interrupted)], five, false);
        assert_eq!(ending, Ending::Interrupted);
        assert!(v.pass, "no failure was seen");
        assert_eq!(outcome(&v, ending, five), Status::Incomplete);
        let t = TargetInfo::new(&machine(), 1);
        let text = render_verdict(&t, &v, ending, five);
        assert_eq!(
            text,
            "INCOMPLETE: phy0 was watched for 0.700 s of 5 s: it was interrupted, so this proves \
             nothing yet (no hard block so far, 0 changes on other radios).\n\
             next: run `pin13 verify` again and let the countdown finish, pressing the switch \
             while it runs.\n"
        );
        assert!(!text.contains("PASS") && !text.contains("holds"), "{text}");
        let j: serde_json::Value =
            serde_json::from_str(&render_json(&t, &v, ending, five)).unwrap();
        assert_eq!(j["result"], "incomplete");
        assert_eq!(j["ended"], "interrupted");
        // With a failure already seen, an interrupted watch is a FAIL.
        let (v, ending, _, _, _) = drive(
            vec![
                (ms(100), change(1, false, true, 1)),
                (ms(700), Next::Interrupted),
            ],
            five,
            false,
        );
        assert_eq!(outcome(&v, ending, five), Status::HardBlocked);
    }

    #[test]
    fn a_platform_switch_target_is_told_to_verify_the_card() {
        let (v, ending, _, _, _) = drive_target(
            0,
            vec![(ms(500), change(0, false, true, 0))],
            ms(1000),
            false,
        );
        let t = TargetInfo::new(&machine(), 0);
        let text = render_verdict(&t, &v, ending, ms(1000));
        assert!(
            text.starts_with(
                "FAIL: acer-wireless was hard-blocked 1 time (from +0.500s until the end)."
            ),
            "{text}"
        );
        assert!(text.contains("is a platform switch"), "{text}");
        assert!(!text.contains("pin 13"), "{text}");
    }

    #[test]
    fn a_stream_that_ends_early_is_incomplete() {
        let five = Duration::from_secs(5);
        let (v, ending, _, _, _) = drive(vec![(ms(100), Next::End)], five, false);
        assert_eq!(ending, Ending::StreamEnded);
        assert_eq!(outcome(&v, ending, five), Status::Incomplete);
        let t = TargetInfo::new(&machine(), 1);
        let text = render_verdict(&t, &v, ending, five);
        assert!(
            text.starts_with(
                "INCOMPLETE: phy0 was watched for 0.100 s of 5 s: the event stream ended"
            ),
            "{text}"
        );
        // ...and at 0 s too (a capture file that ends at once)
        let (v, ending, _, _, _) = drive(vec![(ms(0), Next::End)], five, false);
        assert_eq!(outcome(&v, ending, five), Status::Incomplete);
    }

    #[test]
    fn json_verdict() {
        let (v, ending, _, _, _) = drive(
            vec![
                (ms(4000), change(1, false, true, 1)),
                (ms(4200), change(1, false, false, 0)),
            ],
            Duration::from_secs(10),
            false,
        );
        let t = TargetInfo::new(&machine(), 1);
        let j: serde_json::Value =
            serde_json::from_str(&render_json(&t, &v, ending, Duration::from_secs(10))).unwrap();
        assert_eq!(j["result"], "fail");
        assert_eq!(j["device"], "phy0");
        assert_eq!(j["failures"][0]["kind"], "hard-blocked");
        assert_eq!(j["failures"][0]["lasted"], 0.2);
        assert_eq!(j["timeline"][1]["hard"], "blocked");
        assert_eq!(j["timeline"][1]["reasons"], serde_json::json!(["signal"]));
        assert_eq!(j["ended"], "completed");
    }

    #[test]
    fn duration_parsing() {
        assert_eq!(parse_duration("30").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("1.5").unwrap(), ms(1500));
        assert_eq!(parse_duration("1").unwrap(), ms(1000));
        for short in ["0", "0.5", "999ms", "1e-12"] {
            assert!(
                parse_duration(short)
                    .unwrap_err()
                    .contains("too short: at least 1 s"),
                "{short}"
            );
        }
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("abc")
            .unwrap_err()
            .contains("not a duration"));
        assert!(parse_duration("nan").is_err());
        assert!(parse_duration("inf").is_err());
        assert!(parse_duration("100000").is_err());
    }
}
