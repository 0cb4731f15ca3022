//! FromPlatformFlagConstDisallowed: `FROM --platform=linux/amd64 …`.
//!
//! ## What it reports
//!
//! A FROM whose `--platform` is a constant (no variable), unless the stage's
//! name contains the platform's OS or architecture (`FROM
//! --platform=linux/arm64 … AS build-arm64` is a deliberate per-platform
//! stage) (`dockerfile2llb/convert.go`).
//!
//! ## Why
//!
//! A constant platform makes every build of the file, for any `--platform`,
//! use that one, usually emulated; `$BUILDPLATFORM` or `$TARGETPLATFORM` say
//! which is meant.
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! FROM --platform=linux/amd64 node:22
//! RUN npm ci
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! FROM --platform=$BUILDPLATFORM node:22
//! RUN npm ci
//! ```

use super::Cx;
use crate::syntax::Command;

pub const NAME: &str = "FromPlatformFlagConstDisallowed";
pub const DESCRIPTION: &str = "FROM --platform flag should not use a constant value";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/from-platform-flag-const-disallowed/";

/// Whether the word has a `$` BuildKit would expand (an unescaped one).
fn has_variable(s: &str, escape: char) -> bool {
    let mut esc = false;
    for c in s.chars() {
        if esc {
            esc = false;
        } else if c == escape {
            esc = true;
        } else if c == '$' {
            return true;
        }
    }
    false
}

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    for st in &df.stages {
        let ins = &df.instructions[st.from];
        let Command::From { platform: Some(p), name, .. } = &ins.command else { continue };
        if p.is_empty() || has_variable(p, df.escape) {
            continue;
        }
        let name = name.as_deref().unwrap_or("");
        let mut parts = p.split('/');
        let os = parts.next().unwrap_or("");
        let arch = parts.next().unwrap_or("");
        if !name.is_empty() && ((!os.is_empty() && name.contains(os)) || (!arch.is_empty() && name.contains(arch))) {
            continue;
        }
        let msg = format!("FROM --platform flag should not use constant value {}", crate::syntax::dump::go_quote(p));
        cx.report(ins, msg);
    }
}
