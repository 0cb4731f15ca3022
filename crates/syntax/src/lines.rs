//! BuildKit's line loop: `Parse` in `frontend/dockerfile/parser/parser.go`
//! (byte-order mark, `processLine`, `trimComments`, `trimContinuationCharacter`,
//! empty continuation lines, heredoc bodies) and the directive rules of
//! `frontend/dockerfile/parser/directives.go` (`DirectiveParser.ParseLine`).
//!
//! Each logical line is rebuilt exactly as BuildKit builds it, together with a
//! byte map back to the source, so every value can carry a source span.

use super::node::{self, Next, RawNode};
use super::shell::{self, LexOptions};
use super::span::{self, Position, Span};
use std::borrow::Cow;

/// A heredoc body attached to an instruction (`parser.Heredoc`).
#[derive(Debug, Clone)]
pub struct RawHeredoc {
    pub name: String,
    pub fd: u32,
    pub expand: bool,
    pub chomp: bool,
    pub content: String,
    pub body: Span,
}

/// One instruction as the line loop produced it.
#[derive(Debug)]
pub struct RawInstr<'a> {
    pub node: Result<RawNode, String>,
    /// The logical line (continuations joined, comment lines dropped);
    /// borrowed from the source when it is one piece of it.
    pub line: Cow<'a, str>,
    /// Source offset of logical byte 0 when `segs` is empty (one piece).
    pub base: u32,
    /// Otherwise the pieces the line is made of, as (logical offset, source
    /// offset) of each piece's first byte, in order.
    pub segs: Vec<(u32, u32)>,
    /// Source offset just past the logical line's last byte.
    pub map_end: u32,
    pub span: Span,
    pub heredocs: Vec<RawHeredoc>,
    pub heredoc_error: Option<String>,
    /// The file ended inside its line continuation (see
    /// [`crate::Instruction::open_end`]).
    pub open_end: bool,
    /// Line and column of `span.start` and `span.end`.
    pub start: Position,
    pub end: Position,
}

impl RawInstr<'_> {
    /// Maps a logical range back to a source span.
    pub fn src(&self, lo: usize, hi: usize) -> Span {
        if hi > lo {
            Span {
                start: self.at(lo),
                end: if hi - 1 < self.line.len() {
                    self.at(hi - 1) + 1
                } else {
                    self.map_end
                },
            }
        } else {
            let p = self.at(lo);
            Span { start: p, end: p }
        }
    }

    /// Source offset of logical byte `i` (`map_end` past the end).
    fn at(&self, i: usize) -> u32 {
        if i >= self.line.len() {
            return self.map_end;
        }
        if self.segs.is_empty() {
            return self.base + i as u32;
        }
        let k = self.segs.partition_point(|s| s.0 as usize <= i);
        match k.checked_sub(1).and_then(|k| self.segs.get(k)) {
            Some(&(log, src)) => src + (i as u32 - log),
            None => self.map_end,
        }
    }
}

/// A parser directive (`# syntax=`, `# escape=`, `# check=`).
#[derive(Debug, Clone)]
pub struct RawDirective {
    pub name: String,
    pub value: String,
    pub span: Span,
    pub value_span: Span,
}

/// A problem found by the line loop (severity, message, span).
#[derive(Debug, Clone)]
pub struct LineDiag {
    pub error: bool,
    pub message: String,
    pub span: Span,
}

#[derive(Debug)]
pub struct Lines<'a> {
    pub instrs: Vec<RawInstr<'a>>,
    pub directives: Vec<RawDirective>,
    pub diags: Vec<LineDiag>,
    pub escape: char,
}

/// A physical line: `[start, content_end)` is the text without trailing
/// `\r`/`\n` (`trimNewline`), `end` includes the line ending.
#[derive(Clone, Copy)]
struct Phys {
    /// 0-based line number.
    no: u32,
    start: usize,
    content_end: usize,
    end: usize,
}

struct Scanner<'a> {
    src: &'a str,
    pos: usize,
    /// Lines returned so far.
    lines: u32,
}

impl Scanner<'_> {
    /// `scanLines`: split after each `\n`, keeping the ending.
    fn scan(&mut self) -> Option<Phys> {
        if self.pos >= self.src.len() {
            return None;
        }
        let b = self.src.as_bytes();
        let start = self.pos;
        let end = match self.src[start..].find('\n') {
            Some(i) => start + i + 1,
            None => b.len(),
        };
        let mut content_end = end;
        while content_end > start && matches!(b[content_end - 1], b'\r' | b'\n') {
            content_end -= 1;
        }
        self.pos = end;
        self.lines += 1;
        Some(Phys {
            no: self.lines - 1,
            start,
            content_end,
            end,
        })
    }
}

/// Go's RE2 `\s`.
fn is_re_s(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

/// `directiveRegexp` applied after `CutPrefix("#")` and `TrimLeftFunc(IsSpace)`:
/// `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`. Returns name and value ranges.
fn match_directive(line: &str) -> Option<((usize, usize), (usize, usize))> {
    let rest = line.strip_prefix('#')?;
    let t = rest.trim_start();
    let base = line.len() - t.len();
    let b = t.as_bytes();
    if !b.first()?.is_ascii_alphabetic() {
        return None;
    }
    let mut i = 1;
    while i < b.len() && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    let name = (base, base + i);
    let after = &t[i..];
    let after = after.trim_start_matches(is_re_s);
    let after = after.strip_prefix('=')?;
    let v = after.trim_start_matches(is_re_s);
    let vstart = line.len() - v.len();
    let trimmed = v.trim_end_matches(is_re_s);
    if !trimmed.is_empty() {
        return Some((name, (vstart, vstart + trimmed.len())));
    }
    // `.+?` needs one char: backtracking gives it the last blank, if any.
    let c = after.chars().last()?;
    let end = line.len();
    Some((name, (end - c.len_utf8(), end)))
}

struct Directives {
    done: bool,
    seen: Vec<String>,
}

/// `lineContinuationRegex`: `([^E])E[ \t]*$|^E[ \t]*$`. Returns the new end of
/// `line[lo..hi]` when it continues.
fn continuation(src: &str, lo: usize, hi: usize, escape: char) -> Option<usize> {
    let s = &src[lo..hi];
    let t = s.trim_end_matches([' ', '\t']);
    let before = t.strip_suffix(escape)?;
    if before.ends_with(escape) {
        return None;
    }
    Some(lo + before.len())
}

fn is_comment(s: &str) -> bool {
    s.trim_start().starts_with('#')
}

/// Runs the line loop over the whole source.
pub fn scan(src: &str) -> Lines<'_> {
    let mut sc = Scanner {
        src,
        pos: 0,
        lines: 0,
    };
    let mut out = Lines {
        instrs: Vec::new(),
        directives: Vec::new(),
        diags: Vec::new(),
        escape: '\\',
    };
    let mut dirs = Directives {
        done: false,
        seen: Vec::new(),
    };
    let mut first = true;

    while let Some(p) = sc.scan() {
        let mut s = p.start;
        if first && src[s..].starts_with('\u{feff}') {
            s += 3; // discardBOM
        }
        first = false;
        // processLine(stripLeftWhitespace = true)
        let e = p.content_end.max(s);
        s = e - src[s..e].trim_start().len();
        directive(src, s, e, &mut dirs, &mut out);
        let e_c = if is_comment(&src[s..e]) { s } else { e }; // trimComments
        let (mut seg_end, mut end_of_line) = match continuation(src, s, e_c, out.escape) {
            Some(ne) => (ne, false),
            None => (e_c, true),
        };
        if end_of_line && seg_end == s {
            continue;
        }
        let start = s;
        let mut last_end = e;
        let mut last = p;
        let mut line = Line {
            text: Cow::Borrowed(""),
            base: s as u32,
            segs: Vec::new(),
        };
        line.push(src, s, seg_end);
        while !end_of_line {
            let Some(q) = sc.scan() else { break };
            directive(src, q.start, q.content_end, &mut dirs, &mut out);
            last_end = q.content_end;
            last = q;
            let content = &src[q.start..q.content_end];
            if is_comment(content) {
                continue;
            }
            if content.trim_start().is_empty() {
                out.diags.push(LineDiag {
                    error: false,
                    message: "empty continuation line (empty continuation lines will become errors in a future release)"
                        .into(),
                    span: Span::new(q.start, q.content_end),
                });
                continue;
            }
            match continuation(src, q.start, q.content_end, out.escape) {
                Some(ne) => seg_end = ne,
                None => {
                    seg_end = q.content_end;
                    end_of_line = true;
                }
            }
            line.push(src, q.start, seg_end);
        }
        let Line {
            text: line,
            base,
            segs,
        } = line;
        // Just past the last logical byte (pieces are never empty).
        let map_end = match segs.last() {
            Some(&(log, at)) => at + (line.len() as u32 - log),
            None if line.is_empty() => start as u32,
            None => base + line.len() as u32,
        };
        let node = node::node_from_line(&line, 0, line.len(), out.escape);
        let mut instr = RawInstr {
            node,
            line,
            base,
            segs,
            map_end,
            span: Span::new(start, last_end),
            heredocs: Vec::new(),
            heredoc_error: None,
            open_end: !end_of_line,
            start: span::position_on_line(src, p.no, p.start, start),
            end: Position::default(),
        };
        if instr.node.as_ref().is_ok_and(can_contain_heredoc) && instr.line.contains("<<") {
            match heredocs_from_line(&instr.line) {
                Err(e) => instr.heredoc_error = Some(e),
                Ok(docs) => {
                    for mut d in docs {
                        let body_start = sc.pos;
                        let mut terminated = false;
                        let mut body_end = body_start;
                        while let Some(h) = sc.scan() {
                            let mut t = &src[h.start..h.content_end];
                            if d.chomp {
                                t = t.trim_start_matches('\t');
                            }
                            last_end = h.content_end;
                            last = h;
                            if t == d.name {
                                terminated = true;
                                break;
                            }
                            body_end = h.end;
                        }
                        d.content = src[body_start..body_end].to_string();
                        d.body = Span::new(body_start, body_end);
                        instr.heredocs.push(d);
                        if !terminated {
                            instr.heredoc_error = Some("unterminated heredoc".into());
                            break;
                        }
                    }
                }
            }
            instr.span = Span::new(start, last_end);
        }
        instr.end = span::position_on_line(src, last.no, last.start, last_end);
        out.instrs.push(instr);
    }
    out
}

/// A logical line being built: borrowed while it is one piece of the source.
struct Line<'a> {
    text: Cow<'a, str>,
    base: u32,
    segs: Vec<(u32, u32)>,
}

impl<'a> Line<'a> {
    /// Appends `src[lo..hi]` (empty pieces are skipped).
    fn push(&mut self, src: &'a str, lo: usize, hi: usize) {
        if hi <= lo {
            return;
        }
        if self.text.is_empty() {
            self.text = Cow::Borrowed(&src[lo..hi]);
            self.base = lo as u32;
            return;
        }
        if self.segs.is_empty() {
            // First continuation: room for a few more pieces up front
            // instead of growing one by one.
            self.segs.reserve(8);
            self.segs.push((0, self.base));
            let mut owned = String::with_capacity(4 * (self.text.len() + hi - lo));
            owned.push_str(&self.text);
            self.text = Cow::Owned(owned);
        }
        self.segs.push((self.text.len() as u32, lo as u32));
        self.text.to_mut().push_str(&src[lo..hi]);
    }
}

/// `possibleParserDirective` / `DirectiveParser.ParseLine` on `src[lo..hi]`.
fn directive(src: &str, lo: usize, hi: usize, d: &mut Directives, out: &mut Lines) {
    if d.done {
        return;
    }
    let line = &src[lo..hi];
    let Some((n, v)) = match_directive(line) else {
        d.done = true;
        return;
    };
    let name = line[n.0..n.1].to_ascii_lowercase();
    if !matches!(name.as_str(), "syntax" | "escape" | "check") {
        d.done = true;
        return;
    }
    let span = Span::new(lo, hi);
    if d.seen.contains(&name) {
        out.diags.push(LineDiag {
            error: true,
            message: super::cat(&["only one ", &name, " parser directive can be used"]),
            span,
        });
        return;
    }
    d.seen.push(name.clone());
    let value = line[v.0..v.1].to_string();
    if name == "escape" {
        match value.as_str() {
            "\\" => out.escape = '\\',
            "`" => out.escape = '`',
            _ => out.diags.push(LineDiag {
                error: true,
                message: super::cat(&[
                    "invalid escape token '",
                    &value,
                    "' does not match ` or \\",
                ]),
                span,
            }),
        }
    }
    out.directives.push(RawDirective {
        name,
        value,
        span,
        value_span: Span::new(lo + v.0, lo + v.1),
    });
}

/// `Node.canContainHeredoc`: RUN, COPY, ADD (also as an ONBUILD trigger), not JSON.
fn can_contain_heredoc(n: &RawNode) -> bool {
    let n = match &n.next {
        Next::Sub(child) if n.cmd.text.eq_ignore_ascii_case("onbuild") => child,
        _ => n,
    };
    let c = n.cmd.text.to_ascii_lowercase();
    matches!(c.as_str(), "add" | "copy" | "run") && !n.json
}

/// `heredocsFromLine`: lex the line (raw quotes/escapes, unset variables kept)
/// and keep the words that are heredoc markers.
fn heredocs_from_line(line: &str) -> Result<Vec<RawHeredoc>, String> {
    let opts = LexOptions {
        escape: '\\',
        raw_quotes: true,
        raw_escapes: true,
        skip_unset_env: true,
        heredoc_words: true,
    };
    let words = shell::process(line, opts, &|_| None)
        .map(|p| p.words)
        .unwrap_or_default();
    let mut docs = Vec::new();
    for w in words {
        if let Some(h) = parse_heredoc(&w)? {
            docs.push(h);
        }
    }
    Ok(docs)
}

/// `ParseHeredoc`: `^(\d*)<<(-?)\s*([^<]*)$` then `heredocFromMatch`.
pub fn parse_heredoc(word: &str) -> Result<Option<RawHeredoc>, String> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let Some(rest) = word[digits..].strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = rest.trim_start_matches(is_re_s);
    if rest.contains('<') || rest.is_empty() {
        return Ok(None);
    }
    let fd = super::parse_uint(&word[..digits], 10).map_or(0, |v| v.min(u32::MAX as u64) as u32);
    let opts = LexOptions {
        escape: '\\',
        skip_unset_env: true,
        ..LexOptions::default()
    };
    let words = shell::process(rest, opts, &|_| None)?.words;
    if words.len() != 1 {
        return Ok(None);
    }
    let raw = shell::process(
        rest,
        LexOptions {
            raw_quotes: true,
            ..opts
        },
        &|_| None,
    )?
    .words;
    if raw.len() != words.len() {
        return Err(super::cat(&[
            "internal lexing of heredoc produced inconsistent results: ",
            rest,
        ]));
    }
    let quotes = |s: &str| s.chars().filter(|c| *c == '\'' || *c == '"').count();
    let expand = quotes(&words[0]) == quotes(&raw[0]);
    Ok(Some(RawHeredoc {
        name: words[0].clone(),
        fd,
        expand,
        chomp,
        content: String::new(),
        body: Span::default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heredoc_markers_pass() {
        for w in [
            "<<EOF",
            "<<'EOF'",
            "<<\"EOF\"",
            "<<-EOF",
            "<<-'EOF'",
            "<<-\"EOF\"",
            "<<EO\"F\"",
            "<< EOF",
            "<<- EOF",
        ] {
            assert_eq!(parse_heredoc(w).unwrap().unwrap().name, "EOF", "{w}");
        }
        assert!(!parse_heredoc("<<'EOF'").unwrap().unwrap().expand);
        assert_eq!(parse_heredoc("3<<X").unwrap().unwrap().fd, 3);
    }

    #[test]
    fn heredoc_markers_fail() {
        for w in ["", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<EOF sh"] {
            assert!(parse_heredoc(w).unwrap().is_none(), "{w}");
        }
        for w in ["<<'EOF", "<<\"EOF", "<<EOF'", "<<EOF\""] {
            assert!(parse_heredoc(w).is_err(), "{w}");
        }
    }

    #[test]
    fn directives() {
        assert_eq!(match_directive("# escape=`"), Some(((2, 8), (9, 10))));
        assert_eq!(match_directive("#syntax = a b  "), Some(((1, 7), (10, 13))));
        assert_eq!(match_directive("# not a directive"), None);
        assert_eq!(match_directive("escape=`"), None);
    }

    #[test]
    fn continuation_rules() {
        assert_eq!(continuation("a \\  ", 0, 5, '\\'), Some(2));
        assert_eq!(continuation("\\", 0, 1, '\\'), Some(0));
        assert_eq!(continuation("a \\\\", 0, 4, '\\'), None);
        assert_eq!(continuation("a `", 0, 3, '`'), Some(2));
    }
}
