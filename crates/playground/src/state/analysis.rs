//! The analysis of one text: the fast tier ([`Analysis`], on every edit)
//! and the deep tier ([`Deep`], the optimizer, once typing pauses).

use std::rc::Rc;

use layerlab_core::fix::{optimize, OptimizeOptions, Optimized};
use layerlab_core::model::{self, BuildModel};
use layerlab_core::simulate::BuildContext;
use layerlab_core::tips::{self, Scenarios};
use layerlab_core::tips::{run_rules, CheckOptions, Finding};
use layerlab_core::{Dockerfile, LineIndex, OutlineItem};

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
    /// Docker's build checks (`docker build --check`): what the user's next
    /// build prints, a group of its own beside the five tips.
    pub checks: Vec<layerlab_core::checks::BuildCheck>,
    /// BuildKit's error for an invalid `# check=` directive (the build
    /// fails with it; no check runs).
    pub checks_error: Option<String>,
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
        let checks = layerlab_core::checks::run(&source, &df, &Default::default());
        let checks_error = layerlab_core::checks::options_error(&df, &Default::default());
        let outline = layerlab_core::outline::outline_of(&source, &df);
        let scenarios = tips::scenarios(&df, &model, &ctx);
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
            checks,
            checks_error,
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
