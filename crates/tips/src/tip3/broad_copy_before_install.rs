//! ## What it does
//! Finds a `COPY` of the whole context (`.`) or of a source folder placed
//! before a step that only needs the dependencies, so that BuildKit reruns
//! it on every edit of the code:
//! - an install that reads only the manifests: `pip install -r
//!   requirements.txt`, `npm ci`, `yarn install`, `pnpm install`, `poetry
//!   install --no-root`, `uv sync --no-install-project`, `pipenv install`,
//!   `go mod download`, `cargo fetch`, `mvn dependency:go-offline`,
//!   `gradle dependencies`, `bundle install`, `composer install`, `dotnet
//!   restore`;
//! - an install of the project together with its dependencies: `poetry
//!   install` without `--no-root`, `uv sync` without `--no-install-project`,
//!   `pip install .`, a package script that installs;
//! - a build that downloads the dependencies as it compiles: `cargo build`,
//!   `go build`, `mvn package`, `gradle build`, `dotnet publish`, or a build
//!   script run on the build tool's image (`RUN ./build.sh` on `maven`),
//!   when no earlier layer fetched them (`go mod download`, `cargo chef
//!   cook`, `dotnet restore`, `mvn dependency:go-offline`, `pnpm fetch`, or
//!   a stage that did and is copied from).
//!
//! Copies of dependency inputs alone (manifests, lock files, `*.csproj`,
//! `patches/`, `vendor/`, `.mvn/`, `gradle/`) are not source copies, nor
//! are packages installed by name (an ordering question, tip 2). When
//! several source folders are copied before the step, the finding names
//! them all; a source copy in a stage the step's stage is built `FROM`
//! counts too.
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
//! ❌ Bad: the build downloads every module again after each edit
//! ```dockerfile
//! FROM golang:1.22 AS build
//! WORKDIR /src
//! COPY . .
//! RUN go build -o /bin/app .
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM golang:1.22 AS build
//! WORKDIR /src
//! COPY go.mod go.sum ./
//! RUN go mod download
//! COPY . .
//! RUN go build -o /bin/app .
//! ```
//!
//! ## Fix safety
//! When the step only installs from the manifests, the fix copies the
//! manifests it reads (optional ones such as lock files with a `*`, which
//! BuildKit allows to match nothing), keeps the install where it is, and
//! moves the source `COPY`s right after it, with their flags. It is offered
//! only when every step between is an `ENV`/`ARG`/`LABEL`/`EXPOSE`, a
//! package install by name or a copy of manifests (nothing else could have
//! read the copied files), the install's own `RUN` runs nothing else that
//! could (no `cd`, no other program, no `rm` inside the copy), and no
//! `WORKDIR` lies between unless the copies go to absolute paths. The image
//! ends with the same files, so the fix is
//! safe. It is unsafe when the known build context holds the folder the
//! install writes (`node_modules`, `vendor`, `.venv`) and no
//! `.dockerignore` keeps it out, since the moved `COPY` then overwrites the
//! installed one; when the manifests alone may not be enough (`cargo
//! fetch` needs the crate's sources; .NET, Maven and Gradle installs unless
//! the known context shows a single project; npm, yarn and pnpm workspaces
//! in the known context).
//!
//! Otherwise the fix adds a dependency-only layer before the source copy:
//! the manifests, then `go mod download`, `cargo fetch` (over a placeholder
//! `src/main.rs` in a `src` folder it makes and removes again), `mvn
//! dependency:go-offline`, `gradle dependencies`, `dotnet restore`, `poetry
//! install --no-root` or `uv sync --no-install-project` (with the step's
//! own flags and cache mounts), or the step's manifest install moved out of
//! a `RUN` that also builds. It is
//! unsafe: the fetch can fail where the build would not (path dependencies,
//! modules or workspace members the manifests name, a project file the
//! restore needs), and it can download more than the build uses.
//!
//! No fix, with the reason in the finding, when the install has no
//! dependency-only form (`pip install .`), when a manifest is not in the
//! known build context (pass `--context`), when a step between may read the
//! copied files, when the build is a script, or when the `RUN` cannot be
//! split with certainty.

use super::super::{Ctx, Finding, Label, RuleMeta};
use super::deps::{
    copy_lines, entries, kind, manifests_for, ops_before, satisfied, subcommand,
    written_commands, Copied, Kind,
};
use crate::edit::{line_range, newline, Applicability, CommandChanges, Fix, TextEdit};
use crate::model::{Manager, PackageOp, Step};
use crate::syntax::Command;

pub const META: RuleMeta = RuleMeta {
    code: "LL301",
    name: "broad-copy-before-install",
    tip: 3,
    summary: "The whole project is copied before a dependency install: copy the manifests first",
};

/// The dependency operations of `step` a source edit reruns: not done by
/// an earlier layer (`before`).
fn open_deps<'a>(step: &'a Step, before: &[&PackageOp]) -> Vec<(&'a PackageOp, Kind)> {
    step.packages
        .iter()
        .filter_map(|o| kind(o).map(|k| (o, k)))
        .filter(|(o, k)| !satisfied(o, *k, before))
        .collect()
}

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut inherited_reported: Vec<usize> = Vec::new();
    for st in &cx.model.stages {
        let steps: Vec<&Step> = st.steps.iter().map(|&i| &cx.model.steps[i]).collect();
        let source: Vec<bool> = steps
            .iter()
            .map(|s| super::deps::is_source_copy(cx, s))
            .collect();
        let narrow = narrow_copies(cx, &steps, &source);
        let scripts: Vec<Option<PackageOp>> =
            steps.iter().map(|s| super::deps::script_build(cx, s)).collect();
        // The source copies no finding names yet, in order (claimed ones
        // leave it, so the loop stays linear on files of many installs),
        // and the operations before the first of them.
        let mut open: Vec<usize> = Vec::new();
        let mut before: Option<(usize, Vec<&PackageOp>)> = None;
        let mut own_copy = false;
        for j in 0..steps.len() {
            let works = steps[j].packages.iter().any(|o| kind(o).is_some()) || scripts[j].is_some();
            if works && !own_copy {
                inherited(cx, st.index, &steps, j, &mut inherited_reported, &mut out);
            }
            if works && !open.is_empty() {
                let c1 = open[0];
                if before.as_ref().is_none_or(|b| b.0 != c1) {
                    before = Some((c1, ops_before(cx, st.index, c1)));
                }
                let ops = &before.as_ref().expect("set").1;
                let mut deps = open_deps(steps[j], ops);
                let script = scripts[j].as_ref().filter(|o| !satisfied(o, Kind::Build, ops));
                deps.extend(script.map(|o| (o, Kind::Build)));
                // A manifest install is served by the deliberate narrow copies.
                let copies: Vec<usize> = if deps.iter().all(|d| d.1 == Kind::Manifests) {
                    open.iter().copied().filter(|&i| !narrow[i]).collect()
                } else {
                    open.clone()
                };
                if !deps.is_empty() && !copies.is_empty() {
                    open.retain(|i| !copies.contains(i));
                    let mut f = finding(cx, &steps, &copies, j, &deps);
                    if let Some(o) = script {
                        f.fix = None;
                        f.no_fix = Some(format!(
                            "`{}` is a build script: what it fetches is not in the Dockerfile; fetch the dependencies in a layer of their own before the source copy",
                            o.command
                        ));
                    }
                    out.push(f);
                }
            }
            if source[j] {
                open.push(j);
                own_copy = true;
            }
        }
    }
    out
}

/// A source copy in a stage this one is built `FROM` (`FROM base AS deps`
/// after `COPY . /app` in `base`) before the dependency step at `j`, which
/// the stage reaches before any copy of its own: every edit reruns it. One
/// finding per such copy, at the copy, without a fix (the copy serves the
/// stages built on it).
fn inherited(
    cx: &Ctx,
    stage: usize,
    steps: &[&Step],
    j: usize,
    reported: &mut Vec<usize>,
    out: &mut Vec<Finding>,
) {
    // The earliest source copy of the chain, in build order.
    let chain = super::super::tip4::chain_of(cx, stage);
    let first = chain.iter().skip(1).rev().find_map(|&b| {
        let bs: Vec<&Step> = cx.model.stage_steps(b).collect();
        bs.iter()
            .position(|s| super::deps::is_source_copy(cx, s))
            .map(|k| (b, k, bs[k]))
    });
    let Some((b, k, copy)) = first else { return };
    if reported.contains(&copy.instruction) {
        return;
    }
    let before = ops_before(cx, b, k);
    let mut deps = open_deps(steps[j], &before);
    let script = super::deps::script_build(cx, steps[j]);
    if let Some(o) = script.as_ref().filter(|o| !satisfied(o, Kind::Build, &before)) {
        deps.push((o, Kind::Build));
    }
    if deps.is_empty() {
        return;
    }
    reported.push(copy.instruction);
    let ic = &cx.df.instructions[copy.instruction];
    let ij = &cx.df.instructions[steps[j].instruction];
    let name = |s: usize| cx.model.stages[s].name.clone().unwrap_or_else(|| s.to_string());
    let mut f = cx.finding(
        &META,
        ic.span,
        format!(
            "`{}` copies the source in stage `{}`, and stage `{}` is built on it: any edit re-runs `{}` (line {}, ~{} s). Copy the manifests into the stage that installs, install, and copy the source after",
            copy.text,
            name(b),
            name(stage),
            deps[0].0.command,
            steps[j].line,
            crate::num::F0(steps[j].seconds)
        ),
    );
    f.labels.push(Label {
        span: ij.span,
        message: "this step re-runs on every source edit".into(),
    });
    f.no_fix = Some(format!(
        "the copy is in stage `{}`, which other stages are built on; moving it is a change to the stage layout",
        name(b)
    ));
    out.push(f);
}

/// The source copies that look deliberate: a folder two or more levels
/// deep (`packages/definitions/src`), copied after the stage already copied
/// manifests alone. An author who split the manifests out and then copies
/// one deep folder before the install does so because the install needs it
/// (code it generates from, a local package it builds); a manifest-only
/// install is not reported for them (an install of the project is).
fn narrow_copies(cx: &Ctx, steps: &[&Step], source: &[bool]) -> Vec<bool> {
    let mut manifests_seen = false;
    let mut out = vec![false; steps.len()];
    for (i, s) in steps.iter().enumerate() {
        let ins = &cx.df.instructions[s.instruction];
        let (Command::Copy(c) | Command::Add(c)) = &ins.command else {
            continue;
        };
        if c.from.is_some() {
            continue;
        }
        if source[i] {
            out[i] = manifests_seen
                && c.sources.iter().all(|p| {
                    let clean = crate::simulate::glob::clean(p);
                    !crate::model::cost::is_source_tree(p)
                        || (clean.split('/').count() >= 2 && !clean.contains(['*', '?', '[']))
                });
        } else if !c.sources.is_empty() && c.sources.iter().all(|p| crate::model::cost::is_manifest(p)) {
            manifests_seen = true;
        }
    }
    out
}

fn finding(cx: &Ctx, steps: &[&Step], copies: &[usize], j: usize, deps: &[(&PackageOp, Kind)]) -> Finding {
    let s1 = steps[copies[0]];
    let i1 = &cx.df.instructions[s1.instruction];
    let sj = steps[j];
    let ij = &cx.df.instructions[sj.instruction];
    let trees: Vec<String> = copies
        .iter()
        .flat_map(|&i| {
            steps[i].inputs.sources.iter().filter_map(|s| match s {
                crate::model::Source::Context { path }
                    if crate::model::cost::is_source_tree(path) =>
                {
                    Some(crate::simulate::glob::clean(path))
                }
                _ => None,
            })
        })
        .collect();
    let what = if trees.iter().any(|t| t.is_empty()) {
        "the whole build context".to_string()
    } else if trees.len() == 1 {
        format!("all of `{}`", trees[0])
    } else if trees.len() > 3 {
        format!("`{}` and {} more", trees[..3].join("`, `"), trees.len() - 3)
    } else {
        format!("`{}`", trees.join("`, `"))
    };
    let names: Vec<String> = deps
        .iter()
        .map(|(o, _)| {
            let prog = o.command.split_whitespace().next().unwrap_or("");
            let sub = subcommand(o);
            if matches!(o.manager, Manager::Maven | Manager::Gradle) && !prog.ends_with(".sh") {
                // Goals and tasks: `mvn clean package`, `./gradlew clean build`.
                let rest: Vec<String> = o.command.split_whitespace().skip(1).map(str::to_string).collect();
                let goals = crate::model::packages::positionals(o.manager, &rest);
                std::iter::once(prog.to_string()).chain(goals.into_iter().take(3)).collect::<Vec<_>>().join(" ")
            } else if sub.is_empty() || prog.ends_with(".sh") {
                prog.to_string()
            } else if o.command.starts_with("python") {
                format!("{} {sub}", o.command.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            } else {
                format!("{prog} {sub}")
            }
        })
        .fold(Vec::new(), |mut v, n| {
            if !v.contains(&n) {
                v.push(n);
            }
            v
        });
    let copied = if copies.len() == 1 {
        format!("`{}`", s1.text)
    } else {
        format!("`{}` and {} more COPY", s1.text, copies.len() - 1)
    };
    let secs = crate::num::F0(sj.seconds);
    let strongest = if deps.iter().any(|d| d.1 == Kind::Build) {
        Kind::Build
    } else if deps.iter().any(|d| d.1 == Kind::Project) {
        Kind::Project
    } else {
        Kind::Manifests
    };
    let message = match strongest {
        Kind::Manifests => format!(
            "{copied} copies {what} before `{}` (line {}): any edit re-runs the install (~{secs} s). Copy the manifests first, install, then copy the rest",
            names.join("`, `"),
            sj.line
        ),
        Kind::Project => format!(
            "{copied} copies {what} before `{}` (line {}), which installs the dependencies with the project: any edit installs them all again (~{secs} s). Install the dependencies alone from the manifests first, then copy the rest",
            names.join("`, `"),
            sj.line
        ),
        Kind::Build => format!(
            "{copied} copies {what} before `{}` (line {}), which downloads the dependencies as it builds: any edit downloads them again (~{secs} s). Fetch them in a layer of their own from the manifests first, then copy the rest",
            names.join("`, `"),
            sj.line
        ),
    };
    let mut f = cx.finding(&META, i1.span, message);
    for &i in &copies[1..] {
        f.labels.push(Label {
            span: cx.df.instructions[steps[i].instruction].span,
            message: "also copies source before the install".into(),
        });
    }
    f.labels.push(Label {
        span: ij.span,
        message: if strongest == Kind::Manifests {
            "this install only needs the dependency manifests".into()
        } else {
            "this step downloads the dependencies again on every source edit".into()
        },
    });
    let copied: Option<Vec<Copied>> = copies.iter().map(|&i| Copied::new(cx, steps, i)).collect();
    let result = match copied {
        None => Err("the copy could not be read".to_string()),
        Some(c) => match c.iter().find_map(|c| c.unreadable()) {
            Some(why) => Err(why),
            None if strongest == Kind::Manifests
                && sj.packages.iter().all(|o| !o.reads_source)
                && plain_install_run(cx, sj, &c).is_none() =>
            {
                let ops: Vec<&PackageOp> = deps.iter().map(|d| d.0).collect();
                split_fix(cx, steps, &c, j, &ops)
            }
            None => layer_fix(cx, steps, &c, j, deps),
        },
    };
    match result {
        Ok(fix) => f.fix = Some(fix),
        Err(why) => f.no_fix = Some(why),
    }
    f
}

/// A step that cannot have read the files a source COPY brought in.
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
            c.from.is_none() && c.sources.iter().all(|p| crate::model::cost::is_manifest(p))
        }
        _ => false,
    }
}

/// Whether a COPY of files from the context at step `k` may trade places
/// with the source copies: none of them writes where it writes, or it
/// copies with the same flags (then the same context file lands with the
/// same owner and mode, whichever comes last).
fn copy_commutes(cx: &Ctx, steps: &[&Step], copies: &[Copied], k: usize) -> bool {
    let Some(here) = Copied::new(cx, steps, k) else {
        return false;
    };
    if here.copy.from.is_some() || here.unreadable().is_some() {
        return false;
    }
    if here.copy.sources.iter().any(|p| crate::model::cost::is_source_tree(p)) {
        return false;
    }
    let same_flags = copies.iter().all(|c| c.flags(cx.src) == here.flags(cx.src));
    let dest = here.dest_abs.trim_end_matches('/');
    let into_dir = here.copy.dest.ends_with('/') || here.copy.sources.len() > 1;
    same_flags
        || here.copy.sources.iter().all(|p| {
            let clean = crate::simulate::glob::clean(p);
            let base = clean.rsplit('/').next().unwrap_or(&clean);
            let target = if into_dir { format!("{dest}/{base}") } else { dest.to_string() };
            copies.iter().all(|c| c.provides(&target).is_none())
        })
}

/// Why the steps between the copies and the install at `j` block moving
/// the copies after it, if they do: a step that may read the copied files,
/// a `WORKDIR` when a copy's destination is relative, an `ENV`/`ARG` that
/// redefines a variable a copy's destination uses.
fn blocked_between(cx: &Ctx, steps: &[&Step], copies: &[Copied], j: usize) -> Option<String> {
    let esc = cx.df.escape;
    let vars: Vec<String> = copies
        .iter()
        .flat_map(|c| crate::model::referenced_vars(&c.copy.dest, esc))
        .collect();
    let absolute = copies
        .iter()
        .all(|c| c.copy.dest.starts_with('/') || (c.copy.dest.starts_with('$') && c.dest_abs.len() > 1));
    for (k, s) in steps.iter().enumerate().take(j).skip(copies[0].at + 1) {
        if copies.iter().any(|c| c.at == k) {
            continue;
        }
        let ins = &cx.df.instructions[s.instruction];
        let defines: Vec<&str> = match &ins.command {
            Command::Env { pairs } => pairs.iter().map(|p| p.key.as_str()).collect(),
            Command::Arg { args } => args.iter().map(|a| a.name.as_str()).collect(),
            _ => Vec::new(),
        };
        if defines.iter().any(|d| vars.iter().any(|v| v == d)) {
            return Some(format!(
                "`{}` (line {}) changes a variable the COPY's destination uses",
                s.text, s.line
            ));
        }
        let workdir_ok = matches!(ins.command, Command::Workdir { .. }) && absolute;
        let commutes = matches!(ins.command, Command::Copy(_) | Command::Add(_))
            && copy_commutes(cx, steps, copies, k);
        if !harmless(cx, s) && !workdir_ok && !commutes {
            return Some(format!(
                "`{}` (line {}) runs between the copy and the install and may read the copied files",
                s.text, s.line
            ));
        }
    }
    None
}

/// The installs after the first one (`j`) that the same fix can serve: a
/// run of manifest-only installs with only harmless steps between, so one
/// fix copies each install's manifests right before it and moves the source
/// COPYs after the last (one round of the optimizer, not one per install).
fn later_installs(cx: &Ctx, steps: &[&Step], copies: &[Copied], j: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for (k, s) in steps.iter().enumerate().skip(j + 1) {
        let manifest_only = s.packages.iter().any(|o| kind(o) == Some(Kind::Manifests))
            && s.packages
                .iter()
                .all(|o| !o.reads_source && kind(o) != Some(Kind::Build));
        if manifest_only && plain_install_run(cx, s, copies).is_none() {
            out.push(k);
        } else if !harmless(cx, s) {
            break;
        }
    }
    out
}

/// Why the RUN of an install may read what the source copies bring in,
/// beyond the manifests, if it may: a command that is no package operation
/// and no harmless bookkeeping (`python manage.py collectstatic`, `make`),
/// a `cd` (the manifests are then elsewhere), a local package file
/// (`apt-get install ./x.deb`), a `rm`/`mkdir` inside a copy's destination.
/// Moving the copies after such a RUN could break it.
fn plain_install_run(cx: &Ctx, step: &Step, copies: &[Copied]) -> Option<String> {
    let ins = &cx.df.instructions[step.instruction];
    if !ins.heredocs.is_empty() {
        return Some("the RUN is a heredoc script".into());
    }
    let script = super::super::util::run_script(ins);
    for c in crate::model::shell::commands(&script) {
        let name = c.program_name();
        let local_path = |a: &String| a.starts_with("./") || a.starts_with("../");
        let inside_copy = |a: &String| {
            !(a.starts_with('/') || a.starts_with('~') || a.starts_with("$HOME"))
                || copies.iter().any(|k| {
                    k.dest_abs == "/" || crate::model::paths_overlap(&k.dest_abs, a)
                })
        };
        let ok = match name {
            "set" | "echo" | "true" | ":" | "printf" => true,
            "rm" | "mkdir" => c
                .args()
                .iter()
                .filter(|a| !a.starts_with('-'))
                .all(|a| !inside_copy(a)),
            _ => match crate::model::packages::recognize(&c) {
                Some(o) => !c.args().iter().any(local_path) || kind(&o) == Some(Kind::Manifests),
                None => false,
            },
        };
        if !ok {
            return Some(format!("`{}` runs in the install's RUN and may read the copied files", c.text()));
        }
    }
    None
}

/// Whether the manifests alone are provably enough for the install: in
/// ecosystems where a project commonly spans several manifests (.NET
/// project references and solutions, Maven modules, Gradle subprojects,
/// npm/yarn/pnpm workspaces), the known context must show one project
/// where the install runs; without a context only the node installs keep
/// the benefit of the doubt (one `package.json` is the norm). `cargo fetch`
/// needs the crate's targets, so it is never enough.
fn single_project(cx: &Ctx, copies: &[Copied], workdir: &str, ops: &[&PackageOp]) -> bool {
    let base = format!("{}/", workdir.trim_end_matches('/'));
    // The context's files below the install's folder, by name.
    let below = |names: &dyn Fn(&str) -> bool| -> Option<usize> {
        let files = cx.context.files.as_ref()?;
        let root = copies.iter().rev().find_map(|c| c.provides(&format!("{base}x")))?;
        let root = root.strip_suffix('x').unwrap_or(&root).to_string();
        Some(
            files
                .iter()
                .filter(|f| f.starts_with(&root) && !f.contains("node_modules/"))
                .filter(|f| names(f.rsplit('/').next().unwrap_or(f)))
                .count(),
        )
    };
    ops.iter().all(|o| match o.manager {
        Manager::Cargo => o.manifests.iter().any(|m| m == "recipe.json"),
        Manager::Dotnet => {
            below(&|n| n.ends_with(".sln") || n.ends_with(".slnx")) == Some(0)
                && below(&|n| [".csproj", ".fsproj", ".vbproj"].iter().any(|e| n.ends_with(e))) == Some(1)
        }
        Manager::Maven => below(&|n| n == "pom.xml") == Some(1),
        Manager::Gradle => {
            below(&|n| n.starts_with("build.gradle")).is_some_and(|k| k <= 1)
                && below(&|n| n.starts_with("settings.gradle")).is_some_and(|k| k <= 1)
        }
        Manager::Npm | Manager::Yarn | Manager::Pnpm => {
            below(&|n| n == "package.json").is_none_or(|k| k <= 1)
        }
        _ => true,
    })
}

/// Whether the known context holds, where the copies put it, the folder
/// an install writes (`node_modules`, `vendor`, `.venv`) without a
/// `.dockerignore` keeping it out: the moved COPY would overwrite it.
fn overwrites_install_output(cx: &Ctx, copies: &[Copied], workdir: &str, ops: &[&PackageOp]) -> bool {
    let Some(files) = &cx.context.files else {
        return false;
    };
    let ignore = cx.context.ignore();
    ops.iter().any(|o| {
        let out = match o.manager {
            Manager::Npm | Manager::Yarn | Manager::Pnpm => "node_modules",
            Manager::Composer | Manager::Bundler | Manager::Go => "vendor",
            Manager::Poetry | Manager::Uv | Manager::Pipenv => ".venv",
            _ => return false,
        };
        let abs = format!("{}/{out}", workdir.trim_end_matches('/'));
        copies.iter().filter_map(|c| c.provides(&abs)).any(|ctx| {
            files
                .iter()
                .any(|f| crate::simulate::glob::selects(&ctx, f) && !ignore.excludes(f))
        })
    })
}

fn split_fix(
    cx: &Ctx,
    steps: &[&Step],
    copies: &[Copied],
    j: usize,
    ops: &[&PackageOp],
) -> Result<Fix, String> {
    if let Some(why) = blocked_between(cx, steps, copies, j) {
        return Err(why);
    }
    let gemspec = steps[..j].iter().any(|s| {
        s.inputs.sources.iter().any(|src| {
            matches!(src, crate::model::Source::Context { path } if path.ends_with(".gemspec"))
        })
    });
    if gemspec && ops.iter().any(|o| o.manager == Manager::Bundler) {
        return Err("the Gemfile's `gemspec` loads the gem's own files (its version file under lib/), which the install then needs".into());
    }
    let mut groups: Vec<(usize, String)> = Vec::new();
    let mut all: Vec<String> = Vec::new();
    let mut installs = vec![j];
    installs.extend(later_installs(cx, steps, copies, j));
    let mut unsafe_ = false;
    let nl = newline(cx.src);
    for (n, &k) in installs.iter().enumerate() {
        let ops_k: Vec<&PackageOp> = if n == 0 {
            ops.to_vec()
        } else {
            steps[k]
                .packages
                .iter()
                .filter(|o| kind(o) == Some(Kind::Manifests))
                .collect()
        };
        let manifests: Vec<String> = ops_k.iter().flat_map(|o| manifests_for(o)).collect();
        let workdir = &steps[k].inputs.workdir;
        let found = match entries(cx, copies, workdir, &manifests) {
            Ok(e) => e,
            Err(why) if n == 0 => return Err(why),
            Err(_) => break,
        };
        unsafe_ |= overwrites_install_output(cx, copies, workdir, &ops_k)
            || !single_project(cx, copies, workdir, &ops_k);
        let fresh: Vec<_> = found.into_iter().filter(|e| !all.contains(&e.ctx)).collect();
        all.extend(fresh.iter().map(|e| e.ctx.clone()));
        groups.push((k, copy_lines(cx, copies, &fresh, nl)));
    }
    let last = groups.last().map_or(j, |g| g.0);
    let after_install = line_range(cx.src, cx.df.instructions[steps[last].instruction].span);
    let mut edits = Vec::new();
    for (n, (k, text)) in groups.iter().enumerate() {
        if text.is_empty() {
            continue;
        }
        let at = if n == 0 {
            line_range(cx.src, copies[0].ins.span).start
        } else {
            line_range(cx.src, cx.df.instructions[steps[*k].instruction].span).start
        };
        edits.push(TextEdit::insert(at as usize, text.clone()));
    }
    edits.extend(move_after(cx.src, copies, after_install.end as usize));
    let title = if all.is_empty() {
        "Move the source COPY after the install".to_string()
    } else {
        format!(
            "Copy {} first, install, then copy the rest",
            if all.len() > 3 {
                format!("{}, {} and {} more manifests", all[0], all[1], all.len() - 2)
            } else {
                all.join(", ")
            }
        )
    };
    Ok(Fix {
        title,
        applicability: if unsafe_ {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        },
        edits,
        files: Vec::new(),
        commands: Default::default(),
    })
}

/// Edits that move the copies' lines, in order, to the line starting at `to`.
fn move_after(src: &str, copies: &[Copied], to: usize) -> Vec<TextEdit> {
    let nl = newline(src);
    let mut edits = Vec::new();
    for c in copies {
        let block = line_range(src, c.ins.span);
        if to == src.len() && !src.ends_with('\n') {
            let text = block.text(src).trim_end_matches(['\n', '\r']).to_string();
            edits.push(TextEdit::delete(block));
            edits.push(TextEdit::insert(to, format!("{nl}{text}")));
        } else {
            edits.extend(crate::edit::move_lines(src, block, to));
        }
    }
    edits
}

/// Commands that may run before a moved install in its RUN without it
/// needing them.
const NEUTRAL: &[&str] = &["set", "echo", "true", ":", "printf"];

/// A language tool installed by name (`pip install --upgrade pip`, `npm
/// install -g pnpm`, `gem install bundler`): it reads nothing of the
/// project, so it can move with the install it prepares.
fn named_tool_install(cmd: &crate::model::shell::SimpleCommand) -> bool {
    crate::model::packages::recognize(cmd).is_some_and(|o| {
        !o.manager.is_system()
            && o.action == crate::model::Action::Install
            && o.manifests.is_empty()
            && !o.reads_source
            && !o.packages.is_empty()
    })
}

/// What the dependency-only layer runs for a build, and why not, per manager.
fn fetch_for_build(op: &PackageOp) -> Result<String, String> {
    let prog = op.command.split_whitespace().next().unwrap_or("");
    match op.manager {
        Manager::Go => Ok("go mod download".into()),
        // The placeholder's folder goes too: `mkdir -p src` … `rm
        // src/main.rs` left an empty `src` in the image when the crate has
        // no `src` folder (`[[bin]] path = "main.rs"`; verify-fixes'
        // rust-cargo-flat). Where the context has one, the source copy gives
        // the folder its mode and owner again (Docker 20.10, checked), so
        // only a `src` made by the RUN and left behind shows. `mkdir`
        // without `-p` stops rather than delete a `src` it did not make.
        Manager::Cargo => Ok("mkdir src && touch src/main.rs && cargo fetch && rm -r src".into()),
        Manager::Maven if ["-s", "--settings", "-f", "--file", "-gs"].iter().any(|f| op.has_flag(f)) => {
            Err(format!("`{}` reads a settings or POM file the fix does not place", op.command))
        }
        Manager::Maven => Ok(format!("{prog} -B dependency:go-offline")),
        Manager::Gradle => Ok(format!("{prog} dependencies --no-daemon")),
        Manager::Dotnet => Ok(match manifests_for(op).first() {
            Some(p) if !p.contains('*') => format!("dotnet restore {p}"),
            _ => "dotnet restore".into(),
        }),
        _ => Err(format!("`{}` has no dependency-only step the fix knows", op.command)),
    }
}

/// The dependency-only layer: a COPY of the manifests and a RUN that fetches
/// what the step at `j` would download after a source edit, inserted
/// before the source copies.
fn layer_fix(
    cx: &Ctx,
    steps: &[&Step],
    copies: &[Copied],
    j: usize,
    deps: &[(&PackageOp, Kind)],
) -> Result<Fix, String> {
    let sj = steps[j];
    let ins_j = &cx.df.instructions[sj.instruction];
    let esc = cx.df.escape;
    let written = written_commands(cx, ins_j).ok_or_else(|| {
        format!("the RUN at line {} is a heredoc, exec form or has an open quote, which the fix does not split", sj.line)
    })?;
    let which = |op: &PackageOp, used: &[bool]| {
        written.iter().enumerate().position(|(n, w)| {
            !used[n]
                && crate::model::packages::recognize(&w.cmd).is_some_and(|o| o.command == op.command)
        })
    };
    let mut used = vec![false; written.len()];
    let mut fetch: Vec<String> = Vec::new();
    let mut added: Vec<String> = Vec::new();
    let mut moved: Vec<usize> = Vec::new();
    let mut manifests: Vec<String> = Vec::new();
    let mut served: Vec<&str> = Vec::new();
    let one_line = |t: &str| {
        t.replace(&format!("{esc}\r\n"), " ")
            .replace(&format!("{esc}\n"), " ")
    };
    // Manifest installs move out first: they serve the rest of the RUN.
    let mut ordered: Vec<&(&PackageOp, Kind)> = deps.iter().filter(|d| d.1 == Kind::Manifests).collect();
    ordered.extend(deps.iter().filter(|d| d.1 != Kind::Manifests));
    for &&(op, k) in &ordered {
        let eco = op.manager.ecosystem();
        if op.command.starts_with('$') {
            return Err(format!(
                "`{}` runs a program named by a variable the RUN may set itself, so it cannot run in a layer of its own",
                op.command
            ));
        }
        match k {
            Kind::Manifests => {
                let n = which(op, &used).ok_or_else(|| format!("`{}` could not be found as written", op.command))?;
                let w = &written[n];
                if !w.cmd.assignments.is_empty() {
                    return Err(format!("`{}` sets variables for the install, which a move would lose", w.span.text(cx.src)));
                }
                // What runs before it in the RUN: nothing it needs, or tool
                // installs by name (`pip install --upgrade pip`), which move
                // with it.
                let mut moving = Vec::new();
                for (m, b) in written[..n].iter().enumerate() {
                    if used[m] || NEUTRAL.contains(&b.cmd.program_name()) {
                        continue;
                    }
                    if b.cmd.assignments.is_empty() && named_tool_install(&b.cmd) {
                        moving.push(m);
                        continue;
                    }
                    return Err(format!(
                        "`{}` runs before `{}` in the same RUN, and the install may need it",
                        b.span.text(cx.src),
                        op.command
                    ));
                }
                moving.push(n);
                for m in moving {
                    used[m] = true;
                    moved.push(m);
                    fetch.push(written[m].span.text(cx.src).to_string());
                }
                manifests.extend(manifests_for(op));
                served.push(eco);
            }
            Kind::Project if served.contains(&eco) => {}
            Kind::Project => {
                let variant = match (op.manager, subcommand(op).as_str()) {
                    (Manager::Poetry, "install") => "--no-root",
                    (Manager::Uv, "sync") => "--no-install-project",
                    _ => {
                        return Err(format!(
                            "`{}` installs the project with its dependencies and has no dependency-only form: install them from a requirements or lock file first",
                            op.command
                        ))
                    }
                };
                let n = which(op, &used).ok_or_else(|| format!("`{}` could not be found as written", op.command))?;
                let text = format!("{} {variant}", written[n].span.text(cx.src));
                added.push(one_line(&text));
                fetch.push(text);
                manifests.extend(manifests_for(op));
                served.push(eco);
            }
            Kind::Build if served.contains(&eco) => {}
            Kind::Build => {
                let cmd = fetch_for_build(op)?;
                added.push(cmd.clone());
                fetch.push(cmd);
                manifests.extend(manifests_for(op));
                served.push(eco);
            }
        }
    }
    // The moved commands leave the RUN, each run of consecutive ones in
    // one deletion.
    crate::sort::sort_dedup(&mut moved);
    let mut deletions: Vec<TextEdit> = Vec::new();
    let mut k = 0;
    while k < moved.len() {
        let mut e = k;
        while e + 1 < moved.len() && moved[e + 1] == moved[e] + 1 {
            e += 1;
        }
        let d = super::deps::delete_group(cx, ins_j, &written, moved[k]..=moved[e]).ok_or_else(|| {
            format!(
                "`{}` is joined to the rest of the RUN in a way the fix does not split",
                written[moved[k]].span.text(cx.src)
            )
        })?;
        deletions.push(d);
        k = e + 1;
    }
    let workdir = &sj.inputs.workdir;
    // The manifests come from the source copies, or from copies of files
    // between them and the step (`COPY pom.xml ./` after `COPY src src`):
    // the layer copies them from the same context paths first.
    let mut providers: Vec<Copied> = Vec::new();
    for k in copies[0].at..j {
        let Some(c) = Copied::new(cx, steps, k) else { continue };
        if copies.iter().any(|s| s.at == k) || (c.copy.from.is_none() && c.unreadable().is_none()) {
            providers.push(c);
        }
    }
    let found = entries(cx, &providers, workdir, &manifests)?;
    let nl = newline(cx.src);
    let copy_text = copy_lines(cx, &providers, &found, nl);
    let mounts: String = ins_j
        .flags
        .iter()
        .filter(|f| {
            f.name == "mount"
                && f.value.as_deref().is_some_and(|v| {
                    v.split(',').any(|kv| matches!(kv, "type=cache" | "type=secret" | "type=ssh"))
                })
        })
        .map(|f| format!("{} ", f.span.text(cx.src)))
        .collect();
    let at = line_range(cx.src, copies[0].ins.span).start as usize;
    let mut cd = String::new();
    if &steps[copies[0].at].inputs.workdir != workdir {
        literal_workdir(cx, steps, j)?;
        cd = format!("cd {workdir} && ");
        added.push(format!("cd {workdir}"));
    }
    let run = format!("RUN {mounts}{cd}{}{nl}", fetch.join(" && "));
    let mut edits = vec![TextEdit::insert(at, format!("{copy_text}{run}"))];
    edits.extend(deletions);
    let files: Vec<&str> = found.iter().map(|e| e.ctx.as_str()).collect();
    Ok(Fix {
        title: format!(
            "Fetch the dependencies before copying the source: {}`{}`, then copy the rest",
            if files.is_empty() {
                String::new()
            } else {
                format!("copy {}, run ", files.join(", "))
            },
            fetch.iter().map(|f| one_line(f)).collect::<Vec<_>>().join(" && ")
        ),
        applicability: Applicability::Unsafe,
        edits,
        files: Vec::new(),
        commands: CommandChanges {
            added,
            ..CommandChanges::default()
        },
    })
}

/// Checks that the working directory of step `j` is known from the
/// Dockerfile alone (literal `WORKDIR`s, the first one absolute when the
/// stage starts from another stage), so a `cd` to it is right.
fn literal_workdir(cx: &Ctx, steps: &[&Step], j: usize) -> Result<(), String> {
    let stage = &cx.model.stages[steps[j].stage];
    let mut first = true;
    for s in &steps[..j] {
        if let Command::Workdir { path } = &cx.df.instructions[s.instruction].command {
            if path.contains('$') || (first && stage.base_stage.is_some() && !path.starts_with('/')) {
                return Err("the install's WORKDIR depends on a variable or an earlier stage".into());
            }
            first = false;
        }
    }
    if first && stage.base_stage.is_some() {
        return Err("the install's WORKDIR comes from an earlier stage".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests;
