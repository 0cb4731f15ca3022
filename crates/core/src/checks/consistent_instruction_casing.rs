//! ConsistentInstructionCasing: instructions in upper and lower case mixed.
//!
//! ## What it reports
//!
//! Every instruction whose keyword is not in the case most of the file's
//! instructions use (upper case when as many are upper as lower), and every
//! keyword in mixed case (`From`, `Run`). Only instructions in a stage
//! count: the global ARGs before the first FROM do not (BuildKit's
//! `validateCommandCasing`).
//!
//! ## Why
//!
//! Keywords are case-insensitive, so `run` works; a file that mixes both
//! is harder to scan, and the convention is upper case.
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! FROM alpine:3.20
//! run apk add --no-cache curl
//! COPY . /app
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! FROM alpine:3.20
//! RUN apk add --no-cache curl
//! COPY . /app
//! ```

use super::Cx;

pub const NAME: &str = "ConsistentInstructionCasing";
pub const DESCRIPTION: &str = "All commands within the Dockerfile should use the same casing (either upper or lower)";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/consistent-instruction-casing/";

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    let Some(first) = df.stages.first().map(|s| s.from) else { return };
    let staged = &df.instructions[first..];
    let (mut lower, mut upper) = (0, 0);
    for ins in staged {
        let kw = cx.keyword_text(ins);
        // Keywords are ASCII letters: ASCII casing is Go's here (and keeps
        // the Unicode case tables out of the wasm).
        if !kw.bytes().any(|b| b.is_ascii_uppercase()) {
            lower += 1;
        } else if !kw.bytes().any(|b| b.is_ascii_lowercase()) {
            upper += 1;
        }
    }
    let majority_lower = lower > upper;
    for ins in staged {
        let kw = cx.keyword_text(ins).to_string();
        let correct = if majority_lower && kw.bytes().any(|b| b.is_ascii_uppercase()) {
            "lowercase"
        } else if !majority_lower && kw.bytes().any(|b| b.is_ascii_lowercase()) {
            "uppercase"
        } else {
            continue;
        };
        cx.report(ins, format!("Command '{kw}' should match the case of the command majority ({correct})"));
    }
}
