//! Number formatting without the float formatter (not a component): core's
//! `{:.1}` pulls about 15 KB of float-printing code into the wasm; seconds
//! and SVG coordinates only need integers and tenths.

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
