//! ## What it does
//! Finds a `COPY` of the whole context (`.`) or of a source directory placed
//! before a dependency install that only needs the manifests: `pip install
//! -r requirements.txt`, `npm ci`, `yarn install`, `pnpm install`, `poetry
//! install --no-root`, `uv sync`, `pipenv install`, `go mod download`,
//! `cargo fetch`, `mvn dependency:go-offline`, `gradle dependencies`,
//! `bundle install`, `composer install`, `dotnet restore`.
//!
//! ## Why it slows the build
//! `COPY` is keyed on the content of what it copies. Copying everything
//! means any edit, to any file, misses the cache at that `COPY`, and the
//! chain rule then re-runs the install after it: minutes of downloads for a
//! one-line code change. Copying only the manifests first keeps the install
//! cached until the dependencies themselves change.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM node:20-slim
//! WORKDIR /app
//! COPY . .
//! RUN npm ci
//! CMD ["node", "server.js"]
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM node:20-slim
//! WORKDIR /app
//! COPY package.json package-lock.json* ./
//! RUN npm ci
//! COPY . .
//! CMD ["node", "server.js"]
//! ```
//!
//! ## Fix safety
//! The fix copies the manifests the install reads (optional ones such as
//! lock files with a `*`, which BuildKit allows to match nothing), keeps the
//! install where it is, and moves the broad `COPY` right after it, with its
//! flags. It is offered only when every step between the `COPY` and the
//! install is an `ENV`/`ARG`/`LABEL`/`EXPOSE` or a package install by name
//! (nothing else could have read the copied files), when no `WORKDIR` lies
//! between them, and when the install does not also read the project's
//! source (`pip install .`, `poetry install` without `--no-root`). The image
//! ends with the same files, so the fix is safe.

use super::super::{Ctx, Finding, Label, RuleMeta};
use crate::fix::{line_range, newline, Applicability, Fix, TextEdit};
use crate::model::{is_tree, Action, Manager, PackageOp, Source, Step, StepKind};
use crate::syntax::{Command, Instruction};

pub const META: RuleMeta = RuleMeta {
    code: "LL301",
    name: "broad-copy-before-install",
    tip: 3,
    summary: "The whole project is copied before a dependency install: copy the manifests first",
};

/// The manifests a manager's install reads, required ones first and
/// optional ones (lock files) marked with a trailing `*`.
pub fn manifests_for(op: &PackageOp) -> Vec<String> {
    let fixed: &[&str] = match op.manager {
        Manager::Npm => &["package.json", "package-lock.json*", "npm-shrinkwrap.json*"],
        Manager::Yarn => &["package.json", "yarn.lock*", ".yarnrc.yml*"],
        Manager::Pnpm => &["package.json", "pnpm-lock.yaml*", "pnpm-workspace.yaml*"],
        Manager::Poetry => &["pyproject.toml", "poetry.lock*"],
        Manager::Uv if op.manifests.iter().any(|m| m == "uv.lock") => {
            &["pyproject.toml", "uv.lock*"]
        }
        Manager::Pipenv => &["Pipfile", "Pipfile.lock*"],
        Manager::Go => &["go.mod", "go.sum*"],
        Manager::Cargo if op.manifests.iter().any(|m| m == "recipe.json") => &["recipe.json"],
        Manager::Cargo => &["Cargo.toml", "Cargo.lock*"],
        Manager::Maven => &["pom.xml", ".mvn*", "mvnw*"],
        Manager::Gradle => &[
            "build.gradle*",
            "settings.gradle*",
            "gradle.properties*",
            "gradlew*",
            "gradle*",
        ],
        Manager::Bundler => &["Gemfile", "Gemfile.lock*"],
        Manager::Composer => &["composer.json", "composer.lock*"],
        _ => &[],
    };
    if !fixed.is_empty() {
        return fixed.iter().map(|s| s.to_string()).collect();
    }
    op.manifests.clone()
}

/// Installs in `step` that only need manifests (not the whole source).
fn manifest_installs(step: &Step) -> Vec<&PackageOp> {
    step.packages
        .iter()
        .filter(|o| {
            o.action == Action::Install
                && !o.manager.is_system()
                && !o.manifests.is_empty()
                && !o.reads_source
        })
        .collect()
}

fn broad_source(step: &Step) -> Option<String> {
    step.inputs.sources.iter().find_map(|s| match s {
        Source::Context { path } if is_tree(path) && !crate::model::cost::is_manifest(path) => {
            Some(path.clone())
        }
        _ => None,
    })
}

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for st in &cx.model.stages {
        let steps: Vec<&Step> = st.steps.iter().map(|&i| &cx.model.steps[i]).collect();
        for (i, si) in steps.iter().enumerate() {
            if si.kind != StepKind::Layer {
                continue;
            }
            let ii = &cx.df.instructions[si.instruction];
            let (Command::Copy(copy) | Command::Add(copy)) = &ii.command else {
                continue;
            };
            if copy.from.is_some() {
                continue;
            }
            let Some(tree) = broad_source(si) else {
                continue;
            };
            // The first later install that only needs manifests.
            let Some((j, sj)) = steps
                .iter()
                .enumerate()
                .skip(i + 1)
                .find(|(_, s)| !manifest_installs(s).is_empty())
            else {
                continue;
            };
            let ops = manifest_installs(sj);
            let ij = &cx.df.instructions[sj.instruction];
            let names: Vec<String> = ops
                .iter()
                .map(|o| {
                    o.command
                        .split_whitespace()
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            let mut f = cx.finding(
                &META,
                ii.span,
                format!(
                    "`{}` copies {} before `{}` (line {}): any edit re-runs the install (~{} s). Copy the manifests first, install, then copy the rest",
                    si.text,
                    if crate::simulate::glob::clean(&tree).is_empty() { "the whole build context".to_string() } else { format!("all of `{tree}`") },
                    names.join("`, `"),
                    sj.line,
                    crate::num::F0(sj.seconds)
                ),
            );
            f.labels.push(Label {
                span: ij.span,
                message: "this install only needs the dependency manifests".into(),
            });
            if sj.packages.iter().all(|o| !o.reads_source) {
                f.fix = split_fix(cx, &steps, i, j, ii, copy, &tree, &ops);
            }
            out.push(f);
        }
    }
    out
}

/// A step that cannot have read the files a broad COPY brought in.
fn harmless(cx: &Ctx, s: &Step) -> bool {
    let ins = &cx.df.instructions[s.instruction];
    match &ins.command {
        Command::Env { .. }
        | Command::Arg { .. }
        | Command::Label { .. }
        | Command::Expose { .. }
        | Command::Maintainer { .. } => true,
        Command::Run { .. } => {
            super::super::tip2::volatile_before_stable::is_context_free_install(s, ins)
        }
        Command::Copy(c) | Command::Add(c) => {
            c.sources.iter().all(|p| crate::model::cost::is_manifest(p))
        }
        _ => false,
    }
}

/// The installs after the first one (`j`) that the same fix can serve: a
/// run of manifest-only installs with only harmless steps between, so one
/// fix copies each install's manifests right before it and moves the broad
/// COPY after the last (one round of the optimizer, not one per install).
fn later_installs(cx: &Ctx, steps: &[&Step], j: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for (k, s) in steps.iter().enumerate().skip(j + 1) {
        if !manifest_installs(s).is_empty() && s.packages.iter().all(|o| !o.reads_source) {
            out.push(k);
        } else if !harmless(cx, s) {
            break;
        }
    }
    out
}

/// The manifests the install at `steps[k]` reads (`ops`), as paths in the
/// context, or `None` when one is outside what the broad COPY copies or a
/// required one is missing from the known context.
#[allow(clippy::too_many_arguments)]
fn manifest_files(
    cx: &Ctx,
    steps: &[&Step],
    i: usize,
    k: usize,
    copy: &crate::syntax::CopyArgs,
    tree: &str,
    ops: &[&PackageOp],
) -> Option<Vec<String>> {
    let workdir = &steps[k].inputs.workdir;
    let dest_abs = if copy.dest.starts_with('/') {
        copy.dest.clone()
    } else {
        format!(
            "{}/{}",
            steps[i].inputs.workdir.trim_end_matches('/'),
            copy.dest
        )
    };
    let dest_abs = format!("/{}", crate::simulate::glob::clean(&dest_abs));
    let tree_clean = crate::simulate::glob::clean(tree);
    // Where the install looks, relative to the copied tree.
    let mut files: Vec<String> = Vec::new();
    for op in ops {
        for m in manifests_for(op) {
            let abs = if m.starts_with('/') {
                m.clone()
            } else {
                format!("{}/{}", workdir.trim_end_matches('/'), m)
            };
            let abs = format!(
                "/{}",
                crate::simulate::glob::clean(abs.trim_end_matches('*'))
            );
            let rel = if dest_abs == "/" {
                abs.trim_start_matches('/').to_string()
            } else {
                abs.strip_prefix(&format!("{dest_abs}/"))?.to_string()
            };
            let optional = m.ends_with('*');
            let mut p = if tree_clean.is_empty() {
                rel
            } else {
                format!("{tree_clean}/{rel}")
            };
            if let Some(files_known) = &cx.context.files {
                let exists = files_known
                    .iter()
                    .any(|f| crate::simulate::glob::selects(&p, f));
                if !exists {
                    if optional {
                        continue;
                    }
                    return None;
                }
            } else if optional {
                p.push('*');
            }
            if !files.contains(&p) {
                files.push(p);
            }
        }
    }
    Some(files)
}

#[allow(clippy::too_many_arguments)]
fn split_fix(
    cx: &Ctx,
    steps: &[&Step],
    i: usize,
    j: usize,
    ii: &Instruction,
    copy: &crate::syntax::CopyArgs,
    tree: &str,
    ops: &[&PackageOp],
) -> Option<Fix> {
    // Nothing between may have read the copied files or moved the workdir.
    if !steps[i + 1..j].iter().all(|s| harmless(cx, s)) {
        return None;
    }
    if copy.sources.len() != 1 || !ii.heredocs.is_empty() || !steps[i].inputs.expands.is_empty() {
        return None;
    }
    let mut copies: Vec<(usize, Vec<String>)> = Vec::new();
    let mut all: Vec<String> = Vec::new();
    let mut installs = vec![j];
    installs.extend(later_installs(cx, steps, j));
    for (n, &k) in installs.iter().enumerate() {
        let ops_k = if n == 0 { ops.to_vec() } else { manifest_installs(steps[k]) };
        let Some(files) = manifest_files(cx, steps, i, k, copy, tree, &ops_k) else {
            if n == 0 {
                return None;
            }
            break;
        };
        let files: Vec<String> = files.into_iter().filter(|f| !all.contains(f)).collect();
        if n == 0 && files.is_empty() {
            return None;
        }
        all.extend(files.iter().cloned());
        copies.push((k, files));
    }
    let nl = newline(cx.src);
    let flags: String = ii
        .flags
        .iter()
        .map(|f| format!("{} ", f.span.text(cx.src)))
        .collect();
    let dest = if copy.dest.ends_with('/') {
        copy.dest.clone()
    } else if copy.dest == "." {
        "./".into()
    } else {
        format!("{}/", copy.dest)
    };
    let manifest_copy =
        |files: &[String]| format!("{} {flags}{} {dest}{nl}", ii.keyword, files.join(" "));
    let broad = line_range(cx.src, ii.span);
    let last = copies.last().map_or(j, |c| c.0);
    let after_install = line_range(cx.src, cx.df.instructions[steps[last].instruction].span);
    let mut edits = Vec::new();
    for (n, (k, files)) in copies.iter().enumerate() {
        if files.is_empty() {
            continue;
        }
        let at = if n == 0 {
            broad.start
        } else {
            line_range(cx.src, cx.df.instructions[steps[*k].instruction].span).start
        };
        edits.push(TextEdit::insert(at as usize, manifest_copy(files)));
    }
    if (after_install.end as usize) == cx.src.len() && !cx.src.ends_with('\n') {
        let broad_text = broad
            .text(cx.src)
            .trim_end_matches(['\n', '\r'])
            .to_string();
        edits.push(TextEdit::delete(broad));
        edits.push(TextEdit::insert(
            after_install.end as usize,
            format!("{nl}{broad_text}"),
        ));
    } else {
        // The broad COPY goes right after the install, as its own block.
        edits.extend(crate::fix::move_lines(
            cx.src,
            broad,
            after_install.end as usize,
        ));
    }
    Some(Fix {
        title: format!(
            "Copy {} first, install, then copy the rest",
            if all.len() > 3 {
                format!("{}, {} and {} more manifests", all[0], all[1], all.len() - 2)
            } else {
                all.join(", ")
            }
        ),
        applicability: Applicability::Safe,
        edits,
        files: Vec::new(),
        commands: Default::default(),
    })
}
