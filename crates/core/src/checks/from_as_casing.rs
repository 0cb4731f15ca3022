//! FromAsCasing: `FROM image as name` with `as` in another case than `FROM`.
//!
//! ## What it reports
//!
//! A FROM whose keyword is all upper case and whose `AS` is not, or all lower
//! case and whose `as` is not (a keyword of mixed case is left to
//! ConsistentInstructionCasing).
//!
//! ## Why
//!
//! Consistent casing keeps a Dockerfile readable; BuildKit reports it
//! (`instructions/parse.go`, `doesFromCaseMatchAsCase`).
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! FROM debian:12 as builder
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! FROM debian:12 AS builder
//! ```

use super::Cx;
use crate::syntax::Command;

pub const NAME: &str = "FromAsCasing";
pub const DESCRIPTION: &str = "The 'as' keyword should match the case of the 'from' keyword";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/from-as-casing/";

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    for ins in &df.instructions {
        if !matches!(ins.command, Command::From { .. }) || ins.arguments.len() < 3 {
            continue;
        }
        let kw = cx.keyword_text(ins);
        let as_ = ins.arguments[1].value.as_str();
        let lower = kw.to_ascii_lowercase() == kw;
        let upper = kw.to_ascii_uppercase() == kw;
        let ok = if lower {
            as_.to_ascii_lowercase() == as_
        } else if upper {
            as_.to_ascii_uppercase() == as_
        } else {
            true
        };
        if !ok {
            let msg = format!("'{as_}' and '{kw}' keywords' casing do not match");
            cx.report(ins, msg);
        }
    }
}
