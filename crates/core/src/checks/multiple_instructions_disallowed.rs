//! MultipleInstructionsDisallowed: two CMD, ENTRYPOINT or HEALTHCHECK in one
//!
//! ## What it reports
//!
//! Each CMD, ENTRYPOINT or HEALTHCHECK that a later one of the same kind in
//! the same stage overrides, at the earlier one (BuildKit's
//! `validateUsedOnce`).
//!
//! ## Why
//!
//! Only the last one takes effect; the earlier ones are dead text that a
//! reader takes for the image's command.
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! FROM alpine:3.20
//! CMD ["a"]
//! CMD ["b"]
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! FROM alpine:3.20
//! CMD ["b"]
//! ```
//!
//! ## Notes
//!
//! stage.

use super::Cx;
use crate::syntax::Command;

pub const NAME: &str = "MultipleInstructionsDisallowed";
pub const DESCRIPTION: &str = "Multiple instructions of the same type should not be used in the same stage";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/multiple-instructions-disallowed/";

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    for st in &df.stages {
        // The last CMD, ENTRYPOINT, HEALTHCHECK seen in the stage.
        let mut last: [Option<usize>; 3] = [None; 3];
        for &i in &st.instructions {
            let (k, name) = match df.instructions[i].command {
                Command::Cmd { .. } => (0, "CMD"),
                Command::Entrypoint { .. } => (1, "ENTRYPOINT"),
                Command::Healthcheck(_) => (2, "HEALTHCHECK"),
                _ => continue,
            };
            if let Some(prev) = last[k] {
                let msg = format!("Multiple {name} instructions should not be used in the same stage because only the last one will be used");
                cx.report(&df.instructions[prev], msg);
            }
            last[k] = Some(i);
        }
    }
}
