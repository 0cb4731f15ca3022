//! ## What it does
//! Finds `apt-get update` (or `apt update`) in a `RUN` of its own, apart from
//! the `apt-get install` that needs it.
//!
//! ## Why it slows the build
//! The update's layer is cached on its command text, which never changes: a
//! later change to the install line re-uses a package index that may be
//! months old (installs then fail on removed versions, or get stale
//! packages), and the index is stored in its own layer for nothing. Keeping
//! `update && install` in one `RUN` means they always run together, and the
//! index can be deleted in the same layer.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM debian:bookworm-slim
//! RUN apt-get update
//! RUN apt-get install -y --no-install-recommends curl
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM debian:bookworm-slim
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! ```
//!
//! ## Fix safety
//! When the next step of the stage is the `RUN` with the install, the fix
//! merges the two: `RUN apt-get update && <install command>`. The same
//! commands run in the same order with the same environment, so it is safe.
//! Otherwise no fix is offered.

use super::super::{Ctx, Finding, Label, RuleMeta};
use crate::edit::{line_range, Applicability, Fix, TextEdit};
use crate::model::{shell, Action, Manager, StepKind};
use crate::syntax::Command;

pub const META: RuleMeta = RuleMeta {
    code: "LL202",
    name: "apt-update-alone",
    tip: 2,
    summary: "`apt-get update` in a RUN of its own: its cached index goes stale",
};

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for st in &cx.model.stages {
        let layer: Vec<usize> = st
            .steps
            .iter()
            .copied()
            .filter(|&i| cx.model.steps[i].kind == StepKind::Layer)
            .collect();
        for (n, &sid) in layer.iter().enumerate() {
            let step = &cx.model.steps[sid];
            let ins = &cx.df.instructions[step.instruction];
            let Command::Run { command, .. } = &ins.command else {
                continue;
            };
            let cmds = shell::commands(&command.args.join(" "));
            let is_update_only = !step.packages.is_empty()
                && step
                    .packages
                    .iter()
                    .all(|o| o.manager == Manager::Apt && o.action == Action::Update)
                && cmds.len() == step.packages.len();
            if !is_update_only || !ins.heredocs.is_empty() {
                continue;
            }
            let mut f = cx.finding(&META, ins.span, "`apt-get update` runs in a RUN of its own; its cached index is re-used by later installs. Update and install in one RUN".to_string());
            // The next layer step, if it installs with apt and has no flags of its own.
            if let Some(&next) = layer.get(n + 1) {
                let ns = &cx.model.steps[next];
                let ni = &cx.df.instructions[ns.instruction];
                let installs = ns
                    .packages
                    .iter()
                    .any(|o| o.manager == Manager::Apt && o.action == Action::Install);
                let between_ok = st.steps.iter().filter(|&&i| i > sid && i < next).all(|&i| {
                    !matches!(
                        cx.df.instructions[cx.model.steps[i].instruction].command,
                        Command::Env { .. }
                            | Command::Arg { .. }
                            | Command::User { .. }
                            | Command::Shell { .. }
                    )
                });
                if installs
                    && ni.flags.is_empty()
                    && ni.heredocs.is_empty()
                    && matches!(&ni.command, Command::Run { command, .. } if command.shell)
                    && between_ok
                {
                    f.labels.push(Label {
                        span: ni.span,
                        message: "the install that needs it".into(),
                    });
                    // The update's whole lines (once: a second `line_range` of a
                    // range that ends at a line start would take the install too).
                    let update_lines = line_range(cx.src, ins.span);
                    let upd_text = command.args.join(" ");
                    let insert_at = ni.keyword_span.end as usize;
                    // `RUN apt-get install …` → `RUN apt-get update && apt-get install …`
                    let rest = &cx.src[insert_at..];
                    let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                    f.fix = Some(Fix {
                        title: format!(
                            "Merge line {} into the install on line {}",
                            step.line, ns.line
                        ),
                        applicability: Applicability::Safe,
                        edits: vec![
                            TextEdit::delete(update_lines),
                            TextEdit::insert(insert_at + ws, format!("{} && ", upd_text.trim())),
                        ],
                        files: Vec::new(),
                        commands: Default::default(),
                    });
                }
            }
            out.push(f);
        }
    }
    out
}
