//! The build model: what BuildKit makes of a parsed Dockerfile.
//!
//! `layerlab-model` is the stage above `layerlab-syntax`: this model, and
//! [`edit`], the text edits and fix types the rules build (below the model
//! in the modules' order). The root imports the syntax crate's modules
//! under their names (`crate::syntax::…`, `crate::glob::…`).
//!
//! - **Stage graph**: each FROM starts a stage; a stage depends on the stage
//!   it is built `FROM`, on stages named by `COPY --from` and on stages
//!   mounted by `RUN --mount=from=`. Only the stages the target needs are
//!   built (BuildKit prunes the rest), and independent stages build in
//!   parallel, so a rebuild costs its critical path.
//! - **Steps**: FROM, RUN, COPY, ADD and WORKDIR are build steps (vertices in
//!   `--progress=plain`, numbered `[i/n]` per stage); ENV, ARG, LABEL, USER,
//!   EXPOSE, CMD and the rest only change image metadata.
//! - **Inputs**: what each step's cache key depends on (see [`Inputs`]).
//! - **Cost and churn**: estimated seconds and how often the inputs change,
//!   from the table in [`cost`].
//!
//! Building the model is linear in the file, hostile files included: names
//! (variables, stages) are looked up in sorted tables, the steps of a stage
//! share one list of its variables ([`EnvNames`]), and variable expansion
//! is bounded ([`crate::syntax::shell::MAX_EXPANSION`] per value,
//! [`crate::syntax::shell::EXPANSION_BUDGET`] per file), a truncated value
//! getting a diagnostic at its instruction.
//!
//! Invariant: the model never fails and stays linear on hostile files (the
//! bounds above, `tests/robustness.rs`); it reads only the syntax tree and
//! the layers below it, never the simulator or the rules, and every
//! estimate it carries comes from [`cost`].

// The stage below under the names the code uses (`crate::syntax::…`).
#[allow(unused_imports)]
use layerlab_syntax::{self as syntax, glob, num, parse, sort};

pub mod edit;
pub mod cost;
pub mod packages;
pub mod shell;

use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;

use crate::syntax::shell::{self as lex, Limits};
use crate::syntax::{Command, CopyArgs, Diagnostic, Dockerfile, Instruction, MountType, Severity};
pub use cost::Churn;
pub use packages::{Action, Manager, PackageOp};

/// What kind of step an instruction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// FROM: the base image (or earlier stage) the stage starts from.
    Base,
    /// RUN, COPY, ADD, WORKDIR: a filesystem change with a cache key.
    Layer,
    /// ENV, ARG, LABEL, USER, CMD, …: image configuration only.
    Metadata,
}

/// Where a COPY/ADD source or a bind mount reads from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "kebab-case")]
pub enum Source {
    /// A path or pattern in the build context.
    Context { path: String },
    /// A path in an earlier stage's result.
    Stage { stage: usize, path: String },
    /// A path in another image (`COPY --from=nginx:1.27 …`).
    Image { image: String, path: String },
    /// A remote URL or git repository (ADD).
    Remote { url: String },
    /// An inline heredoc file.
    Inline { path: String },
}

/// A `RUN --mount` the model cares about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MountInput {
    pub kind: MountType,
    pub target: Option<String>,
    /// For bind mounts: what is mounted.
    pub source: Option<Source>,
    pub id: Option<String>,
}

/// The names of the variables in a step's environment, each once, in the
/// order of its last definition. The steps of a stage share one list of the
/// stage's definitions and each sees the part before it, so a stage of n
/// definitions and m steps costs n + m, not n × m.
#[derive(Clone, Default)]
pub struct EnvNames {
    defs: Rc<EnvDefs>,
    /// How many of the stage's definitions come before the step.
    len: usize,
}

/// A stage's ENV and ARG definitions, in order.
#[derive(Default)]
struct EnvDefs {
    names: Vec<String>,
    /// The index of the next definition of the same name (`usize::MAX`
    /// when there is none).
    next: Vec<usize>,
}

impl EnvNames {
    /// The names, each at its last definition before the step.
    pub fn iter(&self) -> impl Iterator<Item = &String> + '_ {
        let d = &*self.defs;
        (0..self.len)
            .filter(move |&i| d.next[i] >= self.len)
            .map(move |i| &d.names[i])
    }

    pub fn contains(&self, name: &str) -> bool {
        self.iter().any(|n| n == name)
    }
}

impl PartialEq for EnvNames {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl core::fmt::Debug for EnvNames {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A list of names, as `Vec<String>` was.
impl Serialize for EnvNames {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// What a step's cache key depends on.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Inputs {
    /// Variables (ENV, and ARGs with a value) in the step's environment. For
    /// RUN they are all part of the key; for the others only those in
    /// `expands` matter.
    pub env: EnvNames,
    /// Variables the instruction's own text expands (`COPY $SRC .`).
    pub expands: Vec<String>,
    /// Files read (COPY/ADD sources).
    pub sources: Vec<Source>,
    /// RUN mounts (bind, cache, secret, ssh, tmpfs).
    pub mounts: Vec<MountInput>,
    /// Working directory and user the step runs with.
    pub workdir: String,
    pub user: Option<String>,
    /// `COPY --link` that BuildKit reuses after a change below it (the copy
    /// does not depend on earlier layers; see [`link_is_reused`]).
    pub link: bool,
}

/// One instruction, as a step of the build.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// Index into `Dockerfile::instructions`.
    pub instruction: usize,
    pub stage: usize,
    pub kind: StepKind,
    /// BuildKit's `[i/n]` numbering within the stage (FROM is 1), for steps.
    pub number: Option<(usize, usize)>,
    /// 1-based line of the instruction.
    pub line: u32,
    /// The instruction as one line (`RUN pip install -r requirements.txt`).
    pub text: String,
    pub inputs: Inputs,
    /// Package-manager operations in a RUN.
    pub packages: Vec<PackageOp>,
    /// Estimated seconds to run the step when it misses the cache.
    pub seconds: f64,
    /// Whether a warm cache mount covers the step's downloads.
    pub cache_mounted: bool,
    /// How often this step's own inputs change.
    pub churn: Churn,
    /// How often the step is rebuilt: the most volatile churn of it and
    /// every earlier step in the stage (the chain rule).
    pub rebuild_churn: Churn,
}

/// A stage of the build.
#[derive(Debug, Clone, Serialize)]
pub struct StageModel {
    pub index: usize,
    pub name: Option<String>,
    /// The image reference (with variables expanded), when based on an image.
    pub image: Option<String>,
    /// The earlier stage it is built on, when `FROM <stage>`.
    pub base_stage: Option<usize>,
    /// Stages this one reads (`COPY --from`, `RUN --mount=from=`), base excluded.
    pub reads: Vec<usize>,
    /// Indices into `BuildModel::steps`.
    pub steps: Vec<usize>,
}

/// The whole model.
#[derive(Debug, Clone, Serialize)]
pub struct BuildModel {
    pub stages: Vec<StageModel>,
    pub steps: Vec<Step>,
    /// Global ARGs (before the first FROM) with their defaults.
    pub global_args: Vec<(String, Option<String>)>,
    /// The default target: the last stage.
    pub target: Option<usize>,
    /// What the model found wrong beyond the parser's diagnostics: variable
    /// expansions it truncated. In source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The stage names with their stage, sorted by name (stably: the first
    /// stage of a name comes first), for [`stage_before`].
    #[serde(skip)]
    names: Vec<(String, usize)>,
}

/// The last stage named `r` (case-insensitive) before stage `before`, or
/// else the stage numbered `r` if it comes before: two stages of one name
/// build on Docker 28.5, and a name means the last one (measured: `COPY
/// --from=a` after two stages named a copies from the second). A binary
/// search of `names` (a hash map would cost the wasm kilobytes; the parser
/// resolves FROM the same way).
fn stage_before(names: &[(String, usize)], r: &str, before: usize) -> Option<usize> {
    let lower = r.to_ascii_lowercase();
    let at = names.partition_point(|p| (p.0.as_str(), p.1) < (lower.as_str(), before));
    at.checked_sub(1)
        .map(|k| &names[k])
        .filter(|p| p.0 == lower)
        .map(|p| p.1)
        .or_else(|| r.parse::<usize>().ok().filter(|&i| i < before))
}

impl BuildModel {
    /// Steps of `stage`, in order.
    pub fn stage_steps(&self, stage: usize) -> impl Iterator<Item = &Step> {
        self.stages[stage]
            .steps
            .iter()
            .map(move |&i| &self.steps[i])
    }

    /// The stage named `name` (case-insensitive) or numbered `name`.
    pub fn stage_by_ref(&self, name: &str) -> Option<usize> {
        stage_before(&self.names, name, self.stages.len())
    }

    /// The first stage named exactly `lower` (a lower-case name).
    pub fn stage_named(&self, lower: &str) -> Option<usize> {
        let at = self.names.partition_point(|p| p.0.as_str() < lower);
        self.names.get(at).filter(|p| p.0 == lower).map(|p| p.1)
    }

    /// The stages `target` needs, itself included (BuildKit builds only these).
    pub fn needed_stages(&self, target: usize) -> Vec<bool> {
        let mut needed = vec![false; self.stages.len()];
        let mut todo = vec![target];
        while let Some(s) = todo.pop() {
            if s >= needed.len() || needed[s] {
                continue;
            }
            needed[s] = true;
            todo.extend(self.stages[s].base_stage);
            todo.extend(self.stages[s].reads.iter().copied());
        }
        needed
    }

    /// The step for instruction `i`, if it is in a stage.
    pub fn step_of_instruction(&self, i: usize) -> Option<&Step> {
        // Steps are in instruction order: binary search.
        let at = self.steps.partition_point(|s| s.instruction < i);
        self.steps.get(at).filter(|s| s.instruction == i)
    }
}

/// The variables a word expands (`$A`, `${B:-x}`), through the core's
/// BuildKit-compatible expansion: every use, in order (a name used twice is
/// listed twice; callers only ask whether a name is there, and a word of
/// thousands of uses stays linear).
pub fn referenced_vars(word: &str, escape: char) -> Vec<String> {
    if !word.contains('$') {
        return Vec::new();
    }
    let seen = RefCell::new(Vec::<String>::new());
    let lookup = |name: &str| {
        seen.borrow_mut().push(name.to_string());
        None
    };
    let _ = crate::syntax::shell::expand(word, escape, &lookup);
    seen.into_inner()
}

/// The ENV and ARG variables as a stage goes, looked up in O(log n): every
/// name the file defines, sorted once and binary-searched (a hash map would
/// cost the wasm kilobytes; the parser resolves stage names the same way).
struct Vars<'d> {
    /// Every ENV and ARG name of the file, sorted, each once.
    names: Vec<&'d str>,
    /// Each name's value in the current stage.
    values: Vec<Option<String>>,
    /// Each name's last definition in the stage (into `defs`), or `usize::MAX`.
    last: Vec<usize>,
    /// Each global ARG's value: its last definition with a default.
    global: Vec<Option<String>>,
    /// The stage's definitions so far.
    defs: EnvDefs,
    /// The names the stage set, cleared at the next FROM.
    set: Vec<usize>,
}

impl<'d> Vars<'d> {
    fn new(df: &'d Dockerfile) -> Self {
        let mut names: Vec<&str> = Vec::new();
        for ins in &df.instructions {
            match &ins.command {
                Command::Env { pairs } => names.extend(pairs.iter().map(|p| p.key.as_str())),
                Command::Arg { args } => names.extend(args.iter().map(|a| a.name.as_str())),
                _ => {}
            }
        }
        crate::sort::sort_dedup(&mut names);
        let mut vars = Vars {
            values: vec![None; names.len()],
            last: vec![usize::MAX; names.len()],
            global: vec![None; names.len()],
            names,
            defs: EnvDefs::default(),
            set: Vec::new(),
        };
        for &gi in &df.global_args {
            if let Command::Arg { args } = &df.instructions[gi].command {
                for a in args.iter().filter(|a| a.default.is_some()) {
                    if let Some(id) = vars.id(&a.name) {
                        vars.global[id] = a.default.clone();
                    }
                }
            }
        }
        vars
    }

    fn id(&self, name: &str) -> Option<usize> {
        self.names.binary_search(&name).ok()
    }

    /// The value in the current stage.
    fn get(&self, name: &str) -> Option<String> {
        self.values[self.id(name)?].clone()
    }

    /// The global ARG's value.
    fn global(&self, name: &str) -> Option<String> {
        self.global[self.id(name)?].clone()
    }

    /// ENV or ARG `name=value` in the current stage.
    fn define(&mut self, name: &str, value: String) {
        let Some(id) = self.id(name) else { return };
        if self.values[id].is_none() {
            self.set.push(id);
        }
        self.values[id] = Some(value);
        let k = self.defs.names.len();
        if let Some(prev) = self.defs.next.get_mut(self.last[id]) {
            *prev = k;
        }
        self.last[id] = k;
        self.defs.names.push(name.to_string());
        self.defs.next.push(usize::MAX);
    }

    /// Ends the stage: its definitions, and a clean slate for the next one.
    fn end_stage(&mut self) -> EnvDefs {
        for id in self.set.drain(..) {
            self.values[id] = None;
            self.last[id] = usize::MAX;
        }
        core::mem::take(&mut self.defs)
    }
}

/// Variable expansion within the file's budget, reporting truncations.
struct Expander {
    escape: char,
    /// What is left of [`lex::EXPANSION_BUDGET`].
    budget: usize,
    diagnostics: Vec<Diagnostic>,
}

impl Expander {
    /// Expands `word` (a value of instruction `ins`) with `env`; unset
    /// variables become empty and a word that does not lex stays as written.
    fn expand(
        &mut self,
        word: &str,
        ins: &Instruction,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> String {
        if !word.contains('$') {
            return word.to_string();
        }
        let mut limits = Limits {
            max_len: lex::MAX_EXPANSION,
            budget: self.budget,
        };
        let r = lex::expand_limited(word, self.escape, env, &mut limits);
        self.budget = limits.budget;
        match r {
            Ok((value, truncated)) => {
                if truncated {
                    self.truncated(ins, value.len());
                }
                value
            }
            Err(_) => word.to_string(),
        }
    }

    /// A warning at `ins` (one per instruction) that a value was cut at `len` bytes.
    fn truncated(&mut self, ins: &Instruction, len: usize) {
        if self.diagnostics.last().is_some_and(|d| d.span == ins.span) {
            return;
        }
        let (why, cap) = if self.budget == 0 {
            (
                "the file's expansions used up their budget of",
                lex::EXPANSION_BUDGET,
            )
        } else {
            ("an expanded value may hold at most", lex::MAX_EXPANSION)
        };
        self.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            message: format!(
                "variable expansion truncated at {len} bytes: {why} {} MiB",
                cap >> 20
            ),
            span: ins.span,
            start: ins.start,
            end: ins.end,
        });
    }
}

fn one_line(src: &str, ins: &Instruction, escape: char) -> String {
    let r = ins.span.range();
    let text = src
        .get(r.start.min(src.len())..r.end.min(src.len()))
        .unwrap_or("");
    // Heredoc bodies are left out; continuation lines are joined, comment
    // lines inside them dropped, and runs of blanks collapsed.
    let body_end = ins
        .heredocs
        .first()
        .map(|h| (h.body_span.start.saturating_sub(ins.span.start)) as usize)
        .unwrap_or(text.len());
    let head = if ins.heredocs.is_empty() {
        text
    } else {
        text.get(..body_end.min(text.len())).unwrap_or(text)
    };
    let mut out = String::with_capacity(head.len());
    for (i, line) in head.lines().enumerate() {
        let mut line = line.trim();
        if i > 0 && line.starts_with('#') {
            continue;
        }
        if let Some(l) = line.strip_suffix(escape) {
            line = l.trim_end();
        }
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        let mut last_space = false;
        for c in line.chars() {
            let blank = c == ' ' || c == '\t';
            if blank && last_space {
                continue;
            }
            last_space = blank;
            out.push(if blank { ' ' } else { c });
        }
    }
    out
}

/// Builds the model of a parsed Dockerfile. `src` is the text it was parsed from.
pub fn build(df: &Dockerfile, src: &str) -> BuildModel {
    let esc = df.escape;
    let mut global_args: Vec<(String, Option<String>)> = Vec::new();
    for &gi in &df.global_args {
        if let Command::Arg { args } = &df.instructions[gi].command {
            for a in args {
                global_args.push((a.name.clone(), a.default.clone()));
            }
        }
    }
    let mut vars = Vars::new(df);
    let mut ex = Expander {
        escape: esc,
        budget: lex::EXPANSION_BUDGET,
        diagnostics: Vec::new(),
    };
    let mut names: Vec<(String, usize)> = df
        .stages
        .iter()
        .filter_map(|s| Some((s.name.clone()?, s.index)))
        .collect();
    crate::sort::sort_by(&mut names, |a, b| a.0.cmp(&b.0));
    // One empty list of definitions for every step until its stage ends.
    let no_defs = Rc::new(EnvDefs::default());
    // For each stage, the last stage that read it (see `add_read`).
    let mut read_by = vec![usize::MAX; df.stages.len()];

    let mut stages: Vec<StageModel> = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    for st in &df.stages {
        let image = if st.base_stage.is_none() {
            let from = &df.instructions[st.from];
            Some(ex.expand(&st.base, from, &|n| vars.global(n)))
        } else {
            None
        };
        let mut sm = StageModel {
            index: st.index,
            name: st.name.clone(),
            image,
            base_stage: st.base_stage,
            reads: Vec::new(),
            steps: Vec::new(),
        };
        let mut workdir = String::from("/");
        let mut user: Option<String> = None;
        // The earlier stage named (or numbered) `r`.
        let resolve_stage = |r: &str| stage_before(&names, r, st.index);
        let mut rebuild_churn = Churn::BaseImage;
        for &ii in &st.instructions {
            let ins = &df.instructions[ii];
            let mut inputs = Inputs {
                env: EnvNames {
                    defs: no_defs.clone(),
                    len: vars.defs.names.len(),
                },
                workdir: workdir.clone(),
                user: user.clone(),
                ..Inputs::default()
            };
            let mut packages = Vec::new();
            let mut cache_mounted = false;
            let (kind, seconds, churn) = match &ins.command {
                Command::From { image, .. } => {
                    inputs.expands = referenced_vars(image, esc);
                    (StepKind::Base, cost::PULL_SECONDS, Churn::BaseImage)
                }
                Command::Run {
                    command, mounts, ..
                } => {
                    let mut script = command.args.join(" ");
                    for h in &ins.heredocs {
                        script.push('\n');
                        script.push_str(&h.content);
                    }
                    for c in shell::commands(&script) {
                        if let Some(op) = packages::recognize(&c) {
                            packages.push(op);
                        }
                    }
                    for m in mounts {
                        let source = match m.kind {
                            MountType::Bind => {
                                Some(match m.from.as_deref().map(|f| (f, resolve_stage(f))) {
                                    Some((_, Some(s))) => Source::Stage {
                                        stage: s,
                                        path: m.source.clone().unwrap_or_else(|| "/".into()),
                                    },
                                    Some((f, None)) => Source::Image {
                                        image: f.to_string(),
                                        path: m.source.clone().unwrap_or_else(|| "/".into()),
                                    },
                                    None => Source::Context {
                                        path: m.source.clone().unwrap_or_else(|| ".".into()),
                                    },
                                })
                            }
                            MountType::Cache => {
                                m.from
                                    .as_deref()
                                    .and_then(resolve_stage)
                                    .map(|s| Source::Stage {
                                        stage: s,
                                        path: m.source.clone().unwrap_or_else(|| "/".into()),
                                    })
                            }
                            _ => None,
                        };
                        if let Some(Source::Stage { stage, .. }) = &source {
                            add_read(&mut sm.reads, &mut read_by, st.index, *stage);
                        }
                        inputs.mounts.push(MountInput {
                            kind: m.kind,
                            target: m.target.clone(),
                            source,
                            id: m.id.clone(),
                        });
                    }
                    let cache_targets: Vec<&str> = inputs
                        .mounts
                        .iter()
                        .filter(|m| m.kind == MountType::Cache)
                        .filter_map(|m| m.target.as_deref())
                        .collect();
                    let mut secs = 0.0;
                    let mut all_cached = !packages.is_empty();
                    let mut any_download = false;
                    for op in &packages {
                        let (s, downloads) = cost::op_seconds(op);
                        any_download |= downloads;
                        let covered = downloads
                            && op
                                .manager
                                .cache_targets()
                                .iter()
                                .any(|t| cache_targets.iter().any(|c| paths_overlap(c, t)));
                        if downloads && !covered {
                            all_cached = false;
                        }
                        secs += s;
                    }
                    cache_mounted = all_cached && any_download;
                    if packages.is_empty() {
                        secs = cost::OTHER_RUN_SECONDS;
                    }
                    (StepKind::Layer, secs, cost::run_churn(&packages))
                }
                Command::Copy(c) | Command::Add(c) => {
                    let mut read = |s| add_read(&mut sm.reads, &mut read_by, st.index, s);
                    let (secs, churn) = copy_inputs(c, esc, &resolve_stage, &mut inputs, &mut read);
                    // An inline file's unquoted body (`COPY <<EOT`) is
                    // expanded by the frontend: its variables are in the key
                    // (BuildKit `dispatchCopy`, heredoc `Expand`).
                    for h in ins.heredocs.iter().filter(|h| h.expand) {
                        inputs.expands.extend(referenced_vars(&h.content, esc));
                    }
                    (StepKind::Layer, secs, churn)
                }
                Command::Workdir { path } => {
                    inputs.expands = referenced_vars(path, esc);
                    let p = ex.expand(path, ins, &|n| vars.get(n));
                    workdir = if p.starts_with('/') {
                        p
                    } else {
                        format!("{}/{}", workdir.trim_end_matches('/'), p)
                    };
                    (StepKind::Layer, cost::WORKDIR_SECONDS, Churn::Configuration)
                }
                Command::Env { pairs } => {
                    for p in pairs {
                        inputs.expands.extend(referenced_vars(&p.value, esc));
                        let v = ex.expand(&p.value, ins, &|n| vars.get(n));
                        vars.define(&p.key, v);
                    }
                    (StepKind::Metadata, 0.0, Churn::Configuration)
                }
                Command::Arg { args } => {
                    for a in args {
                        // BuildKit's dispatchArg: an ARG with a value (its
                        // default, a build arg, or the global one it
                        // inherits) joins the state's env, so every later
                        // RUN has it in its cache key.
                        let value = match &a.default {
                            Some(d) => Some(ex.expand(d, ins, &|n| vars.get(n))),
                            None => vars.global(&a.name),
                        };
                        if let Some(d) = &a.default {
                            inputs.expands.extend(referenced_vars(d, esc));
                        }
                        // Keep it even without a value: a --build-arg can give it one.
                        vars.define(&a.name, value.unwrap_or_default());
                    }
                    (StepKind::Metadata, 0.0, Churn::Configuration)
                }
                Command::User { user: u } => {
                    inputs.expands = referenced_vars(u, esc);
                    user = Some(u.clone());
                    (StepKind::Metadata, 0.0, Churn::Configuration)
                }
                _ => (StepKind::Metadata, 0.0, Churn::Configuration),
            };
            if kind != StepKind::Metadata {
                rebuild_churn = rebuild_churn.max(churn);
            }
            let step = Step {
                instruction: ii,
                stage: st.index,
                kind,
                number: None,
                line: ins.start.line,
                text: one_line(src, ins, esc),
                inputs,
                packages,
                seconds,
                cache_mounted,
                churn,
                rebuild_churn: if kind == StepKind::Metadata {
                    churn
                } else {
                    rebuild_churn
                },
            };
            sm.steps.push(steps.len());
            steps.push(step);
        }
        // BuildKit numbers the steps of a stage `[i/n]`: the layer steps, and
        // FROM when it pulls an image (not `scratch`, not an earlier stage:
        // those make no vertex).
        let from_image = sm.base_stage.is_none()
            && !sm
                .image
                .as_deref()
                .is_some_and(|i| i.eq_ignore_ascii_case("scratch"));
        let numbered: Vec<usize> = sm
            .steps
            .iter()
            .copied()
            .filter(|&s| {
                steps[s].kind == StepKind::Layer || (steps[s].kind == StepKind::Base && from_image)
            })
            .collect();
        let n = numbered.len();
        for (k, &s) in numbered.iter().enumerate() {
            steps[s].number = Some((k + 1, n));
        }
        let defs = Rc::new(vars.end_stage());
        for &s in &sm.steps {
            steps[s].inputs.env.defs = defs.clone();
        }
        stages.push(sm);
    }
    let target = if stages.is_empty() {
        None
    } else {
        Some(stages.len() - 1)
    };
    BuildModel {
        stages,
        steps,
        global_args,
        target,
        diagnostics: ex.diagnostics,
        names,
    }
}

/// Whether two absolute paths are the same or one contains the other.
pub fn paths_overlap(a: &str, b: &str) -> bool {
    let a = a.trim_end_matches('/');
    let b = b.trim_end_matches('/');
    // `x` is `y` or under it
    let under = |x: &str, y: &str| {
        x.strip_prefix(y)
            .is_some_and(|r| r.is_empty() || r.starts_with('/'))
    };
    a.is_empty() || b.is_empty() || under(a, b) || under(b, a)
}

/// Adds stage `s` to the stages `reader` reads (`reads`), once:
/// `read_by[s]` is the last stage that read `s`.
fn add_read(reads: &mut Vec<usize>, read_by: &mut [usize], reader: usize, s: usize) {
    if read_by[s] != reader {
        read_by[s] = reader;
        reads.push(s);
    }
}

/// Whether BuildKit reuses a `COPY --link` when a layer below it changes.
/// Measured on Docker 28.5 (tests/buildkit/scenarios/copy-link-chmod): a
/// linked copy with `--chmod` (`755`, `0755`) reruns; a plain one, or one
/// with a numeric `--chown` or `--exclude`, is reused. (A `--chown` by user
/// name is not measured: that build failed on the stub image.)
pub fn link_is_reused(c: &CopyArgs) -> bool {
    c.chmod.is_none()
}

fn copy_inputs(
    c: &CopyArgs,
    esc: char,
    resolve_stage: &dyn Fn(&str) -> Option<usize>,
    inputs: &mut Inputs,
    read: &mut dyn FnMut(usize),
) -> (f64, Churn) {
    inputs.link = c.link && link_is_reused(c);
    for s in c.sources.iter().chain(std::iter::once(&c.dest)) {
        inputs.expands.extend(referenced_vars(s, esc));
    }
    if let Some(from) = &c.from {
        inputs.expands.extend(referenced_vars(from, esc));
        let stage = resolve_stage(from);
        if let Some(s) = stage {
            read(s);
        }
        for p in &c.sources {
            inputs.sources.push(match stage {
                Some(s) => Source::Stage {
                    stage: s,
                    path: p.clone(),
                },
                None => Source::Image {
                    image: from.clone(),
                    path: p.clone(),
                },
            });
        }
        return (cost::COPY_FROM_SECONDS, Churn::SourceCode);
    }
    for p in &c.sources {
        let remote = p.starts_with("http://")
            || p.starts_with("https://")
            || p.starts_with("git@")
            || p.ends_with(".git");
        inputs.sources.push(if remote {
            Source::Remote { url: p.clone() }
        } else {
            Source::Context { path: p.clone() }
        });
    }
    for sc in &c.source_contents {
        inputs.sources.push(Source::Inline {
            path: sc.path.clone(),
        });
    }
    let context: Vec<&str> = c
        .sources
        .iter()
        .map(String::as_str)
        .filter(|p| !p.contains("://"))
        .collect();
    if !context.is_empty() && context.iter().all(|p| cost::is_manifest(p)) {
        (cost::COPY_MANIFEST_SECONDS, Churn::Dependencies)
    } else if context.iter().any(|p| is_tree(p)) {
        (cost::COPY_TREE_SECONDS, Churn::SourceCode)
    } else if context.is_empty() {
        (cost::COPY_FILES_SECONDS, Churn::Configuration)
    } else {
        (cost::COPY_FILES_SECONDS, Churn::SourceCode)
    }
}

/// `.`, `./`, `src/`, `app` (no extension): likely a directory.
pub fn is_tree(p: &str) -> bool {
    let p = p.trim_start_matches("./");
    p.is_empty()
        || p == "."
        || p.ends_with('/')
        || p == "*"
        || !p.rsplit('/').next().unwrap_or(p).contains('.')
}

#[cfg(test)]
mod tests;
