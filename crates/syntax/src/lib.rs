//! The Dockerfile syntax: a BuildKit-faithful parser that never fails.
//!
//! `layerlab-syntax` is the bottom stage of the core's pipeline (see
//! ARCHITECTURE.md): this parser, and beside it [`glob`] (Docker's path
//! patterns), [`buildlog`] (BuildKit's `--progress=plain` log), [`num`] and
//! [`sort`]. It depends on no other Layerlab crate.
//!
//! Two layers, like BuildKit's:
//! 1. [`lines`] + [`node`]: `frontend/dockerfile/parser/parser.go` and
//!    `line_parsers.go` — lines, directives, escapes, continuations, heredocs,
//!    into one node per instruction (what the `result` dump shows).
//! 2. [`instructions`]: `frontend/dockerfile/instructions/parse.go` — typed
//!    commands, flags (`bflag.go`) and mounts (`commands_runmount.go`).
//!
//! Where BuildKit would stop at the first error, [`parse`] records a
//! diagnostic with a span and keeps going. Every node carries byte spans into
//! the source.
//!
//! Invariant: parsing never fails and never panics, and is linear in the
//! input (`tests/robustness.rs`: NUL bytes, 10 MB, 100,000 lines): there
//! is no `Result` on the parse path, every problem is a [`Diagnostic`] with
//! a span and the tree is built anyway; every instruction BuildKit would
//! see is in [`Dockerfile::instructions`], and BuildKit's own parse of
//! every corpus file is the reference (`tests/buildkit_parity.rs`).

pub mod buildlog;
pub mod glob;
pub mod num;
pub mod sort;
pub mod dump;
pub mod instructions;
pub mod json;
pub mod lines;
pub mod mount;
pub mod node;
pub mod shell;
pub mod span;

use serde::Serialize;

pub use instructions::{Command, CommandLine, CopyArgs, Healthcheck, KeyValue};
pub use mount::{Mount, MountType, Sharing};
use span::Cursor;
pub use span::{LineIndex, Position, Span};

/// A parsed Dockerfile: the tree plus diagnostics. Never absent, never partial
/// in the sense of dropping text: every instruction BuildKit would see is here.
#[derive(Debug, Clone, Serialize)]
pub struct Dockerfile {
    /// The escape character in force (`\` or `` ` ``).
    pub escape: char,
    /// Parser directives at the top of the file.
    pub directives: Vec<Directive>,
    /// Every instruction, in source order (including ARGs before the first FROM).
    pub instructions: Vec<Instruction>,
    /// Build stages, one per FROM.
    pub stages: Vec<Stage>,
    /// Indices into `instructions` of the global ARGs (before the first FROM).
    pub global_args: Vec<usize>,
    /// Errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// `# syntax=…`, `# escape=…`, `# check=…`.
#[derive(Debug, Clone, Serialize)]
pub struct Directive {
    pub name: String,
    pub value: String,
    pub span: Span,
    pub value_span: Span,
}

/// A string with the source span it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spanned {
    pub value: String,
    pub span: Span,
}

/// A builder flag such as `--mount=type=cache,target=/x` or `--link`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// The name without dashes (`mount`).
    pub name: String,
    /// The value after `=`, quotes removed; `None` for a bare `--link`.
    pub value: Option<String>,
    pub span: Span,
}

/// A heredoc body attached to RUN/COPY/ADD.
#[derive(Debug, Clone, Serialize)]
pub struct Heredoc {
    /// The delimiter word (quotes removed).
    pub name: String,
    /// `3<<EOF` → 3; 0 when absent.
    pub fd: u32,
    /// False when the delimiter was quoted (`<<'EOF'`): no variable expansion.
    pub expand: bool,
    /// `<<-EOF`: leading tabs are stripped.
    pub chomp: bool,
    /// The raw body, every line with its newline, terminator excluded.
    pub content: String,
    /// Source span of the body (`source[body_span] == content`).
    pub body_span: Span,
}

/// One instruction.
#[derive(Debug, Clone, Serialize)]
pub struct Instruction {
    /// Upper-cased keyword (`RUN`); empty for a line with no keyword.
    pub keyword: String,
    pub keyword_span: Span,
    /// The whole instruction: keyword to the end of its last line (heredoc
    /// terminators included), line endings excluded.
    pub span: Span,
    /// 1-based line/UTF-16 column of `span.start` and `span.end`.
    pub start: Position,
    pub end: Position,
    pub flags: Vec<Flag>,
    /// BuildKit's argument values (the `Next` chain), each with its span.
    /// For ENV/LABEL these are key, value, separator triples, as in BuildKit.
    pub arguments: Vec<Spanned>,
    /// Exec (JSON) form.
    pub json: bool,
    pub heredocs: Vec<Heredoc>,
    /// Typed view of the instruction.
    pub command: Command,
    /// Index of the stage this instruction belongs to (`None` before the
    /// first FROM).
    pub stage: Option<usize>,
    /// Set when the instruction is malformed; also reported in diagnostics.
    pub error: Option<String>,
    /// The file ended inside this instruction's line continuation (its last
    /// line ends in the escape character): whatever text comes after it,
    /// BuildKit joins to it. A fix must neither move it nor put a line
    /// after it.
    #[serde(skip)]
    pub open_end: bool,
    /// BuildKit's first layer accepted the line (it is in the `result` dump).
    #[serde(skip)]
    pub(crate) parsed: bool,
    /// ONBUILD's trigger node, for the dump.
    #[serde(skip)]
    pub(crate) sub: Option<Box<node::RawNode>>,
}

/// A build stage (`FROM … [AS name]`).
#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub index: usize,
    /// Lower-cased stage name, if any.
    pub name: Option<String>,
    /// The image or stage reference after FROM, as written.
    pub base: String,
    /// Index of the earlier stage named by `base`, if it names one.
    pub base_stage: Option<usize>,
    pub platform: Option<String>,
    /// Index of the FROM instruction.
    pub from: usize,
    /// Indices of all instructions in this stage (FROM included).
    pub instructions: Vec<usize>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub start: Position,
    pub end: Position,
}

impl Dockerfile {
    /// Error diagnostics only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
    /// BuildKit's `result` dump (see [`dump`]).
    pub fn dump(&self) -> String {
        dump::dump(self)
    }
}

/// Joins `parts` into one `String`: the parser builds its messages with this
/// rather than `format!`, which costs much more wasm per call site.
pub(crate) fn cat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// Digits only (no sign) in `radix`; `None` when empty, not all digits, or
/// over `u64`. One small routine instead of several `str::parse` instances.
pub(crate) fn parse_uint(s: &str, radix: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for b in s.bytes() {
        let d = (b as char).to_digit(radix)?;
        n = n.checked_mul(u64::from(radix))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

type Diag = (bool, String, Span);

/// Merges diagnostic lists, each already in source order, into one list in
/// order of (start, end); on ties the earlier list comes first (as a stable
/// sort of their concatenation would give), in linear time.
fn merge_diags(lists: [Vec<Diag>; 3]) -> Vec<Diag> {
    let mut out = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    let mut iters = lists.map(|l| l.into_iter().peekable());
    loop {
        let mut best: Option<usize> = None;
        for k in 0..iters.len() {
            if let Some(d) = iters[k].peek() {
                let key = (d.2.start, d.2.end);
                if best.is_none_or(|b| iters[b].peek().is_some_and(|e| key < (e.2.start, e.2.end)))
                {
                    best = Some(k);
                }
            }
        }
        match best.and_then(|b| iters[b].next()) {
            Some(d) => out.push(d),
            None => return out,
        }
    }
}

/// Parses a Dockerfile. Never fails and never panics: problems become
/// diagnostics and error instructions. Linear in the input size.
pub fn parse(src: &str) -> Dockerfile {
    let lines = lines::scan(src);
    let escape = lines.escape;
    let line_diags: Vec<Diag> = lines
        .diags
        .into_iter()
        .map(|d| (d.error, d.message, d.span))
        .collect();
    let directives = lines
        .directives
        .into_iter()
        .map(|d| Directive {
            name: d.name,
            value: d.value,
            span: d.span,
            value_span: d.value_span,
        })
        .collect();
    let mut instructions = Vec::with_capacity(lines.instrs.len());
    let mut ins_diags: Vec<Diag> = Vec::new();
    for ri in lines.instrs {
        let ins = instructions::build(ri);
        if let Some(e) = &ins.error {
            ins_diags.push((true, e.clone(), ins.span));
        }
        instructions.push(ins);
    }
    if instructions.is_empty() {
        ins_diags.push((
            true,
            "file with no instructions".into(),
            Span::new(src.len(), src.len()),
        ));
    }
    let mut stage_diags = Vec::new();
    let (stages, global_args) = instructions::stages(&mut instructions, escape, &mut stage_diags);
    let mut cur = Cursor::new(src);
    let diagnostics = merge_diags([line_diags, ins_diags, stage_diags])
        .into_iter()
        .map(|(error, message, span)| {
            let start = cur.position(span.start);
            Diagnostic {
                severity: if error {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                message,
                span,
                start,
                end: cur.clone().position(span.end),
            }
        })
        .collect();
    Dockerfile {
        escape,
        directives,
        instructions,
        stages,
        global_args,
        diagnostics,
    }
}

#[cfg(test)]
mod tests;
