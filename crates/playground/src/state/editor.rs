//! The editor's state, the same in the app, every widget and every lesson:
//! the text, its two analysis tiers, the chosen change and its simulation,
//! an imported build log, the cursor and the fix toggles.
//!
//! Analysis runs in two tiers. The *fast* tier (parse, model, rules without
//! savings, the selected change's simulation) runs in [`Editor::update`] on
//! every edit: a few milliseconds even for 500 lines. The *deep* tier (the
//! optimizer's fixed point and the same change on the optimized file) costs
//! tens of milliseconds, so it runs once typing pauses
//! ([`EditorAction::Deepen`], sent by `settle::use_tiers`) and the views
//! show the last deep result meanwhile. `update` is pure: the performance
//! marks that time the tiers are made where the actions are sent.

use std::rc::Rc;

use layerlab_core::model::{self, BuildModel};
use layerlab_core::simulate::{self, log::LogMatch, BuildContext, Change, Options, Simulation};
use layerlab_core::tips::Scenarios;

use super::analysis::{deepen, Analysis, Deep};

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

/// Above this size an edit shows the new text first and analyzes it in a
/// later task (once typing pauses for an instant): the browser paints the
/// keystroke without waiting for tens of milliseconds of analysis.
pub const DEFER_ABOVE: usize = 64 * 1024;

/// The text and its analysis tiers.
#[derive(Clone)]
pub struct Editor {
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
    /// A message for the status line (share link restored, import result…).
    pub notice: Option<String>,
    /// Text typed into a large file and not analyzed yet (see
    /// [`DEFER_ABOVE`]), with a counter that changes on every such edit.
    pub pending: Option<Rc<str>>,
    pub pending_seq: u64,
    nonce: u64,
}

/// What can happen to the editor.
pub enum EditorAction {
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
    Notice(Option<String>),
}

impl Editor {
    pub fn new(source: String) -> Editor {
        let analysis = Rc::new(Analysis::new(1, source.into()));
        let mut e = Editor {
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
            notice: None,
            pending: None,
            pending_seq: 0,
            nonce: 0,
        };
        e.resimulate();
        e
    }

    /// The editor's whole text (typed, even if not analyzed yet).
    pub fn source(&self) -> &str {
        self.text()
    }

    /// The editor's whole text, as an `Rc`.
    pub fn text(&self) -> &Rc<str> {
        self.pending.as_ref().unwrap_or(&self.analysis.text)
    }

    /// Whether the deep result is current.
    pub fn deep_is_current(&self) -> bool {
        self.deep.as_ref().is_some_and(|d| {
            d.version == self.analysis.version
                && d.disabled == self.disabled
                && d.unsafe_fixes == self.unsafe_fixes
        })
    }

    /// The editor after `action`; None when nothing changes (the page is
    /// not drawn again). The actions that change nothing are sorted out
    /// first; the others change one copy (made in one place, so the wasm
    /// has one inlined clone).
    pub fn update(&self, action: EditorAction) -> Option<Editor> {
        use EditorAction as A;
        match &action {
            A::SetSource(source) if **source == **self.text() => return None,
            A::AnalyzePending(seq) if self.pending.is_none() || *seq != self.pending_seq => {
                return None
            }
            A::Deepen if self.deep_is_current() => return None,
            A::SetChange(c) if *c == self.change => return None,
            A::SetCursor(l) if *l == self.cursor_line => return None,
            _ => {}
        }
        let mut e = self.clone();
        match action {
            A::SetSource(source) if source.len() > DEFER_ABOVE => {
                e.pending = Some(source.into());
                e.pending_seq += 1;
            }
            A::SetSource(source) => e.analyze(source.into()),
            A::AnalyzePending(_) => {
                let text = e.pending.clone().expect("checked above");
                e.analyze(text);
            }
            // A fix or a reordering of the analyzed part: the unanalyzed
            // rest of a very large text is kept after it.
            A::Apply(changed) => {
                // The change was made from the settled analysis: keep its tail.
                let a = &self.settled;
                let text = changed + &a.text[a.source.len()..];
                let notice = "The editor now holds the changed Dockerfile (Ctrl+Z does not undo this).";
                e.load(text, notice.to_string());
            }
            A::LoadSource(source, notice) => e.load(source, notice),
            A::Deepen => e.redeepen(),
            A::SetChange(c) => {
                e.change = c;
                e.resimulate();
            }
            A::SetCursor(l) => e.cursor_line = l,
            A::SelectLine(l) => {
                e.nonce += 1;
                e.select_line = Some((l, e.nonce));
                e.cursor_line = l;
            }
            A::ImportLog(text) => {
                e.log = match_log(text.into(), &e.analysis.model);
                e.notice = Some(match &e.log {
                    Some(l) => format!(
                        "Build log: {} steps read, {} matched to this Dockerfile ({} cached).",
                        l.log_steps,
                        l.steps.len(),
                        l.steps.iter().filter(|m| m.1).count()
                    ),
                    None => "Build log: no step of the log matches this Dockerfile (paste `docker build --progress=plain` output).".into(),
                });
                e.resimulate();
            }
            A::ClearLog => {
                e.log = None;
                e.resimulate();
            }
            A::ToggleFix(code) => {
                if let Some(i) = e.disabled.iter().position(|c| *c == code) {
                    e.disabled.remove(i);
                } else {
                    e.disabled.push(code);
                }
                e.redeepen();
            }
            A::SetUnsafeFixes(on) => {
                e.unsafe_fixes = on;
                e.redeepen();
            }
            A::Notice(n) => e.notice = n,
        }
        Some(e)
    }

    /// A new text in the editor (an example, a share link, a fix), with a
    /// notice for the status line.
    fn load(&mut self, source: String, notice: String) {
        if self.pending.take().is_some() {
            self.pending_seq += 1; // the tiers' hook runs again
        }
        if *source != *self.analysis.text {
            self.analysis = Rc::new(Analysis::new(self.analysis.version + 1, source.into()));
            self.log = None;
        }
        self.notice = Some(notice);
        self.resimulate();
    }

    /// Analyzes `text` (the fast tier) and makes it the current analysis.
    fn analyze(&mut self, text: Rc<str>) {
        self.pending = None;
        self.analysis = Rc::new(Analysis::new(self.analysis.version + 1, text));
        // An imported log is matched again against the edited text.
        if let Some(log) = self.log.take() {
            self.log = match_log(log.text.clone(), &self.analysis.model);
        }
        self.resimulate();
    }

    /// Runs the deep tier on the current analysis, which becomes the
    /// settled one.
    fn redeepen(&mut self) {
        self.deep = Some(Rc::new(deepen(&self.analysis, &self.disabled, self.unsafe_fixes)));
        self.settled = self.analysis.clone();
        self.resimulate();
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
}

