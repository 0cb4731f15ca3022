//! The five tips as rules. One rule per file, grouped by tip
//! (`tip1/` … `tip5/`), listed in [`registry::RULES`] with stable codes.
//!
//! `layerlab-tips` is the stage above `layerlab-simulate`, below the
//! optimizer (`layerlab-core`'s `fix`, which runs these rules); the root
//! imports the stages below under their names (`crate::simulate::…`).
//!
//! Each rule file documents itself in its `//!` comment, in fixed sections
//! (`What it does` / `Why it slows the build` / `Example` with ❌ Bad and
//! ✅ Good Dockerfiles / `Fix safety`). `cargo xtask docs` turns those into
//! `docs/tips/*.md` and the playground's rule reference; a test checks that
//! every ❌ example fires its rule and every ✅ example does not.
//!
//! Suppression: `# layerlab ignore=CODE[,CODE]` on the line before an
//! instruction, and `# layerlab global ignore=CODE[,CODE]` anywhere.
//!
//! Invariant: detection follows the simulator, fixing is separate: a rule
//! reports a cost whenever BuildKit would pay it, and every finding carries
//! either a `fix` (safe or unsafe) or `no_fix`, the reason shown to the
//! user. No rule lives outside this folder, each is registered only in
//! [`registry`] (and its tip's `mod.rs`), and its documentation lives only
//! in its own file. A rule edits shell text only through
//! `util::append_command` or `script::delete_command`, both checked by
//! `edit::invariants::run_keeps_commands`.

// The stages below under the names the code uses (`crate::simulate::…`).
#[allow(unused_imports)]
use layerlab_model::{self as model, edit};
#[allow(unused_imports)]
use layerlab_simulate as simulate;
#[allow(unused_imports)]
use layerlab_syntax::{self as syntax, buildlog, glob, num, parse, sort};

pub mod docs;
pub mod registry;
pub mod script;
pub mod scenarios;
pub mod tip1;
pub mod tip2;
pub mod tip3;
pub mod tip4;
pub mod tip5;
pub mod util;

pub use registry::Code;
pub use scenarios::{scenarios, times, times_of, Scenarios, StandardTimes};

use serde::Serialize;

use crate::edit::Fix;
use crate::model::{BuildModel, Step};
use crate::simulate::BuildContext;
use crate::syntax::{Dockerfile, Instruction, LineIndex, Position, Span};

/// Static facts about a rule.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleMeta {
    /// Stable code, `LL` + tip digit + two digits (`LL301`).
    pub code: &'static str,
    /// Kebab-case name (`broad-copy-before-install`).
    pub name: &'static str,
    /// The tip it belongs to, 1–5.
    pub tip: u8,
    /// One line: what it catches.
    pub summary: &'static str,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Costs real build time on every change of the kind it names.
    Warning,
    /// Worth knowing; smaller or situational effect.
    Info,
}

/// A secondary span with a message ("the install that reads it").
#[derive(Debug, Clone, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// Estimated seconds a fix saves in the standard scenarios.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Savings {
    pub source_edit: f64,
    pub dependency_bump: f64,
    pub base_update: f64,
}

/// One finding of one rule.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub tip: u8,
    pub level: Level,
    pub message: String,
    pub span: Span,
    pub start: Position,
    pub end: Position,
    pub labels: Vec<Label>,
    pub fix: Option<Fix>,
    /// Why there is no fix, when the rule reports a cost it cannot fix
    /// safely or at all ("`requirements.txt` is not in the build context
    /// …"): shown with the finding, so a missing fix is never silent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_fix: Option<String>,
    /// Filled by [`check`] through the simulator when the finding has a fix
    /// (for the first [`savings_budget`] fixes of a very large file).
    pub saved: Option<Savings>,
}

/// What a rule sees.
pub struct Ctx<'a> {
    pub src: &'a str,
    pub df: &'a Dockerfile,
    pub model: &'a BuildModel,
    pub context: &'a BuildContext,
    /// [`util::find_op`]'s last answer, so the rules' loops over a step's
    /// operations stay linear.
    pub(crate) ops_seen: std::cell::RefCell<util::OpCursor>,
}

impl<'a> Ctx<'a> {
    /// What the rules see of one parsed and modelled Dockerfile.
    pub fn new(
        src: &'a str,
        df: &'a Dockerfile,
        model: &'a BuildModel,
        context: &'a BuildContext,
    ) -> Ctx<'a> {
        Ctx {
            src,
            df,
            model,
            context,
            ops_seen: Default::default(),
        }
    }

    /// A finding of `meta` at `span`.
    pub fn finding(&self, meta: &RuleMeta, span: Span, message: impl Into<String>) -> Finding {
        Finding {
            code: meta.code,
            name: meta.name,
            tip: meta.tip,
            level: Level::Warning,
            message: message.into(),
            span,
            start: Position::default(),
            end: Position::default(),
            labels: Vec::new(),
            fix: None,
            no_fix: None,
            saved: None,
        }
    }

    /// The final stage (what `docker build` produces by default).
    pub fn final_stage(&self) -> Option<usize> {
        self.model.target
    }

    /// The final stage's steps with their instructions (none without a
    /// final stage): what the rules about the shipped image walk.
    pub fn final_steps(&self) -> impl Iterator<Item = (&'a Step, &'a Instruction)> + '_ {
        let (model, df) = (self.model, self.df);
        self.final_stage()
            .into_iter()
            .flat_map(move |stage| model.stage_steps(stage))
            .map(move |step| (step, &df.instructions[step.instruction]))
    }
}

/// Which rules to run.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Only these codes, or tip numbers as `tip3` / `3` (all when empty).
    pub select: Vec<String>,
    /// Never these codes or tips.
    pub ignore: Vec<String>,
    /// Skip the simulator-based savings (faster).
    pub no_savings: bool,
}

fn matches_selector(sel: &str, meta: &RuleMeta) -> bool {
    let s = sel.trim();
    s.eq_ignore_ascii_case(meta.code)
        || s.eq_ignore_ascii_case(meta.name)
        || s.trim_start_matches("tip").parse::<u8>().ok() == Some(meta.tip)
        || (s.len() < meta.code.len() && meta.code.starts_with(&s.to_ascii_uppercase()))
}

/// Codes suppressed for the instruction starting at `offset`, from a
/// `# layerlab ignore=…` comment on the line before it.
fn suppressed_at(src: &str, index: &LineIndex, offset: usize) -> Vec<String> {
    // Through the line index: searching back for the line start cost the
    // line's length per finding (quadratic on one huge RUN).
    let line_start = index.line_start_of(offset.min(src.len()) as u32);
    if line_start == 0 {
        return Vec::new();
    }
    let prev_start = src[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
    parse_ignore(src[prev_start..line_start - 1].trim(), false)
}

fn parse_ignore(line: &str, global: bool) -> Vec<String> {
    let Some(rest) = line.strip_prefix('#') else {
        return Vec::new();
    };
    let rest = rest.trim();
    let Some(rest) = rest.strip_prefix("layerlab") else {
        return Vec::new();
    };
    let mut rest = rest.trim();
    if global {
        match rest.strip_prefix("global") {
            Some(r) => rest = r.trim(),
            None => return Vec::new(),
        }
    }
    match rest.strip_prefix("ignore=") {
        Some(list) => list
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect(),
        None => Vec::new(),
    }
}

/// Codes suppressed for the whole file by `# layerlab global ignore=…`.
pub fn global_suppressions(src: &str) -> Vec<String> {
    src.lines()
        .flat_map(|l| parse_ignore(l.trim(), true))
        .collect()
}

/// The result of checking a Dockerfile.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Parse diagnostics (syntax errors and warnings) and the model's (a
    /// variable expansion cut at its limit), in source order.
    pub diagnostics: Vec<crate::syntax::Diagnostic>,
}

/// How many fixes [`check`] estimates savings for: each estimate applies the
/// fix and re-simulates the whole file, so a file of thousands of findings
/// would cost findings × size. Within about 32 MB of re-read text (a 100 KB
/// file gets 320 estimates), and never fewer than 16.
pub fn savings_budget(src_len: usize) -> usize {
    (32_000_000 / src_len.max(1)).max(16)
}

/// Runs the rules over `src`.
pub fn check(src: &str, context: &BuildContext, opts: &CheckOptions) -> Report {
    let df = crate::syntax::parse(src);
    let model = crate::model::build(&df, src);
    let mut findings = run_rules(src, &df, &model, context, opts);
    if !opts.no_savings {
        let sc = scenarios::scenarios(&df, &model, context);
        let base = scenarios::times_of(&df, &model, context, &sc);
        let budget = savings_budget(src.len());
        for f in findings.iter_mut().filter(|f| f.fix.is_some()).take(budget) {
            if let Some(fix) = &f.fix {
                let (fixed, _) = crate::edit::apply_edits(src, &fix.edits);
                let mut ctx2 = context.clone();
                if let Some(di) = fix.files.iter().find(|n| n.path == ".dockerignore") {
                    ctx2.dockerignore = Some(di.content.clone());
                }
                let after = scenarios::times(&fixed, &ctx2, &sc);
                f.saved = Some(Savings {
                    source_edit: (base.source_edit - after.source_edit).max(0.0),
                    dependency_bump: (base.dependency_bump - after.dependency_bump).max(0.0),
                    base_update: (base.base_update - after.base_update).max(0.0),
                });
            }
        }
    }
    // The parser's diagnostics, then the model's (a truncated expansion),
    // in source order.
    let mut diagnostics = df.diagnostics.clone();
    diagnostics.extend(model.diagnostics.iter().cloned());
    crate::sort::sort_by_key(&mut diagnostics, |d| d.span.start);
    Report {
        findings,
        diagnostics,
    }
}

/// Runs the rules on an already parsed and modelled file (no savings).
pub fn run_rules(
    src: &str,
    df: &Dockerfile,
    model: &BuildModel,
    context: &BuildContext,
    opts: &CheckOptions,
) -> Vec<Finding> {
    let cx = Ctx::new(src, df, model, context);
    let global = global_suppressions(src);
    let index = LineIndex::new(src);
    let open = df.instructions.last().filter(|i| i.open_end);
    let mut out = Vec::new();
    for rule in registry::RULES {
        let meta = &rule.meta;
        if !opts.select.is_empty() && !opts.select.iter().any(|s| matches_selector(s, meta)) {
            continue;
        }
        if opts
            .ignore
            .iter()
            .chain(global.iter())
            .any(|s| matches_selector(s, meta))
        {
            continue;
        }
        for mut f in (rule.check)(&cx) {
            let local = suppressed_at(src, &index, f.span.start as usize);
            if local.iter().any(|s| matches_selector(s, meta)) {
                continue;
            }
            if let (Some(o), Some(fix)) = (open, &f.fix) {
                if joins_open_end(o, fix) {
                    f.fix = None;
                    f.no_fix = Some(open_end_reason(o));
                }
            }
            f.start = index.position(src, f.span.start);
            f.end = index.position(src, f.span.end);
            out.push(f);
        }
    }
    crate::sort::sort_by_key(&mut out, |f| (f.span.start, f.code));
    out
}

/// Whether `fix` puts text after the file's last instruction `open`, which
/// ends inside its line continuation ([`Instruction::open_end`]): BuildKit
/// would join that text to it. Rewriting the instruction whole, or deleting
/// it, stays safe.
fn joins_open_end(open: &Instruction, fix: &Fix) -> bool {
    fix.edits.iter().any(|e| {
        !e.replacement.is_empty() && e.span.end >= open.span.end && e.span.start > open.span.start
    })
}

/// The reason shown instead of a fix that [`joins_open_end`] refused, or
/// that would move the open instruction.
pub(crate) fn open_end_reason(open: &Instruction) -> String {
    format!(
        "the file ends inside line {}'s line continuation (its last line ends in the escape character): BuildKit would join any line put after it, so no edit may move it or follow it",
        open.start.line
    )
}

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
