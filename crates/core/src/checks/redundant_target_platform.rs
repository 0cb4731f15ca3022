//! RedundantTargetPlatform: `FROM --platform=$TARGETPLATFORM …`.
//!
//! ## What it reports
//!
//! A FROM whose `--platform` is only the `TARGETPLATFORM` variable
//! (`$TARGETPLATFORM`, `${TARGETPLATFORM}`), which expands to the platform
//! the stage is built for anyway (BuildKit's
//! `reportRedundantTargetPlatform`).
//!
//! ## Why
//!
//! The flag changes nothing and suggests it does; `--platform` is useful
//! with `$BUILDPLATFORM`, to run a stage natively and cross-compile.
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! FROM --platform=$TARGETPLATFORM alpine:3.20
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! FROM alpine:3.20
//! ```

use super::Cx;
use crate::syntax::Command;

pub const NAME: &str = "RedundantTargetPlatform";
pub const DESCRIPTION: &str =
    "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/redundant-target-platform/";

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    for st in &df.stages {
        let ins = &df.instructions[st.from];
        let Command::From { platform: Some(p), .. } = &ins.command else { continue };
        if p == "$TARGETPLATFORM" || p == "${TARGETPLATFORM}" {
            cx.report(
                ins,
                format!("Setting platform to predefined {p} in FROM is redundant as this is the default behavior"),
            );
        }
    }
}
