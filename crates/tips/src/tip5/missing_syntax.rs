//! ## What it does
//! Finds a Dockerfile without a `# syntax=docker/dockerfile:1` directive on
//! its first line, when it uses (or would benefit from) BuildKit features:
//! cache mounts, `COPY --link`, heredocs.
//!
//! ## Why it slows the build
//! The directive makes BuildKit fetch the current stable Dockerfile frontend
//! instead of the one built into the local Docker, which may be years old.
//! Cache mounts, `--link` and heredocs are only reliable with a current
//! frontend; without it, the fixes of tip 5 may not be understood.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM python:3.12-slim
//! RUN --mount=type=cache,target=/root/.cache/pip pip install flask
//! ```
//! ✅ Good
//! ```dockerfile
//! # syntax=docker/dockerfile:1
//! FROM python:3.12-slim
//! RUN --mount=type=cache,target=/root/.cache/pip pip install flask
//! ```
//!
//! ## Fix safety
//! Safe: it adds the directive as the first line and changes nothing else.
//! (Builders without access to Docker Hub need the frontend image mirrored.)

use super::super::{Ctx, Finding, RuleMeta};
use crate::edit::{newline, Applicability, Fix, TextEdit};
use crate::syntax::{Command, Span};

pub const META: RuleMeta = RuleMeta {
    code: "LL501",
    name: "missing-syntax-directive",
    tip: 5,
    summary: "No `# syntax=docker/dockerfile:1`: cache mounts need a current frontend",
};

pub fn check(cx: &Ctx) -> Vec<Finding> {
    if cx
        .df
        .directives
        .iter()
        .any(|d| d.name.eq_ignore_ascii_case("syntax"))
    {
        return Vec::new();
    }
    let uses_features = cx.df.instructions.iter().any(|i| {
        !i.heredocs.is_empty()
            || i.flags
                .iter()
                .any(|f| f.name == "mount" || f.name == "link")
    });
    let installs = cx.model.steps.iter().any(|s| {
        s.packages
            .iter()
            .any(|o| o.action == crate::model::Action::Install)
    });
    if !uses_features && !installs {
        return Vec::new();
    }
    let Some(first) = cx
        .df
        .instructions
        .iter()
        .find(|i| !matches!(i.command, Command::Invalid))
    else {
        return Vec::new();
    };
    // Directives must come before any comment or instruction: insert at 0,
    // after a byte-order mark if there is one.
    let at = if cx.src.starts_with('\u{feff}') { 3 } else { 0 };
    let mut f = cx.finding(&META, Span::new(first.span.start as usize, first.keyword_span.end as usize), "no `# syntax=docker/dockerfile:1` directive: the local Docker's built-in frontend may not support cache mounts".to_string());
    f.fix = Some(Fix {
        title: "Add # syntax=docker/dockerfile:1".into(),
        applicability: Applicability::Safe,
        edits: vec![TextEdit::insert(
            at,
            format!("# syntax=docker/dockerfile:1{}", newline(cx.src)),
        )],
        files: Vec::new(),
        commands: Default::default(),
    });
    vec![f]
}
