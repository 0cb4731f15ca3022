//! ## What it does
//! Finds `dnf`/`yum`/`microdnf install` that pulls weak dependencies
//! (no `--setopt=install_weak_deps=False` / `--nodocs`) or leaves the package
//! cache behind (no `dnf clean all` / `yum clean all` in the same `RUN`).
//!
//! ## Why it slows the build
//! Weak dependencies are dnf's "recommends": extra packages to download and
//! unpack on every rebuild. The metadata cache under `/var/cache/dnf` can be
//! hundreds of MB, written into the layer each time.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM fedora:40
//! RUN dnf install -y gcc
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM fedora:40
//! RUN dnf install -y --setopt=install_weak_deps=False gcc && dnf clean all
//! ```
//!
//! ## Fix safety
//! Appending `&& dnf clean all` is safe (it only removes caches). Turning
//! weak dependencies off may drop a package something needs, so that part is
//! only suggested in the message.

use super::super::util::{append_command, find_words, has_cache_mount_for, run_script};
use super::super::{Ctx, Finding, RuleMeta};
use crate::edit::{Applicability, CommandChanges, Fix};
use crate::model::{Action, Manager};

pub const META: RuleMeta = RuleMeta {
    code: "LL407",
    name: "dnf-weak-deps-and-cache",
    tip: 4,
    summary: "dnf/yum installs weak dependencies or keeps its cache",
};

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for step in &cx.model.steps {
        let ins = &cx.df.instructions[step.instruction];
        let script = run_script(ins);
        for op in step.packages.iter().filter(|o| {
            matches!(o.manager, Manager::Dnf | Manager::Yum | Manager::Microdnf)
                && o.action == Action::Install
        }) {
            let prog = op.command.split_whitespace().next().unwrap_or("dnf");
            let weak = !op.command.contains("install_weak_deps=False")
                && !op.command.contains("install_weak_deps=0")
                && !op.has_flag("--nodocs")
                && op.manager != Manager::Yum;
            let cleaned = script.contains("clean all")
                || script.contains("/var/cache/dnf")
                || script.contains("/var/cache/yum")
                || has_cache_mount_for(ins, op.manager);
            if !weak && cleaned {
                continue;
            }
            let mut problems = Vec::new();
            if weak {
                problems.push("installs weak dependencies (add --setopt=install_weak_deps=False)");
            }
            if !cleaned {
                problems.push(if op.manager == Manager::Yum {
                    "keeps its cache (add && yum clean all)"
                } else {
                    "keeps its cache (add && dnf clean all)"
                });
            }
            let at = find_words(cx.src, ins.span, &[prog]).unwrap_or(ins.span);
            let mut f = cx.finding(
                &META,
                at,
                format!("`{}` {}", op.command, problems.join(" and ")),
            );
            let tool = match op.manager {
                Manager::Yum => "yum",
                Manager::Microdnf => "microdnf",
                _ => "dnf",
            };
            let clean = format!("{tool} clean all");
            if let Some(edit) = (!cleaned)
                .then(|| append_command(cx, ins, &clean, false))
                .flatten()
            {
                f.fix = Some(Fix {
                    title: format!("Run {tool} clean all in the same RUN"),
                    applicability: Applicability::Safe,
                    edits: vec![edit],
                    files: Vec::new(),
                    commands: CommandChanges::adds(clean),
                });
            }
            out.push(f);
        }
    }
    out
}
