//! The corpus-apps suite: the real-world Dockerfiles of
//! `../shared/corpus-apps` built for real on the current engine (Docker
//! 28.5), with stub base images and a stub shell (`tests/buildkit/stub-shell`:
//! every `RUN` succeeds, runs nothing, sleeps 0.05 s and writes a fresh token
//! to the paths that `RUN` produces), each with a context generated from its
//! own `COPY`/`ADD` sources; then rebuilt after each standard change (a
//! source edit, each manifest bump, a new value for each `ARG`). Each
//! build's steps, read from BuildKit's own `--progress=rawjson` output and
//! mapped to Dockerfile lines by stage and text, are compared with the
//! simulator's prediction for the same change.
//!
//! What the suite decides for the stub shell, and so where the truth
//! depends on the real tool:
//! - a `RUN` produces exactly the paths a later `COPY --from` (or a bind
//!   mount `from=`) reads from its stage, assigned to the last `RUN` of the
//!   stage (or of the stages it starts from) whose text names the path or
//!   its folder, else to the stage's last `RUN`; every rerun writes new bytes
//!   (a build output). Where a real tool would write the same bytes after a
//!   rerun (a reproducible compiler whose inputs did not change), BuildKit
//!   would find the copy cached: those copies are reported as "depends on
//!   the tool" and not counted either way.
//! - a path no `RUN` of the stage chain makes comes from the base image: it
//!   is written into that stub image.

use super::images::BaseImages;
use super::runner::without_syntax_directive;
use super::scenario::Outcome;
use super::Oracle;
use layerlab_core::simulate::{simulate, BuildContext, Change, Options, Status};
use layerlab_core::syntax::{Command, Dockerfile};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// `../shared/corpus-apps`, when it is there.
pub fn corpus_dir() -> Option<PathBuf> {
    let d = crate::root().join("../shared/corpus-apps");
    d.join("SOURCES.tsv").is_file().then_some(d)
}

/// The files SOURCES.tsv lists, in its order.
pub fn corpus_files(dir: &Path) -> Vec<String> {
    fs::read_to_string(dir.join("SOURCES.tsv"))
        .unwrap_or_default()
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter(|f| f.ends_with(".Dockerfile"))
        .map(str::to_string)
        .collect()
}

/// Manifest file names: a "manifest bump" appends a line to each.
const MANIFESTS: &[&str] = &[
    "package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "npm-shrinkwrap.json",
    "go.mod", "go.sum", "Cargo.toml", "Cargo.lock", "requirements.txt", "pyproject.toml",
    "poetry.lock", "uv.lock", "Pipfile", "Pipfile.lock", "Gemfile", "Gemfile.lock",
    "composer.json", "composer.lock", "pom.xml", "build.gradle", "build.gradle.kts",
    "settings.gradle", "settings.gradle.kts", "mix.exs", "mix.lock", "deno.json", "deno.lock",
    "gradle.properties",
];

fn is_manifest(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    MANIFESTS.contains(&name)
        || name.ends_with(".csproj")
        || (name.starts_with("requirements") && name.ends_with(".txt"))
}

/// The source file of the project's language, by the corpus file's
/// ecosystem prefix (`go__…`): what the "source edit" edits.
fn language_file(file: &str) -> &'static str {
    match file.split("__").next().unwrap_or("") {
        "go" => "main.go",
        "cargo" => "src/main.rs",
        "npm" | "yarn" | "pnpm" => "src/index.js",
        "pip" | "poetry" | "uv" => "app/main.py",
        "maven" | "gradle" => "src/main/java/App.java",
        "bundler" => "app/main.rb",
        "composer" => "src/index.php",
        "dotnet" => "Program.cs",
        "mix" | "elixir" => "lib/app.ex",
        "deno" => "main.ts",
        _ => "src/main.c",
    }
}

/// Expands `$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+w}` with `vars`
/// (unknown names expand to nothing, as BuildKit does) and removes quotes
/// and escapes as BuildKit's `ProcessWord` does: `'…'` is literal, `"…"`
/// expands, a backslash outside quotes keeps the next character, inside
/// double quotes only before `"`, `$` or `\\`.
pub fn expand(s: &str, vars: &BTreeMap<String, String>) -> String {
    let b: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut in_double = false;
    while i < b.len() {
        let c = b[i];
        if c == '\\' && i + 1 < b.len() {
            if !in_double || matches!(b[i + 1], '"' | '$' | '\\') {
                out.push(b[i + 1]);
            } else {
                out.push('\\');
                out.push(b[i + 1]);
            }
            i += 2;
            continue;
        }
        if c == '"' {
            in_double = !in_double;
            i += 1;
            continue;
        }
        if c == '\'' && !in_double {
            match b[i + 1..].iter().position(|&d| d == '\'') {
                Some(end) => {
                    out.extend(&b[i + 1..i + 1 + end]);
                    i += end + 2;
                }
                None => {
                    out.extend(&b[i + 1..]);
                    i = b.len();
                }
            }
            continue;
        }
        if c != '$' || i + 1 == b.len() {
            out.push(c);
            i += 1;
            continue;
        }
        if b[i + 1] == '{' {
            let Some(end) = b[i + 2..].iter().position(|&c| c == '}') else {
                out.push(c);
                i += 1;
                continue;
            };
            let inner: String = b[i + 2..i + 2 + end].iter().collect();
            let name: String = inner
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let rest = &inner[name.len()..];
            let v = vars.get(&name).filter(|v| !v.is_empty());
            let val = if let Some(d) = rest.strip_prefix(":-").or(rest.strip_prefix('-')) {
                v.cloned().unwrap_or_else(|| expand(d, vars))
            } else if let Some(w) = rest.strip_prefix(":+").or(rest.strip_prefix('+')) {
                v.map(|_| expand(w, vars)).unwrap_or_default()
            } else {
                v.cloned().unwrap_or_default()
            };
            out.push_str(&val);
            i += 3 + end;
        } else {
            let name: String = b[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                .collect();
            if name.is_empty() {
                out.push('$');
                i += 1;
                continue;
            }
            out.push_str(vars.get(&name).map(String::as_str).unwrap_or(""));
            i += 1 + name.chars().count();
        }
    }
    out
}

/// One stage as the suite reads it.
#[derive(Debug, Clone)]
struct StageInfo {
    /// The name BuildKit prints (`AS` name lower-cased, else `stage-N`).
    log_name: String,
    /// The stage it starts from, when it starts from one.
    parent: Option<usize>,
    /// The external image, expanded (no digest), when it starts from one.
    image: Option<String>,
    /// Instruction indices of the stage (FROM first).
    instructions: Vec<usize>,
}

/// What the suite prepared for one corpus file.
#[derive(Debug, Clone)]
pub struct Plan {
    pub file: String,
    /// The Dockerfile as built (digests and `# syntax=` dropped).
    pub dockerfile: String,
    /// Context files (relative path → content).
    pub context: BTreeMap<String, String>,
    /// The changes, in order: (label, what it does).
    pub changes: Vec<(String, PlanChange)>,
    /// Base image tag → files of the image (path → content), and the stub
    /// shell's outputs for it.
    pub images: BTreeMap<String, BTreeMap<String, String>>,
    /// `/etc/stub-outputs` lines (key, path).
    pub outputs: Vec<(String, String)>,
    /// User names to give uids.
    pub users: BTreeSet<String>,
    /// Why it cannot be built here, if it cannot.
    pub unbuildable: Option<String>,
    /// What was left unchanged and why (e.g. an ARG naming the base image).
    pub notes: Vec<String>,
    /// `COPY --from` lines whose outcome depends on whether the real tool
    /// writes the same bytes again.
    pub tool_dependent: Vec<usize>,
}

#[derive(Debug, Clone)]
pub enum PlanChange {
    Edit(String),
    Arg(String, String),
}

fn stages(df: &Dockerfile, src: &str, globals: &BTreeMap<String, String>) -> Vec<StageInfo> {
    let _ = src;
    let mut out: Vec<StageInfo> = Vec::new();
    let mut names: Vec<Option<String>> = Vec::new();
    for (i, ins) in df.instructions.iter().enumerate() {
        if let Command::From { image, name, .. } = &ins.command {
            let img = expand(image, globals).to_ascii_lowercase();
            let img = img.split('@').next().unwrap_or("").to_string();
            let parent = names.iter().position(|n| n.as_deref() == Some(img.as_str()));
            let parent = parent.or_else(|| img.parse::<usize>().ok().filter(|&n| n < out.len()));
            let n = name.as_ref().map(|n| n.to_ascii_lowercase());
            out.push(StageInfo {
                log_name: n.clone().unwrap_or_else(|| format!("stage-{}", out.len())),
                parent,
                image: (parent.is_none() && img != "scratch").then_some(img),
                instructions: vec![i],
            });
            names.push(n);
        } else if let Some(s) = out.last_mut() {
            s.instructions.push(i);
        }
    }
    out
}

/// The global ARGs (before the first FROM) with their defaults, each
/// expanded with the ones before it, and the automatic platform ARGs; with
/// `probe`, that one ARG gets a new value (to see what depends on it).
fn global_values(df: &Dockerfile, probe: Option<&str>) -> BTreeMap<String, String> {
    let mut globals = BTreeMap::new();
    for ins in &df.instructions {
        match &ins.command {
            Command::From { .. } => break,
            Command::Arg { args } => {
                for a in args {
                    let v = match probe {
                        Some(p) if p == a.name => "layerlab-probe".to_string(),
                        _ => a.default.as_deref().map(|d| expand(d, &globals)).unwrap_or_default(),
                    };
                    globals.insert(a.name.clone(), v);
                }
            }
            _ => {}
        }
    }
    for (k, v) in [("TARGETPLATFORM", "linux/amd64"), ("BUILDPLATFORM", "linux/amd64"), ("TARGETOS", "linux"), ("TARGETARCH", "amd64"), ("BUILDOS", "linux"), ("BUILDARCH", "amd64")] {
        globals.entry(k.to_string()).or_insert(v.to_string());
    }
    globals
}

/// Whitespace and backslashes removed: the stub shell's key for a command.
fn key(cmd: &str) -> String {
    cmd.chars()
        .filter(|c| !c.is_whitespace() && *c != '\\')
        .collect()
}

/// The stub shell's key for a `RUN`: the script BuildKit hands the shell.
/// A `RUN <<EOF` whose whole command is one heredoc runs the heredoc's
/// body; a command with heredocs runs its text followed by each body and
/// terminator (BuildKit's `dispatchRun`).
fn run_key(ins: &layerlab_core::syntax::Instruction) -> String {
    let Command::Run { command, .. } = &ins.command else {
        return String::new();
    };
    let text = command.args.join(" ");
    if ins.heredocs.is_empty() || !command.shell {
        return key(&text);
    }
    let t = text.trim();
    let lone = t.strip_prefix("<<").is_some_and(|m| {
        let m = m.trim_start_matches('-').trim();
        !m.is_empty() && !m.contains(char::is_whitespace) && !m.contains('<')
    });
    if lone && ins.heredocs.len() == 1 {
        return key(&ins.heredocs[0].content);
    }
    let mut full = text;
    for h in &ins.heredocs {
        full.push_str(&h.content);
        full.push_str(&h.name);
    }
    key(&full)
}

/// Prepares a corpus file: the Dockerfile as built, its context, its
/// images' files, the stub shell's outputs and the changes.
pub fn plan(file: &str, text: &str) -> Plan {
    let mut p = Plan {
        file: file.to_string(),
        dockerfile: String::new(),
        context: BTreeMap::new(),
        changes: Vec::new(),
        images: BTreeMap::new(),
        outputs: Vec::new(),
        users: BTreeSet::new(),
        unbuildable: None,
        notes: Vec::new(),
        tool_dependent: Vec::new(),
    };
    // Digests cannot be carried by an imported image: dropped (the stub
    // image stands in for the pinned one).
    let mut built = String::new();
    for line in without_syntax_directive(text).split_inclusive('\n') {
        let mut l = line.to_string();
        while let Some(at) = l.find("@sha256:") {
            let end = l[at + 8..]
                .find(|c: char| !c.is_ascii_hexdigit())
                .map_or(l.len(), |e| at + 8 + e);
            l.replace_range(at..end, "");
        }
        built.push_str(&l);
    }
    p.dockerfile = built.clone();
    let df = layerlab_core::parse(&built);
    if let Some(d) = df.diagnostics.iter().find(|d| d.severity == layerlab_core::syntax::Severity::Error) {
        p.unbuildable = Some(format!("syntax error: {}", d.message));
        return p;
    }
    // COPY --parents is a labs flag of Docker 28.5's built-in frontend; a
    // file using it names a newer frontend in its `# syntax=` line, which
    // cannot be pulled here (no registry).
    if let Some(ins) = df.instructions.iter().find(|i| matches!(&i.command, Command::Copy(c) | Command::Add(c) if c.parents)) {
        let syntax = text
            .lines()
            .find_map(|l| l.trim().strip_prefix('#').map(str::trim).and_then(|d| d.strip_prefix("syntax=")))
            .map_or("no `# syntax=` line".to_string(), |s| format!("`# syntax={}`", s.trim()));
        p.unbuildable = Some(format!(
            "line {}: COPY --parents needs a newer Dockerfile frontend than Docker 28.5's built-in one (where it is a labs flag); the file names {syntax}, and no frontend image can be pulled here",
            ins.start.line
        ));
        return p;
    }
    let globals = global_values(&df, None);
    let st = stages(&df, &built, &globals);
    let stage_of = |ins: usize| st.iter().position(|s| s.instructions.contains(&ins));
    let by_name = |r: &str| -> Option<usize> {
        let r = r.to_ascii_lowercase();
        st.iter()
            .position(|s| s.log_name == r)
            .or_else(|| r.parse::<usize>().ok().filter(|&n| n < st.len()))
    };
    let lang = language_file(file);
    let mut source_file: Option<String> = None;
    let mut from_args: BTreeSet<String> = BTreeSet::new();
    // A global ARG names a base image when a new value of it changes what
    // a FROM names, directly or through another ARG's default.
    let images = |g: &BTreeMap<String, String>| -> Vec<String> {
        df.instructions
            .iter()
            .filter_map(|ins| match &ins.command {
                Command::From { image, .. } => Some(expand(image, g)),
                _ => None,
            })
            .collect()
    };
    let before = images(&globals);
    for name in globals.keys() {
        if images(&global_values(&df, Some(name))) != before {
            from_args.insert(name.clone());
        }
    }
    // Per stage: variables (globals re-declared, stage ARGs, ENV), for
    // expanding paths.
    let mut vars_at: Vec<BTreeMap<String, String>> = vec![BTreeMap::new(); df.instructions.len()];
    // The working folder each instruction runs in (WORKDIR, inherited by a
    // stage built on another).
    let mut workdir_at: Vec<String> = vec!["/".to_string(); df.instructions.len()];
    let mut arg_names: Vec<(String, String)> = Vec::new();
    for (si, s) in st.iter().enumerate() {
        let mut vars: BTreeMap<String, String> = match s.parent {
            Some(par) => vars_at[*st[par].instructions.last().unwrap()].clone(),
            None => BTreeMap::new(),
        };
        let mut wd = match s.parent {
            Some(par) => workdir_at[*st[par].instructions.last().unwrap()].clone(),
            None => "/".to_string(),
        };
        let _ = si;
        for &i in &s.instructions {
            match &df.instructions[i].command {
                Command::Arg { args } => {
                    for a in args {
                        let v = a
                            .default
                            .as_ref()
                            .map(|d| expand(d, &vars))
                            .or_else(|| globals.get(&a.name).cloned())
                            .unwrap_or_default();
                        vars.insert(a.name.clone(), v.clone());
                        if !arg_names.iter().any(|(n, _)| n == &a.name) {
                            arg_names.push((a.name.clone(), v));
                        }
                    }
                }
                Command::Env { pairs } => {
                    for kv in pairs {
                        let v = expand(&kv.value, &vars);
                        vars.insert(kv.key.clone(), v);
                    }
                }
                _ => {}
            }
            if let Command::Workdir { path } = &df.instructions[i].command {
                wd = absolute(&wd, &expand(path, &vars));
            }
            vars_at[i] = vars.clone();
            workdir_at[i] = wd.clone();
        }
    }
    for (name, _) in globals.iter() {
        if !arg_names.iter().any(|(n, _)| n == name)
            && df.instructions.iter().any(|i| matches!(&i.command, Command::Arg { args } if args.iter().any(|a| &a.name == name)))
        {
            arg_names.push((name.clone(), globals[name].clone()));
        }
    }
    // Context, users, outputs.
    let mut wanted: Vec<(usize, String)> = Vec::new(); // (stage, absolute path)
    for (i, ins) in df.instructions.iter().enumerate() {
        let vars = &vars_at[i];
        let user_of = |u: &str, users: &mut BTreeSet<String>| {
            for part in expand(u, vars).split(':') {
                if !part.is_empty() && !part.chars().all(|c| c.is_ascii_digit()) && part != "root" {
                    users.insert(part.to_string());
                }
            }
        };
        match &ins.command {
            Command::User { user } => user_of(user, &mut p.users),
            Command::Copy(c) | Command::Add(c) => {
                if let Some(ch) = &c.chown {
                    user_of(ch, &mut p.users);
                }
                let sources: Vec<String> = c.sources.iter().map(|s| expand(s, vars)).collect();
                match &c.from {
                    Some(f) => {
                        let f = expand(f, vars);
                        match by_name(&f) {
                            Some(s) => {
                                for src in sources {
                                    let abs = if src.starts_with('/') { src } else { format!("/{src}") };
                                    wanted.push((s, abs));
                                }
                                if stage_of(i).is_some() {
                                    p.tool_dependent.push(ins.start.line as usize);
                                }
                            }
                            None => {
                                // An external image: its files are in its stub.
                                let img = f.split('@').next().unwrap_or("").to_ascii_lowercase();
                                let files = p.images.entry(img).or_default();
                                for src in sources {
                                    let abs = if src.starts_with('/') { src } else { format!("/{src}") };
                                    files.insert(abs.replace('*', "stub"), "stub file\n".into());
                                }
                            }
                        }
                    }
                    None => {
                        for src in sources {
                            if src.contains("://") || src.starts_with("git@") {
                                p.unbuildable = Some(format!(
                                    "line {}: ADD of a remote source ({src}): builds run with --network=none",
                                    ins.start.line
                                ));
                                return p;
                            }
                            add_source(&mut p.context, &src, lang, &mut source_file);
                        }
                    }
                }
            }
            Command::Run { mounts, command, .. } => {
                for m in mounts {
                    if m.kind == layerlab_core::syntax::MountType::Bind {
                        let src = m.source.as_deref().map(|s| expand(s, vars)).unwrap_or_default();
                        match m.from.as_deref().map(|f| expand(f, vars)) {
                            Some(f) => {
                                if let Some(s) = by_name(&f) {
                                    wanted.push((s, format!("/{}", src.trim_start_matches('/'))));
                                } else {
                                    let img = f.to_ascii_lowercase();
                                    p.images.entry(img).or_default().insert(
                                        format!("/{}", src.trim_start_matches('/')),
                                        "stub file\n".into(),
                                    );
                                }
                            }
                            None if !src.is_empty() => {
                                add_source(&mut p.context, &src, lang, &mut source_file)
                            }
                            None => add_source(&mut p.context, ".", lang, &mut source_file),
                        }
                    }
                }
                let _ = command;
            }
            _ => {}
        }
    }
    let named = folder_evidence(&df, &vars_at, &workdir_at, &p.context, &wanted);
    // Each wanted path: the RUN that makes it, or the base image.
    for (s, path) in wanted {
        let path = path.replace('*', "stub");
        let path = if path == "/" || path.ends_with("/.") { format!("{}/stub-root-output", path.trim_end_matches("/.").trim_end_matches('/')) } else { path };
        // A path the file uses as a folder is made one (the stub writes a
        // file inside it).
        let path = if !path.ends_with('/') && named.is_folder(&path) { format!("{path}/") } else { path };
        let mut chain = vec![s];
        while let Some(par) = st[*chain.last().unwrap()].parent {
            if chain.contains(&par) {
                break;
            }
            chain.push(par);
        }
        let runs: Vec<usize> = chain
            .iter()
            .flat_map(|&c| st[c].instructions.iter().rev().copied())
            .filter(|&i| matches!(df.instructions[i].command, Command::Run { .. }))
            .collect();
        let base = path.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string();
        let dir = path.trim_end_matches('/').rsplit_once('/').map(|(d, _)| d.to_string()).unwrap_or_default();
        let text = |i: usize| match &df.instructions[i].command {
            Command::Run { command, .. } => {
                let mut t = command.args.join(" ");
                for h in &df.instructions[i].heredocs {
                    t.push('\n');
                    t.push_str(&h.content);
                }
                t
            }
            _ => String::new(),
        };
        let pick = runs
            .iter()
            .copied()
            .find(|&i| !base.is_empty() && text(i).contains(&base))
            .or_else(|| runs.iter().copied().find(|&i| !dir.is_empty() && dir != "/" && text(i).contains(&dir)))
            .or_else(|| runs.first().copied());
        match pick {
            Some(i) => p.outputs.push((run_key(&df.instructions[i]), path)),
            None => {
                let root = *chain.last().unwrap();
                match &st[root].image {
                    Some(img) => {
                        p.images.entry(img.clone()).or_default().insert(path, "stub base file\n".into());
                    }
                    None => p.notes.push(format!("{path}: no RUN and no base image makes it")),
                }
            }
        }
    }
    for s in &st {
        if let Some(img) = &s.image {
            p.images.entry(img.clone()).or_default();
        }
    }
    if p.context.is_empty() {
        // No context source: still a context (docker build needs a folder).
        p.context.insert(".keep".into(), String::new());
    }
    // The changes.
    match &source_file {
        Some(f) => p.changes.push((format!("edit {f}"), PlanChange::Edit(f.clone()))),
        None => p.notes.push("no source file of the project is copied: no source edit".into()),
    }
    let manifests: Vec<String> = p.context.keys().filter(|k| is_manifest(k)).cloned().collect();
    for m in manifests {
        p.changes.push((format!("bump {m}"), PlanChange::Edit(m)));
    }
    for (name, default) in arg_names {
        if from_args.contains(&name) {
            p.notes.push(format!("ARG {name} names the base image: a new value needs another image, not changed"));
            continue;
        }
        let new = match default.parse::<u64>() {
            Ok(n) => (n + 1).to_string(),
            Err(_) => format!("{default}-layerlab"),
        };
        p.changes.push((format!("arg {name}={new}"), PlanChange::Arg(name, new)));
    }
    p
}

/// `base` joined with `path` (absolute when `path` is), `.` and `..`
/// resolved; a trailing slash is kept.
fn absolute(base: &str, path: &str) -> String {
    let joined = if path.starts_with('/') { path.to_string() } else { format!("{base}/{path}") };
    // Docker's path cleaning (a plain path utility, no cache rule).
    let clean = layerlab_core::glob::clean(&joined);
    let slash = if path.ends_with('/') && !clean.is_empty() { "/" } else { "" };
    format!("/{clean}{slash}")
}

/// The paths a Dockerfile names, to tell which stub outputs must be
/// folders: a path `P` is one when a path below it (`P/…`) is named, by a
/// RUN's text, a WORKDIR, a COPY or ADD destination, another output or a
/// context file landing there, or when a single-source COPY --from puts
/// it where the file later uses a folder (a WORKDIR on its destination).
struct Named {
    paths: Vec<String>,
}

impl Named {
    fn is_folder(&self, path: &str) -> bool {
        let p = format!("{}/", path.trim_end_matches('/'));
        self.paths.iter().any(|n| n.contains(&p))
    }
}

fn folder_evidence(
    df: &Dockerfile,
    vars_at: &[BTreeMap<String, String>],
    workdir_at: &[String],
    context: &BTreeMap<String, String>,
    wanted: &[(usize, String)],
) -> Named {
    let mut paths: Vec<String> = wanted.iter().map(|(_, p)| p.clone()).collect();
    let mut from_copies: Vec<(String, String)> = Vec::new(); // (source, destination)
    for (i, ins) in df.instructions.iter().enumerate() {
        let vars = &vars_at[i];
        let wd = &workdir_at[i];
        match &ins.command {
            Command::Run { command, .. } => {
                paths.push(expand(&command.args.join(" "), vars));
                paths.extend(ins.heredocs.iter().map(|h| h.content.clone()));
            }
            Command::Workdir { .. } => paths.push(format!("{}/", wd.trim_end_matches('/'))),
            Command::Copy(c) | Command::Add(c) => {
                let raw = expand(&c.dest, vars);
                let dest = absolute(wd, &raw);
                let dir = raw.ends_with('/') || raw == "." || c.sources.len() > 1;
                paths.push(if dir { format!("{}/", dest.trim_end_matches('/')) } else { dest.clone() });
                let sources: Vec<String> = c.sources.iter().map(|s| expand(s, vars)).collect();
                if c.from.is_some() {
                    if sources.len() == 1 && !dir {
                        let src = absolute("/", &sources[0]);
                        from_copies.push((src, dest));
                    }
                    continue;
                }
                // Context files: a folder source's files land below the
                // destination.
                for src in sources {
                    let s = src.trim_start_matches("./").trim_start_matches('/').trim_end_matches('/');
                    for f in context.keys() {
                        let rel = if s.is_empty() || s == "." {
                            Some(f.as_str())
                        } else {
                            f.strip_prefix(s).and_then(|r| r.strip_prefix('/'))
                        };
                        if let Some(rel) = rel {
                            paths.push(format!("{}/{rel}", dest.trim_end_matches('/')));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut named = Named { paths };
    // A COPY --from onto a path used as a folder copies a folder.
    let extra: Vec<String> = from_copies
        .iter()
        .filter(|(_, d)| named.is_folder(d))
        .map(|(s, _)| format!("{}/", s.trim_end_matches('/')))
        .collect();
    named.paths.extend(extra);
    named
}

/// Adds a context source: a folder gets the language file, a manifest its
/// name, a glob one matching file.
fn add_source(ctx: &mut BTreeMap<String, String>, src: &str, lang: &str, source_file: &mut Option<String>) {
    let s = src.trim_start_matches("./").trim_start_matches('/');
    let s = s.replace('*', "").replace('?', "x");
    let s = s.trim_end_matches('/');
    let name = s.rsplit('/').next().unwrap_or("");
    let dir_like = s.is_empty()
        || s == "."
        || src.ends_with('/')
        || (!name.contains('.') && !name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !is_manifest(name));
    if dir_like {
        let d = if s.is_empty() || s == "." { String::new() } else { format!("{s}/") };
        let f = format!("{d}{lang}");
        ctx.entry(f.clone()).or_insert_with(|| format!("// source of the project ({f})\n"));
        if source_file.is_none() {
            *source_file = Some(f);
        }
    } else {
        let f = if name.is_empty() || name.ends_with('.') { format!("{s}x") } else { s.to_string() };
        ctx.entry(f.clone()).or_insert_with(|| format!("stub {f}\n"));
        if source_file.is_none() && f.ends_with(lang.rsplit('.').next().unwrap_or("")) && !is_manifest(&f) {
            *source_file = Some(f);
        }
    }
}

/// One build of a corpus file.
#[derive(Debug, Clone)]
pub struct AppBuild {
    pub label: String,
    pub error: Option<String>,
    /// (line, text, BuildKit, simulator) for every observed step.
    pub steps: Vec<(usize, String, Outcome, Outcome)>,
    /// Steps of built stages BuildKit printed no vertex for.
    pub unobserved: usize,
}

/// The result for one corpus file.
#[derive(Debug, Clone)]
pub struct AppResult {
    pub file: String,
    pub unbuildable: Option<String>,
    pub builds: Vec<AppBuild>,
    pub notes: Vec<String>,
    /// Disagreements on `COPY --from` steps that depend on the real tool.
    pub tool_dependent: Vec<String>,
    pub seconds: f64,
}

impl AppResult {
    /// (agreed, observed), tool-dependent steps excluded.
    pub fn agreement(&self) -> (usize, usize) {
        let (mut a, mut n) = (0, 0);
        for b in &self.builds {
            for s in &b.steps {
                n += 1;
                a += (s.2 == s.3) as usize;
            }
        }
        (a, n)
    }
}

/// Normalizes an instruction's text: comment lines inside continuations
/// dropped (BuildKit's parser drops them), continuations and blank runs
/// joined.
fn norm(s: &str) -> String {
    let s: Vec<&str> = s
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || !l.trim_start().starts_with('#'))
        .map(|(_, l)| l)
        .collect();
    s.join("\n")
        .replace("\\\r\n", " ")
        .replace("\\\n", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Glob match with `*` only.
fn glob(p: &[u8], t: &[u8]) -> bool {
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// Whether the log's instruction text is the Dockerfile's (variables may
/// have been expanded by BuildKit; compared on the first 48 characters).
/// Quotes and backslashes are left out on both sides: BuildKit's step name
/// is the processed word, without the escapes (`RUN echo "{\"a\": 1}"`
/// is shown `RUN echo "{"a": 1}"`) and, for COPY and ADD, without quotes.
fn same_text(dockerfile: &str, log: &str) -> bool {
    let bare = |s: &str| s.chars().filter(|c| !matches!(c, '"' | '\'' | '\\')).collect::<String>();
    let mut pat = String::new();
    let mut chars = bare(&norm(dockerfile)).chars().collect::<Vec<_>>().into_iter().peekable();
    while let Some(c) = chars.next() {
        if c == '$' {
            pat.push('*');
            if chars.peek() == Some(&'{') {
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                }
            } else {
                while chars.peek().is_some_and(|d| d.is_ascii_alphanumeric() || *d == '_') {
                    chars.next();
                }
            }
            // A variable between blanks may expand to nothing: BuildKit's
            // name then has one blank there (both sides are normalized).
            if pat.ends_with(" *") && chars.peek() == Some(&' ') {
                chars.next();
            }
        } else {
            pat.push(c);
        }
    }
    let pat: String = pat.chars().take(48).collect();
    glob(format!("{pat}*").as_bytes(), bare(&norm(log)).as_bytes())
}

/// An instruction's text as BuildKit's step name begins: for one with
/// heredocs, the text before the first body (BuildKit names the step
/// `RUN <<EOF (first line of the body...)`).
fn step_text<'a>(ins: &layerlab_core::syntax::Instruction, src: &'a str) -> &'a str {
    match ins.heredocs.first() {
        Some(h) if h.body_span.start > ins.span.start => &src[ins.span.start as usize..h.body_span.start as usize],
        _ => ins.span.text(src),
    }
}

/// Runs one corpus file on the oracle: cold build, then one build a change.
pub fn run(oracle: &mut Oracle, plan: &Plan) -> AppResult {
    let started = Instant::now();
    let mut r = AppResult {
        file: plan.file.clone(),
        unbuildable: plan.unbuildable.clone(),
        builds: Vec::new(),
        notes: plan.notes.clone(),
        tool_dependent: Vec::new(),
        seconds: 0.0,
    };
    if r.unbuildable.is_some() {
        return r;
    }
    let work = oracle.state.join("apps").join(plan.file.trim_end_matches(".Dockerfile"));
    let _ = fs::remove_dir_all(&work);
    let ctx_dir = work.join("context");
    let prepared = (|| -> Result<(), String> {
        for (path, content) in &plan.context {
            let p = ctx_dir.join(path);
            fs::create_dir_all(p.parent().unwrap()).map_err(|e| e.to_string())?;
            fs::write(&p, content).map_err(|e| e.to_string())?;
        }
        fs::write(work.join("Dockerfile"), &plan.dockerfile).map_err(|e| e.to_string())?;
        oracle.daemon.run(&["builder", "prune", "--all", "--force"])?;
        // Base images: one import a tag, each with its files, the stub
        // shell's outputs and the users.
        let mut images = BaseImages::new(work.join("images"));
        images.script_env.push((
            "STUB_SHELL".into(),
            crate::root().join("tests/buildkit/stub-shell").to_string_lossy().into_owned(),
        ));
        let mut passwd = String::from("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        let mut group = String::from("root:x:0:\nnogroup:x:65534:\n");
        for (n, u) in plan.users.iter().enumerate() {
            passwd.push_str(&format!("{u}:x:{}:{}:{u}:/home/{u}:/bin/sh\n", 1000 + n, 1000 + n));
            group.push_str(&format!("{u}:x:{}:\n", 1000 + n));
        }
        let outputs: String = plan.outputs.iter().map(|(k, p)| format!("{k}\t{p}\n")).collect();
        for (tag, files) in &plan.images {
            let extra = work.join("extra").join(tag.replace(['/', ':'], "_"));
            let _ = fs::remove_dir_all(&extra);
            let w = |rel: &str, content: &str| -> Result<(), String> {
                let p = extra.join(rel.trim_start_matches('/'));
                fs::create_dir_all(p.parent().unwrap()).map_err(|e| e.to_string())?;
                fs::write(&p, content).map_err(|e| e.to_string())
            };
            w("etc/passwd", &passwd)?;
            w("etc/group", &group)?;
            w("etc/stub-outputs", &outputs)?;
            for (path, content) in files {
                w(path, content)?;
            }
            for u in &plan.users {
                fs::create_dir_all(extra.join("home").join(u)).map_err(|e| e.to_string())?;
            }
            images.import_with(&oracle.daemon, tag, Some(&extra))?;
        }
        Ok(())
    })();
    if let Err(e) = prepared {
        r.unbuildable = Some(format!("preparing: {e}"));
        return r;
    }
    let df = layerlab_core::parse(&plan.dockerfile);
    let model = layerlab_core::model::build(&df, &plan.dockerfile);
    let files: Vec<String> = plan.context.keys().cloned().collect();
    let bctx = BuildContext {
        files: Some(files),
        dockerignore: None,
    };
    let mut args: Vec<(String, String)> = Vec::new();
    let mut edits = 0;
    let mut steps_plan: Vec<(String, Option<&PlanChange>)> = vec![("cold build".into(), None)];
    steps_plan.extend(plan.changes.iter().map(|(l, c)| (l.clone(), Some(c))));
    let mut last_ok = false;
    for (n, (label, change)) in steps_plan.into_iter().enumerate() {
        let mut sim_changes = Vec::new();
        match change {
            None => {}
            Some(PlanChange::Edit(path)) => {
                edits += 1;
                let p = ctx_dir.join(path);
                let mut c = fs::read_to_string(&p).unwrap_or_default();
                c.push_str(&format!("// layerlab edit {edits}\n"));
                let _ = fs::write(&p, c);
                sim_changes.push(Change::Edit { path: path.clone() });
            }
            Some(PlanChange::Arg(k, v)) => {
                args.retain(|(a, _)| a != k);
                args.push((k.clone(), v.clone()));
                sim_changes.push(Change::Arg { name: k.clone(), value: v.clone() });
            }
        }
        if n > 0 && !last_ok {
            // A failed build leaves nothing to compare the next one with.
            break;
        }
        let (log, error) = build(oracle, &work, n, &args);
        let opts = Options {
            cold: n == 0,
            ..Options::default()
        };
        let sim = simulate(&df, &model, &sim_changes, &bctx, &opts);
        let mut b = AppBuild {
            label,
            error: error.clone(),
            steps: Vec::new(),
            unobserved: 0,
        };
        last_ok = error.is_none();
        if error.is_none() {
            match observe(&plan.dockerfile, &df, &log) {
                Ok(obs) => {
                    for s in &sim.steps {
                        let ins = &df.instructions[s.instruction];
                        if ins.keyword == "FROM" {
                            continue;
                        }
                        let predicted = match s.status {
                            Status::Cached => Outcome::Cached,
                            Status::Rebuilt => Outcome::Run,
                            Status::Skipped => Outcome::Skipped,
                        };
                        let line = ins.start.line as usize;
                        match obs.get(&s.instruction) {
                            Some(&o) => {
                                let text = norm(ins.span.text(&plan.dockerfile));
                                if o != predicted && plan.tool_dependent.contains(&line) && n > 0 {
                                    r.tool_dependent.push(format!(
                                        "{} line {line} `{}` after {}: BuildKit {o}, simulator {predicted}",
                                        plan.file,
                                        text.chars().take(60).collect::<String>(),
                                        b.label
                                    ));
                                    continue;
                                }
                                b.steps.push((line, text, o, predicted));
                            }
                            None => b.unobserved += 1,
                        }
                    }
                }
                Err(e) => {
                    b.error = Some(format!("log mapping: {e}"));
                    last_ok = false;
                }
            }
        }
        r.builds.push(b);
    }
    r.seconds = started.elapsed().as_secs_f64();
    r
}

/// BuildKit's outcome of each Dockerfile instruction it printed a vertex
/// for (by stage name and text, in order), and `Skipped` for every step of
/// a stage it printed nothing of.
fn observe(src: &str, df: &Dockerfile, log: &layerlab_core::buildlog::BuildLog) -> Result<BTreeMap<usize, Outcome>, String> {
    let st = stages(df, src, &BTreeMap::new());
    let mut out = BTreeMap::new();
    for s in &st {
        let mut ls: Vec<&layerlab_core::buildlog::LogStep> = log
            .steps
            .iter()
            .filter(|l| l.stage.as_deref().map(str::to_ascii_lowercase).as_deref() == Some(s.log_name.as_str())
                || (l.stage.is_none() && st.len() == 1))
            .collect();
        ls.sort_by_key(|l| l.index);
        let steps: Vec<usize> = s
            .instructions
            .iter()
            .copied()
            .filter(|&i| matches!(df.instructions[i].keyword.as_str(), "RUN" | "COPY" | "ADD" | "WORKDIR"))
            .collect();
        if ls.is_empty() {
            for i in steps {
                out.insert(i, Outcome::Skipped);
            }
            continue;
        }
        let mut cursor = 0;
        for l in ls {
            let kw = l.instruction.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
            if kw == "FROM" {
                continue;
            }
            let found = steps[cursor..].iter().position(|&i| {
                df.instructions[i].keyword == kw && same_text(step_text(&df.instructions[i], src), &l.instruction)
            });
            match found {
                Some(k) => {
                    let i = steps[cursor + k];
                    out.insert(i, if l.cached { Outcome::Cached } else { Outcome::Run });
                    cursor += k + 1;
                }
                None => {
                    return Err(format!(
                        "[{} {}/{}] {} matches no instruction of the stage",
                        s.log_name, l.index, l.count, l.instruction
                    ))
                }
            }
        }
    }
    Ok(out)
}

/// `docker build` of the work folder's Dockerfile; the parsed rawjson log.
fn build(oracle: &Oracle, work: &Path, n: usize, args: &[(String, String)]) -> (layerlab_core::buildlog::BuildLog, Option<String>) {
    let log_path = work.join(format!("build-{}.log", n + 1));
    let mut cmd = oracle.daemon.docker();
    let progress = if oracle.daemon.install.rawjson { "--progress=rawjson" } else { "--progress=plain" };
    cmd.args(["build", "--network=none", progress, "-f"])
        .arg(work.join("Dockerfile"));
    for (k, v) in args {
        cmd.arg("--build-arg").arg(format!("{k}={v}"));
    }
    cmd.arg(work.join("context"));
    let file = match fs::File::create(&log_path) {
        Ok(f) => f,
        Err(e) => return (Default::default(), Some(e.to_string())),
    };
    cmd.stdout(file.try_clone().unwrap()).stderr(file).stdin(Stdio::null());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return (Default::default(), Some(format!("cannot run docker: {e}"))),
    };
    let t = Instant::now();
    let ok = loop {
        if let Ok(Some(s)) = child.try_wait() {
            break s.success();
        }
        if t.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            let _ = child.wait();
            break false;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = fs::read_to_string(&log_path).unwrap_or_default();
    let log = if oracle.daemon.install.rawjson {
        super::rawjson::parse(&text)
    } else {
        layerlab_core::buildlog::parse(&text)
    };
    let err = (!ok).then(|| {
        format!(
            "docker build failed{} (log: {})",
            log.error.as_deref().map(|e| format!(": {e}")).unwrap_or_default(),
            log_path.display()
        )
    });
    (log, err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_like_buildkit() {
        let mut v = BTreeMap::new();
        v.insert("A".to_string(), "x".to_string());
        assert_eq!(expand("$A/${A}/${B:-d}/${A:+w}/$B.", &v), "x/x/d/w/.");
        // Quotes and escapes go, as in BuildKit's ProcessWord.
        assert_eq!(expand("\"azul/zulu:25\"", &v), "azul/zulu:25");
        assert_eq!(expand("\"${A}\"/'$A'/\\$A/\"a\\\"b\\n\"", &v), "x/$A/$A/a\"b\\n");
    }

    #[test]
    fn plans_every_corpus_file() {
        let Some(dir) = corpus_dir() else { return };
        for f in corpus_files(&dir) {
            let text = fs::read_to_string(dir.join(&f)).unwrap();
            let p = plan(&f, &text);
            if p.unbuildable.is_none() {
                assert!(!p.images.is_empty() || p.dockerfile.contains("scratch"), "{f}");
            }
        }
    }

    #[test]
    fn log_text_matches_with_expanded_variables() {
        assert!(same_text("RUN go build -ldflags \"-X main.v=$VERSION\" -o /app .", "RUN go build -ldflags \"-X main.v=1.2\" -o /app ."));
        assert!(same_text("COPY --from=build /app/${NAME} /usr/bin/", "COPY --from=build /app/server /usr/bin/"));
        assert!(!same_text("RUN npm ci", "RUN npm run build"));
        assert!(same_text(r#"RUN echo "{\"commitTag\": \"${COMMIT_TAG}\"}" > committag.json"#, r#"RUN echo "{"commitTag": ""}" > committag.json"#));
        assert!(same_text(r#"COPY . "$BUILD_DIR""#, "COPY . /tmp/guacamole-docker-BUILD"));
        assert!(same_text("RUN ./gradlew build $EXT --parallel", "RUN ./gradlew build  --parallel"));
        assert!(same_text("RUN ./gradlew build $EXT --parallel", "RUN ./gradlew build -x --parallel"));
        assert_eq!(absolute("/myapp", "."), "/myapp");
        assert_eq!(absolute("/myapp", "./a/../b/"), "/myapp/b/");
        assert_eq!(absolute("/w", "/etc/dex/"), "/etc/dex/");
        assert!(same_text(
            "RUN pip install -r requirements.txt \\\n    # Remove temporary files\n    && rm -rf /root/.cache",
            "RUN pip install -r requirements.txt     && rm -rf /root/.cache"
        ));
    }
}
