//! MaintainerDeprecated: the MAINTAINER instruction.
//!
//! ## What it reports
//!
//! Every MAINTAINER.
//!
//! ## Why
//!
//! MAINTAINER is deprecated; a label carries the author and tools read it
//! (`org.opencontainers.image.authors`). BuildKit reports it while it parses
//! the instruction (`instructions/parse.go`).
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! FROM alpine:3.20
//! MAINTAINER Jane <jane@example.com>
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! FROM alpine:3.20
//! LABEL org.opencontainers.image.authors="jane@example.com"
//! ```

use super::Cx;
use crate::syntax::Command;

pub const NAME: &str = "MaintainerDeprecated";
pub const DESCRIPTION: &str = "The MAINTAINER instruction is deprecated, use a label instead to define an image author";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/";

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    for ins in &df.instructions {
        if matches!(ins.command, Command::Maintainer { .. }) {
            cx.report(ins, "Maintainer instruction is deprecated in favor of using label".into());
        }
    }
}
