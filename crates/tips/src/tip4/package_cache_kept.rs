//! ## What it does
//! Finds package downloads left in the image when no cache mount is used:
//! `apt-get install` without removing `/var/lib/apt/lists` in the same `RUN`,
//! and `pip install` without `--no-cache-dir`.
//!
//! ## Why it slows the build
//! The apt index (tens of MB) and pip's wheel cache are written into the
//! layer, so every rebuild of the step stores and ships them again, and every
//! pull downloads them. They help no one inside the image: a cache mount
//! (tip 5) is the place to keep downloads between builds.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM python:3.12-slim
//! RUN apt-get update && apt-get install -y --no-install-recommends libpq5
//! RUN pip install -r requirements.txt
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM python:3.12-slim
//! RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \
//!     && rm -rf /var/lib/apt/lists/*
//! RUN pip install --no-cache-dir -r requirements.txt
//! ```
//!
//! ## Fix safety
//! Removing the apt lists in the same `RUN` is safe: only the downloaded
//! index goes. Adding `--no-cache-dir` is also safe for the image, but it is
//! marked unsafe because the better fix is a cache mount (rule LL502), which
//! `--no-cache-dir` would defeat; the optimizer applies the cache mount.

use super::super::util::{append_command, find_words, has_cache_mount_for};
use super::super::{Ctx, Finding, RuleMeta};
use crate::edit::{Applicability, CommandChanges, Fix};
use crate::model::{Action, Manager};

pub const META: RuleMeta = RuleMeta {
    code: "LL402",
    name: "package-cache-kept",
    tip: 4,
    summary: "Downloaded package lists or caches stay in the layer",
};

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for step in &cx.model.steps {
        let ins = &cx.df.instructions[step.instruction];
        let script = super::super::util::run_script(ins);
        let apt = step
            .packages
            .iter()
            .find(|o| o.manager == Manager::Apt && o.action == Action::Install);
        if let Some(op) = apt {
            let cleaned = script.contains("/var/lib/apt/lists");
            if !cleaned && !has_cache_mount_for(ins, Manager::Apt) {
                let span = find_words(
                    cx.src,
                    ins.span,
                    &[op.command.split_whitespace().next().unwrap_or("apt-get")],
                )
                .unwrap_or(ins.span);
                let mut f = cx.finding(&META, span, "the apt package lists stay in this layer: remove /var/lib/apt/lists/* in the same RUN (or use a cache mount)".to_string());
                if let Some(edit) = append_command(cx, ins, "rm -rf /var/lib/apt/lists/*", true) {
                    f.fix = Some(Fix {
                        title: "Remove the apt lists in the same RUN".into(),
                        applicability: Applicability::Safe,
                        edits: vec![edit],
                        files: Vec::new(),
                        commands: CommandChanges::adds("rm -rf /var/lib/apt/lists/*"),
                    });
                }
                out.push(f);
            }
        }
        for op in step
            .packages
            .iter()
            .filter(|o| o.manager == Manager::Pip && o.action == Action::Install)
        {
            if op.has_flag("--no-cache-dir")
                || has_cache_mount_for(ins, Manager::Pip)
                || script.contains("PIP_NO_CACHE_DIR")
            {
                continue;
            }
            let env_off = cx.model.steps.iter().any(|s| {
                s.stage == step.stage && s.inputs.env.iter().any(|e| e == "PIP_NO_CACHE_DIR")
            });
            if env_off {
                continue;
            }
            out.push(super::flag_finding(
                cx,
                &META,
                ins,
                step,
                op,
                "install",
                "--no-cache-dir",
                Applicability::Unsafe,
                &|op: &crate::model::PackageOp| {
                    format!(
                        "`{}` keeps pip's download cache in the layer: use a cache mount or --no-cache-dir",
                        op.command
                    )
                },
            ));
        }
    }
    out
}
