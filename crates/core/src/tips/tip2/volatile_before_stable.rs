//! ## What it does
//! Finds a slow, rarely-changing step (system packages, a tool installed by
//! name) placed after a step whose inputs change more often (the project's
//! code, configuration files), in the same stage, when moving it up is safe.
//!
//! ## Why it slows the build
//! BuildKit's cache is a chain: once a step misses, every later step in the
//! stage runs again. A slow step below a volatile one re-runs on every change
//! of the volatile one, although its own inputs did not change. Ordered like
//! an inverted pyramid (slow and stable at the top, fast and volatile at the
//! bottom), an edit only rebuilds the cheap steps after it.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM python:3.12-slim
//! WORKDIR /app
//! COPY . .
//! RUN apt-get update && apt-get install -y --no-install-recommends libpq5
//! CMD ["python", "app.py"]
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM python:3.12-slim
//! WORKDIR /app
//! RUN apt-get update && apt-get install -y --no-install-recommends libpq5
//! COPY . .
//! CMD ["python", "app.py"]
//! ```
//!
//! ## Fix safety
//! The fix moves the slow step above the first volatile step it follows. It
//! is offered only when a conservative analysis proves the move cannot change
//! what the step sees:
//! - the step is a `RUN` whose every command is a package install *by name*,
//!   an index update or cleanup (`apt-get`, `apk`, `dnf`, `pip install
//!   <name>`, `npm install -g <name>`, `rm -rf` of caches, `useradd`…): it
//!   reads no file of the build context, so no `COPY` it moves above can
//!   matter;
//! - nothing it moves above is a `RUN` (whose output it might use), an `ENV`,
//!   `ARG`, `WORKDIR`, `USER`, `SHELL` or `VOLUME` (which change its
//!   environment or working directory), or a `COPY --from`/`ADD` of a remote
//!   source;
//! - it uses no bind mount of the context.
//!
//! With those conditions the moved step runs with the same command,
//! environment, user and working directory on the same files, so the fix is
//! safe.

use super::super::{Ctx, Finding, Label, RuleMeta};
use crate::fix::{line_range, Applicability, Fix};
use crate::model::{shell, Action, Churn, Source, Step, StepKind};
use crate::syntax::{Command, Instruction, MountType};

pub const META: RuleMeta = RuleMeta {
    code: "LL201",
    name: "volatile-before-stable",
    tip: 2,
    summary: "A slow, stable step comes after a step that changes often: move it up",
};

/// Commands a movable RUN may contain besides recognized installs.
const NEUTRAL: &[&str] = &[
    "rm",
    "apt-get",
    "apt",
    "apk",
    "dnf",
    "yum",
    "microdnf",
    "echo",
    "useradd",
    "groupadd",
    "adduser",
    "addgroup",
    "mkdir",
    "ln",
    "update-ca-certificates",
    "locale-gen",
    "true",
    "set",
    "export",
    "dpkg-reconfigure",
    "ldconfig",
    "chmod",
    "chown",
];

/// Whether `step` (a RUN) reads nothing from the context or earlier steps
/// beyond the base image: installs by name, index updates and cleanup only.
pub fn is_context_free_install(step: &Step, ins: &Instruction) -> bool {
    let Command::Run {
        command, mounts, ..
    } = &ins.command
    else {
        return false;
    };
    if mounts.iter().any(|m| m.kind == MountType::Bind) || !ins.heredocs.is_empty() {
        return false;
    }
    let cmds = shell::commands(&command.args.join(" "));
    if cmds.is_empty() || step.packages.is_empty() {
        return false;
    }
    let ops_ok = step.packages.iter().all(|o| match o.action {
        Action::Update => true,
        Action::Install => o.manifests.is_empty() && !o.reads_source && !o.packages.is_empty(),
        Action::Other => o.manager.is_system(),
        Action::Build => false,
    });
    let any_install = step.packages.iter().any(|o| o.action == Action::Install);
    let cmds_ok = cmds.iter().all(|c| {
        let name = c.program_name();
        let paths_ok = c.args().iter().all(|a| {
            !a.starts_with("./")
                && !a.starts_with("../")
                && !a.ends_with(".txt")
                && !a.ends_with(".json")
        });
        paths_ok && (crate::model::packages::recognize(c).is_some() || NEUTRAL.contains(&name))
    });
    ops_ok && any_install && cmds_ok
}

/// Why `between` blocks moving a step above it, if it does.
fn blocks(step: &Step, ins: &Instruction) -> Option<&'static str> {
    match &ins.command {
        Command::Run { .. } => Some("a RUN whose output it may use"),
        Command::Env { .. } => Some("an ENV that changes its environment"),
        Command::Arg { .. } => Some("an ARG that changes its environment"),
        Command::Workdir { .. } => Some("a WORKDIR that changes its directory"),
        Command::User { .. } => Some("a USER that changes who runs it"),
        Command::Shell { .. } => Some("a SHELL that changes how it runs"),
        Command::Volume { .. } => Some("a VOLUME"),
        Command::Onbuild { .. } => Some("an ONBUILD"),
        Command::Copy(c) | Command::Add(c) => {
            if c.from.is_some()
                || step
                    .inputs
                    .sources
                    .iter()
                    .any(|s| matches!(s, Source::Remote { .. }))
            {
                Some("a COPY --from or remote ADD")
            } else {
                None
            }
        }
        Command::From { .. } => Some("the FROM"),
        _ => None,
    }
}

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for st in &cx.model.stages {
        let steps: Vec<&Step> = st.steps.iter().map(|&i| &cx.model.steps[i]).collect();
        for (j, sj) in steps.iter().enumerate() {
            if sj.kind != StepKind::Layer || sj.churn > Churn::Dependencies {
                continue;
            }
            let ij = &cx.df.instructions[sj.instruction];
            if !is_context_free_install(sj, ij) {
                continue;
            }
            // Walk up while nothing blocks; remember the highest volatile step passed.
            let mut target: Option<usize> = None;
            for k in (0..j).rev() {
                let sk = steps[k];
                let ik = &cx.df.instructions[sk.instruction];
                if blocks(sk, ik).is_some() {
                    break;
                }
                if sk.kind == StepKind::Layer && sk.churn > sj.churn && sk.seconds < sj.seconds {
                    target = Some(k);
                }
            }
            let Some(k) = target else { continue };
            let volatile = steps[k];
            let iv = &cx.df.instructions[volatile.instruction];
            let mut f = cx.finding(
                &META,
                ij.span,
                format!(
                    "this slow step (~{} s, {}) re-runs whenever line {} ({}) changes; move it above line {}",
                    crate::num::F0(sj.seconds),
                    sj.churn.label(),
                    volatile.line,
                    volatile.churn.label(),
                    volatile.line
                ),
            );
            f.labels.push(Label {
                span: iv.span,
                message: format!("changes often ({})", volatile.churn.label()),
            });
            let moved = line_range(cx.src, ij.span);
            let at = line_range(cx.src, iv.span).start as usize;
            f.fix = Some(Fix {
                title: format!("Move line {} above line {}", sj.line, volatile.line),
                applicability: Applicability::Safe,
                edits: crate::fix::move_lines(cx.src, moved, at),
                files: Vec::new(),
                commands: Default::default(),
            });
            out.push(f);
        }
    }
    out
}
