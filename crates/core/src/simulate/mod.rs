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
//! One modelling choice, stated: a step that re-runs is taken to produce new
//! bytes, so `COPY --from` a stage that rebuilt misses too. BuildKit compares
//! content there, so a byte-identical (reproducible) rebuild could still hit.

pub mod dockerignore;
pub mod log;
pub mod glob;

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

/// Simulation options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Target stage (name or index); the last stage by default.
    pub target: Option<String>,
    /// Nothing is cached: a first build.
    pub cold: bool,
    /// Real seconds per instruction index, replacing the estimates.
    pub seconds: Vec<(usize, f64)>,
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
            let strip = |s: &str| s.trim_start_matches("docker.io/").trim_start_matches("library/").to_string();
            let (u, i) = (strip(u), strip(image));
            u == i || (!u.contains(':') && i.split(':').next() == Some(u.as_str()))
        }
    }
}

/// Simulates the next build after `changes`.
pub fn simulate(df: &Dockerfile, model: &BuildModel, changes: &[Change], ctx: &BuildContext, opts: &Options) -> Simulation {
    let ignore = ctx.dockerignore.as_deref().map(DockerIgnore::parse).unwrap_or_default();
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
    let changed_args: Vec<&str> = changes.iter().filter_map(|c| if let Change::Arg { name, .. } = c { Some(name.as_str()) } else { None }).collect();
    let base_updates: Vec<&Option<String>> = changes.iter().filter_map(|c| if let Change::BaseUpdate { image } = c { Some(image) } else { None }).collect();
    let image_updated = |image: &str| base_updates.iter().any(|u| image_matches(u, image));

    let target = match &opts.target {
        Some(t) => model.stage_by_ref(t),
        None => model.target,
    };
    let needed = target.map(|t| model.needed_stages(t)).unwrap_or_else(|| vec![false; model.stages.len()]);
    let overrides = |i: usize| opts.seconds.iter().find(|(k, _)| *k == i).map(|(_, s)| *s);

    let mut stage_changed = vec![false; model.stages.len()];
    let mut finish = vec![0.0f64; model.stages.len()];
    let mut outcomes = Vec::new();
    let global_tainted: Vec<String> = model.global_args.iter().filter(|(k, _)| changed_args.contains(&k.as_str())).map(|(k, _)| k.clone()).collect();

    for (si, stage) in model.stages.iter().enumerate() {
        let mut tainted: Vec<String> = Vec::new();
        let mut dirty = false;
        let mut first_miss: Option<String> = None;
        let mut stage_cost = 0.0;
        for &sid in &stage.steps {
            let step = &model.steps[sid];
            let ins = &df.instructions[step.instruction];
            if step.kind == StepKind::Metadata {
                match &ins.command {
                    Command::Arg { args } => {
                        for a in args {
                            if changed_args.contains(&a.name.as_str()) && !tainted.contains(&a.name) {
                                tainted.push(a.name.clone());
                            }
                        }
                    }
                    Command::Env { pairs } => {
                        for p in pairs {
                            let refs = crate::model::referenced_vars(&p.value, df.escape);
                            if refs.iter().any(|r| tainted.contains(r)) && !tainted.contains(&p.key) {
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
                out.reason = format!("stage {} is not needed for target {t}: BuildKit does not build it", stage_label(model, si));
                outcomes.push(out);
                continue;
            }
            let own: Option<String> = if opts.cold {
                Some("first build: nothing is cached yet".to_string())
            } else {
                own_reason(df, model, step, &edits, &ignore, &tainted, &global_tainted, &stage_changed, &image_updated)
            };
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
                stage_cost += secs;
                if !dirty {
                    first_miss = Some(format!("line {} ({})", step.line, short(&step.text)));
                }
                dirty = true;
            }
            out.reason = reason;
            outcomes.push(out);
        }
        stage_changed[si] = dirty;
        let deps = stage.base_stage.into_iter().chain(stage.reads.iter().copied());
        let start = deps.filter(|&d| d < si).map(|d| finish[d]).fold(0.0, f64::max);
        finish[si] = if needed[si] { start + stage_cost } else { 0.0 };
    }
    for a in &changed_args {
        let declared = model.global_args.iter().any(|(k, _)| k == a)
            || df.instructions.iter().any(|i| matches!(&i.command, Command::Arg { args } if args.iter().any(|d| &d.name == a)));
        if !declared {
            notes.push(format!("build arg `{a}` is not declared by any ARG: BuildKit ignores it (and warns)"));
        }
    }
    let total = outcomes.iter().map(|o| o.seconds).sum();
    let critical = target.map(|t| finish[t]).unwrap_or(0.0);
    Simulation { target, steps: outcomes, total_seconds: total, critical_path_seconds: critical, notes }
}

fn short(text: &str) -> String {
    if text.chars().count() > 48 {
        let s: String = text.chars().take(45).collect();
        format!("{s}…")
    } else {
        text.to_string()
    }
}

#[allow(clippy::too_many_arguments)]
fn own_reason(
    df: &Dockerfile,
    model: &BuildModel,
    step: &crate::model::Step,
    edits: &[String],
    _ignore: &DockerIgnore,
    tainted: &[String],
    global_tainted: &[String],
    stage_changed: &[bool],
    image_updated: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let ins = &df.instructions[step.instruction];
    let what = short(&step.text);
    let stage = &model.stages[step.stage];
    if step.kind == StepKind::Base {
        if let Some(a) = step.inputs.expands.iter().find(|v| global_tainted.contains(v)) {
            return Some(format!("{what}: build arg {a} changed the base image"));
        }
        if let Some(b) = stage.base_stage {
            return stage_changed[b].then(|| format!("{what}: stage {} changed", stage_label(model, b)));
        }
        let image = stage.image.as_deref().unwrap_or("");
        return image_updated(image).then(|| format!("{what}: base image {image} was updated"));
    }
    if let Some(a) = step.inputs.expands.iter().find(|v| tainted.contains(v)) {
        return Some(format!("{what}: build arg {a} changed"));
    }
    if let Command::Run { .. } = ins.command {
        // Every ARG/ENV in scope is in the RUN's environment, so in its key.
        if let Some(a) = step.inputs.env.iter().find(|v| tainted.contains(v)) {
            return Some(format!("{what}: {a} changed (ARG values are in every later RUN's environment)"));
        }
        for m in &step.inputs.mounts {
            if m.kind != MountType::Bind {
                continue;
            }
            if let Some(r) = source_changed(model, m.source.as_ref()?, edits, stage_changed, image_updated, &[]) {
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
        if let Some(r) = source_changed(model, s, edits, stage_changed, image_updated, &excludes) {
            return Some(format!("{what}: {r}"));
        }
    }
    None
}

fn source_changed(
    model: &BuildModel,
    s: &Source,
    edits: &[String],
    stage_changed: &[bool],
    image_updated: &dyn Fn(&str) -> bool,
    excludes: &[String],
) -> Option<String> {
    match s {
        Source::Context { path } => edits
            .iter()
            .find(|e| glob::selects(path, e) && !excludes.iter().any(|x| glob::selects(x, e)))
            .map(|e| format!("{e} changed")),
        Source::Stage { stage, .. } => stage_changed.get(*stage).copied().unwrap_or(false).then(|| format!("stage {} changed", stage_label(model, *stage))),
        Source::Image { image, .. } => image_updated(image).then(|| format!("image {image} was updated")),
        Source::Remote { .. } | Source::Inline { .. } => None,
    }
}

#[cfg(test)]
mod tests;
