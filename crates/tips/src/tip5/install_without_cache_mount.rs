//! ## What it does
//! Finds package installs that download without a BuildKit cache mount:
//! apt, apk, dnf/yum, pip, pipenv, poetry, uv, npm, yarn, pnpm, go, cargo,
//! maven, gradle, bundler, composer, dotnet. Builds that resolve
//! dependencies themselves (`go build`, `cargo build`, `mvn package`,
//! `gradle build`, `dotnet publish`) count as installs: once the download
//! step keeps its packages in a mount, they need the same mount to find them.
//!
//! ## Why it slows the build
//! When an install step misses the cache (a dependency was added), it starts
//! from nothing and downloads *every* package again. A cache mount
//! (`RUN --mount=type=cache,target=…`) keeps the package manager's download
//! cache between builds without putting it in the image, so a dependency bump
//! downloads only what changed. Cache mounts are not part of the cache key:
//! they never cause a rebuild.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM python:3.12-slim
//! COPY requirements.txt .
//! RUN pip install -r requirements.txt
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM python:3.12-slim
//! COPY requirements.txt .
//! RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
//! ```
//!
//! ## Fix safety
//! Safe: the mount only holds downloads, which the image should not contain
//! anyway. The fix uses each manager's cache directory as the target; for apt
//! it mounts `/var/cache/apt` and `/var/lib/apt` with `sharing=locked` (apt
//! takes a lock on them) and keeps downloaded packages by replacing the
//! image's `docker-clean` hook; for pnpm it sets an `id` so every stage
//! shares one store, at pnpm's own store path (`/pnpm/store` when the stage
//! sets `PNPM_HOME`, as pnpm's Docker guide does, else
//! `/root/.local/share/pnpm/store`). Flags that defeat the cache (`--no-cache-dir`,
//! `rm -rf /var/lib/apt/lists/*`, `npm cache clean`) are removed by LL503.

use super::super::util::{flag_insert_point, has_cache_mount_for};
use super::super::{Ctx, Finding, RuleMeta};
use crate::edit::{continuation, Applicability, CommandChanges, Fix, TextEdit};
use crate::model::{Action, Manager};

/// Keeps downloaded .debs for the cache mount: the image's docker-clean
/// hook deletes them.
const APT_KEEP: &str = "rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/keep-cache";

pub const META: RuleMeta = RuleMeta {
    code: "LL502",
    name: "install-without-cache-mount",
    tip: 5,
    summary: "A package install downloads without a cache mount",
};

/// The `--mount` flags for a manager's cache. `pnpm_home`: the step's
/// environment sets `PNPM_HOME` (pnpm's store is then `$PNPM_HOME/store`,
/// `/pnpm/store` by the documented `ENV PNPM_HOME=/pnpm`; otherwise it is
/// `~/.local/share/pnpm/store`).
pub fn mount_flags(m: Manager, pnpm_home: bool) -> Vec<String> {
    match m {
        Manager::Apt => vec![
            "--mount=type=cache,target=/var/cache/apt,sharing=locked".into(),
            "--mount=type=cache,target=/var/lib/apt,sharing=locked".into(),
        ],
        Manager::Pnpm if pnpm_home => vec!["--mount=type=cache,id=pnpm,target=/pnpm/store".into()],
        Manager::Pnpm => {
            vec!["--mount=type=cache,id=pnpm,target=/root/.local/share/pnpm/store".into()]
        }
        Manager::Go => vec![
            "--mount=type=cache,target=/go/pkg/mod".into(),
            "--mount=type=cache,target=/root/.cache/go-build".into(),
        ],
        Manager::Cargo => vec!["--mount=type=cache,target=/usr/local/cargo/registry".into()],
        Manager::Apk => vec!["--mount=type=cache,target=/var/cache/apk".into()],
        m => vec![format!(
            "--mount=type=cache,target={}",
            m.cache_targets()[0]
        )],
    }
}

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for step in &cx.model.steps {
        let ins = &cx.df.instructions[step.instruction];
        let mut managers: Vec<Manager> = Vec::new();
        for op in &step.packages {
            let downloads = op.action == Action::Install
                || (op.action == Action::Build
                    && matches!(
                        op.manager,
                        Manager::Go
                            | Manager::Cargo
                            | Manager::Maven
                            | Manager::Gradle
                            | Manager::Dotnet
                    ));
            let skip = op.manager == Manager::Apk && op.has_flag("--no-cache")
                || op.manager == Manager::Gem;
            if downloads
                && !skip
                && !has_cache_mount_for(ins, op.manager)
                && !managers.contains(&op.manager)
            {
                managers.push(op.manager);
            }
        }
        if managers.is_empty() {
            continue;
        }
        let names: Vec<&str> = managers
            .iter()
            .map(|m| match m {
                Manager::Apt => "apt",
                Manager::Apk => "apk",
                Manager::Dnf | Manager::Microdnf => "dnf",
                Manager::Yum => "yum",
                Manager::Pip => "pip",
                Manager::Pipenv => "pipenv",
                Manager::Poetry => "poetry",
                Manager::Uv => "uv",
                Manager::Npm => "npm",
                Manager::Yarn => "yarn",
                Manager::Pnpm => "pnpm",
                Manager::Go => "go",
                Manager::Cargo => "cargo",
                Manager::Maven => "maven",
                Manager::Gradle => "gradle",
                Manager::Bundler | Manager::Gem => "bundler",
                Manager::Composer => "composer",
                Manager::Dotnet => "dotnet",
            })
            .collect();
        let mut f = cx.finding(&META, ins.span, format!("{} downloads without a cache mount: a dependency change downloads everything again", names.join(" and ")));
        let mut flags: Vec<String> = managers
            .iter()
            .flat_map(|m| mount_flags(*m, step.inputs.env.iter().any(|v| v == "PNPM_HOME")))
            .collect();
        flags.dedup();
        let indent = super::super::util::continuation_indent(cx.src, ins);
        let mut prefix = String::new();
        if managers.contains(&Manager::Apt) {
            prefix = format!("{APT_KEEP};{}{indent}", continuation(cx.src, cx.df.escape));
        }
        let json_form =
            matches!(&ins.command, crate::syntax::Command::Run { command, .. } if !command.shell);
        if !json_form {
            let at = flag_insert_point(ins);
            let line_len = ins.span.text(cx.src).lines().next().map_or(0, str::len);
            let inline = flags.len() == 1 && line_len + flags[0].len() < 100 && prefix.is_empty();
            let flag_text = if inline {
                format!(" {}", flags[0])
            } else {
                // One flag per line, the command on the next one:
                // `RUN --mount=… \` / `    --mount=… \` / `    cmd`.
                let sep = format!("{}{indent}", continuation(cx.src, cx.df.escape));
                let rest = &cx.src[at..];
                let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                let pad = indent.len().saturating_sub(ws);
                format!(" {}{sep}", flags.join(&sep))
                    .trim_end_matches(' ')
                    .to_string()
                    + &" ".repeat(pad.max(usize::from(ws == 0)))
            };
            let mut edits = vec![TextEdit::insert(at, flag_text)];
            if !prefix.is_empty() && ins.heredocs.is_empty() {
                let cmd = super::super::util::run_command_span(ins);
                let text = cmd.text(cx.src);
                let lead = text.len() - text.trim_start().len();
                edits.push(TextEdit::insert(cmd.start as usize + lead, prefix.clone()));
            }
            f.fix = Some(Fix {
                title: format!("Add a cache mount for {}", names.join(" and ")),
                applicability: Applicability::Safe,
                edits,
                files: Vec::new(),
                commands: if prefix.is_empty() || !ins.heredocs.is_empty() {
                    CommandChanges::default()
                } else {
                    CommandChanges::adds(APT_KEEP)
                },
            });
        }
        out.push(f);
    }
    out
}
