//! ReservedStageName: a stage named `scratch` or `context`.
//!
//! ## What it reports
//!
//! `FROM image AS scratch` and `FROM image AS context`.
//!
//! ## Why
//!
//! `scratch` is the empty image and `context` the build context in `COPY
//! --from` and `--build-context`; a stage of that name is ambiguous
//! (`dockerfile2llb/convert.go`).
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! FROM alpine:3.20 AS scratch
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! FROM alpine:3.20 AS base
//! ```

use super::Cx;

pub const NAME: &str = "ReservedStageName";
pub const DESCRIPTION: &str = "Reserved words should not be used as stage names";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/reserved-stage-name/";

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    for st in &df.stages {
        if let Some(name @ ("scratch" | "context")) = st.name.as_deref() {
            let msg = format!("Stage name should not use the same name as reserved stage \"{name}\"");
            cx.report(&df.instructions[st.from], msg);
        }
    }
}
