//! `pin13 event`: util-linux's `rfkill event` lines, byte for byte
//! (`2026-12-02 07:38:11,429567+00:00: idx 0 type 1 op 0 soft 0 hard 0`,
//! local time). `pin13 watch` is the friendly form with names and reasons.
//!
//! The first lines are the ADD events the kernel queues on open, then one
//! line per change. Ends at Ctrl-C or when the reader of the output goes away
//! (exit 0), or at the end of a capture file given as `--rfkill-dev`.
#![forbid(unsafe_code)]

use std::io::Write;

use crate::context::Context;
use crate::error::Error;
use crate::exit::Status;
use crate::model::inventory;
use crate::render::legacy;
use crate::sys::clock::Stamp;
use crate::sys::device::{sigint_pipe, DevSource, Device};
use crate::sys::{EventSource, Next};

#[derive(Debug, Default, clap::Args)]
#[command(after_help = EVENT_HELP)]
pub struct EventArgs {}

const EVENT_HELP: &str = "\
One line per event, numbers only, as util-linux `rfkill event` prints them:
  2026-12-02 07:38:11,429567+00:00: idx 0 type 1 op 0 soft 0 hard 0
type: 1 wlan, 2 bluetooth, 3 uwb, 4 wimax, 5 wwan, 6 gps, 7 fm, 8 nfc;
op: 0 add, 1 del, 2 change, 3 change-all. Ctrl-C or a closed pipe exit 0.
`pin13 watch` prints the same events with names, words and reasons.";

/// Copy every event of `src` to `out` as util-linux lines until the source
/// ends; `now` gives the timestamps (tests pass a fixed clock).
pub fn event_loop(
    src: &mut dyn EventSource,
    out: &mut dyn Write,
    now: &mut dyn FnMut() -> Stamp,
) -> Result<(), Error> {
    loop {
        let ev = match src.next_event(None)? {
            Next::Event(ev) => ev,
            Next::TimedOut => continue,
            Next::End | Next::Interrupted | Next::OutputClosed => return Ok(()),
        };
        let line = legacy::event_line(&ev, &now());
        match out.write_all(line.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return Err(Error::Output(e)),
        }
    }
}

pub fn run(ctx: &Context, _args: &EventArgs) -> Result<Status, Error> {
    if ctx.replay.is_some() {
        return Err(Error::usage(
            "event reads live events; --replay does not apply",
            None,
        ));
    }
    let dev = Device::open_read(&ctx.rfkill_dev).map_err(|e| inventory::device_error(ctx, e))?;
    let mut src = DevSource::new(dev)
        .stop_on(sigint_pipe()?)
        .watch_stdout(true);
    let stdout = std::io::stdout();
    event_loop(&mut src, &mut stdout.lock(), &mut Stamp::now)?;
    Ok(Status::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::source::Scripted;
    use crate::sys::{Event, Op, RfkillType};

    #[test]
    fn lines_in_order_then_end() {
        let ev = |idx, op, soft, hard| Event {
            idx,
            kind: RfkillType::Wlan,
            op,
            soft,
            hard,
            reasons: None,
        };
        let mut src = Scripted::new([
            Next::Event(ev(0, Op::Add, false, false)),
            Next::TimedOut,
            Next::Event(ev(2, Op::Change, true, true)),
            Next::End,
            Next::Event(ev(9, Op::Del, false, false)),
        ]);
        let mut n = 0;
        let mut now = || {
            n += 1;
            Stamp {
                secs: 1_796_197_090 + n,
                micros: 429_567,
                offset: 3600,
            }
        };
        let mut out = Vec::new();
        event_loop(&mut src, &mut out, &mut now).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2026-12-02 08:38:11,429567+01:00: idx 0 type 1 op 0 soft 0 hard 0\n\
             2026-12-02 08:38:12,429567+01:00: idx 2 type 1 op 2 soft 1 hard 1\n"
        );
    }
}
