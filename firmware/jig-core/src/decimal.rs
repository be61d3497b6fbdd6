//! Decimal numbers as people type them (`30`, `2.5`, `-1`, `1e-3`, `4.7`):
//! the one parser of the host tool's durations, resistances, voltages and
//! probabilities. A few lines instead of core's general float parser, whose
//! tables alone are 14 KB of every shipped binary: the result equals
//! `f64::from_str` whenever the significant digits fit in 15 digits and the
//! exponent stays within 22 (one exactly rounded operation), which covers
//! every value these options take; beyond that it is within a few ulps.
//! `nan`, `inf`, hex and empty text are refused.
//!
//! [`Fixed`] is the other direction, the one formatter of those numbers: a
//! value with N digits after the point, from integers, instead of core's
//! float formatter (about 12 KB of every shipped binary).

use core::fmt;

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

/// `value` with `decimals` digits after the point (at most 9), rounded half
/// away from zero, as `{:.N}` prints it for the values the tools show (away
/// from exact ties, which `{:.N}` rounds to even). [`Fixed::trimmed`] drops
/// trailing zeros and a bare point (`2.500` -> `2.5`, `3.000` -> `3`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed {
    value: f64,
    decimals: u8,
    trim: bool,
}

impl Fixed {
    /// `value` with exactly `decimals` digits after the point.
    pub const fn new(value: f64, decimals: u8) -> Fixed {
        Fixed {
            value,
            decimals: if decimals > 9 { 9 } else { decimals },
            trim: false,
        }
    }

    /// Up to `decimals` digits after the point, trailing zeros dropped.
    pub const fn trimmed(value: f64, decimals: u8) -> Fixed {
        let mut f = Fixed::new(value, decimals);
        f.trim = true;
        f
    }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.value;
        if v.is_nan() {
            return f.write_str("NaN");
        }
        let scale = 10u64.pow(u32::from(self.decimals));
        let scaled = if v < 0.0 { -v } else { v } * scale as f64 + 0.5;
        // Beyond u64 (and for infinities; NaN is out above) only the
        // magnitude is worth showing.
        if scaled >= 1.8e19 {
            return f.write_str(if v < 0.0 { "-inf" } else { "inf" });
        }
        let n = scaled as u64;
        if v < 0.0 && n != 0 {
            f.write_str("-")?;
        }
        write!(f, "{}", n / scale)?;
        let mut frac = n % scale;
        let mut digits = usize::from(self.decimals);
        if self.trim {
            while digits > 0 && frac.is_multiple_of(10) {
                frac /= 10;
                digits -= 1;
            }
        }
        if digits > 0 {
            write!(f, ".{frac:0digits$}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Fixed;
    extern crate std;
    use std::format;

    #[test]
    fn fixed_prints_what_core_prints_away_from_ties() {
        for (v, d) in [
            (0.1, 2),
            (4.7, 2),
            (23.8, 1),
            (30.8, 1),
            (2.0, 0),
            (0.05, 3),
            (-1.25, 1),
            (1234.5678, 3),
            (9.995, 2),
            (0.0, 0),
        ] {
            let ours = format!("{}", Fixed::new(v, d));
            let core = format!("{v:.*}", usize::from(d));
            if (v * 10f64.powi(i32::from(d))).fract().abs() != 0.5 {
                assert_eq!(ours, core, "{v} with {d}");
            }
        }
        assert_eq!(format!("{}", Fixed::trimmed(2.5, 3)), "2.5");
        assert_eq!(format!("{}", Fixed::trimmed(3.0, 3)), "3");
        assert_eq!(format!("{}", Fixed::trimmed(0.01, 6)), "0.01");
        assert_eq!(format!("{}", Fixed::new(f64::INFINITY, 2)), "inf");
        assert_eq!(format!("{}", Fixed::new(f64::NAN, 2)), "NaN");
        assert_eq!(format!("{}", Fixed::new(-0.001, 1)), "0.0");
    }
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
