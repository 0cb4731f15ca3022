//! NoEmptyContinuation: an empty line inside an instruction's continuations.
//!
//! ## What it reports
//!
//! An instruction continued with the escape character over a blank line,
//! once, at the instruction's last line (as BuildKit does).
//!
//! ## Why
//!
//! The blank line is silently skipped today, but BuildKit will make it an
//! error in a future release (`parser/parser.go`, its warnings).
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && \
//!
//!     apt-get install -y curl
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! FROM debian:12
//! RUN apt-get update && \
//!     apt-get install -y curl
//! ```

use super::Cx;

pub const NAME: &str = "NoEmptyContinuation";
pub const DESCRIPTION: &str = "Empty continuation lines will become errors in a future release";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/";

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    let mut d = df
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("empty continuation line"))
        .peekable();
    for ins in &df.instructions {
        let mut hit = false;
        while let Some(x) = d.peek() {
            if x.span.start >= ins.span.end {
                break;
            }
            hit |= x.span.start >= ins.span.start;
            d.next();
        }
        if hit {
            cx.report_line(ins, true, "Empty continuation line".into());
        }
    }
}
