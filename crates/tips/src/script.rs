//! The simple commands of a RUN as written in the Dockerfile, with byte
//! spans, for fixes that delete one command (LL503) without touching its
//! neighbours.
//!
//! Unlike `model::shell` (which reads the words of the script for the
//! rules), this reader works on the *source text*: it knows the file's
//! escape character, line continuations and the comment lines BuildKit
//! strips inside an instruction, so an edit computed from its spans keeps
//! every other byte of the file. It never fails; what it cannot read with
//! certainty (an unterminated quote, a substitution that never closes) runs
//! to the end of the text, which makes [`delete_command`] refuse.
//!
//! Invariant: [`delete_command`] returns an edit only when the deleted text
//! holds exactly one simple command and one list separator (`&&` or `;`),
//! plus blanks and line continuations: never a comment, a quote left open,
//! or a pipeline or control-flow operator.

use crate::syntax::Span;

/// A piece of a RUN's source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// One shell word (quotes and substitutions included).
    Word(Span),
    /// A word whose quote or substitution never closes: it runs to the end
    /// of the text, and no edit may touch or follow it.
    Unclosed(Span),
    /// An operator: `&&`, `||`, `;`, `|`, `&`, `(`, `)`, or a bare newline.
    Op(Span),
    /// A comment: a shell `# …` to the end of the line, or a comment line
    /// inside a continued instruction (BuildKit drops those).
    Comment(Span),
}

impl Piece {
    pub fn span(&self) -> Span {
        match *self {
            Piece::Word(s) | Piece::Unclosed(s) | Piece::Op(s) | Piece::Comment(s) => s,
        }
    }
}

/// Splits `span` of `src` (the command text of a RUN) into pieces.
/// Blanks and line continuations (`escape` + newline) separate pieces and
/// are not returned.
pub fn pieces(src: &str, span: Span, escape: char) -> Vec<Piece> {
    let b = src.as_bytes();
    let (lo, hi) = (span.start as usize, (span.end as usize).min(src.len()));
    let esc = escape as u8; // `\` or `` ` ``, both ASCII
    let mut out = Vec::new();
    let mut i = lo;
    // At the start of a physical line that a continuation began.
    let mut line_start = false;
    while i < hi {
        let c = b[i];
        // A line continuation: escape, optional CR, newline.
        if c == esc {
            if let Some(n) = newline_after(b, i + 1, hi) {
                i = n;
                line_start = true;
                continue;
            }
        }
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\n' => {
                out.push(Piece::Op(Span::new(i, i + 1)));
                i += 1;
                line_start = true;
            }
            b'#' => {
                // At a word start, a comment: to the end of this line. On a
                // continued line's first non-blank, BuildKit drops the line.
                let end = b[i..hi]
                    .iter()
                    .position(|&x| x == b'\n')
                    .map_or(hi, |p| i + p);
                let end = if line_start { (end + 1).min(hi) } else { end };
                out.push(Piece::Comment(Span::new(i, end)));
                i = end;
                line_start = line_start && end > 0 && b[end - 1] == b'\n';
            }
            b'&' | b'|' | b';' | b'(' | b')' => {
                let two = i + 1 < hi && b[i + 1] == c && matches!(c, b'&' | b'|' | b';');
                let end = if two { i + 2 } else { i + 1 };
                out.push(Piece::Op(Span::new(i, end)));
                i = end;
                line_start = false;
            }
            _ => {
                let end = word_end(b, i, hi, esc);
                if end > hi {
                    out.push(Piece::Unclosed(Span::new(i, hi)));
                    i = hi;
                } else {
                    out.push(Piece::Word(Span::new(i, end)));
                    i = end;
                }
                line_start = false;
            }
        }
    }
    out
}

/// The index after `escape [CR] LF` starting at `i`, if that is what is there.
fn newline_after(b: &[u8], i: usize, hi: usize) -> Option<usize> {
    match b.get(i..hi)? {
        [b'\n', ..] => Some(i + 1),
        [b'\r', b'\n', ..] => Some(i + 2),
        _ => None,
    }
}

/// The end of the word starting at `i`: quotes, shell escapes, `$(…)`,
/// `${…}` and backquotes are part of it. Past `hi` when one never closes.
fn word_end(b: &[u8], mut i: usize, hi: usize, esc: u8) -> usize {
    while i < hi {
        match b[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b'&' | b'|' | b';' | b'(' | b')' => return i,
            c if c == esc && newline_after(b, i + 1, hi).is_some() => return i,
            b'\\' => i += 2,
            b'\'' => i = skip_to(b, i + 1, hi, b'\'') + 1,
            b'"' => i = skip_double(b, i + 1, hi, esc) + 1,
            b'`' => i = skip_to(b, i + 1, hi, b'`') + 1,
            b'$' if i + 1 < hi && matches!(b[i + 1], b'(' | b'{') => {
                i = skip_group(b, i + 1, hi, esc) + 1;
            }
            _ => i += 1,
        }
    }
    // `i` passed `hi` only when a closing character was never found (or a
    // trailing `\` escaped nothing).
    i.min(hi + 1)
}

/// The index of the next `close` at or after `i` (or `hi`).
fn skip_to(b: &[u8], i: usize, hi: usize, close: u8) -> usize {
    b[i.min(hi)..hi]
        .iter()
        .position(|&x| x == close)
        .map_or(hi, |p| i + p)
}

/// The closing `"` of a double-quoted string starting after `i`.
fn skip_double(b: &[u8], mut i: usize, hi: usize, esc: u8) -> usize {
    while i < hi {
        match b[i] {
            b'"' => return i,
            b'\\' => i += 2,
            b'`' if esc != b'`' => i = skip_to(b, i + 1, hi, b'`') + 1,
            b'$' if i + 1 < hi && matches!(b[i + 1], b'(' | b'{') => {
                i = skip_group(b, i + 1, hi, esc) + 1;
            }
            _ => i += 1,
        }
    }
    hi
}

/// The bracket closing the `(` or `{` at `i`, across nested groups and quotes.
fn skip_group(b: &[u8], i: usize, hi: usize, esc: u8) -> usize {
    let (open, close) = if b[i] == b'(' { (b'(', b')') } else { (b'{', b'}') };
    let mut depth = 0usize;
    let mut j = i;
    while j < hi {
        match b[j] {
            x if x == open => depth += 1,
            x if x == close => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            b'\\' => j += 1,
            b'\'' => j = skip_to(b, j + 1, hi, b'\''),
            b'"' => j = skip_double(b, j + 1, hi, esc),
            _ => {}
        }
        j += 1;
    }
    hi
}

/// Words that make the command after them part of a compound command:
/// deleting a command right after one would leave an empty body.
const RESERVED: &[&str] = &[
    "then", "do", "else", "elif", "if", "while", "until", "!", "{", "}", "fi", "done", "esac",
    "in", "case", "for",
];

/// What [`delete_command`] removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    /// The bytes to delete.
    pub span: Span,
    /// The removed command's words as written (for the fix's declaration).
    pub words: Vec<String>,
}

/// The edit that deletes the simple command whose words are exactly
/// `target` (a span from [`crate::util::find_words`]) from the RUN
/// command text `cmd`, with the one `&&` or `;` joining it to a neighbour.
///
/// `None` when that cannot be done without touching anything else: the
/// command has other words, it is the only command, it sits in a pipeline,
/// after `||` or in a control-flow body, or the text to delete holds a
/// comment.
pub fn delete_command(src: &str, cmd: Span, escape: char, target: Span) -> Option<Deletion> {
    let ps = pieces(src, cmd, escape);
    if ps.iter().any(|p| matches!(p, Piece::Unclosed(_))) {
        return None; // an open quote: where commands end is a guess
    }
    // The command: the maximal run of words containing `target`.
    let first = ps.iter().position(|p| matches!(p, Piece::Word(s) if s.start == target.start))?;
    let last = ps[first..]
        .iter()
        .position(|p| matches!(p, Piece::Word(s) if s.end == target.end))
        .map(|k| first + k)?;
    if ps[first..=last].iter().any(|p| !matches!(p, Piece::Word(_))) {
        return None;
    }
    let is_word = |k: Option<usize>| k.and_then(|k| ps.get(k)).is_some_and(|p| matches!(p, Piece::Word(_)));
    if is_word(first.checked_sub(1)) || is_word(Some(last + 1)) {
        return None; // other words belong to the same command
    }
    let op_text = |k: usize| ps.get(k).map(|p| p.span().text(src));
    let joiner = |t: Option<&str>| matches!(t, Some("&&") | Some(";"));
    let words: Vec<String> = ps[first..=last]
        .iter()
        .map(|p| p.span().text(src).to_string())
        .collect();
    let before = first.checked_sub(1).and_then(op_text);
    let after = op_text(last + 1);
    // The command before the joiner must be a real command, not `then` etc.
    let prev_word = first
        .checked_sub(2)
        .and_then(|k| match ps[k] {
            Piece::Word(s) => Some(s.text(src)),
            _ => None,
        });
    let next_is_command = matches!(ps.get(last + 2), Some(Piece::Word(s)) if !RESERVED.contains(&s.text(src)));
    // What follows may not bind to the deleted command (`rm x | b`, `rm x || b`).
    let after_free = match ps.get(last + 1) {
        None | Some(Piece::Comment(_)) => true,
        Some(p) => matches!(p.span().text(src), "&&" | ";" | "\n" | ")"),
    };
    let (lo, hi) = if joiner(before) && after_free && prev_word.is_some_and(|w| !RESERVED.contains(&w)) {
        // `a && rm x …` → `a …`: from the end of `a` to the end of `rm x`.
        let a_end = ps[first - 2].span().end as usize;
        (a_end, target.end as usize)
    } else if joiner(after) && before.is_none() && next_is_command {
        // `rm x && b` (first command) → `b`.
        let b_start = ps[last + 2].span().start as usize;
        (target.start as usize, b_start)
    } else {
        return None;
    };
    // Nothing but blanks and continuations may go with it.
    let inner = pieces(src, Span::new(lo, hi), escape);
    let ops = inner.iter().filter(|p| matches!(p, Piece::Op(_))).count();
    if ops != 1 || inner.iter().any(|p| matches!(p, Piece::Comment(_))) {
        return None;
    }
    Some(Deletion {
        span: Span::new(lo, hi),
        words,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn del(src: &str, words: &str) -> Option<String> {
        del_esc(src, words, '\\')
    }

    fn del_esc(src: &str, words: &str, escape: char) -> Option<String> {
        let ws: Vec<&str> = words.split(' ').collect();
        let cmd = Span::new(4, src.len());
        let t = crate::util::find_words(src, cmd, &ws)?;
        let d = delete_command(src, cmd, escape, t)?;
        Some(format!(
            "{}{}",
            &src[..d.span.start as usize],
            &src[d.span.end as usize..]
        ))
    }

    const RM: &str = "rm -rf /var/lib/apt/lists/*";

    // Fix vectors: the command goes, everything else stays.
    #[test]
    fn deletes_one_command_and_its_joiner() {
        assert_eq!(
            del("RUN a; rm -rf /var/lib/apt/lists/*; wget x; tar y; echo a && echo b", RM).as_deref(),
            Some("RUN a; wget x; tar y; echo a && echo b")
        );
        assert_eq!(
            del("RUN a && rm -rf /var/lib/apt/lists/*", RM).as_deref(),
            Some("RUN a")
        );
        assert_eq!(
            del("RUN rm -rf /var/lib/apt/lists/* && b", RM).as_deref(),
            Some("RUN b")
        );
        assert_eq!(
            del("RUN a \\\n    && rm -rf /var/lib/apt/lists/* \\\n    && b", RM).as_deref(),
            Some("RUN a \\\n    && b")
        );
        assert_eq!(
            del("RUN a \\\n    && rm -rf /var/lib/apt/lists/*", RM).as_deref(),
            Some("RUN a")
        );
        assert_eq!(
            del("RUN a \\\r\n    && rm -rf /var/lib/apt/lists/* \\\r\n    && b", RM).as_deref(),
            Some("RUN a \\\r\n    && b")
        );
        assert_eq!(
            del_esc("RUN a && `\n    rm -rf /var/lib/apt/lists/*", RM, '`').as_deref(),
            Some("RUN a")
        );
        // A comment line after the deleted command stays.
        assert_eq!(
            del("RUN a \\\n    && rm -rf /var/lib/apt/lists/* \\\n    # keep\n    && b", RM).as_deref(),
            Some("RUN a \\\n    # keep\n    && b")
        );
        // Quoted separators are not separators.
        assert_eq!(
            del("RUN a && rm -rf /var/lib/apt/lists/*; echo \"x && y\" && b", RM).as_deref(),
            Some("RUN a; echo \"x && y\" && b")
        );
        assert_eq!(
            del("RUN x=$(a; b) && rm -rf /var/lib/apt/lists/* && c", RM).as_deref(),
            Some("RUN x=$(a; b) && c")
        );
    }

    // Fail vectors: no edit when anything else would change.
    #[test]
    fn refuses_when_the_neighbours_would_change() {
        // The only command.
        assert_eq!(del("RUN rm -rf /var/lib/apt/lists/*", RM), None);
        // More words: deleting the command would drop `/tmp/*` too.
        assert_eq!(del("RUN a && rm -rf /var/lib/apt/lists/* /tmp/*", RM), None);
        // Pipelines, `||`, background jobs.
        assert_eq!(del("RUN a | rm -rf /var/lib/apt/lists/*", RM), None);
        assert_eq!(del("RUN a || rm -rf /var/lib/apt/lists/*", RM), None);
        assert_eq!(del("RUN rm -rf /var/lib/apt/lists/* | b", RM), None);
        // A control-flow body would be left empty.
        assert_eq!(del("RUN if a; then rm -rf /var/lib/apt/lists/*; fi", RM), None);
        assert_eq!(del("RUN for x in y; do rm -rf /var/lib/apt/lists/*; done", RM), None);
        // A comment would go with it.
        assert_eq!(
            del("RUN a \\\n    # note\n    && rm -rf /var/lib/apt/lists/*", RM),
            None
        );
        // An open quote anywhere: no edit.
        assert_eq!(del("RUN a && rm -rf /var/lib/apt/lists/* && echo \"b", RM), None);
        // Inside quotes it is no command at all.
        assert_eq!(del("RUN sh -c 'a && rm -rf /var/lib/apt/lists/*' && b", RM), None);
        assert_eq!(del("RUN echo \"a; rm -rf /var/lib/apt/lists/*\" && b", RM), None);
    }

    #[test]
    fn pieces_read_quotes_substitutions_and_comment_lines() {
        let src = "RUN a \"b && c\" $(d; e) `f` 'g|h' \\\n  # comment line\n  && i # tail";
        let ps = pieces(src, Span::new(4, src.len()), '\\');
        let texts: Vec<String> = ps
            .iter()
            .map(|p| match p {
                Piece::Word(s) => format!("w:{}", s.text(src)),
                Piece::Unclosed(s) => format!("u:{}", s.text(src)),
                Piece::Op(s) => format!("o:{}", s.text(src)),
                Piece::Comment(s) => format!("c:{}", s.text(src).trim_end()),
            })
            .collect();
        assert_eq!(
            texts,
            [
                "w:a",
                "w:\"b && c\"",
                "w:$(d; e)",
                "w:`f`",
                "w:'g|h'",
                "c:# comment line",
                "o:&&",
                "w:i",
                "c:# tail"
            ]
        );
    }

    #[test]
    fn never_panics_on_broken_text() {
        for src in [
            "RUN \"", "RUN '", "RUN $(", "RUN ${", "RUN `", "RUN \\", "RUN a\\\r", "RUN é&&ü;",
            "RUN $((1+", "RUN \"$(\"",
        ] {
            let _ = pieces(src, Span::new(4, src.len()), '\\');
            let _ = pieces(src, Span::new(4, src.len()), '`');
        }
    }
}
