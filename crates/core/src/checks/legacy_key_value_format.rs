//! LegacyKeyValueFormat: `ENV key value` and `LABEL key value`.
//!
//! ## What it reports
//!
//! An ENV or LABEL in the legacy form, the key and the value separated by
//! whitespace instead of `=`.
//!
//! ## Why
//!
//! The legacy form takes one pair only and everything after the first space
//! as the value, so `ENV A 1 B 2` sets `A` to `1 B 2`; BuildKit deprecates it
//! and reports it on every build (`instructions/parse.go`, `parseKvps`'
//! `NoDelim`).
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! FROM node:22
//! ENV NODE_ENV production
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! FROM node:22
//! ENV NODE_ENV=production
//! ```
//!
//! ## Notes
//!
//! Reported once per instruction, at its first line (as BuildKit does).

use super::Cx;
use crate::syntax::Command;

pub const NAME: &str = "LegacyKeyValueFormat";
pub const DESCRIPTION: &str = "Legacy key/value format with whitespace separator should not be used";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/legacy-key-value-format/";

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    for ins in &df.instructions {
        let (pairs, name) = match &ins.command {
            Command::Env { pairs } => (pairs, "ENV"),
            Command::Label { pairs } => (pairs, "LABEL"),
            _ => continue,
        };
        if pairs.iter().any(|p| p.legacy) {
            let msg = format!("\"{name} key=value\" should be used instead of legacy \"{name} key value\" format");
            cx.report_line(ins, false, msg);
        }
    }
}
