//! The clocks: [`Clock`] (time since a start, monotonic; tests script it)
//! and local timestamps for `watch`: RFC 3339 with microseconds and the local
//! offset, without a date/time dependency. The offset comes from libc
//! (`localtime_r`, in `rfkill::dev`, the only unsafe module); the calendar
//! arithmetic is here.
#![forbid(unsafe_code)]

use std::time::{SystemTime, UNIX_EPOCH};

/// A point in time with the local UTC offset that applied then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub secs: i64,
    pub micros: u32,
    /// Local offset east of UTC, in seconds.
    pub offset: i32,
}

impl Stamp {
    /// Now, in the local time zone (UTC if libc cannot say).
    pub fn now() -> Stamp {
        let (secs, micros) = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => (d.as_secs() as i64, d.subsec_micros()),
            Err(e) => {
                // before 1970: count backwards
                let d = e.duration();
                let mut s = -(d.as_secs() as i64);
                let mut us = d.subsec_micros();
                if us > 0 {
                    s -= 1;
                    us = 1_000_000 - us;
                }
                (s, us)
            }
        };
        let offset = crate::sys::os::local_utc_offset(secs).unwrap_or(0);
        Stamp {
            secs,
            micros,
            offset,
        }
    }

    /// The offset shown: RFC 3339 has only whole minutes under 24 h, so a
    /// zone with an offset in seconds (LMT in old tz data, a crafted TZ) or of
    /// a day or more is shown in UTC rather than truncated into a wrong time.
    pub fn shown_offset(&self) -> i32 {
        if self.offset % 60 != 0 || self.offset.unsigned_abs() >= 86_400 {
            0
        } else {
            self.offset
        }
    }

    fn parts(&self) -> (i64, u32, u32, u32, u32, u32) {
        let local = self.secs + i64::from(self.shown_offset());
        let days = local.div_euclid(86_400);
        let sod = local.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        (y, m, d, sod / 3600, sod / 60 % 60, sod % 60)
    }

    fn offset_text(&self) -> String {
        let offset = self.shown_offset();
        let sign = if offset < 0 { '-' } else { '+' };
        let a = offset.unsigned_abs();
        format!("{sign}{:02}:{:02}", a / 3600, a / 60 % 60)
    }

    /// `2026-11-24T14:24:22.368237+01:00`
    pub fn rfc3339(&self) -> String {
        let (y, mo, d, h, mi, s) = self.parts();
        format!(
            "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:06}{}",
            self.micros,
            self.offset_text()
        )
    }

    /// `2026-11-24 14:24:22.368237+01:00` (the same, easier to read).
    pub fn human(&self) -> String {
        self.rfc3339().replacen('T', " ", 1)
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian
/// calendar (the era-based algorithm: 400-year eras of 146097 days).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // March-based month [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Time since the start of the watch.
pub trait Clock {
    fn now(&self) -> std::time::Duration;
}

/// The real monotonic clock.
pub struct MonoClock(std::time::Instant);

impl MonoClock {
    pub fn start() -> Self {
        MonoClock(std::time::Instant::now())
    }
}

impl Clock for MonoClock {
    fn now(&self) -> std::time::Duration {
        self.0.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(11_017), (2000, 3, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_781), (2026, 11, 24));
    }

    #[test]
    fn every_day_follows_the_previous_one() {
        let mut prev = civil_from_days(-800_000);
        for d in -799_999..800_000 {
            let cur = civil_from_days(d);
            let next_in_month = cur == (prev.0, prev.1, prev.2 + 1);
            let next_month = cur.2 == 1
                && (cur.1 == prev.1 + 1 && cur.0 == prev.0
                    || cur.1 == 1 && prev.1 == 12 && cur.0 == prev.0 + 1);
            assert!(next_in_month || next_month, "{prev:?} -> {cur:?}");
            prev = cur;
        }
    }

    #[test]
    fn formats_like_rfc3339_with_micros_and_offset() {
        // 2026-11-24 14:24:22.368237 UTC (the lab capture's first event)
        let s = Stamp {
            secs: 1_795_530_262,
            micros: 368_237,
            offset: 0,
        };
        assert_eq!(s.rfc3339(), "2026-11-24T14:24:22.368237+00:00");
        let s = Stamp {
            offset: -3 * 3600,
            ..s
        };
        assert_eq!(s.rfc3339(), "2026-11-24T11:24:22.368237-03:00");
        let s = Stamp {
            offset: 5 * 3600 + 1800,
            micros: 5,
            ..s
        };
        assert_eq!(s.human(), "2026-11-24 19:54:22.000005+05:30");
        let s = Stamp {
            secs: 0,
            micros: 0,
            offset: -60,
        };
        assert_eq!(s.rfc3339(), "1969-12-31T23:59:00.000000-00:01");
    }

    #[test]
    fn an_offset_rfc3339_cannot_show_is_shown_in_utc() {
        let utc = Stamp {
            secs: 1_795_530_262,
            micros: 1,
            offset: 0,
        };
        // Amsterdam's LMT (+00:19:32), a day or more either way: UTC, exact.
        for offset in [
            1172,
            -1172,
            86_400,
            -86_400,
            25 * 3600,
            59,
            i32::MAX,
            i32::MIN,
        ] {
            let s = Stamp { offset, ..utc };
            assert_eq!(s.rfc3339(), utc.rfc3339(), "offset {offset}");
            assert_eq!(s.rfc3339(), "2026-11-24T14:24:22.000001+00:00");
        }
        // the largest offset it can show
        let s = Stamp {
            offset: 86_400 - 60,
            ..utc
        };
        assert_eq!(s.rfc3339(), "2026-11-25T14:23:22.000001+23:59");
    }

    #[test]
    fn now_is_plausible() {
        let n = Stamp::now();
        assert!(n.secs > 1_600_000_000);
        assert!(n.micros < 1_000_000);
        assert_eq!(n.rfc3339().len(), 32);
    }
}
