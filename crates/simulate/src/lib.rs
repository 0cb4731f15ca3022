//! The cache simulator: given a Dockerfile and a change, which steps does
//! BuildKit rebuild, why, and what does that cost?
//!
//! `layerlab-simulate` is the stage above `layerlab-model`; the root
//! imports the stages below under their names (`crate::model::…`).
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
//!
//! [`simulate`] runs a [`Simulator`], one method a phase (the changes read,
//! a stage, its ARG/ENV lines, a step, a step's own inputs, the notes).
//!
//! Invariant: the rules are BuildKit's, each cited above; there is no
//! special case for a scenario of the oracle (`tests/buildkit/scenarios`
//! are data). The simulator makes no text: why a step is cached, rebuilt
//! or skipped is a [`Reason`] and a remark on the changes a [`Note`], made
//! text only by their `Display` where they are shown (the CLI's report and
//! JSON, the playground). Its cost is linear in the steps: per-step lookups
//! are tables, a stage's changed regions are capped (`MAX_REGIONS`).

// The stages below under the names the code uses (`crate::model::…`).
#[allow(unused_imports)]
use layerlab_model::{self as model, edit};
#[allow(unused_imports)]
use layerlab_syntax::{self as syntax, buildlog, num, parse, sort};

pub mod dockerignore;
pub use layerlab_syntax::glob;
pub mod log;

use serde::Serialize;

use crate::model::{cost, BuildModel, Source, StepKind};
use crate::syntax::{Command, Dockerfile, MountType};
pub use dockerignore::{DockerIgnore, Folder};

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
    /// Why (rendered by its `Display`).
    pub reason: Reason,
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
    pub notes: Vec<Note>,
}

impl Simulation {
    pub fn rebuilt(&self) -> impl Iterator<Item = &StepOutcome> {
        self.steps.iter().filter(|s| s.status == Status::Rebuilt)
    }
}

/// A stage as the messages name it: `` `name` `` or `#index`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageName {
    pub index: usize,
    pub name: Option<String>,
}

impl StageName {
    fn of(model: &BuildModel, s: usize) -> StageName {
        StageName {
            index: s,
            name: model.stages[s].name.clone(),
        }
    }
}

impl core::fmt::Display for StageName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.name {
            Some(n) => write!(f, "`{n}`"),
            None => write!(f, "#{}", self.index),
        }
    }
}

/// What changed in something a step reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceChange {
    /// A context file the step selects was edited.
    ContextFile { path: String },
    /// A path it reads from another stage has new content there.
    StagePath { path: String, stage: StageName },
    /// An image it reads from was updated.
    Image { image: String },
}

/// Why a step is cached, rebuilt or skipped: the simulator's verdict,
/// made text only where it is shown ([`Display`](core::fmt::Display):
/// the CLI's report and JSON, the playground). Each `step` is the step's
/// text, shown cut to 48 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The target does not need the stage: BuildKit does not build it.
    StageNotNeeded {
        stage: StageName,
        target: Option<StageName>,
    },
    /// A cold build: nothing is cached.
    FirstBuild,
    /// The stage was never built before, and no built stage shares this
    /// step with it ([`shared_prefix`]).
    StageNeverBuilt { stage: StageName },
    /// The instruction (or the environment above it) was edited.
    InstructionChanged { step: String },
    /// A build arg the FROM expands has a new value.
    BaseArgChanged { step: String, arg: String },
    /// The stage this one is built FROM reran.
    BaseStageChanged { step: String, stage: StageName },
    /// The base image was updated upstream.
    BaseImageUpdated { step: String, image: String },
    /// A build arg (or an ENV made from one) the step expands changed.
    ArgExpanded { step: String, arg: String },
    /// An ARG/ENV in a RUN's environment changed.
    EnvChanged { step: String, var: String },
    /// A build arg of the stage this one is built FROM changed (it is in
    /// the RUN's environment).
    InheritedArgChanged {
        step: String,
        var: String,
        base: Option<StageName>,
    },
    /// What a read-only bind mount of the RUN reads changed.
    BindMount { step: String, change: SourceChange },
    /// A source of the COPY/ADD changed.
    Source { step: String, change: SourceChange },
    /// An earlier step of the stage reran (the chain rule).
    AfterMiss { line: u32, step: String },
    /// A `COPY --link` after a miss: reused and merged.
    LinkReused,
    /// Nothing it reads changed.
    Unchanged,
}

/// A note about the changes themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The edited path is excluded by `.dockerignore`.
    Ignored { path: String },
    /// Only the modification time changed.
    Touched { path: String },
    /// A secret's contents changed.
    Secret { id: String },
    /// No ARG declares the build arg.
    UndeclaredArg { name: String },
}

impl core::fmt::Display for SourceChange {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SourceChange::ContextFile { path } => write!(f, "{path} changed"),
            SourceChange::StagePath { path, stage } => {
                write!(f, "{path} changed in stage {stage}")
            }
            SourceChange::Image { image } => write!(f, "image {image} was updated"),
        }
    }
}

impl core::fmt::Display for Reason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        use Reason::*;
        match self {
            StageNotNeeded { stage, target } => {
                write!(f, "stage {stage} is not needed for target ")?;
                if let Some(t) = target {
                    write!(f, "{t}")?;
                }
                f.write_str(": BuildKit does not build it")
            }
            FirstBuild => f.write_str("first build: nothing is cached yet"),
            StageNeverBuilt { stage } => write!(
                f,
                "stage {stage} was never built before, and no stage built before ran this step on the same parent"
            ),
            InstructionChanged { step } => write!(
                f,
                "{}: the instruction or its environment changed in the Dockerfile",
                Short(step)
            ),
            BaseArgChanged { step, arg } => {
                write!(f, "{}: build arg {arg} changed the base image", Short(step))
            }
            BaseStageChanged { step, stage } => {
                write!(f, "{}: stage {stage} changed", Short(step))
            }
            BaseImageUpdated { step, image } => {
                write!(f, "{}: base image {image} was updated", Short(step))
            }
            ArgExpanded { step, arg } => write!(f, "{}: build arg {arg} changed", Short(step)),
            EnvChanged { step, var } => write!(
                f,
                "{}: {var} changed (ARG values are in every later RUN's environment)",
                Short(step)
            ),
            InheritedArgChanged { step, var, base } => {
                write!(
                    f,
                    "{}: {var} changed (the build args of stage ",
                    Short(step)
                )?;
                if let Some(b) = base {
                    write!(f, "{b}")?;
                }
                f.write_str(" are in the environment of the stages built FROM it)")
            }
            BindMount { step, change } => write!(f, "{}: bind mount: {change}", Short(step)),
            Source { step, change } => write!(f, "{}: {change}", Short(step)),
            AfterMiss { line, step } => write!(f, "after the miss at line {line} ({})", Short(step)),
            LinkReused => f.write_str(
                "COPY --link does not depend on earlier layers: the copy is reused and merged onto the new ones",
            ),
            Unchanged => f.write_str("inputs unchanged"),
        }
    }
}

impl core::fmt::Display for Note {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Note::Ignored { path } => write!(f, "{path} is excluded by .dockerignore: it is not in the build context, so editing it rebuilds nothing"),
            Note::Touched { path } => write!(f, "{path}: only the modification time changed; BuildKit keys files by content, so nothing rebuilds"),
            Note::Secret { id } => write!(f, "secret `{id}`: secret contents are not part of any cache key"),
            Note::UndeclaredArg { name } => write!(
                f,
                "build arg `{name}` is not declared by any ARG: BuildKit ignores it (and warns)"
            ),
        }
    }
}

// Reasons and notes serialize as the text they show (the CLI's JSON).
impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for Note {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
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
    Simulator::new(df, model, changes, ctx, opts).run()
}

/// The changes, sorted by what they touch.
struct Changes<'a> {
    /// Edited context paths (cleaned), those `.dockerignore` keeps.
    edits: Vec<String>,
    /// Build args with a new value.
    args: Vec<&'a str>,
    /// Base image updates (`None`: every image).
    base_updates: Vec<&'a Option<String>>,
    notes: Vec<Note>,
}

impl<'a> Changes<'a> {
    fn read(changes: &'a [Change], ctx: &BuildContext) -> Changes<'a> {
        let ignore = ctx.ignore();
        let mut out = Changes {
            edits: Vec::new(),
            args: Vec::new(),
            base_updates: Vec::new(),
            notes: Vec::new(),
        };
        for c in changes {
            match c {
                Change::Edit { path } => {
                    let p = glob::clean(path);
                    if ignore.excludes(&p) {
                        out.notes.push(Note::Ignored { path: p });
                    } else {
                        out.edits.push(p);
                    }
                }
                Change::Touch { path } => out.notes.push(Note::Touched { path: path.clone() }),
                Change::Secret { id } => out.notes.push(Note::Secret { id: id.clone() }),
                Change::Arg { name, .. } => out.args.push(name),
                Change::BaseUpdate { image } => out.base_updates.push(image),
            }
        }
        out
    }
}

/// The simulator: BuildKit's cache rules applied stage by stage, step by
/// step. One method a phase: [`Simulator::new`] reads the changes and the
/// options, `stage` runs one stage (`metadata` for its ARG/ENV lines,
/// `step` for each build step, whose own inputs `own_reason` judges),
/// [`Simulator::run`] ends with the notes and the critical path.
pub struct Simulator<'a> {
    df: &'a Dockerfile,
    model: &'a BuildModel,
    opts: &'a Options,
    changes: Changes<'a>,
    target: Option<usize>,
    needed: Vec<bool>,
    /// Real seconds by instruction, when given.
    real: Vec<Option<f64>>,
    /// Per stage never built before: from which of its build steps nothing
    /// is in the cache (the steps before match a built stage's, see
    /// [`shared_prefix`]); `None` for a stage built before.
    uncached: Vec<Option<usize>>,
    /// Step keys of the cached build's stages and of this one's, when the
    /// Dockerfile itself was edited.
    keys: Option<(Vec<StageKeys>, Vec<StageKeys>)>,
    /// Global build args with a new value.
    global_tainted: Vec<String>,
    /// Per stage done: whether it reran, what changed in it, the build
    /// args (and ENVs made from them) changed at its end, when it ends.
    stage_changed: Vec<bool>,
    stage_content: Vec<Content>,
    stage_tainted: Vec<Vec<String>>,
    finish: Vec<f64>,
    outcomes: Vec<StepOutcome>,
}

/// One stage while it is simulated.
struct StageRun {
    stage: usize,
    /// Changed build args in scope, and those inherited from the stage it
    /// is built FROM.
    tainted: Vec<String>,
    inherited: Vec<String>,
    /// How much of the stage's environment is the same as in the cached
    /// build (with `Simulator::keys`).
    same_env: usize,
    /// Build steps seen so far (for the step keys).
    step_no: usize,
    /// A step of the stage reran: every later one reruns.
    dirty: bool,
    /// The first step that reran: line and text.
    first_miss: Option<(u32, String)>,
    content: Content,
    seconds: f64,
}

impl<'a> Simulator<'a> {
    pub fn new(
        df: &'a Dockerfile,
        model: &'a BuildModel,
        changes: &'a [Change],
        ctx: &BuildContext,
        opts: &'a Options,
    ) -> Simulator<'a> {
        let changes = Changes::read(changes, ctx);
        let n = model.stages.len();
        let target = match &opts.target {
            Some(t) => model.stage_by_ref(t),
            None => model.target,
        };
        let needed = target
            .map(|t| model.needed_stages(t))
            .unwrap_or_else(|| vec![false; n]);
        // Real seconds by instruction (the first given for one wins) and the
        // never-built stages, as tables: a lookup per step must not scan a list.
        let mut real: Vec<Option<f64>> = vec![None; df.instructions.len()];
        for &(i, secs) in opts.seconds.iter().rev() {
            if let Some(r) = real.get_mut(i) {
                *r = Some(secs);
            }
        }
        let mut never = vec![false; n];
        for &s in &opts.uncached_stages {
            if let Some(u) = never.get_mut(s) {
                *u = true;
            }
        }
        let mut uncached = vec![None; n];
        if never.contains(&true) {
            let cur = step_keys(df, model);
            for (s, u) in uncached.iter_mut().enumerate().filter(|(s, _)| never[*s]) {
                *u = Some(shared_prefix(model, &cur, &never, s));
            }
        }
        let keys = opts.previous.as_deref().map(|p| {
            let pdf = crate::syntax::parse(p);
            let prev = step_keys(&pdf, &crate::model::build(&pdf, p));
            (prev, step_keys(df, model))
        });
        let global_tainted = model
            .global_args
            .iter()
            .filter(|(k, _)| changes.args.contains(&k.as_str()))
            .map(|(k, _)| k.clone())
            .collect();
        Simulator {
            df,
            model,
            opts,
            changes,
            target,
            needed,
            real,
            uncached,
            keys,
            global_tainted,
            stage_changed: vec![false; n],
            stage_content: vec![Content::default(); n],
            stage_tainted: Vec::with_capacity(n),
            finish: vec![0.0; n],
            outcomes: Vec::new(),
        }
    }

    /// Every stage in order, then the notes and the totals.
    pub fn run(mut self) -> Simulation {
        for si in 0..self.model.stages.len() {
            self.stage(si);
        }
        self.undeclared_args();
        let total = self.outcomes.iter().map(|o| o.seconds).sum();
        let critical = self.target.map(|t| self.finish[t]).unwrap_or(0.0);
        Simulation {
            target: self.target,
            steps: self.outcomes,
            total_seconds: total,
            critical_path_seconds: critical,
            notes: self.changes.notes,
        }
    }

    /// One stage: its steps, then what it leaves for the stages after it
    /// and when it finishes (stages build in parallel after their inputs).
    fn stage(&mut self, si: usize) {
        let stage = &self.model.stages[si];
        // A stage built FROM another inherits that stage's build args:
        // current BuildKit keeps them in the environment of its RUNs
        // (measured on Docker 28.5: a new value of an ARG the base stage
        // uses only in a LABEL reruns every RUN of the stage built on it).
        let inherited: Vec<String> = stage
            .base_stage
            .filter(|&b| b < si)
            .and_then(|b| self.stage_tainted.get(b).cloned())
            .unwrap_or_default();
        let mut run = StageRun {
            stage: si,
            tainted: inherited.clone(),
            inherited,
            same_env: self.same_env(si),
            step_no: 0,
            dirty: false,
            first_miss: None,
            content: Content::default(),
            seconds: 0.0,
        };
        for &sid in &stage.steps {
            if self.model.steps[sid].kind == StepKind::Metadata {
                self.metadata(&mut run, sid);
            } else {
                let out = self.step(&mut run, sid);
                self.outcomes.push(out);
            }
        }
        self.stage_changed[si] = run.dirty;
        self.stage_content[si] = run.content;
        self.stage_tainted.push(run.tainted);
        let deps = stage
            .base_stage
            .into_iter()
            .chain(stage.reads.iter().copied());
        let start = deps
            .filter(|&d| d < si)
            .map(|d| self.finish[d])
            .fold(0.0, f64::max);
        self.finish[si] = if self.needed[si] {
            start + run.seconds
        } else {
            0.0
        };
    }

    /// How much of stage `si`'s environment is the same before and after
    /// the Dockerfile edit (0 when it was not edited).
    fn same_env(&self, si: usize) -> usize {
        let no_keys = StageKeys::default();
        self.keys.as_ref().map_or(0, |(prev, cur)| {
            let prev = prev.get(si).unwrap_or(&no_keys);
            prev.env
                .bytes()
                .zip(cur[si].env.bytes())
                .take_while(|(a, b)| a == b)
                .count()
        })
    }

    /// Whether the Dockerfile edit changed build step `k` of stage `si`.
    fn key_changed(&self, si: usize, same_env: usize, k: usize) -> bool {
        let no_keys = StageKeys::default();
        self.keys.as_ref().is_some_and(|(prev, cur)| {
            !same_key(prev.get(si).unwrap_or(&no_keys), &cur[si], same_env, k)
        })
    }

    /// An ARG or ENV line: the build args with a new value it brings into
    /// scope, and the ENVs made from them.
    fn metadata(&self, run: &mut StageRun, sid: usize) {
        let ins = &self.df.instructions[self.model.steps[sid].instruction];
        let tainted = &mut run.tainted;
        match &ins.command {
            Command::Arg { args } => {
                for a in args {
                    if self.changes.args.contains(&a.name.as_str()) && !tainted.contains(&a.name) {
                        tainted.push(a.name.clone());
                    }
                }
            }
            Command::Env { pairs } if !tainted.is_empty() => {
                for p in pairs {
                    let refs = crate::model::referenced_vars(&p.value, self.df.escape);
                    if refs.iter().any(|r| tainted.contains(r)) && !tainted.contains(&p.key) {
                        tainted.push(p.key.clone());
                    }
                }
            }
            _ => {}
        }
    }

    /// One build step: skipped, rerun for a reason of its own, rerun after
    /// an earlier miss (unless a `COPY --link`), or cached.
    fn step(&self, run: &mut StageRun, sid: usize) -> StepOutcome {
        let (model, si) = (self.model, run.stage);
        let step = &model.steps[sid];
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
            reason: Reason::Unchanged,
            seconds: 0.0,
        };
        if !self.needed[si] {
            out.status = Status::Skipped;
            out.cached = false;
            out.reason = Reason::StageNotNeeded {
                stage: StageName::of(model, si),
                target: self.target.map(|t| StageName::of(model, t)),
            };
            return out;
        }
        let key_changed = self.key_changed(si, run.same_env, run.step_no);
        let never_built = self.uncached[si].is_some_and(|from| run.step_no >= from);
        run.step_no += 1;
        let own = if self.opts.cold {
            Some(Reason::FirstBuild)
        } else if never_built {
            Some(Reason::StageNeverBuilt {
                stage: StageName::of(model, si),
            })
        } else if key_changed {
            Some(Reason::InstructionChanged {
                step: step.text.clone(),
            })
        } else {
            self.own_reason(step, run)
        };
        if step.kind == StepKind::Base {
            run.content = self.base_content(si, own.is_some());
        }
        let has_own = own.is_some();
        let (rebuilt, reason) = match (own, run.dirty) {
            (Some(r), _) => (true, r),
            (None, true) if step.inputs.link => (false, Reason::LinkReused),
            (None, true) => {
                let (line, text) = run.first_miss.clone().unwrap_or_default();
                (true, Reason::AfterMiss { line, step: text })
            }
            (None, false) => (false, Reason::Unchanged),
        };
        if rebuilt {
            out.status = Status::Rebuilt;
            out.cached = false;
            out.seconds = self.seconds(step);
            run.content
                .after_rebuild(self.df, step, has_own, &self.changes.edits);
            run.seconds += out.seconds;
            if !run.dirty {
                run.first_miss = Some((step.line, step.text.clone()));
            }
            run.dirty = true;
        }
        out.reason = reason;
        out
    }

    /// What a stage's filesystem starts from: its base stage's changes, or
    /// everything when its base image changed.
    fn base_content(&self, si: usize, changed: bool) -> Content {
        match self.model.stages[si].base_stage {
            Some(b) => self.stage_content[b].clone(),
            None if changed => Content {
                regions: vec!["/".into()],
                files: Vec::new(),
                opaque: true,
            },
            None => Content::default(),
        }
    }

    /// Seconds a rerun of `step` costs: measured when given, else the
    /// estimate, less with a cache mount (unless a cold build).
    fn seconds(&self, step: &crate::model::Step) -> f64 {
        match self.real.get(step.instruction).copied().flatten() {
            Some(secs) => secs,
            None if step.cache_mounted && !self.opts.cold => {
                step.seconds * cost::CACHE_MOUNT_FACTOR
            }
            None => step.seconds,
        }
    }

    fn image_updated(&self, image: &str) -> bool {
        self.changes
            .base_updates
            .iter()
            .any(|u| image_matches(u, image))
    }

    /// Why `step` reruns for its own inputs, if it does: a FROM's base, a
    /// variable it expands, a RUN's environment or bind mounts, a COPY's
    /// sources.
    fn own_reason(&self, step: &crate::model::Step, run: &StageRun) -> Option<Reason> {
        if step.kind == StepKind::Base {
            return self.base_reason(step);
        }
        let what = || step.text.clone();
        if let Some(a) = step.inputs.expands.iter().find(|v| run.tainted.contains(v)) {
            return Some(Reason::ArgExpanded {
                step: what(),
                arg: a.clone(),
            });
        }
        let excludes: &[String] = match &self.df.instructions[step.instruction].command {
            Command::Run { .. } => return self.run_reason(step, run),
            Command::Copy(c) | Command::Add(c) => &c.exclude,
            _ => &[],
        };
        step.inputs.sources.iter().find_map(|s| {
            self.source_changed(s, excludes)
                .map(|change| Reason::Source {
                    step: what(),
                    change,
                })
        })
    }

    /// A FROM reruns when a global build arg it expands, the stage it is
    /// built on, or its base image changed.
    fn base_reason(&self, step: &crate::model::Step) -> Option<Reason> {
        let what = || step.text.clone();
        let stage = &self.model.stages[step.stage];
        let global = &self.global_tainted;
        if let Some(a) = step.inputs.expands.iter().find(|v| global.contains(v)) {
            return Some(Reason::BaseArgChanged {
                step: what(),
                arg: a.clone(),
            });
        }
        if let Some(b) = stage.base_stage {
            return self.stage_changed[b].then(|| Reason::BaseStageChanged {
                step: what(),
                stage: StageName::of(self.model, b),
            });
        }
        let image = stage.image.as_deref().unwrap_or("");
        self.image_updated(image).then(|| Reason::BaseImageUpdated {
            step: what(),
            image: image.to_string(),
        })
    }

    /// A RUN reruns when an ARG/ENV of its environment changed (its own
    /// stage's, or its base stage's build args) or what a bind mount reads.
    fn run_reason(&self, step: &crate::model::Step, run: &StageRun) -> Option<Reason> {
        let what = || step.text.clone();
        let tainted = &run.tainted;
        // Every ARG/ENV in scope is in the RUN's environment, so in its key.
        let mut env = step.inputs.env.iter().take_while(|_| !tainted.is_empty());
        if let Some(a) = env.find(|v| tainted.contains(v)) {
            return Some(Reason::EnvChanged {
                step: what(),
                var: a.clone(),
            });
        }
        if let Some(a) = run.inherited.first() {
            let base = self.model.stages[step.stage].base_stage;
            return Some(Reason::InheritedArgChanged {
                step: what(),
                var: a.clone(),
                base: base.map(|b| StageName::of(self.model, b)),
            });
        }
        for m in &step.inputs.mounts {
            if m.kind != MountType::Bind {
                continue;
            }
            if let Some(change) = self.source_changed(m.source.as_ref()?, &[]) {
                return Some(Reason::BindMount {
                    step: what(),
                    change,
                });
            }
        }
        None
    }

    /// What changed in one source a step reads, if anything.
    fn source_changed(&self, s: &Source, excludes: &[String]) -> Option<SourceChange> {
        match s {
            Source::Context { path } => self
                .changes
                .edits
                .iter()
                .find(|e| glob::selects(path, e) && !excluded(path, excludes, e))
                .map(|e| SourceChange::ContextFile { path: e.clone() }),
            Source::Stage { stage, path } => {
                let abs = if path.starts_with('/') {
                    path.clone()
                } else {
                    format!("/{path}")
                };
                let changed = self.stage_content.get(*stage).is_some_and(|c| {
                    c.regions
                        .iter()
                        .any(|r| crate::model::paths_overlap(r, &abs))
                });
                changed.then(|| SourceChange::StagePath {
                    path: path.clone(),
                    stage: StageName::of(self.model, *stage),
                })
            }
            Source::Image { image, .. } => self.image_updated(image).then(|| SourceChange::Image {
                image: image.clone(),
            }),
            Source::Remote { .. } | Source::Inline { .. } => None,
        }
    }

    /// A note for each changed build arg no ARG declares.
    fn undeclared_args(&mut self) {
        let (df, model) = (self.df, self.model);
        for a in &self.changes.args {
            let declared = model.global_args.iter().any(|(k, _)| k == a)
                || df.instructions.iter().any(|i| matches!(&i.command, Command::Arg { args } if args.iter().any(|d| &d.name == a)));
            if !declared {
                self.changes.notes.push(Note::UndeclaredArg {
                    name: a.to_string(),
                });
            }
        }
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

/// Commands that read no copied file. (Package managers are not listed:
/// `packages::recognize` reads them first, from their specs.)
const NEUTRAL: &[&str] = &[
    "rm", "mkdir", "echo", "true", "set", "useradd", "groupadd", "adduser", "addgroup", "ln",
    "chown", "chmod", "export", "cd",
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
/// `--chmod` mode as the number it is (`0644` is `644`), a cache mount
/// without its `sharing` and its `id`'s value (see [`cache_mount_key`]).
fn normalized_key(command: &Command, text: &str) -> String {
    let mut words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    match command {
        // Only the flags change: the command keeps its own spacing.
        Command::Run { .. } if text.contains("type=cache") => {
            let mut key = text.to_string();
            for w in &words {
                if let Some(spec) = w.strip_prefix("--mount=") {
                    key = key.replacen(w.as_str(), &cache_mount_key(spec), 1);
                }
            }
            return key;
        }
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

/// How many build steps of never-built stage `s` are in the cache anyway:
/// the longest run of steps, from its FROM, that a stage built before has
/// too (the same base, the same step texts in the same environment).
/// BuildKit keys a step by its operation and its parent, not by its stage
/// (measured on Docker 20.10 and 28.5: `FROM deps AS test` then
/// `COPY . .` is CACHED after `FROM deps AS build` then `COPY . .` was
/// built, though `test` never was). 0 when none matches.
fn shared_prefix(model: &BuildModel, keys: &[StageKeys], never: &[bool], s: usize) -> usize {
    let st = &model.stages[s];
    let base = |t: &crate::model::StageModel| (t.base_stage, t.image.clone());
    let (a, ka) = (base(st), &keys[s]);
    (0..model.stages.len())
        .filter(|&t| t != s && !never[t] && base(&model.stages[t]) == a)
        .map(|t| {
            let kb = &keys[t];
            // Step 0 is the FROM, whose text names the stage: the base
            // compared above stands for it.
            1 + ka
                .keys
                .iter()
                .zip(&kb.keys)
                .skip(1)
                .take_while(|((ta, ea), (tb, eb))| {
                    ta == tb
                        && ea == eb
                        && ea.is_none_or(|n| ka.env.get(..n) == kb.env.get(..n))
                })
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// A `--mount` flag's part of a RUN's key. Current BuildKit (measured on
/// Docker 28.5) leaves a cache mount's `sharing` and the value of its `id`
/// out of the key: editing either reuses the cached step, while adding or
/// removing an `id`, or another target or mode, reruns it. (Docker 20.10
/// reran on every such edit; the oracle's `cache-mount-key` scenarios hold
/// both.) Other mounts are kept as written.
fn cache_mount_key(spec: &str) -> String {
    let fields: Vec<&str> = spec.split(',').collect();
    if !fields.iter().any(|f| f.eq_ignore_ascii_case("type=cache")) {
        return format!("--mount={spec}");
    }
    let kept: Vec<&str> = fields
        .into_iter()
        .filter(|f| !f.starts_with("sharing="))
        .map(|f| if f.starts_with("id=") { "id" } else { f })
        .collect();
    format!("--mount={}", kept.join(","))
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
