//! ## What it does
//! Finds `COPY --from=<stage>` into an absolute path of the final stage,
//! without `--link`.
//!
//! ## Why it slows the build
//! A plain `COPY` is keyed on the layers below it: rebuild anything earlier
//! in the stage (or change the base image) and the copy runs again. With
//! `--link` the files are copied onto an empty layer and merged, so the copy
//! is re-used whatever happened below it, and a base-image update does not
//! redo it.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM golang:1.22 AS build
//! RUN go build -o /out/app .
//! FROM alpine:3.20
//! RUN apk add --no-cache ca-certificates
//! COPY --from=build /out/app /usr/local/bin/app
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM golang:1.22 AS build
//! RUN go build -o /out/app .
//! FROM alpine:3.20
//! RUN apk add --no-cache ca-certificates
//! COPY --link --from=build /out/app /usr/local/bin/app
//! ```
//!
//! ## Fix safety
//! Unsafe: with `--link` the destination's parent directories are created
//! fresh rather than followed, so a destination under a symlinked directory
//! of the base image behaves differently; and builders with an old built-in
//! frontend (Docker 20.10 without `# syntax=`) reject the flag.

use super::super::{Ctx, Finding, RuleMeta};
use crate::edit::{Applicability, Fix, TextEdit};
use crate::syntax::Command;

pub const META: RuleMeta = RuleMeta {
    code: "LL504",
    name: "copy-without-link",
    tip: 5,
    summary: "`COPY --from` into the final image could use `--link`",
};

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for (step, ins) in cx.final_steps() {
        let Command::Copy(c) = &ins.command else {
            continue;
        };
        if c.link || c.from.is_none() || !c.dest.starts_with('/') || c.parents {
            continue;
        }
        // With --chmod, BuildKit reruns even a linked copy after a change
        // below it (measured on Docker 28.5): --link would not be reused.
        if !crate::model::link_is_reused(c) {
            continue;
        }
        let mut f = cx.finding(
            &META,
            ins.span,
            format!(
                "`{}` re-runs whenever a layer below it changes; with --link it is re-used",
                step.text
            ),
        );
        f.level = super::super::Level::Info;
        f.fix = Some(Fix {
            title: "Add --link".into(),
            applicability: Applicability::Unsafe,
            edits: vec![TextEdit::insert(ins.keyword_span.end as usize, " --link")],
            files: Vec::new(),
            commands: Default::default(),
        });
        out.push(f);
    }
    out
}
