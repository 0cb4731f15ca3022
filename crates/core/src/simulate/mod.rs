//! The cache simulator: given a Dockerfile and a change, which steps does
//! BuildKit rebuild, why, and what does that cost?
//!
//! BuildKit's rules, followed exactly (sources in moby/buildkit):
//! - **Chain rule**: a step's cache key includes its parent's key
//!   (`solver/cachekey.go`, the root mount of an exec op and the destination
//!   of a file op are keyed by their input's cache key), so after a miss every
//!   later step of the stage rebuilds.
//! - **COPY/ADD** are keyed on the *content* of only their selected sources
//!   (`solver/llbsolver/ops/file.go` `CacheMap` sets `ComputeDigestFunc =
//!   NewContentHashFunc(selectors)`; `cache/contenthash` hashes content and
//!   mode, not mtime). A `touch` does not invalidate; an edit to a file the
//!   COPY does not select does not either; `.dockerignore`d files are not in
//!   the context at all.
//! - **RUN** is keyed on its command text, environment, working directory,
//!   user and mounts (`ops/exec.go` `CacheMap` over the marshalled `ExecOp`).
//!   Read-only bind mounts are content-hashed over their selected paths.
//! - **ARG** invalidates at its first use, not at its definition:
//!   `dockerfile2llb/convert.go` `dispatchArg` adds an ARG with a value to
//!   the state's env (`d.state.AddEnv`), so every later RUN carries it in its
//!   key, while COPY/ADD/WORKDIR only change if their own text expands it.
//! - **Cache mounts** (`--mount=type=cache`) are not part of the key: they
//!   never invalidate, but a missed install re-uses the downloads in them,
//!   so it costs less ([`crate::model::cost::CACHE_MOUNT_FACTOR`]).
//! - **`COPY --link`** copies onto an empty layer and merges it
//!   (`dockerfile2llb` `dispatchCopy` with `llb.Merge`), so the copy itself
//!   does not depend on earlier layers and stays cached after an earlier
//!   miss; the steps after it still rebuild.
//! - **Secrets** (`--mount=type=secret`) are not in the key: changing a
//!   secret's contents rebuilds nothing.
//! - **Unused stages are skipped**: BuildKit only solves the stages the target
//!   reaches (`allReachableStages`).
//!
//! - **`COPY --from` and `RUN --mount=from=`** are keyed on the *content* of
//!   the paths they read in the other stage (the same content hashing), so a
//!   stage that re-ran but produced the same bytes leaves them cached.
//!
//! That last rule needs to know when a re-run produces new bytes, which no
//! one can know for sure. The model, stated: steps are reproducible. A
//! re-executed RUN changes its output only when something it reads changed:
//! an install, when one of its manifests changed; a compile (`go build`,
//! `cargo build`, `mvn package`, …), when a source file of its language or a
//! manifest changed; any other command, when any copied file changed; and
//! any RUN, when its command, environment or base changed. A COPY changes
//! its destination when its sources changed.

pub mod dockerignore;
pub use crate::glob;
pub mod log;

use serde::Serialize;

use crate::model::{cost, BuildModel, Source, StepKind};
use crate::syntax::{Command, Dockerfile, MountType};
pub use dockerignore::DockerIgnore;

/// One change between the cached build and the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// A file in the build context was edited (content changed).
    Edit { path: String },
    /// A file's modification time changed but not its content (`touch`).
    Touch { path: String },
    /// `--build-arg NAME=VALUE` differs from the last build.
    Arg { name: String, value: String },
    /// A base image was updated upstream (all when `image` is None).
    BaseUpdate { image: Option<String> },
    /// A secret's contents changed.
    Secret { id: String },
}

/// What we know of the build context.
#[derive(Debug, Clone, Default)]
pub struct BuildContext {
    /// Paths in the context (relative), when known.
    pub files: Option<Vec<String>>,
    /// The `.dockerignore` text, when there is one.
    pub dockerignore: Option<String>,
}

impl BuildContext {
    /// Its `.dockerignore`, parsed (empty when there is none).
    pub fn ignore(&self) -> DockerIgnore {
        self.dockerignore
            .as_deref()
            .map(DockerIgnore::parse)
            .unwrap_or_default()
    }
}

/// Simulation options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Target stage (name or index); the last stage by default.
    pub target: Option<String>,
    /// Nothing is cached: a first build.
    pub cold: bool,
    /// Real seconds per instruction index, replacing the estimates.
    pub seconds: Vec<(usize, f64)>,
    /// The Dockerfile of the cached build, when the Dockerfile itself was
    /// edited: steps whose instruction (or, for RUN, environment) changed miss.
    pub previous: Option<String>,
    /// Stages never built before (e.g. a `--target` not built until now):
    /// nothing of theirs is in the cache.
    pub uncached_stages: Vec<usize>,
}

/// Outcome of one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Cached,
    Rebuilt,
    /// In a stage the target does not need: BuildKit does not build it.
    Skipped,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepOutcome {
    /// Index into `BuildModel::steps`.
    pub step: usize,
    /// Index into `Dockerfile::instructions`.
    pub instruction: usize,
    pub stage: usize,
    /// BuildKit's `[i/n]`.
    pub index: usize,
    pub count: usize,
    pub line: u32,
    pub text: String,
    pub status: Status,
    pub cached: bool,
    pub reason: String,
    /// Seconds this step costs in this build (0 when cached or skipped).
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Simulation {
    pub target: Option<usize>,
    pub steps: Vec<StepOutcome>,
    /// Sum of the seconds of every rebuilt step.
    pub total_seconds: f64,
    /// The longest chain of stage rebuilds (stages build in parallel).
    pub critical_path_seconds: f64,
    /// Notes about the changes (an ignored path, an unknown build arg).
    pub notes: Vec<String>,
}

impl Simulation {
    pub fn rebuilt(&self) -> impl Iterator<Item = &StepOutcome> {
        self.steps.iter().filter(|s| s.status == Status::Rebuilt)
    }
}

fn stage_label(model: &BuildModel, s: usize) -> String {
    match &model.stages[s].name {
        Some(n) => format!("`{n}`"),
        None => format!("#{s}"),
    }
}

fn image_matches(update: &Option<String>, image: &str) -> bool {
    match update {
        None => true,
        Some(u) => {
            let strip = |s: &str| {
                s.trim_start_matches("docker.io/")
                    .trim_start_matches("library/")
                    .to_string()
            };
            let (u, i) = (strip(u), strip(image));
            u == i || (!u.contains(':') && i.split(':').next() == Some(u.as_str()))
        }
    }
}

/// Simulates the next build after `changes`.
pub fn simulate(
    df: &Dockerfile,
    model: &BuildModel,
    changes: &[Change],
    ctx: &BuildContext,
    opts: &Options,
) -> Simulation {
    let ignore = ctx
        .dockerignore
        .as_deref()
        .map(DockerIgnore::parse)
        .unwrap_or_default();
    let mut notes = Vec::new();
    let mut edits: Vec<String> = Vec::new();
    for c in changes {
        match c {
            Change::Edit { path } => {
                let p = glob::clean(path);
                if ignore.excludes(&p) {
                    notes.push(format!("{p} is excluded by .dockerignore: it is not in the build context, so editing it rebuilds nothing"));
                } else {
                    edits.push(p);
                }
            }
            Change::Touch { path } => notes.push(format!("{path}: only the modification time changed; BuildKit keys files by content, so nothing rebuilds")),
            Change::Secret { id } => notes.push(format!("secret `{id}`: secret contents are not part of any cache key")),
            _ => {}
        }
    }
    let changed_args: Vec<&str> = changes
        .iter()
        .filter_map(|c| {
            if let Change::Arg { name, .. } = c {
                Some(name.as_str())
            } else {
                None
            }
        })
        .collect();
    let base_updates: Vec<&Option<String>> = changes
        .iter()
        .filter_map(|c| {
            if let Change::BaseUpdate { image } = c {
                Some(image)
            } else {
                None
            }
        })
        .collect();
    let image_updated = |image: &str| base_updates.iter().any(|u| image_matches(u, image));

    let target = match &opts.target {
        Some(t) => model.stage_by_ref(t),
        None => model.target,
    };
    let needed = target
        .map(|t| model.needed_stages(t))
        .unwrap_or_else(|| vec![false; model.stages.len()]);
    // Real seconds by instruction (the first given for one wins) and the
    // never-built stages, as tables: a lookup per step must not scan a list.
    let mut real: Vec<Option<f64>> = vec![None; df.instructions.len()];
    for &(i, secs) in opts.seconds.iter().rev() {
        if let Some(r) = real.get_mut(i) {
            *r = Some(secs);
        }
    }
    let overrides = |i: usize| real.get(i).copied().flatten();
    let mut uncached = vec![false; model.stages.len()];
    for &s in &opts.uncached_stages {
        if let Some(u) = uncached.get_mut(s) {
            *u = true;
        }
    }

    let mut stage_changed = vec![false; model.stages.len()];
    // Content state per stage, for content-keyed reads of it.
    let mut stage_content: Vec<Content> = vec![Content::default(); model.stages.len()];
    let prev_keys: Option<Vec<StageKeys>> = opts.previous.as_deref().map(|p| {
        let pdf = crate::syntax::parse(p);
        step_keys(&pdf, &crate::model::build(&pdf, p))
    });
    let keys = if prev_keys.is_some() {
        step_keys(df, model)
    } else {
        Vec::new()
    };
    let no_keys = StageKeys::default();
    let mut finish = vec![0.0f64; model.stages.len()];
    let mut outcomes = Vec::new();
    let global_tainted: Vec<String> = model
        .global_args
        .iter()
        .filter(|(k, _)| changed_args.contains(&k.as_str()))
        .map(|(k, _)| k.clone())
        .collect();

    // Per stage, the build args (and the ENVs made from them) that changed,
    // as they stand at its end.
    let mut stage_tainted: Vec<Vec<String>> = Vec::with_capacity(model.stages.len());
    for (si, stage) in model.stages.iter().enumerate() {
        // A stage built FROM another inherits that stage's build args:
        // current BuildKit keeps them in the environment of its RUNs
        // (measured on Docker 28.5: a new value of an ARG the base stage
        // uses only in a LABEL reruns every RUN of the stage built on it).
        let inherited: Vec<String> = stage
            .base_stage
            .filter(|&b| b < si)
            .and_then(|b| stage_tainted.get(b).cloned())
            .unwrap_or_default();
        // This stage's keys before and after the Dockerfile edit, and how
        // much of their environments is the same.
        let stage_keys = prev_keys.as_ref().map(|pk| {
            let (prev, cur) = (pk.get(si).unwrap_or(&no_keys), &keys[si]);
            let same_env = prev
                .env
                .bytes()
                .zip(cur.env.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            (prev, cur, same_env)
        });
        let mut tainted: Vec<String> = inherited.clone();
        let mut dirty = false;
        let mut content = Content::default();
        let mut step_no = 0usize;
        let mut first_miss: Option<String> = None;
        let mut stage_cost = 0.0;
        for &sid in &stage.steps {
            let step = &model.steps[sid];
            let ins = &df.instructions[step.instruction];
            if step.kind == StepKind::Metadata {
                match &ins.command {
                    Command::Arg { args } => {
                        for a in args {
                            if changed_args.contains(&a.name.as_str()) && !tainted.contains(&a.name)
                            {
                                tainted.push(a.name.clone());
                            }
                        }
                    }
                    Command::Env { pairs } if !tainted.is_empty() => {
                        for p in pairs {
                            let refs = crate::model::referenced_vars(&p.value, df.escape);
                            if refs.iter().any(|r| tainted.contains(r)) && !tainted.contains(&p.key)
                            {
                                tainted.push(p.key.clone());
                            }
                        }
                    }
                    _ => {}
                }
                continue;
            }
            let (index, count) = step.number.unwrap_or((0, 0));
            let mut out = StepOutcome {
                step: sid,
                instruction: step.instruction,
                stage: si,
                index,
                count,
                line: step.line,
                text: step.text.clone(),
                status: Status::Cached,
                cached: true,
                reason: String::new(),
                seconds: 0.0,
            };
            if !needed[si] {
                out.status = Status::Skipped;
                out.cached = false;
                let t = target.map(|t| stage_label(model, t)).unwrap_or_default();
                out.reason = format!(
                    "stage {} is not needed for target {t}: BuildKit does not build it",
                    stage_label(model, si)
                );
                outcomes.push(out);
                continue;
            }
            let key_changed = stage_keys
                .is_some_and(|(prev, cur, same_env)| !same_key(prev, cur, same_env, step_no));
            step_no += 1;
            let own: Option<String> = if opts.cold {
                Some("first build: nothing is cached yet".to_string())
            } else if uncached[si] {
                Some(format!(
                    "stage {} was never built before: nothing of it is cached",
                    stage_label(model, si)
                ))
            } else if key_changed {
                Some(format!(
                    "{}: the instruction or its environment changed in the Dockerfile",
                    Short(&step.text)
                ))
            } else {
                own_reason(
                    df,
                    model,
                    step,
                    &edits,
                    (&tainted, &inherited),
                    &global_tainted,
                    &stage_changed,
                    &stage_content,
                    &image_updated,
                )
            };
            if step.kind == StepKind::Base {
                content = match stage.base_stage {
                    Some(b) => stage_content[b].clone(),
                    None if own.is_some() => Content {
                        regions: vec!["/".into()],
                        files: Vec::new(),
                        opaque: true,
                    },
                    None => Content::default(),
                };
            }
            let link = step.inputs.link;
            let (rebuilt, reason) = match (&own, dirty) {
                (Some(r), _) => (true, r.clone()),
                (None, true) if link => (false, "COPY --link does not depend on earlier layers: the copy is reused and merged onto the new ones".to_string()),
                (None, true) => (true, format!("after the miss at {}", first_miss.clone().unwrap_or_default())),
                (None, false) => (false, "inputs unchanged".to_string()),
            };
            if rebuilt {
                let mut secs = overrides(step.instruction).unwrap_or(step.seconds);
                if step.cache_mounted && !opts.cold && overrides(step.instruction).is_none() {
                    secs *= cost::CACHE_MOUNT_FACTOR;
                }
                out.status = Status::Rebuilt;
                out.cached = false;
                out.seconds = secs;
                content.after_rebuild(df, step, own.is_some(), &edits);
                stage_cost += secs;
                if !dirty {
                    first_miss = Some(format!("line {} ({})", step.line, Short(&step.text)));
                }
                dirty = true;
            }
            out.reason = reason;
            outcomes.push(out);
        }
        stage_changed[si] = dirty;
        stage_content[si] = content;
        stage_tainted.push(tainted);
        let deps = stage
            .base_stage
            .into_iter()
            .chain(stage.reads.iter().copied());
        let start = deps
            .filter(|&d| d < si)
            .map(|d| finish[d])
            .fold(0.0, f64::max);
        finish[si] = if needed[si] { start + stage_cost } else { 0.0 };
    }
    for a in &changed_args {
        let declared = model.global_args.iter().any(|(k, _)| k == a)
            || df.instructions.iter().any(|i| matches!(&i.command, Command::Arg { args } if args.iter().any(|d| &d.name == a)));
        if !declared {
            notes.push(format!(
                "build arg `{a}` is not declared by any ARG: BuildKit ignores it (and warns)"
            ));
        }
    }
    let total = outcomes.iter().map(|o| o.seconds).sum();
    let critical = target.map(|t| finish[t]).unwrap_or(0.0);
    Simulation {
        target,
        steps: outcomes,
        total_seconds: total,
        critical_path_seconds: critical,
        notes,
    }
}

/// A step's text in a message: at most 48 chars, else its first 45 and
/// `…`. Formatted only when a message is made (most steps get none).
struct Short<'a>(&'a str);

impl core::fmt::Display for Short<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0.char_indices().nth(48) {
            Some(_) => {
                let cut = self.0.char_indices().nth(45).map_or(0, |(i, _)| i);
                f.write_str(&self.0[..cut])?;
                f.write_str("…")
            }
            None => f.write_str(self.0),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn own_reason(
    df: &Dockerfile,
    model: &BuildModel,
    step: &crate::model::Step,
    edits: &[String],
    // The changed args and ENVs in scope, and those of them inherited from
    // the stage this one is built FROM.
    (tainted, inherited): (&[String], &[String]),
    global_tainted: &[String],
    stage_changed: &[bool],
    stage_content: &[Content],
    image_updated: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let ins = &df.instructions[step.instruction];
    let what = Short(&step.text);
    let stage = &model.stages[step.stage];
    if step.kind == StepKind::Base {
        if let Some(a) = step
            .inputs
            .expands
            .iter()
            .find(|v| global_tainted.contains(v))
        {
            return Some(format!("{what}: build arg {a} changed the base image"));
        }
        if let Some(b) = stage.base_stage {
            return stage_changed[b]
                .then(|| format!("{what}: stage {} changed", stage_label(model, b)));
        }
        let image = stage.image.as_deref().unwrap_or("");
        return image_updated(image).then(|| format!("{what}: base image {image} was updated"));
    }
    if let Some(a) = step.inputs.expands.iter().find(|v| tainted.contains(v)) {
        return Some(format!("{what}: build arg {a} changed"));
    }
    if let Command::Run { .. } = ins.command {
        // Every ARG/ENV in scope is in the RUN's environment, so in its key.
        let mut env = step.inputs.env.iter().take_while(|_| !tainted.is_empty());
        if let Some(a) = env.find(|v| tainted.contains(v)) {
            return Some(format!(
                "{what}: {a} changed (ARG values are in every later RUN's environment)"
            ));
        }
        if let Some(a) = inherited.first() {
            return Some(format!(
                "{what}: {a} changed (the build args of stage {} are in the environment of the stages built FROM it)",
                stage.base_stage.map(|b| stage_label(model, b)).unwrap_or_default()
            ));
        }
        for m in &step.inputs.mounts {
            if m.kind != MountType::Bind {
                continue;
            }
            if let Some(r) = source_changed(
                model,
                m.source.as_ref()?,
                edits,
                stage_content,
                image_updated,
                &[],
            ) {
                return Some(format!("{what}: bind mount: {r}"));
            }
        }
        return None;
    }
    let excludes: Vec<String> = match &ins.command {
        Command::Copy(c) | Command::Add(c) => c.exclude.clone(),
        _ => Vec::new(),
    };
    for s in &step.inputs.sources {
        if let Some(r) = source_changed(model, s, edits, stage_content, image_updated, &excludes) {
            return Some(format!("{what}: {r}"));
        }
    }
    None
}

/// Whether `COPY --exclude` patterns leave the context file `edit` out of
/// the copy of `source`. The patterns are relative to the source: BuildKit
/// walks each source with them (`COPY --exclude=docs src/ …` leaves out
/// `src/docs`, `--exclude=*.txt config/` leaves out `config/notes.txt`).
fn excluded(source: &str, excludes: &[String], edit: &str) -> bool {
    let dir = source.trim_start_matches("./").trim_end_matches('/');
    excludes.iter().any(|x| {
        let x = x.trim_start_matches("./").trim_start_matches('/');
        // A wildcard source is matched from the context's root.
        if dir.is_empty() || dir == "." || dir.contains(['*', '?', '[']) {
            return glob::selects(x, edit);
        }
        glob::selects(&format!("{dir}/{x}"), edit)
    })
}

fn source_changed(
    model: &BuildModel,
    s: &Source,
    edits: &[String],
    stage_content: &[Content],
    image_updated: &dyn Fn(&str) -> bool,
    excludes: &[String],
) -> Option<String> {
    match s {
        Source::Context { path } => edits
            .iter()
            .find(|e| glob::selects(path, e) && !excluded(path, excludes, e))
            .map(|e| format!("{e} changed")),
        Source::Stage { stage, path } => {
            let abs = if path.starts_with('/') {
                path.clone()
            } else {
                format!("/{path}")
            };
            let changed = stage_content.get(*stage).is_some_and(|c| {
                c.regions
                    .iter()
                    .any(|r| crate::model::paths_overlap(r, &abs))
            });
            changed.then(|| format!("{path} changed in stage {}", stage_label(model, *stage)))
        }
        Source::Image { image, .. } => {
            image_updated(image).then(|| format!("image {image} was updated"))
        }
        Source::Remote { .. } | Source::Inline { .. } => None,
    }
}

/// The most changed regions a stage's [`Content`] lists; past it the stage
/// counts as changed everywhere ("/"), which can only predict more
/// rebuilds. A stage starts from its base's content, so without a cap a
/// chain of n stages would copy O(n²) paths.
const MAX_REGIONS: usize = 64;

/// What changed in a stage's filesystem so far (for content-keyed reads).
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Absolute paths whose content changed ("/" for anything, and then
    /// alone: it covers every other). At most [`MAX_REGIONS`].
    pub regions: Vec<String>,
    /// Context files with new content copied into the stage.
    pub files: Vec<String>,
    /// Something with unknown reach changed (base image, a RUN's output):
    /// every later re-run changes its output.
    pub opaque: bool,
}

/// Commands that read no copied file.
const NEUTRAL: &[&str] = &[
    "rm", "mkdir", "echo", "true", "set", "useradd", "groupadd", "adduser", "addgroup", "ln",
    "chown", "chmod", "export", "cd", "apt-get", "apt", "apk", "dnf", "yum",
];

impl Content {
    /// Records that the content under `path` changed.
    fn changed(&mut self, path: String) {
        if self.regions.iter().any(|r| r == "/" || *r == path) {
            return;
        }
        if path == "/" || self.regions.len() >= MAX_REGIONS {
            self.regions = vec!["/".into()];
        } else {
            self.regions.push(path);
        }
    }

    /// Updates the state after `step` re-ran; `own` when its own inputs
    /// (not only the chain) changed.
    fn after_rebuild(
        &mut self,
        df: &Dockerfile,
        step: &crate::model::Step,
        own: bool,
        edits: &[String],
    ) {
        let ins = &df.instructions[step.instruction];
        match &ins.command {
            Command::Copy(c) | Command::Add(c) if own => {
                let dest = if c.dest.starts_with('/') {
                    c.dest.clone()
                } else {
                    format!("{}/{}", step.inputs.workdir.trim_end_matches('/'), c.dest)
                };
                self.changed(dest);
                let mut from_context = false;
                for src in &step.inputs.sources {
                    if let Source::Context { path } = src {
                        for e in edits.iter().filter(|e| glob::selects(path, e)) {
                            from_context = true;
                            if !self.files.contains(e) {
                                self.files.push(e.clone());
                            }
                        }
                    }
                }
                if !from_context {
                    self.opaque = true;
                }
            }
            Command::Run { .. } if own || self.opaque || self.run_reads_changed(ins) => {
                self.changed("/".into());
                self.opaque = true;
            }
            _ => {}
        }
    }

    fn run_reads_changed(&self, ins: &crate::syntax::Instruction) -> bool {
        if self.files.is_empty() {
            return false;
        }
        let base = |f: &str| f.rsplit('/').next().unwrap_or(f).to_string();
        let manifest_hit = |manifests: &[String]| {
            self.files.iter().any(|f| {
                manifests
                    .iter()
                    .any(|m| glob::matches(&base(m), &base(f)) || glob::selects(m, f))
            })
        };
        let mut script = String::new();
        if let Command::Run { command, .. } = &ins.command {
            script = command.args.join(" ");
        }
        for h in &ins.heredocs {
            script.push('\n');
            script.push_str(&h.content);
        }
        for c in crate::model::shell::commands(&script) {
            match crate::model::packages::recognize(&c) {
                Some(op) => {
                    // go.sum only holds checksums: it changes neither what is
                    // downloaded nor what is built.
                    let manifests: Vec<String> = op
                        .manifests
                        .iter()
                        .filter(|m| *m != "go.sum")
                        .cloned()
                        .collect();
                    let hit = match op.action {
                        crate::model::Action::Install => {
                            manifest_hit(&manifests) || (op.reads_source && !self.files.is_empty())
                        }
                        crate::model::Action::Update => false,
                        crate::model::Action::Build => {
                            let exts = op.manager.source_extensions();
                            manifest_hit(&manifests)
                                || self
                                    .files
                                    .iter()
                                    .any(|f| exts.iter().any(|e| f.ends_with(e)))
                        }
                        crate::model::Action::Other => !op.manager.is_system(),
                    };
                    if hit {
                        return true;
                    }
                }
                None if NEUTRAL.contains(&c.program_name()) => {}
                None => return true,
            }
        }
        false
    }
}

/// The cache keys of a stage's steps (FROM and layer steps), so a
/// Dockerfile edit can be compared step by step.
#[derive(Default)]
struct StageKeys {
    /// The stage's ENV/ARG/USER/SHELL lines, one after the other.
    env: String,
    /// Per step: its text (heredoc bodies included) and, for a RUN, how much
    /// of `env` comes before it: a RUN's key includes its environment, kept
    /// as a prefix of the one string rather than a copy per step.
    keys: Vec<(String, Option<usize>)>,
}

fn step_keys(df: &Dockerfile, model: &BuildModel) -> Vec<StageKeys> {
    model
        .stages
        .iter()
        .map(|st| {
            let mut sk = StageKeys::default();
            for &sid in &st.steps {
                let step = &model.steps[sid];
                let ins = &df.instructions[step.instruction];
                let env = match (&ins.command, step.kind) {
                    (
                        Command::Env { .. }
                        | Command::Arg { .. }
                        | Command::User { .. }
                        | Command::Shell { .. },
                        _,
                    ) => {
                        sk.env.push_str(&step.text);
                        sk.env.push('\n');
                        continue;
                    }
                    (_, StepKind::Metadata) => continue,
                    (Command::Run { .. }, _) => Some(sk.env.len()),
                    // A RUN's working directory is the WORKDIR as written
                    // (`/app/` is another cwd than `/app` though the same
                    // mkdir): part of every later RUN's key.
                    (Command::Workdir { .. }, _) => {
                        sk.env.push_str(&step.text);
                        sk.env.push('\n');
                        if step.text.contains('$') {
                            Some(sk.env.len())
                        } else {
                            None
                        }
                    }
                    // A WORKDIR/COPY/ADD that expands a variable: its key is
                    // the expanded text, so an ENV/ARG edit above it counts.
                    _ if step.text.contains('$') => Some(sk.env.len()),
                    _ => None,
                };
                let mut text = normalized_key(&ins.command, &step.text);
                // Heredoc bodies are part of the instruction.
                for h in &ins.heredocs {
                    text.push('\n');
                    text.push_str(&h.content);
                }
                sk.keys.push((text, env));
            }
            sk
        })
        .collect()
}

/// A step's text as BuildKit keys it: a WORKDIR's path cleaned
/// (`/app/` is `/app`: the frontend cleans it before its mkdir), a
/// `--chmod` mode as the number it is (`0644` is `644`).
fn normalized_key(command: &Command, text: &str) -> String {
    let mut words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    match command {
        Command::Workdir { .. } if words.len() == 2 && words[1].starts_with('/') => {
            let mut clean = String::new();
            for part in words[1].split('/').filter(|p| !p.is_empty() && *p != ".") {
                clean.push('/');
                clean.push_str(part);
            }
            if clean.is_empty() {
                clean.push('/');
            }
            words[1] = clean;
        }
        Command::Copy(_) | Command::Add(_) => {
            for w in words.iter_mut() {
                let Some(mode) = w.strip_prefix("--chmod=") else {
                    continue;
                };
                if let Ok(n) = u32::from_str_radix(mode, 8) {
                    *w = format!("--chmod={n:o}");
                }
            }
        }
        _ => return text.to_string(),
    }
    words.join(" ")
}

/// Whether step `k` has the same key in the cached build (`prev`) as now
/// (`cur`); `same_env` is the length of their environments' common prefix.
fn same_key(prev: &StageKeys, cur: &StageKeys, same_env: usize, k: usize) -> bool {
    match (prev.keys.get(k), cur.keys.get(k)) {
        (Some((pt, pe)), Some((ct, ce))) => {
            pt == ct && pe == ce && pe.is_none_or(|n| n <= same_env)
        }
        (p, c) => p.is_none() && c.is_none(),
    }
}

#[cfg(test)]
mod tests;
