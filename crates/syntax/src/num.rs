//! Number formatting and parsing without core's float machinery: `{:.1}`
//! and `str::parse::<f64>` pull about 15 KB of float code into the wasm, and
//! seconds only ever need whole numbers and tenths.
//!
//! Invariant: the core and the playground format and parse seconds only
//! through this module (no `{:.1}`, no `str::parse::<f64>`).

use std::fmt;

/// Rounded to a whole number: `12`.
pub struct F0(pub f64);
/// Rounded to tenths: `12.3`.
pub struct F1(pub f64);

impl fmt::Display for F0 {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.0.round() as i64)
    }
}

impl fmt::Display for F1 {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let t = (self.0 * 10.0).round() as i64;
        let sign = if t < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{}", t.abs() / 10, t.abs() % 10)
    }
}

/// Parses a plain decimal (`12`, `0.35`, `.5`); no sign, no exponent.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        || int.len() + frac.len() > 15
    {
        return None;
    }
    let mut v = 0u64;
    for b in int.bytes().chain(frac.bytes()) {
        v = v * 10 + u64::from(b - b'0');
    }
    Some(v as f64 / 10f64.powi(frac.len() as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        assert_eq!(
            format!("{} {} {}", F0(12.5), F1(3.04), F1(-0.25)),
            "13 3.0 -0.3"
        );
        assert_eq!(parse_decimal("1.25"), Some(1.25));
        assert_eq!(parse_decimal("12"), Some(12.0));
        assert_eq!(parse_decimal(".5"), Some(0.5));
        for bad in ["", ".", "1e3", "-1", "1.2.3", "x"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }
}
