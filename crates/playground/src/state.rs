//! The playground's single reducer: every change to what the page shows goes
//! through an [`Action`].
//!
//! Analysis runs in two tiers. The *fast* tier (parse, model, rules without
//! savings, the selected change's simulation) runs inside the reducer on
//! every edit: a few milliseconds even for 500 lines. The *deep* tier (the
//! optimizer's fixed point and the same change on the optimized file) costs
//! tens of milliseconds, so the app runs it once typing pauses
//! ([`Action::Deepen`]) and the views show the last deep result meanwhile.

use std::rc::Rc;

use layerlab_core::fix::optimize::{optimize, OptimizeOptions, Optimized};
use layerlab_core::lessons::{GoalState, Lesson};
use layerlab_core::model::{self, BuildModel};
use layerlab_core::simulate::{self, log::LogMatch, BuildContext, Change, Options, Simulation};
use layerlab_core::tips::scenarios::{self, Scenarios};
use layerlab_core::tips::{run_rules, CheckOptions, Finding};
use layerlab_core::{Dockerfile, LineIndex, OutlineItem};
use yew::Reducible;

/// The change the "what does this change rebuild?" panel simulates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ChangeChoice {
    #[default]
    None,
    SourceEdit,
    DependencyBump,
    BaseUpdate,
    BuildArg {
        name: String,
        value: String,
    },
    Path(String),
}

impl ChangeChoice {
    /// The simulator changes for `sc` (the file's standard scenarios).
    pub fn changes(&self, sc: &Scenarios) -> Vec<Change> {
        match self {
            ChangeChoice::None => Vec::new(),
            ChangeChoice::SourceEdit => sc.source_edit.clone(),
            ChangeChoice::DependencyBump => sc.dependency_bump.clone(),
            ChangeChoice::BaseUpdate => sc.base_update.clone(),
            ChangeChoice::BuildArg { name, value } => vec![Change::Arg {
                name: name.clone(),
                value: value.clone(),
            }],
            ChangeChoice::Path(p) => {
                let p = p.trim().trim_start_matches("./");
                if p.is_empty() {
                    Vec::new()
                } else {
                    vec![Change::Edit {
                        path: p.to_string(),
                    }]
                }
            }
        }
    }
}

/// Colour scheme: follow the system, or forced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
    pub fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

/// Which page the URL fragment shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Route {
    #[default]
    Main,
    /// `#/rules` (None) or `#/rules/CODE`.
    Rules(Option<String>),
    /// `#/workshop` (None) or `#/workshop/N` (1-based lesson number).
    Workshop(Option<usize>),
}

/// An imported `docker build --progress=plain` log, mapped onto the steps.
#[derive(Debug, Clone, PartialEq)]
pub struct LogImport {
    /// The pasted log, kept so edits re-match it.
    pub text: Rc<str>,
    /// (instruction index, cached, seconds)
    pub steps: Vec<(usize, bool, Option<f64>)>,
    /// Steps found in the log.
    pub log_steps: usize,
}

/// A simulation result; props compare it by identity.
pub struct Sim(pub Simulation);

impl PartialEq for Sim {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl std::ops::Deref for Sim {
    type Target = Simulation;
    fn deref(&self) -> &Simulation {
        &self.0
    }
}

/// The fast analysis of one text.
pub struct Analysis {
    /// Bumped on every new text; equality is by version.
    pub version: u64,
    /// The editor's whole text: what is autosaved, shared and shown.
    pub text: Rc<str>,
    /// The analyzed text: all of `text`, or its first [`ANALYZE_LIMIT`]
    /// bytes (cut after a whole line) when it is larger.
    pub source: Rc<str>,
    pub df: Dockerfile,
    pub model: BuildModel,
    pub findings: Vec<Finding>,
    pub outline: Vec<OutlineItem>,
    pub scenarios: Scenarios,
    /// (first, last) 1-based line of each instruction.
    pub lines: Vec<(u32, u32)>,
}

impl PartialEq for Analysis {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

/// Larger texts are analyzed up to here (about 10,000 lines): the analysis
/// runs on every keystroke, and a pasted 10 MB file would take minutes and
/// more memory than a page has. The rest stays in the editor, unanalyzed,
/// and the page says so.
pub const ANALYZE_LIMIT: usize = 256 * 1024;

/// How much of `text` is analyzed: all of it, or up to the end of the last
/// line within [`ANALYZE_LIMIT`] that certainly ends an instruction: not a
/// line ending in a backslash (or a backtick, under `# escape=`), and not a
/// comment or blank line, which a continuation may carry through.
pub fn analyzed_len(text: &str) -> usize {
    if text.len() <= ANALYZE_LIMIT {
        return text.len();
    }
    let mut end = ANALYZE_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut cut = text[..end].rfind('\n').map_or(0, |i| i + 1);
    // Whether the line ending at byte `end` may be inside an instruction.
    let open = |end: usize| {
        let line = &text[text[..end].rfind('\n').map_or(0, |i| i + 1)..end];
        let line = line.trim_matches([' ', '\t', '\r']);
        line.is_empty() || line.starts_with('#') || line.ends_with(['\\', '`'])
    };
    while cut > 0 && open(cut - 1) {
        cut = text[..cut - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    cut
}

impl Analysis {
    pub fn new(version: u64, text: Rc<str>) -> Analysis {
        let cut = analyzed_len(&text);
        let source: Rc<str> = if cut == text.len() {
            text.clone()
        } else {
            text[..cut].into()
        };
        let df = layerlab_core::parse(&source);
        let model = model::build(&df, &source);
        let ctx = BuildContext::default();
        let findings = run_rules(
            &source,
            &df,
            &model,
            &ctx,
            &CheckOptions {
                no_savings: true,
                ..Default::default()
            },
        );
        let outline = layerlab_core::outline::outline_of(&source, &df);
        let scenarios = scenarios::scenarios(&df, &model, &ctx);
        let index = LineIndex::new(&source);
        let lines = df
            .instructions
            .iter()
            .map(|i| (i.start.line, index.position(&source, i.span.end).line))
            .collect();
        Analysis {
            version,
            text,
            source,
            df,
            model,
            findings,
            outline,
            scenarios,
            lines,
        }
    }

    /// Whether only the first part of the text was analyzed.
    pub fn truncated(&self) -> bool {
        self.source.len() < self.text.len()
    }

    /// The instruction whose lines contain `line`.
    pub fn instruction_at(&self, line: u32) -> Option<usize> {
        self.lines.iter().position(|&(a, b)| a <= line && line <= b)
    }
}

/// The optimizer's result and the chosen change on it.
pub struct Deep {
    /// Version of the analysis it belongs to.
    pub version: u64,
    pub disabled: Vec<String>,
    pub unsafe_fixes: bool,
    pub optimized: Optimized,
}

impl PartialEq for Deep {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
            && self.disabled == other.disabled
            && self.unsafe_fixes == other.unsafe_fixes
    }
}

/// Everything the page shows.
pub struct State {
    pub analysis: Rc<Analysis>,
    /// The analysis the deep tier last ran on: the tip demos and the
    /// optimizer view follow it, so typing stays fast.
    pub settled: Rc<Analysis>,
    pub deep: Option<Rc<Deep>>,
    pub change: ChangeChoice,
    /// The simulation of `change` on the user's file (None when no change).
    pub simulation: Option<Rc<Sim>>,
    /// The same change on the optimized file (critical-path seconds).
    pub optimized_seconds: Option<f64>,
    pub log: Option<Rc<LogImport>>,
    /// 1-based editor line of the cursor.
    pub cursor_line: u32,
    /// A request to select a line in the editor: (line, nonce).
    pub select_line: Option<(u32, u64)>,
    pub disabled: Vec<String>,
    pub unsafe_fixes: bool,
    pub theme: Theme,
    pub route: Route,
    /// A message for the status line (share link restored, import result…).
    pub notice: Option<String>,
    /// Workshop: the open lesson (its editor's state only) and its goals,
    /// measured on every edit.
    /// The open lesson with its starter's scenarios (computed once).
    pub lesson: Option<Rc<(Lesson, Scenarios)>>,
    pub goals: Rc<Vec<GoalState>>,
    pub hints_shown: usize,
    pub solution_shown: bool,
    /// Workshop progress (1-based lesson numbers completed) and presenter
    /// mode (the app's state only).
    pub done: Vec<usize>,
    pub presenter: bool,
    /// Text typed into a large file and not analyzed yet (see
    /// [`DEFER_ABOVE`]), with a counter that changes on every such edit.
    pub pending: Option<Rc<str>>,
    pub pending_seq: u64,
    nonce: u64,
}

/// Above this size an edit shows the new text first and analyzes it in a
/// later task (once typing pauses for an instant): the browser paints the
/// keystroke without waiting for tens of milliseconds of analysis.
pub const DEFER_ABOVE: usize = 64 * 1024;

impl State {
    pub fn new(source: String, theme: Theme, route: Route) -> Self {
        let analysis = Rc::new(Analysis::new(1, source.into()));
        let mut s = State {
            settled: analysis.clone(),
            analysis,
            deep: None,
            change: ChangeChoice::None,
            simulation: None,
            optimized_seconds: None,
            log: None,
            cursor_line: 1,
            select_line: None,
            disabled: Vec::new(),
            unsafe_fixes: false,
            theme,
            route,
            notice: None,
            lesson: None,
            goals: Rc::default(),
            hints_shown: 0,
            solution_shown: false,
            done: Vec::new(),
            presenter: false,
            pending: None,
            pending_seq: 0,
            nonce: 0,
        };
        s.resimulate();
        s
    }

    /// The state of a lesson's editor, starting from `source`.
    pub fn for_lesson(lesson: Rc<Lesson>, source: String) -> Self {
        let mut s = State::new(source, Theme::System, Route::Main);
        let scenarios = lesson.scenarios();
        s.lesson = Some(Rc::new(((*lesson).clone(), scenarios)));
        s.measure_goals();
        s
    }

    /// Whether the open lesson's goals are all met.
    pub fn lesson_complete(&self) -> bool {
        self.lesson.is_some() && self.goals.iter().all(|g| g.met)
    }

    fn measure_goals(&mut self) {
        if let Some(open) = &self.lesson {
            let (l, sc, a) = (&open.0, &open.1, &self.analysis);
            self.goals = Rc::new(l.evaluate_parsed(sc, &a.df, &a.model, &a.findings));
        }
    }

    /// The editor's whole text (typed, even if not analyzed yet).
    pub fn source(&self) -> &str {
        self.text()
    }

    /// The editor's whole text, as an `Rc`.
    pub fn text(&self) -> &Rc<str> {
        self.pending.as_ref().unwrap_or(&self.analysis.text)
    }

    /// Analyzes `text` (the fast tier) and makes it the current analysis.
    fn analyze(&mut self, text: Rc<str>) {
        self.pending = None;
        crate::dom::mark("layerlab:analysis-start");
        self.analysis = Rc::new(Analysis::new(self.analysis.version + 1, text));
        crate::dom::measure("layerlab:analysis", "layerlab:analysis-start");
        // An imported log is matched again against the edited text.
        if let Some(log) = self.log.take() {
            self.log = match_log(log.text.clone(), &self.analysis.model);
        }
        self.resimulate();
        self.measure_goals();
    }

    /// Whether the deep result is current.
    pub fn deep_is_current(&self) -> bool {
        self.deep.as_ref().is_some_and(|d| {
            d.version == self.analysis.version
                && d.disabled == self.disabled
                && d.unsafe_fixes == self.unsafe_fixes
        })
    }

    /// Simulator options: real seconds from an imported log.
    fn options(&self) -> Options {
        let mut o = Options::default();
        if let Some(log) = &self.log {
            o.seconds = log
                .steps
                .iter()
                .filter_map(|&(i, _, s)| s.map(|s| (i, s)))
                .collect();
        }
        o
    }

    fn resimulate(&mut self) {
        let a = &self.analysis;
        let changes = self.change.changes(&a.scenarios);
        self.simulation = if self.change == ChangeChoice::None {
            None
        } else {
            Some(Rc::new(Sim(simulate::simulate(
                &a.df,
                &a.model,
                &changes,
                &BuildContext::default(),
                &self.options(),
            ))))
        };
        self.optimized_seconds = None;
        if let Some(deep) = self.deep.as_ref().filter(|d| d.version == a.version) {
            if self.change != ChangeChoice::None {
                let text = &deep.optimized.text;
                let df = layerlab_core::parse(text);
                let m = model::build(&df, text);
                let sim = simulate::simulate(
                    &df,
                    &m,
                    &changes,
                    &BuildContext::default(),
                    &Options::default(),
                );
                self.optimized_seconds = Some(sim.critical_path_seconds);
            }
        }
    }

    /// A copy to change (not generic, so it exists once in the wasm).
    #[inline(never)]
    fn copy(&self) -> State {
        State {
            analysis: self.analysis.clone(),
            settled: self.settled.clone(),
            deep: self.deep.clone(),
            change: self.change.clone(),
            simulation: self.simulation.clone(),
            optimized_seconds: self.optimized_seconds,
            log: self.log.clone(),
            cursor_line: self.cursor_line,
            select_line: self.select_line,
            disabled: self.disabled.clone(),
            unsafe_fixes: self.unsafe_fixes,
            theme: self.theme,
            route: self.route.clone(),
            notice: self.notice.clone(),
            lesson: self.lesson.clone(),
            goals: self.goals.clone(),
            hints_shown: self.hints_shown,
            solution_shown: self.solution_shown,
            done: self.done.clone(),
            presenter: self.presenter,
            pending: self.pending.clone(),
            pending_seq: self.pending_seq,
            nonce: self.nonce,
        }
    }

    fn with(self: Rc<Self>, f: impl FnOnce(&mut State)) -> Rc<Self> {
        let mut s = self.copy();
        f(&mut s);
        Rc::new(s)
    }
}

/// What can happen to the state.
pub enum Action {
    /// The editor text changed (typing, paste, example loaded, share link).
    SetSource(String),
    /// Like `SetSource`, with a notice for the status line.
    LoadSource(String, String),
    /// Analyze the pending text, if it is still the one of edit `seq`.
    AnalyzePending(u64),
    /// Replace the analyzed part of the text with a changed version of it
    /// (an optimized file, a tip's rewrite).
    Apply(String),
    /// Run the deep tier for the current text.
    Deepen,
    SetChange(ChangeChoice),
    SetCursor(u32),
    SelectLine(u32),
    ImportLog(String),
    ClearLog,
    ToggleFix(String),
    SetUnsafeFixes(bool),
    SetTheme(Theme),
    SetRoute(Route),
    Notice(Option<String>),
    /// Workshop: show the next hint; show the solution.
    RevealHint,
    RevealSolution,
    /// Workshop: a lesson (1-based) was completed.
    LessonDone(usize),
    SetPresenter(bool),
}

/// Reads a pasted log and maps it onto `model`'s steps; None when nothing matches.
fn match_log(text: Rc<str>, model: &BuildModel) -> Option<Rc<LogImport>> {
    let log = layerlab_core::buildlog::parse(&text);
    let matches: Vec<LogMatch> = simulate::log::match_log(model, &log);
    if matches.is_empty() {
        return None;
    }
    let steps = matches
        .iter()
        .map(|m| (m.instruction, m.cached, m.seconds))
        .collect();
    Some(Rc::new(LogImport {
        text,
        steps,
        log_steps: log.steps.len(),
    }))
}

/// Runs the optimizer for `a` with the given toggles.
pub fn deepen(a: &Analysis, disabled: &[String], unsafe_fixes: bool) -> Deep {
    let opts = OptimizeOptions {
        unsafe_fixes,
        disabled: disabled.to_vec(),
        existing_files: Vec::new(),
        unsafe_codes: Vec::new(),
    };
    Deep {
        version: a.version,
        disabled: disabled.to_vec(),
        unsafe_fixes,
        optimized: optimize(&a.source, &BuildContext::default(), &opts),
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::SetSource(source) if *source == **self.text() => self,
            Action::SetSource(source) if source.len() > DEFER_ABOVE => self.with(|s| {
                s.pending = Some(source.into());
                s.pending_seq += 1;
            }),
            Action::SetSource(source) => self.with(|s| s.analyze(source.into())),
            Action::AnalyzePending(seq) => match &self.pending {
                Some(text) if seq == self.pending_seq => {
                    let text = text.clone();
                    self.with(|s| s.analyze(text))
                }
                _ => self,
            },
            // A fix or a reordering of the analyzed part: the unanalyzed
            // rest of a very large text is kept after it.
            Action::Apply(changed) => {
                // The change was made from the settled analysis: keep its tail.
                let a = &self.settled;
                let text = changed + &a.text[a.source.len()..];
                let notice = "The editor now holds the changed Dockerfile (Ctrl+Z does not undo this).".to_string();
                self.reduce(Action::LoadSource(text, notice))
            }
            Action::LoadSource(source, notice) => self.with(|s| {
                if s.pending.take().is_some() {
                    s.pending_seq += 1; // the tiers' hook runs again
                }
                if *source != *s.analysis.text {
                    s.analysis = Rc::new(Analysis::new(s.analysis.version + 1, source.into()));
                    s.log = None;
                }
                s.notice = Some(notice);
                if s.lesson.is_none() {
                    s.route = Route::Main;
                }
                s.resimulate();
                s.measure_goals();
            }),
            Action::Deepen if self.deep_is_current() => self,
            Action::Deepen => self.with(|s| {
                crate::dom::mark("layerlab:deep-start");
                s.deep = Some(Rc::new(deepen(&s.analysis, &s.disabled, s.unsafe_fixes)));
                crate::dom::measure("layerlab:deep", "layerlab:deep-start");
                s.settled = s.analysis.clone();
                s.resimulate();
            }),
            Action::SetChange(c) if c == self.change => self,
            Action::SetChange(c) => self.with(|s| {
                s.change = c;
                s.resimulate();
            }),
            Action::SetCursor(l) if l == self.cursor_line => self,
            Action::SetCursor(l) => self.with(|s| s.cursor_line = l),
            Action::SelectLine(l) => self.with(|s| {
                s.nonce += 1;
                s.select_line = Some((l, s.nonce));
                s.cursor_line = l;
            }),
            Action::ImportLog(text) => self.with(|s| {
                s.log = match_log(text.into(), &s.analysis.model);
                s.notice = Some(match &s.log {
                    Some(l) => format!(
                        "Build log: {} steps read, {} matched to this Dockerfile ({} cached).",
                        l.log_steps,
                        l.steps.len(),
                        l.steps.iter().filter(|m| m.1).count()
                    ),
                    None => "Build log: no step of the log matches this Dockerfile (paste `docker build --progress=plain` output).".into(),
                });
                s.resimulate();
            }),
            Action::ClearLog => self.with(|s| {
                s.log = None;
                s.resimulate();
            }),
            Action::ToggleFix(code) => self.with(|s| {
                if let Some(i) = s.disabled.iter().position(|c| *c == code) {
                    s.disabled.remove(i);
                } else {
                    s.disabled.push(code);
                }
                s.deep = Some(Rc::new(deepen(&s.analysis, &s.disabled, s.unsafe_fixes)));
                s.settled = s.analysis.clone();
                s.resimulate();
            }),
            Action::SetUnsafeFixes(on) => self.with(|s| {
                s.unsafe_fixes = on;
                s.deep = Some(Rc::new(deepen(&s.analysis, &s.disabled, s.unsafe_fixes)));
                s.settled = s.analysis.clone();
                s.resimulate();
            }),
            Action::SetTheme(t) => self.with(|s| s.theme = t),
            Action::SetRoute(r) if r == self.route => self,
            Action::SetRoute(r) => self.with(|s| s.route = r),
            Action::Notice(n) => self.with(|s| s.notice = n),
            Action::RevealHint => self.with(|s| s.hints_shown += 1),
            Action::RevealSolution => self.with(|s| s.solution_shown = true),
            Action::LessonDone(n) if self.done.contains(&n) => self,
            Action::LessonDone(n) => self.with(|s| {
                s.done.push(n);
                layerlab_core::sort::sort_dedup(&mut s.done);
            }),
            Action::SetPresenter(on) => self.with(|s| s.presenter = on),
        }
    }
}
