//! InvalidDefinitionDescription (experimental): a comment right above an
//! ARG or a named stage that does not start with its name.
//!
//! ## What it reports
//!
//! An ARG, or a FROM with a stage name, under a comment (the comment lines
//! since the instruction before) whose last line does not start with the
//! ARG's (or one of its ARGs') name or the stage's name: such a comment is
//! read as the
//! definition's description (`docker buildx build --call=outline`), which
//! BuildKit wants as `# <name> <description>` (BuildKit's
//! `validateDefinitionDescription`). Off unless `# check=experimental=
//! InvalidDefinitionDescription` (or `all`) turns it on.
//!
//! ## Why
//!
//! Build tools list a file's build args and targets with these comments as
//! their help text; a comment that is not a description reads as a wrong
//! one. BuildKit's description of the rule says a blank line between the
//! comment and the instruction marks it as no description, but Docker 28.5
//! still reads it as one (checked live): only another instruction does.
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! # check=experimental=InvalidDefinitionDescription
//!
//! # The Go version to build with
//! ARG GO_VERSION=1.23
//! FROM golang:${GO_VERSION}
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! # check=experimental=InvalidDefinitionDescription
//!
//! # GO_VERSION the Go version to build with
//! ARG GO_VERSION=1.23
//! FROM golang:${GO_VERSION}
//! ```

use super::Cx;
use crate::syntax::{Command, Instruction};

pub const NAME: &str = "InvalidDefinitionDescription";
pub const DESCRIPTION: &str = "Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/invalid-definition-description/";

/// The text of the last comment line above `ins` since the instruction
/// before it (`#` and spaces stripped), blank lines skipped (Docker 28.5's
/// parser keeps comments across them, checked live), parser directives not
/// counted.
fn comment_above<'a>(cx: &Cx<'a>, ins: &Instruction) -> Option<&'a str> {
    let src = cx.src;
    let mut end = src[..ins.span.start as usize].rfind('\n')?;
    loop {
        let start = src[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = src[start..end].trim();
        if !line.is_empty() {
            let directive = cx.df.directives.iter().any(|d| (start..=end).contains(&(d.span.start as usize)));
            return line.strip_prefix('#').filter(|_| !directive).map(str::trim);
        }
        if start == 0 {
            return None;
        }
        end = start - 1;
    }
}

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    for ins in &df.instructions {
        let (what, keys): (&str, Vec<String>) = match &ins.command {
            Command::Arg { args } => ("ARG", args.iter().map(|a| a.name.clone()).collect()),
            Command::From { name: Some(n), .. } => ("FROM", vec![n.clone()]),
            _ => continue,
        };
        let Some(comment) = comment_above(cx, ins) else { continue };
        let first = comment.split(' ').next().unwrap_or("");
        if keys.is_empty() || keys.iter().any(|k| k == first) {
            continue;
        }
        let example = if keys.len() > 1 { "<arg_key>" } else { keys[0].as_str() };
        cx.report(ins, format!("Comment for {what} should follow the format: `# {example} <description>`"));
    }
}
