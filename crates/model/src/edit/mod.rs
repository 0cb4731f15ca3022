//! Text edits and fixes: what a rule offers and how an edit is applied.
//!
//! A leaf of the pipeline (it needs only `syntax`): the rules build
//! [`Fix`]es from these types, and the optimizer (`crate::fix`, a layer
//! above the rules) applies them. [`invariants`] holds a fix to the fix
//! contract (`docs/fix-contract.md`) with a shell reader of its own.
//!
//! Invariant: a leaf above `syntax` (it uses nothing of the model, the
//! simulator or the rules); every fix declares the commands it changes
//! ([`CommandChanges`]), and [`invariants::check_fix`] holds it to that
//! on every fix the test suites and the `fix` fuzz target see.

pub mod invariants;

use serde::Serialize;

use crate::syntax::Span;

/// Replace `span` of the Dockerfile with `replacement` (an insertion when
/// the span is empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextEdit {
    pub span: Span,
    pub replacement: String,
}

impl TextEdit {
    pub fn insert(at: usize, text: impl Into<String>) -> TextEdit {
        TextEdit {
            span: Span::new(at, at),
            replacement: text.into(),
        }
    }
    pub fn replace(span: Span, text: impl Into<String>) -> TextEdit {
        TextEdit {
            span,
            replacement: text.into(),
        }
    }
    pub fn delete(span: Span) -> TextEdit {
        TextEdit {
            span,
            replacement: String::new(),
        }
    }
}

/// Whether a fix can be applied without review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps what the image contains and does (apart from caches and
    /// downloads the fix means to drop); applied by `layerlab fix`.
    Safe,
    /// May change the image's contents or behaviour; applied only with
    /// `--unsafe`.
    Unsafe,
}

/// A file the fix creates next to the Dockerfile (`.dockerignore`, `compose.yaml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewFile {
    pub path: String,
    pub content: String,
}

/// A fix: text edits to the Dockerfile plus new files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What it does, in the imperative ("Split the COPY …").
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<TextEdit>,
    pub files: Vec<NewFile>,
    /// What the fix does to the commands the RUNs execute, as it declares
    /// it; [`invariants::check_fix`] holds it to that.
    #[serde(skip)]
    pub commands: CommandChanges,
}

/// The commands a fix declares it changes. Everything not listed here must
/// run exactly as before (the fix contract, `docs/fix-contract.md`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandChanges {
    /// Simple commands it removes, as written (`rm -rf /var/lib/apt/lists/*`).
    pub removed: Vec<String>,
    /// Simple commands it adds (`apt-get clean; rm -f x` counts two).
    pub added: Vec<String>,
    /// Words it adds to or removes from existing commands (`--no-cache`).
    pub flags: Vec<String>,
}

impl CommandChanges {
    pub fn removes(cmd: impl Into<String>) -> Self {
        CommandChanges {
            removed: vec![cmd.into()],
            ..Self::default()
        }
    }
    pub fn adds(cmd: impl Into<String>) -> Self {
        CommandChanges {
            added: vec![cmd.into()],
            ..Self::default()
        }
    }
    pub fn flag(word: impl Into<String>) -> Self {
        CommandChanges {
            flags: vec![word.into()],
            ..Self::default()
        }
    }
}

/// Applies non-overlapping edits (sorted by position). Overlapping edits
/// after the first are skipped and returned.
pub fn apply_edits(src: &str, edits: &[TextEdit]) -> (String, Vec<TextEdit>) {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    crate::sort::sort_by_key(&mut sorted, |e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(src.len() + 64);
    let mut pos = 0usize;
    let mut skipped = Vec::new();
    for e in sorted {
        let (s, t) = (e.span.start as usize, e.span.end as usize);
        if s < pos || t > src.len() || !src.is_char_boundary(s) || !src.is_char_boundary(t) {
            skipped.push(e.clone());
            continue;
        }
        out.push_str(&src[pos..s]);
        out.push_str(&e.replacement);
        pos = t;
    }
    out.push_str(&src[pos..]);
    (out, skipped)
}

/// The byte range of the whole lines `span` touches, newline included.
pub fn line_range(src: &str, span: Span) -> Span {
    let start = src[..(span.start as usize).min(src.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end_from = (span.end as usize).min(src.len());
    let end = src[end_from..]
        .find('\n')
        .map_or(src.len(), |i| end_from + i + 1);
    Span::new(start, end)
}

/// Edits that move the whole lines `block` (from [`line_range`]) to the
/// line starting at `to`, keeping blank-line separation tidy: a blank line
/// left doubled by the removal goes with the block, and a block landing
/// after a blank line is followed by one.
pub fn move_lines(src: &str, block: Span, to: usize) -> Vec<TextEdit> {
    let nl = newline(src);
    let (s, e) = (block.start as usize, block.end as usize);
    let mut text = src[s..e].to_string();
    if !text.ends_with('\n') {
        text.push_str(nl);
    }
    let mut del_start = s;
    let mut del_end = e;
    if e == src.len() && !src.ends_with('\n') && s > 0 {
        del_start = s - 1; // keep the file's last line ending
    }
    let blank_before = src[..s].ends_with("\n\n") || src[..s].ends_with("\n\r\n");
    let rest = &src[e.min(src.len())..];
    let blank_after = rest.starts_with('\n') || rest.starts_with("\r\n");
    if blank_before && blank_after {
        del_end += if rest.starts_with("\r\n") { 2 } else { 1 };
    }
    if src[..to].ends_with("\n\n") || src[..to].ends_with("\n\r\n") {
        text.push_str(nl);
    }
    vec![
        TextEdit::insert(to, text),
        TextEdit::delete(Span::new(del_start, del_end)),
    ]
}

/// A line continuation in this file: a blank, its escape character (`\\`
/// or `` ` ``) and its line ending, so an inserted line break parses as the
/// file's own.
pub fn continuation(src: &str, escape: char) -> String {
    format!(" {escape}{}", newline(src))
}

/// The line ending the file uses (`\r\n` or `\n`), as its first line ends:
/// looking no further keeps a fix's cost independent of the file's length
/// (rules build fixes for every finding, on every keystroke).
pub fn newline(src: &str) -> &'static str {
    match src.find('\n') {
        Some(i) if src[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_sorted_edits_and_skips_overlaps() {
        let src = "abcdef";
        let edits = [
            TextEdit::replace(Span::new(4, 6), "XY"),
            TextEdit::insert(0, ">"),
            TextEdit::replace(Span::new(3, 5), "!"),
        ];
        let (out, skipped) = apply_edits(src, &edits);
        assert_eq!(out, ">abc!f");
        assert_eq!(skipped.len(), 1);
    }

    #[test]
    fn newline_follows_the_first_line_ending() {
        assert_eq!(newline("FROM a\r\nRUN b\r\n"), "\r\n");
        assert_eq!(newline("FROM a\nRUN b\r\n"), "\n");
        assert_eq!(newline("FROM a"), "\n");
        assert_eq!(newline(""), "\n");
    }

    #[test]
    fn line_range_covers_whole_lines() {
        let src = "FROM a\nRUN b \\\n  c\nCMD d\n";
        let r = line_range(src, Span::new(9, 17));
        assert_eq!(r.text(src), "RUN b \\\n  c\n");
    }
}
