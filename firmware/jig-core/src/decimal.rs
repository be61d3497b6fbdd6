//! Decimal numbers as people type them (`30`, `2.5`, `-1`, `1e-3`, `4.7`):
//! the one parser of the host tool's durations, resistances, voltages and
//! probabilities. A few lines instead of core's general float parser, whose
//! tables alone are 14 KB of every shipped binary: the result equals
//! `f64::from_str` whenever the significant digits fit in 15 digits and the
//! exponent stays within 22 (one exactly rounded operation), which covers
//! every value these options take; beyond that it is within a few ulps.
//! `nan`, `inf`, hex and empty text are refused.

/// Parse `text` (no surrounding blanks): an optional sign, digits with an
/// optional `.` and fraction, an optional `e`/`E` exponent. `None` when it is
/// not such a number.
pub fn parse(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut mantissa: u64 = 0;
    let mut exp: i64 = 0;
    let mut digits = 0usize;
    let mut seen_dot = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                digits += 1;
                if mantissa < 100_000_000_000_000_000 {
                    mantissa = mantissa * 10 + u64::from(c - b'0');
                    if seen_dot {
                        exp -= 1;
                    }
                } else if !seen_dot {
                    exp += 1; // a digit beyond 18 significant ones
                }
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        let sign = match b.get(i) {
            Some(b'-') => {
                i += 1;
                -1
            }
            Some(b'+') => {
                i += 1;
                1
            }
            _ => 1,
        };
        let start = i;
        let mut e: i64 = 0;
        while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            e = (e * 10 + i64::from(c - b'0')).min(100_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp += sign * e;
    }
    if i != b.len() {
        return None;
    }
    let value = scale(mantissa as f64, exp);
    Some(if negative { -value } else { value })
}

/// `m * 10^exp`, with one division or multiplication by an exact power of
/// ten where it can (exponents within 22).
fn scale(m: f64, exp: i64) -> f64 {
    fn pow10(n: i64) -> f64 {
        let mut p = 1.0;
        for _ in 0..n {
            p *= 10.0;
        }
        p
    }
    let mut v = m;
    let mut e = exp;
    while e > 22 {
        v *= 1e22;
        e -= 22;
        if v.is_infinite() {
            return v;
        }
    }
    while e < -22 {
        v /= 1e22;
        e += 22;
        if v == 0.0 {
            return v;
        }
    }
    if e >= 0 {
        v * pow10(e)
    } else {
        v / pow10(-e)
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn numbers_people_type() {
        for (t, v) in [
            ("30", 30.0),
            ("2.5", 2.5),
            ("0.5", 0.5),
            ("-1", -1.0),
            ("+4.7", 4.7),
            ("1e-3", 1e-3),
            ("1E9", 1e9),
            ("1e-12", 1e-12),
            (".5", 0.5),
            ("5.", 5.0),
            ("0.01", 0.01),
            ("0.999", 0.999),
            ("100000", 100_000.0),
        ] {
            assert_eq!(parse(t), Some(v), "{t}");
        }
        assert!(parse("1e400").is_some_and(f64::is_infinite));
        assert_eq!(parse("1e-400"), Some(0.0));
    }

    #[test]
    fn not_numbers() {
        for t in [
            "", "-", ".", "e3", "1e", "1e+", "nan", "inf", "-inf", "0x10", "1.2.3", "1 ", " 1",
            "1k", "--1", "1e3.5",
        ] {
            assert_eq!(parse(t), None, "{t:?}");
        }
    }
}
