//! The one duration grammar of pin13's options: a decimal number with an
//! optional unit `us` (or `µs`), `ms`, `s`, `min` or `h`. Options that count in
//! seconds (`watch --timeout`, `verify --duration`) take a bare number as
//! seconds; options with sub-millisecond meaning (`jig pulse --width`) demand
//! a unit. Limits are the caller's: [`Spec`] says them.
#![forbid(unsafe_code)]

use std::time::Duration;

/// What an option accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    /// A bare number is seconds (`true`) or an error asking for a unit (`false`).
    pub bare_is_secs: bool,
    /// The shortest accepted duration; `Duration::ZERO` allows 0.
    pub min: Duration,
    /// Whether `min` itself is accepted (`false`: the value must exceed it).
    pub min_inclusive: bool,
    /// The longest accepted duration.
    pub max: Duration,
}

impl Spec {
    /// Seconds from 0 up to `max`, a bare number being seconds.
    pub const fn secs_up_to(max: Duration) -> Spec {
        Spec {
            bare_is_secs: true,
            min: Duration::ZERO,
            min_inclusive: true,
            max,
        }
    }
}

/// Parse `text` under `spec`. The error is one line for clap to show.
pub fn parse(text: &str, spec: &Spec) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let not_a_duration = || {
        if spec.bare_is_secs {
            format!("`{text}` is not a duration: a number of seconds (e.g. 30 or 2.5) or 500ms")
        } else {
            format!("`{text}` is not a duration (e.g. 100ms)")
        }
    };
    if number.is_empty() {
        return Err(not_a_duration());
    }
    let scale = match unit.trim() {
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        "min" => 60.0,
        "h" => 3600.0,
        "" if spec.bare_is_secs => 1.0,
        "" => return Err(format!("`{text}` needs a unit: e.g. 500us, 100ms or 2s")),
        other => return Err(format!("unknown unit `{other}`: use us, ms, s, min or h")),
    };
    let value = jig_core::decimal::parse(number).ok_or_else(not_a_duration)?;
    let secs = value * scale;
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!("`{text}`: a duration cannot be negative"));
    }
    let max = spec.max.as_secs_f64();
    if secs > max {
        return Err(format!("`{text}` is too long: at most {}", human(spec.max)));
    }
    let d = Duration::from_secs_f64(secs);
    let too_short = if spec.min_inclusive {
        d < spec.min
    } else {
        d <= spec.min
    };
    if too_short {
        return Err(if spec.min.is_zero() {
            format!("`{text}`: the duration must be more than 0")
        } else {
            format!("`{text}` is too short: at least {}", human(spec.min))
        });
    }
    Ok(d)
}

/// A duration as users read it: `30 s`, `2.5 s`, `200 ms`, `50 us`.
pub fn human(d: Duration) -> String {
    // From whole microseconds with integers (no float formatting): seconds
    // to the millisecond, milliseconds to the microsecond.
    let us = d.as_micros();
    let trimmed = |whole: u128, frac: u128| {
        let mut t = format!("{whole}.{frac:03}");
        while t.ends_with('0') {
            t.pop();
        }
        if t.ends_with('.') {
            t.pop();
        }
        t
    };
    if us >= 1_000_000 {
        let ms = (us + 500) / 1_000;
        format!("{} s", trimmed(ms / 1_000, ms % 1_000))
    } else if us >= 1_000 {
        format!("{} ms", trimmed(us / 1_000, us % 1_000))
    } else {
        format!("{us} us")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECS: Spec = Spec::secs_up_to(Duration::from_secs(86_400));
    const UNIT: Spec = Spec {
        bare_is_secs: false,
        min: Duration::ZERO,
        min_inclusive: true,
        max: Duration::from_secs(4_294),
    };

    #[test]
    fn units_and_bare_seconds() {
        assert_eq!(parse("30", &SECS), Ok(Duration::from_secs(30)));
        assert_eq!(parse(" 2.5 ", &SECS), Ok(Duration::from_millis(2500)));
        assert_eq!(parse("200ms", &SECS), Ok(Duration::from_millis(200)));
        assert_eq!(parse("1min", &SECS), Ok(Duration::from_secs(60)));
        assert_eq!(parse("50us", &UNIT), Ok(Duration::from_micros(50)));
        assert_eq!(parse("50µs", &UNIT), Ok(Duration::from_micros(50)));
        assert_eq!(parse("2s", &UNIT), Ok(Duration::from_secs(2)));
    }

    #[test]
    fn refusals_say_why() {
        assert!(parse("100", &UNIT).unwrap_err().contains("needs a unit"));
        assert!(parse("5 parsecs", &SECS)
            .unwrap_err()
            .contains("unknown unit"));
        assert!(parse("abc", &SECS).unwrap_err().contains("not a duration"));
        assert!(parse("-1", &SECS).unwrap_err().contains("negative"));
        assert!(parse("1e300", &SECS).unwrap_err().contains("too long"));
        assert!(parse("inf", &SECS).is_err());
        assert!(parse("NaN", &SECS).is_err());
        let positive = Spec {
            min_inclusive: false,
            ..SECS
        };
        assert!(parse("0", &positive).unwrap_err().contains("more than 0"));
        let min = Spec {
            min: Duration::from_millis(100),
            ..SECS
        };
        assert!(parse("1e-12", &min).unwrap_err().contains("too short"));
        assert_eq!(parse("0.1", &min), Ok(Duration::from_millis(100)));
    }

    #[test]
    fn human_forms() {
        assert_eq!(human(Duration::from_secs(30)), "30 s");
        assert_eq!(human(Duration::from_millis(2500)), "2.5 s");
        assert_eq!(human(Duration::from_millis(200)), "200 ms");
        assert_eq!(human(Duration::from_micros(1500)), "1.5 ms");
        assert_eq!(human(Duration::from_micros(50)), "50 us");
        assert_eq!(human(Duration::from_secs(86_400)), "86400 s");
    }
}
