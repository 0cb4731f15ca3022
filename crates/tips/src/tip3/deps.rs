//! What LL301 knows about dependency steps: which operations a source edit
//! makes BuildKit rerun although they only need the dependencies, which of
//! them an earlier layer already served, where the copies of the source put
//! the manifests, and the dependency-only layer a fix adds before them.

use super::super::script::{pieces, Piece};
use super::super::Ctx;
use crate::model::cost::is_source_tree;
use crate::model::{Action, Manager, PackageOp, Source, Step, StepKind};
use crate::simulate::glob;
use crate::syntax::{Command, CopyArgs, Instruction, Span};

/// What a dependency operation also needs besides its manifests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Nothing: it installs from the manifests alone (`npm ci`,
    /// `pip install -r requirements.txt`, `go mod download`).
    Manifests,
    /// The project itself, installed with its dependencies (`poetry install`
    /// without `--no-root`, `uv sync` without `--no-install-project`,
    /// `pip install .`, a package script that installs).
    Project,
    /// The source, to build it: the build downloads the dependencies on the
    /// way (`cargo build`, `go build`, `mvn package`, `gradle build`,
    /// `dotnet publish`).
    Build,
}

/// The dependency work of `op`, if it does any.
pub fn kind(op: &PackageOp) -> Option<Kind> {
    if op.manager.is_system() {
        return None;
    }
    // `pip install --no-deps .`, `poetry install --only-root`: the project
    // alone, no dependencies.
    if op.has_flag("--no-deps") || op.has_flag("--only-root") {
        return None;
    }
    // A package by name (`npm install -g x`, `npm install --prefix d x`,
    // `composer require x`) is an ordering question (tip 2), not a copy
    // one; pip's `-r` files are manifests whatever else it names.
    let named = !op.packages.is_empty() && !matches!(op.manager, Manager::Pip | Manager::Uv);
    match op.action {
        Action::Install if named && !op.reads_source => None,
        Action::Install if op.reads_source => Some(Kind::Project),
        Action::Install if !op.manifests.is_empty() => Some(Kind::Manifests),
        Action::Build if build_downloads(op) => Some(Kind::Build),
        _ => None,
    }
}

/// The manager's subcommand: the first word after the program that is no
/// flag (`go build` → `build`, `./mvnw -B package` → `package`).
pub fn subcommand(op: &PackageOp) -> String {
    let mut words: Vec<String> = op.command.split_whitespace().map(str::to_string).collect();
    let skip = if words.first().is_some_and(|w| w == "php") { 2 } else { 1 };
    // `python -m pip install`: the module is the program.
    let skip = if words.first().is_some_and(|w| w.starts_with("python")) && words.get(1).is_some_and(|w| w == "-m") {
        3
    } else {
        skip
    };
    let rest = words.split_off(skip.min(words.len()));
    crate::model::packages::positionals(op.manager, &rest)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// Whether a build downloads the dependencies it needs (it is not offline,
/// vendored or told not to restore).
fn build_downloads(op: &PackageOp) -> bool {
    let sub = subcommand(op);
    let sub = sub.as_str();
    match op.manager {
        Manager::Go => {
            matches!(sub, "build" | "install" | "test" | "vet" | "run")
                && !op.command.contains("-mod=vendor")
                && !op.command.contains("-mod vendor")
        }
        Manager::Cargo => {
            matches!(sub, "build" | "install" | "test" | "check" | "run" | "bench" | "doc")
                && !op.has_flag("--offline")
                && !op.has_flag("--frozen")
        }
        Manager::Maven => !op.has_flag("-o") && !op.has_flag("--offline"),
        Manager::Gradle => !op.has_flag("--offline"),
        Manager::Dotnet => !op.has_flag("--no-restore"),
        _ => false,
    }
}

/// Whether `b` (an earlier operation) fetched only the dependencies, so a
/// later install of the same manager finds them (`pnpm fetch`, `go mod
/// download`, `cargo chef cook`, `dotnet restore`, `mvn dependency:…`).
fn fetches(b: &PackageOp) -> bool {
    b.action == Action::Install
        && !b.manifests.is_empty()
        && !b.reads_source
        && match b.manager {
            Manager::Pnpm => subcommand(b) == "fetch",
            Manager::Go | Manager::Cargo | Manager::Maven | Manager::Gradle | Manager::Dotnet => true,
            _ => false,
        }
}

/// Whether an earlier layer (`before`) already did the dependency work of
/// `op`, so what reruns after a source edit finds it done.
pub fn satisfied(op: &PackageOp, k: Kind, before: &[&PackageOp]) -> bool {
    before.iter().any(|b| {
        let same = b.manager.ecosystem() == op.manager.ecosystem();
        let installs = b.action == Action::Install && !b.manifests.is_empty() && !b.reads_source;
        match k {
            Kind::Manifests => b.manager == op.manager && fetches(b),
            Kind::Project => same && installs,
            Kind::Build => same && (installs || b.action == Action::Build),
        }
    })
}

/// The operations of the layers a step at `upto` of stage `stage` is built
/// on: the stage's earlier steps, the stages it is built `FROM`, and the
/// stages its earlier steps copy from (with theirs).
pub fn ops_before<'a>(cx: &Ctx<'a>, stage: usize, upto: usize) -> Vec<&'a PackageOp> {
    let model = cx.model;
    let mut out = Vec::new();
    let mut seen = vec![false; model.stages.len()];
    let mut todo: Vec<usize> = Vec::new();
    let st = &model.stages[stage];
    seen[stage] = true;
    todo.extend(st.base_stage);
    for &s in st.steps.iter().take(upto) {
        let step = &model.steps[s];
        out.extend(step.packages.iter());
        todo.extend(step.inputs.sources.iter().filter_map(|src| match src {
            Source::Stage { stage, .. } => Some(*stage),
            _ => None,
        }));
    }
    while let Some(s) = todo.pop() {
        if s >= seen.len() || seen[s] {
            continue;
        }
        seen[s] = true;
        let other = &model.stages[s];
        todo.extend(other.base_stage);
        todo.extend(other.reads.iter().copied());
        for &k in &other.steps {
            out.extend(model.steps[k].packages.iter());
        }
    }
    out
}

/// Whether `step` copies project source from the context: a `COPY`/`ADD`
/// (not `--from`) of the whole context or of a source folder.
pub fn is_source_copy(cx: &Ctx, step: &Step) -> bool {
    if step.kind != StepKind::Layer {
        return false;
    }
    let ins = &cx.df.instructions[step.instruction];
    let (Command::Copy(c) | Command::Add(c)) = &ins.command else {
        return false;
    };
    c.from.is_none()
        && step.inputs.sources.iter().any(|s| {
            matches!(s, Source::Context { path } if is_source_tree(path))
        })
}

/// A COPY of the source, as the fix sees it.
pub struct Copied<'a> {
    /// Index in the stage's steps.
    pub at: usize,
    pub ins: &'a Instruction,
    pub copy: &'a CopyArgs,
    /// The destination, variables expanded, absolute and clean (`/app`, `/`).
    pub dest_abs: String,
}

impl<'a> Copied<'a> {
    pub fn new(cx: &Ctx<'a>, steps: &[&Step], at: usize) -> Option<Copied<'a>> {
        let step = steps[at];
        let ins = &cx.df.instructions[step.instruction];
        let (Command::Copy(copy) | Command::Add(copy)) = &ins.command else {
            return None;
        };
        let dest = expand(cx, steps, at, &copy.dest);
        let abs = if dest.starts_with('/') {
            dest
        } else {
            format!("{}/{}", step.inputs.workdir.trim_end_matches('/'), dest)
        };
        Some(Copied {
            at,
            ins,
            copy,
            dest_abs: format!("/{}", glob::clean(&abs)),
        })
    }

    /// Why the fix cannot read where this copy puts its files, if it cannot.
    pub fn unreadable(&self) -> Option<String> {
        if !self.ins.heredocs.is_empty() || !self.copy.source_contents.is_empty() {
            return Some(format!("`{}` writes a heredoc", self.ins.keyword));
        }
        if self.copy.parents {
            return Some("`COPY --parents` keeps the source paths, which the fix does not follow".into());
        }
        let wild = self
            .copy
            .sources
            .iter()
            .find(|s| is_source_tree(s) && s.contains(['*', '?', '[']));
        wild.map(|s| format!("the source `{s}` is a pattern, so which folder holds the manifests is unknown"))
    }

    /// The context path this copy puts at the absolute path `abs`, if it
    /// puts anything there: a folder source's contents go into the
    /// destination, a file source into it by name (or onto it, alone).
    pub fn provides(&self, abs: &str) -> Option<String> {
        let dest = self.dest_abs.trim_end_matches('/');
        let into_dir = self.copy.dest.ends_with('/') || self.copy.sources.len() > 1;
        for src in self.copy.sources.iter().rev() {
            let clean = glob::clean(src);
            if crate::model::cost::is_dir_like(src) {
                if abs == dest && !clean.is_empty() {
                    return Some(clean); // `COPY gradle/ gradle/`: the folder itself
                }
                let rel = if dest.is_empty() {
                    abs.trim_start_matches('/').to_string()
                } else {
                    match abs.strip_prefix(&format!("{dest}/")) {
                        Some(r) => r.to_string(),
                        None => continue,
                    }
                };
                return Some(if clean.is_empty() {
                    rel
                } else {
                    format!("{clean}/{rel}")
                });
            }
            let base = clean.rsplit('/').next().unwrap_or(&clean);
            let target = if into_dir {
                format!("{dest}/{base}")
            } else {
                dest.to_string()
            };
            if target == abs || glob::matches(&target, abs) {
                return Some(clean);
            }
        }
        None
    }

    /// The destination, as written, of a file the copy puts at `rel_dir`
    /// below its destination (`./`, `code/`, `$APP_HOME/sub/`).
    pub fn dest_for(&self, rel_dir: &str) -> String {
        let d = &self.copy.dest;
        let base = if d == "." || d == "./" {
            String::new()
        } else if d.ends_with('/') {
            d.clone()
        } else {
            format!("{d}/")
        };
        match (base.is_empty(), rel_dir.is_empty()) {
            (true, true) => "./".into(),
            (true, false) => format!("{rel_dir}/"),
            (false, true) => base,
            (false, false) => format!("{base}{rel_dir}/"),
        }
    }

    /// The instruction's flags as written, each followed by a blank.
    pub fn flags(&self, src: &str) -> String {
        self.ins
            .flags
            .iter()
            .map(|f| format!("{} ", f.span.text(src)))
            .collect()
    }
}

/// `word` with the variables of the stage (before step `at`) expanded as
/// the model expands `WORKDIR`: ENV and ARG values of the Dockerfile,
/// global ARG defaults; what the base image sets is unknown and empty.
pub fn expand(cx: &Ctx, steps: &[&Step], at: usize, word: &str) -> String {
    if !word.contains('$') {
        return word.to_string();
    }
    let mut vals: Vec<(String, String)> = Vec::new();
    fn get(vals: &[(String, String)], n: &str) -> Option<String> {
        vals.iter().rev().find(|(k, _)| k == n).map(|(_, v)| v.clone())
    }
    let esc = cx.df.escape;
    for s in &steps[..at] {
        match &cx.df.instructions[s.instruction].command {
            Command::Env { pairs } => {
                for p in pairs {
                    let v = crate::syntax::shell::expand(&p.value, esc, &|n| get(&vals, n))
                        .unwrap_or_default();
                    vals.push((p.key.clone(), v));
                }
            }
            Command::Arg { args } => {
                for a in args {
                    let v = match &a.default {
                        Some(d) => crate::syntax::shell::expand(d, esc, &|n| get(&vals, n))
                            .unwrap_or_default(),
                        None => cx
                            .model
                            .global_args
                            .iter()
                            .rev()
                            .find(|(n, _)| *n == a.name)
                            .and_then(|(_, d)| d.clone())
                            .unwrap_or_default(),
                    };
                    vals.push((a.name.clone(), v));
                }
            }
            _ => {}
        }
    }
    crate::syntax::shell::expand(word, esc, &|n| get(&vals, n)).unwrap_or_else(|_| word.to_string())
}

/// The manifests a manager's step reads, relative to its working
/// directory: required ones first, optional ones (lock files) with a
/// trailing `*`, folders with a trailing `/`.
pub fn manifests_for(op: &PackageOp) -> Vec<String> {
    let prog = op.command.split_whitespace().next().unwrap_or("");
    let wrapper = prog.ends_with("mvnw") || prog.ends_with("gradlew");
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
        Manager::Maven if wrapper => &["pom.xml", "mvnw", ".mvn/"],
        Manager::Maven => &["pom.xml"],
        Manager::Gradle if wrapper => &[
            "build.gradle*",
            "settings.gradle*",
            "gradle.properties*",
            "gradlew",
            "gradle/",
        ],
        Manager::Gradle => &["build.gradle*", "settings.gradle*", "gradle.properties*"],
        Manager::Bundler => &["Gemfile", "Gemfile.lock*"],
        Manager::Composer => &["composer.json", "composer.lock*"],
        Manager::Dotnet if op.action == Action::Build => {
            return vec![dotnet_project(op).unwrap_or_else(|| "*.csproj".into())];
        }
        _ => &[],
    };
    if !fixed.is_empty() {
        return fixed.iter().map(|s| s.to_string()).collect();
    }
    // `-r requirements/prod.txt` usually includes `-r base.txt` from the
    // same folder: copy the folder.
    let mut out: Vec<String> = Vec::new();
    for m in &op.manifests {
        let m = match m.rsplit_once('/') {
            Some((dir, _)) if matches!(op.manager, Manager::Pip | Manager::Uv)
                && dir.rsplit('/').next().is_some_and(|d| d.starts_with("requirements")) =>
            {
                format!("{dir}/")
            }
            _ => m.clone(),
        };
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

/// The project or solution a `dotnet build`/`publish` names, as a path or
/// pattern of project files (`src/App/App.csproj`, `src/App/*.csproj`).
fn dotnet_project(op: &PackageOp) -> Option<String> {
    let mut words = op.command.split_whitespace().skip(1);
    words.next(); // the subcommand
    let mut skip = false;
    for w in words {
        if skip {
            skip = false;
            continue;
        }
        if w.starts_with('-') {
            skip = !w.contains('=')
                && matches!(
                    w,
                    "-c" | "--configuration" | "-o" | "--output" | "-r" | "--runtime" | "-f"
                        | "--framework" | "-s" | "--source" | "-p" | "-v" | "--verbosity"
                        | "--arch" | "-a" | "--os"
                );
            continue;
        }
        if w.contains('$') {
            return None;
        }
        let w = w.trim_end_matches('/');
        return Some(
            if [".csproj", ".fsproj", ".vbproj", ".sln", ".slnx"]
                .iter()
                .any(|e| w.ends_with(e))
            {
                w.to_string()
            } else {
                format!("{w}/*.csproj")
            },
        );
    }
    None
}

/// A file or folder to copy ahead of the source.
pub struct Entry {
    /// The path in the context (a pattern when optional and the context is unknown).
    pub ctx: String,
    /// The destination as written for the new COPY (`./`, `code/`).
    pub dest: String,
    /// Which copy provides it (index into the copies), for its flags.
    pub copy: usize,
    /// A folder (copied in a line of its own).
    pub dir: bool,
}

/// The entries for `manifests` (as [`manifests_for`] writes them) read in
/// `workdir`, from the copies that provide them (the last one wins, as in
/// the build); manifests no copy provides come from elsewhere and need no
/// entry. `Err` names a required manifest the known context lacks.
pub fn entries(
    cx: &Ctx,
    copies: &[Copied],
    workdir: &str,
    manifests: &[String],
) -> Result<Vec<Entry>, String> {
    let mut out: Vec<Entry> = Vec::new();
    let mut absent: Vec<String> = Vec::new();
    for m in manifests {
        let optional = m.ends_with('*');
        let dir = m.ends_with('/');
        let name = m.trim_end_matches(['*', '/']);
        let abs = if name.starts_with('/') {
            name.to_string()
        } else {
            format!("{}/{}", workdir.trim_end_matches('/'), name)
        };
        let abs = format!("/{}", glob::clean(&abs));
        let Some((k, mut ctx)) = copies
            .iter()
            .enumerate()
            .rev()
            .find_map(|(k, c)| c.provides(&abs).map(|p| (k, p)))
        else {
            continue;
        };
        if let Some(files) = &cx.context.files {
            if !files.iter().any(|f| glob::selects(&ctx, f)) {
                if optional || dir {
                    absent.push(ctx);
                    continue;
                }
                return Err(format!(
                    "`{ctx}` is not in the build context; pass --context with the folder that holds it"
                ));
            }
        } else if optional {
            ctx.push('*');
        }
        let c = &copies[k];
        let dest_dir = c.dest_abs.trim_end_matches('/');
        let rel = if abs == dest_dir {
            ""
        } else {
            abs.strip_prefix(&format!("{dest_dir}/"))
                .unwrap_or(abs.trim_start_matches('/'))
        };
        let rel_dir = if dir {
            rel.to_string()
        } else {
            rel.rsplit_once('/').map(|(d, _)| d.to_string()).unwrap_or_default()
        };
        let dest = c.dest_for(&rel_dir);
        if !out.iter().any(|e| e.ctx == ctx && e.dest == dest) {
            out.push(Entry {
                ctx,
                dest,
                copy: k,
                dir,
            });
        }
    }
    if out.is_empty() && !absent.is_empty() {
        return Err(format!(
            "none of `{}` is in the build context; pass --context with the folder that holds them",
            absent.join("`, `")
        ));
    }
    Ok(out)
}

/// The COPY lines for `entries`: files that share a destination and a copy
/// in one line, each folder in a line of its own.
pub fn copy_lines(cx: &Ctx, copies: &[Copied], entries: &[Entry], nl: &str) -> String {
    let mut groups: Vec<(usize, &str, Vec<&str>, bool)> = Vec::new();
    for e in entries {
        match groups
            .iter_mut()
            .find(|g| !e.dir && !g.3 && g.0 == e.copy && g.1 == e.dest)
        {
            Some(g) => g.2.push(&e.ctx),
            None => groups.push((e.copy, &e.dest, vec![&e.ctx], e.dir)),
        }
    }
    let mut out = String::new();
    for (k, dest, files, _) in groups {
        let c = &copies[k];
        out.push_str(&format!(
            "{} {}{} {dest}{nl}",
            c.ins.keyword,
            c.flags(cx.src),
            files.join(" ")
        ));
    }
    out
}

/// One simple command of a RUN as written: its span in the source and its
/// words as the model reads them.
pub struct Written {
    pub span: Span,
    pub cmd: crate::model::shell::SimpleCommand,
}

/// The simple commands of a shell-form RUN without heredocs, as written;
/// `None` when its text cannot be read with certainty (an open quote).
pub fn written_commands(cx: &Ctx, ins: &Instruction) -> Option<Vec<Written>> {
    if !ins.heredocs.is_empty() || ins.json {
        return None;
    }
    let span = super::super::util::run_command_span(ins);
    let ps = pieces(cx.src, span, cx.df.escape);
    let mut out = Vec::new();
    let mut cur: Option<Span> = None;
    let flush = |cur: &mut Option<Span>, out: &mut Vec<Written>| {
        if let Some(s) = cur.take() {
            let text = s.text(cx.src);
            if let Some(cmd) = crate::model::shell::commands(text).into_iter().next() {
                out.push(Written { span: s, cmd });
            }
        }
    };
    for p in &ps {
        match *p {
            Piece::Unclosed(_) => return None,
            Piece::Word(s) => {
                cur = Some(match cur {
                    Some(c) => Span::new(c.start as usize, s.end as usize),
                    None => s,
                });
            }
            Piece::Op(_) | Piece::Comment(_) => flush(&mut cur, &mut out),
        }
    }
    flush(&mut cur, &mut out);
    Some(out)
}

/// The edit that deletes the commands `group` (consecutive indices into
/// `written`, the RUN's commands) with the joiners that bind them, or
/// `None` when that cannot be done without touching anything else: each
/// command is deleted by [`super::super::script::delete_command`] when a
/// command precedes the group; a group that starts the RUN goes up to the
/// next command, through `&&`/`;` joiners only. The contract's own reader
/// then checks that exactly those commands are gone.
pub fn delete_group(
    cx: &Ctx,
    ins: &Instruction,
    written: &[Written],
    group: std::ops::RangeInclusive<usize>,
) -> Option<crate::edit::TextEdit> {
    let (m, n) = (*group.start(), *group.end());
    let esc = cx.df.escape;
    let cmd = super::super::util::run_command_span(ins);
    let span = if m > 0 {
        let mut span: Option<Span> = None;
        for w in &written[m..=n] {
            let d = super::super::script::delete_command(cx.src, cmd, esc, w.span)?;
            span = match span {
                None => Some(d.span),
                Some(s) if s.end == d.span.start => Some(Span::new(s.start as usize, d.span.end as usize)),
                Some(_) => return None,
            };
        }
        span?
    } else {
        let next = written.get(n + 1)?;
        let s = Span::new(written[0].span.start as usize, next.span.start as usize);
        let inner = pieces(cx.src, s, esc);
        let ok = inner.iter().all(|p| match *p {
            Piece::Word(_) => true,
            Piece::Op(o) => matches!(o.text(cx.src), "&&" | ";"),
            _ => false,
        });
        if !ok {
            return None;
        }
        s
    };
    let removed: Vec<String> = written[m..=n]
        .iter()
        .map(|w| {
            w.span
                .text(cx.src)
                .replace(&format!("{esc}\r\n"), " ")
                .replace(&format!("{esc}\n"), " ")
        })
        .collect();
    let edit = crate::edit::TextEdit::delete(span);
    let declared = crate::edit::CommandChanges {
        removed,
        ..Default::default()
    };
    super::super::util::checked(cx, ins, edit, &declared)
}

/// A build script run on a build tool's image (`RUN ./build.sh` on
/// `maven:3`, `/opt/app/bin/build-app.sh` on `golang`): it builds with that
/// tool, which downloads the dependencies. Read as a build of the tool, so
/// LL301 can report it (without a fix: what the script reads is not in the
/// Dockerfile).
pub fn script_build(cx: &Ctx, step: &Step) -> Option<PackageOp> {
    if !step.packages.is_empty() {
        return None;
    }
    let ins = &cx.df.instructions[step.instruction];
    let Command::Run { .. } = &ins.command else {
        return None;
    };
    let script = super::super::util::run_script(ins);
    if !script.contains("build") {
        return None; // cheap first: most RUNs run no build script
    }
    let cmd = crate::model::shell::commands(&script).into_iter().find(|c| {
        let words = if matches!(c.program_name(), "sh" | "bash") { c.args() } else { &c.words[..] };
        words.first().is_some_and(|w| {
            let base = w.rsplit('/').next().unwrap_or(w);
            (w.contains('/') || matches!(c.program_name(), "sh" | "bash"))
                && base.ends_with(".sh")
                && base.contains("build")
        })
    })?;
    // The image at the root of the stage's FROM chain (walked only for a
    // RUN of a build script: per step, it made a 10,000-stage chain
    // quadratic).
    let mut stage = step.stage;
    while let Some(b) = cx.model.stages[stage].base_stage {
        if b >= stage {
            return None;
        }
        stage = b;
    }
    let image = cx.model.stages[stage].image.as_deref()?;
    let manager = super::super::tip4::toolchain_in_final_stage::build_tool_image(image)?;
    Some(PackageOp {
        manager,
        action: Action::Build,
        packages: Vec::new(),
        manifests: Vec::new(),
        flags: Vec::new(),
        reads_source: true,
        command: cmd.text(),
    })
}
