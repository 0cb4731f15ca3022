//! StageNameCasing: a stage name with upper-case letters.
//!
//! ## What it reports
//!
//! `FROM image AS Name` where the name is not all lower case.
//!
//! ## Why
//!
//! Stage names are case-insensitive (BuildKit lower-cases them), so `Builder`
//! and `builder` are the same stage; writing them lower case says so
//! (`instructions/parse.go`, `parseFrom`).
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! FROM node:22 AS Builder
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! FROM node:22 AS builder
//! ```

use super::Cx;
use crate::syntax::Command;

pub const NAME: &str = "StageNameCasing";
pub const DESCRIPTION: &str = "Stage names should be lowercase";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/stage-name-casing/";

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    for ins in &df.instructions {
        if !matches!(ins.command, Command::From { name: Some(_), .. }) || ins.arguments.len() != 3 {
            continue;
        }
        let name = ins.arguments[2].value.as_str();
        if name.to_ascii_lowercase() != name {
            cx.report(ins, format!("Stage name '{name}' should be lowercase"));
        }
    }
}
