//! util-linux `rfkill`'s two older text forms, byte for byte (2.38.1):
//!
//! - `rfkill list`: the deprecated listing, three lines per radio:
//!   `0: phy0: Wireless LAN` / `\tSoft blocked: no` / `\tHard blocked: yes`
//!   (the type's description, or the sysfs type name when it has none);
//! - `rfkill event`: one line per event, numbers only:
//!   `2026-12-02 07:38:11,429567+00:00: idx 0 type 1 op 0 soft 0 hard 0`
//!   (local time, ISO 8601 with a comma before the microseconds).
//!
//! `pin13 list` and `pin13 event` print these; so does pin13 run as `rfkill`.
#![forbid(unsafe_code)]

use crate::model::inventory::Radio;
use crate::sys::clock::Stamp;
use crate::sys::Event;

/// `yes`/`no`, as the old listing writes a block.
fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// Text from sysfs as the listing may show it: control characters (a
/// hostile or broken driver's name could hold an escape sequence) become
/// `\xNN`, as in the raw table. Ordinary names pass unchanged, so the output
/// stays util-linux's.
fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The three lines of one radio in the old listing.
pub fn list_entry(r: &Radio) -> String {
    let desc = r.kind.description().unwrap_or(r.type_name.as_str());
    format!(
        "{}: {}: {}\n\tSoft blocked: {}\n\tHard blocked: {}\n",
        r.id,
        printable(&r.device),
        printable(desc),
        yes_no(r.soft),
        yes_no(r.hard)
    )
}

/// The old listing of `radios`, in their order (nothing for no radios).
pub fn list(radios: &[&Radio]) -> String {
    radios.iter().map(|r| list_entry(r)).collect()
}

/// util-linux's event timestamp (`ISO_TIMESTAMP_COMMA`):
/// `2026-12-02 07:38:11,429567+00:00`.
pub fn event_time(t: &Stamp) -> String {
    // `human()` is `YYYY-MM-DD HH:MM:SS.uuuuuu+HH:MM`; the only `.` is the
    // one before the microseconds.
    t.human().replacen('.', ",", 1)
}

/// One `rfkill event` line, with its newline.
pub fn event_line(ev: &Event, t: &Stamp) -> String {
    format!(
        "{}: idx {} type {} op {} soft {} hard {}\n",
        event_time(t),
        ev.idx,
        ev.kind.to_u8(),
        ev.op.to_u8(),
        u8::from(ev.soft),
        u8::from(ev.hard)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::{Op, RfkillType};

    fn radio(id: u32, kind: RfkillType, type_name: &str, device: &str, soft: bool) -> Radio {
        Radio {
            id,
            kind,
            type_name: type_name.into(),
            device: device.into(),
            soft,
            hard: !soft,
            reasons: None,
            sys: None,
        }
    }

    #[test]
    fn old_listing_bytes() {
        let rs = [
            radio(0, RfkillType::Wlan, "wlan", "phy0", false),
            radio(3, RfkillType::Bluetooth, "bluetooth", "hci0", true),
            radio(4, RfkillType::Unknown(9), "future", "x\u{1b}[2J", true),
        ];
        let refs: Vec<&Radio> = rs.iter().collect();
        assert_eq!(
            list(&refs),
            "0: phy0: Wireless LAN\n\tSoft blocked: no\n\tHard blocked: yes\n\
             3: hci0: Bluetooth\n\tSoft blocked: yes\n\tHard blocked: no\n\
             4: x\\x1b[2J: future\n\tSoft blocked: yes\n\tHard blocked: no\n"
        );
        assert_eq!(list(&[]), "");
    }

    #[test]
    fn event_line_bytes() {
        let t = Stamp {
            secs: 1_796_197_091,
            micros: 429_567,
            offset: 0,
        };
        let ev = Event {
            idx: 0,
            kind: RfkillType::Wlan,
            op: Op::Add,
            soft: false,
            hard: false,
            reasons: None,
        };
        assert_eq!(
            event_line(&ev, &t),
            "2026-12-02 07:38:11,429567+00:00: idx 0 type 1 op 0 soft 0 hard 0\n"
        );
        let t = Stamp {
            offset: -3 * 3600,
            micros: 5,
            ..t
        };
        let ev = Event {
            idx: 12,
            kind: RfkillType::Bluetooth,
            op: Op::Change,
            soft: true,
            hard: true,
            ..ev
        };
        assert_eq!(
            event_line(&ev, &t),
            "2026-12-02 04:38:11,000005-03:00: idx 12 type 2 op 2 soft 1 hard 1\n"
        );
    }
}
