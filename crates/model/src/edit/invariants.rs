//! The fix contract, checked: what every fix must keep (see
//! `docs/fix-contract.md`). The test suites and the `fix` fuzz target run
//! [`check_fix`] on every fix a rule offers (and
//! `crate::fix::invariants::check_optimized` on every optimizer run).
//!
//! Invariants of one fix, applied alone to the text it was made for:
//! 1. **Commands**: the simple commands the `RUN`s execute afterwards equal
//!    those before, as multisets over the file (moves and merges of whole
//!    commands are allowed), except the commands the fix declares it
//!    removes or adds and the flag words it declares it adds or removes
//!    ([`super::CommandChanges`]). The commands are read from the parser's
//!    joined command text by [`simple_commands`], a tokenizer of its own,
//!    independent of `tips::script` (which computes deletions) and of
//!    `model::shell` (which the rules read).
//! 2. **Comments and lines**: every comment line survives, every line no
//!    edit touches is still a whole line, and a file with one line-ending
//!    style keeps it.
//! 3. **Parsing**: the result has no diagnostic the input did not have.
//!
//! The optimizer's own invariants (a fixed point; `check` and `fix` agree)
//! are checked above the rules, in `crate::fix::invariants`.

use super::{apply_edits, Fix};
use crate::syntax::{Command, Dockerfile};

/// Checks one fix against the text it was made for. `Err` says which
/// invariant broke and how.
pub fn check_fix(src: &str, fix: &Fix) -> Result<(), String> {
    let (after, skipped) = apply_edits(src, &fix.edits);
    if !skipped.is_empty() {
        return Err(format!("{} of its edits overlap", skipped.len()));
    }
    let before_df = crate::syntax::parse(src);
    let after_df = crate::syntax::parse(&after);
    comments_kept(src, &after)?;
    lines_kept(src, &after, fix)?;
    endings_kept(src, &after)?;
    commands_kept(&before_df, &after_df, &fix.commands).map_err(|d| d.message())?;
    no_new_diagnostics(&before_df, &after_df)
}

/// Whether `edits`, all inside the RUN `ins`, change its commands only as
/// `declared` says: the contract's command check on that one instruction,
/// cheap enough (its own length) for a rule to run on its fix before
/// offering it. Rules whose edits rest on reading the shell text
/// (`tips::script`) use it, so a text that two readers split differently
/// (an unbalanced quote) gets no fix rather than a wrong one.
pub fn run_keeps_commands(
    src: &str,
    escape: char,
    ins: &crate::syntax::Instruction,
    edits: &[super::TextEdit],
    declared: &super::CommandChanges,
) -> bool {
    let (lo, hi) = (ins.span.start as usize, ins.span.end as usize);
    let inside = |e: &super::TextEdit| lo <= e.span.start as usize && e.span.end as usize <= hi;
    if !edits.iter().all(inside) {
        return false;
    }
    let local: Vec<super::TextEdit> = edits
        .iter()
        .map(|e| {
            super::TextEdit::replace(
                crate::syntax::Span::new(e.span.start as usize - lo, e.span.end as usize - lo),
                e.replacement.clone(),
            )
        })
        .collect();
    let text = &src[lo..hi];
    let (after, skipped) = apply_edits(text, &local);
    let head = if escape == '\\' {
        String::new()
    } else {
        format!("# escape={escape}\n")
    };
    let one = |t: &str| crate::syntax::parse(&format!("{head}{t}\n"));
    skipped.is_empty() && commands_kept(&one(text), &one(&after), declared).is_ok()
}

/// How the commands after a fix differ from what it declares: the commands
/// lost and gained, or a removal it declares that no RUN runs. Formatted
/// only by [`check_fix`] (the playground's wasm never formats it: `{:?}` of
/// strings would bring in the escape tables).
enum CommandsDiff {
    Changed { lost: Vec<String>, gained: Vec<String> },
    NotRun(String),
}

impl CommandsDiff {
    fn message(&self) -> String {
        match self {
            CommandsDiff::Changed { lost, gained } => format!(
                "RUN commands changed beyond what the fix declares: lost {lost:?}, gained {gained:?}"
            ),
            CommandsDiff::NotRun(r) => format!("declares it removes `{r}`, which no RUN runs"),
        }
    }
}

/// Every simple command of every RUN, read by [`simple_commands`].
pub fn run_commands(df: &Dockerfile) -> Vec<String> {
    let mut out = Vec::new();
    for ins in &df.instructions {
        let Command::Run { command, .. } = &ins.command else {
            continue;
        };
        if command.shell {
            let mut script = command.args.join(" ");
            for h in &ins.heredocs {
                script.push('\n');
                script.push_str(&h.content);
            }
            out.extend(simple_commands(&script));
        } else {
            out.push(command.args.join(" "));
        }
    }
    out
}

fn commands_kept(
    before: &Dockerfile,
    after: &Dockerfile,
    declared: &super::CommandChanges,
) -> Result<(), CommandsDiff> {
    let flags: Vec<String> = declared
        .flags
        .iter()
        .flat_map(|f| f.split_whitespace().map(str::to_string))
        .collect();
    let norm = |cmds: Vec<String>| -> Vec<String> {
        let mut v: Vec<String> = cmds
            .into_iter()
            .map(|c| {
                c.split(' ')
                    .filter(|w| !flags.iter().any(|f| f == w))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        crate::sort::sort_by(&mut v, |a, b| a.cmp(b));
        v
    };
    let mut expected = run_commands(before);
    let list = |l: &[String]| -> Vec<String> { l.iter().flat_map(|c| simple_commands(c)).collect() };
    for r in norm(list(&declared.removed)) {
        let normed = norm(expected.clone());
        match normed.iter().position(|c| *c == r) {
            // Remove the first original command that normalizes to `r`.
            Some(_) => {
                let k = expected
                    .iter()
                    .position(|c| norm(vec![c.clone()])[0] == r)
                    .expect("present after normalizing");
                expected.remove(k);
            }
            None => return Err(CommandsDiff::NotRun(r)),
        }
    }
    expected.extend(list(&declared.added));
    let (want, got) = (norm(expected), norm(run_commands(after)));
    if want == got {
        return Ok(());
    }
    Err(CommandsDiff::Changed {
        lost: multiset_minus(&want, &got).into_iter().cloned().collect(),
        gained: multiset_minus(&got, &want).into_iter().cloned().collect(),
    })
}

/// Items of sorted `a` not matched in sorted `b`.
fn multiset_minus<'a>(a: &'a [String], b: &[String]) -> Vec<&'a String> {
    let mut out = Vec::new();
    let mut j = 0;
    for x in a {
        while j < b.len() && b[j] < *x {
            j += 1;
        }
        if j < b.len() && b[j] == *x {
            j += 1;
        } else {
            out.push(x);
        }
    }
    out
}

/// The comment lines of a text (trimmed), sorted.
fn comment_lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('#'))
        .map(str::to_string)
        .collect();
    crate::sort::sort_by(&mut v, |a, b| a.cmp(b));
    v
}

fn comments_kept(src: &str, after: &str) -> Result<(), String> {
    let lost = multiset_minus(&comment_lines(src), &comment_lines(after))
        .into_iter()
        .cloned()
        .collect::<Vec<_>>();
    if lost.is_empty() {
        Ok(())
    } else {
        Err(format!("comment lines lost: {lost:?}"))
    }
}

/// Lines of `text` with their terminators.
fn lines_with_ends(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = (pos, &text[pos..end]);
        pos = end;
        Some(line)
    })
}

fn lines_kept(src: &str, after: &str, fix: &Fix) -> Result<(), String> {
    // A line is touched when an edit deletes any of its bytes or inserts
    // after its first byte and before its line ending.
    let touched = |start: usize, line: &str| {
        let end = start + line.len();
        let content_end = start + line.trim_end_matches(['\n', '\r']).len();
        fix.edits.iter().any(|e| {
            let (s, t) = (e.span.start as usize, e.span.end as usize);
            if s == t {
                start < s && s <= content_end
            } else {
                s < end && start < t
            }
        })
    };
    let mut untouched: Vec<String> = lines_with_ends(src)
        .filter(|(start, line)| !touched(*start, line))
        .map(|(_, l)| l.trim_end_matches(['\n', '\r']).to_string())
        .collect();
    let mut now: Vec<String> = after
        .lines()
        .map(|l| l.trim_end_matches('\r').to_string())
        .collect();
    crate::sort::sort_by(&mut untouched, |a, b| a.cmp(b));
    crate::sort::sort_by(&mut now, |a, b| a.cmp(b));
    let lost = multiset_minus(&untouched, &now);
    if lost.is_empty() {
        Ok(())
    } else {
        Err(format!("lines no edit touches were joined or lost: {lost:?}"))
    }
}

/// (LF-only line ends, CRLF line ends).
fn endings(text: &str) -> (usize, usize) {
    let crlf = text.matches("\r\n").count();
    (text.matches('\n').count() - crlf, crlf)
}

fn endings_kept(src: &str, after: &str) -> Result<(), String> {
    let (lf, crlf) = endings(src);
    let (lf2, crlf2) = endings(after);
    if crlf > 0 && lf == 0 && lf2 > 0 {
        return Err(format!("a CRLF file got {lf2} bare LF line ending(s)"));
    }
    if lf > 0 && crlf == 0 && crlf2 > 0 {
        return Err(format!("an LF file got {crlf2} CRLF line ending(s)"));
    }
    Ok(())
}

fn no_new_diagnostics(before: &Dockerfile, after: &Dockerfile) -> Result<(), String> {
    let msgs = |df: &Dockerfile| {
        let mut v: Vec<String> = df
            .diagnostics
            .iter()
            .map(|d| format!("{:?}: {}", d.severity, strip_lines(&d.message)))
            .collect();
        crate::sort::sort_by(&mut v, |a, b| a.cmp(b));
        v
    };
    let new = multiset_minus(&msgs(after), &msgs(before))
        .into_iter()
        .cloned()
        .collect::<Vec<_>>();
    if new.is_empty() {
        Ok(())
    } else {
        Err(format!("new diagnostics: {new:?}"))
    }
}

/// A message with its digits blanked: a moved instruction's diagnostic
/// names another line, and is still the same diagnostic.
fn strip_lines(m: &str) -> String {
    m.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// The simple commands of a shell script, each as its words joined by one
/// space, quotes and redirections kept as written.
///
/// Splits at `&&`, `||`, `;`, `|`, `&`, newlines, `(` and `)` outside
/// quotes, `$(…)`, `${…}` and backquotes; `#` at a word's start comments
/// to the end of the line; `\` escapes the next character. Deliberately
/// simple, and written apart from the readers the rules use.
pub fn simple_commands(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let cs: Vec<char> = script.chars().collect();
    let mut i = 0;
    let end_command = |words: &mut Vec<String>, out: &mut Vec<String>| {
        if !words.is_empty() {
            out.push(words.join(" "));
            words.clear();
        }
    };
    while i < cs.len() {
        let c = cs[i];
        match c {
            ' ' | '\t' | '\r' => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                i += 1;
            }
            // `2>&1`, `>&2`: part of a redirection.
            '&' if word.ends_with(['>', '<']) => {
                word.push('&');
                i += 1;
            }
            '\n' | ';' | '&' | '|' | '(' | ')' => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                end_command(&mut words, &mut out);
                i += 1;
            }
            '#' if word.is_empty() => {
                while i < cs.len() && cs[i] != '\n' {
                    i += 1;
                }
            }
            '\\' => {
                if let Some(&n) = cs.get(i + 1) {
                    if n != '\n' {
                        word.push('\\');
                        word.push(n);
                    }
                }
                i += 2;
            }
            '\'' | '"' | '`' => {
                let close = c;
                word.push(c);
                i += 1;
                while i < cs.len() && cs[i] != close {
                    if cs[i] == '\\' && close != '\'' && i + 1 < cs.len() {
                        word.push(cs[i]);
                        i += 1;
                    }
                    word.push(cs[i]);
                    i += 1;
                }
                if i < cs.len() {
                    word.push(close);
                    i += 1;
                }
            }
            '$' if matches!(cs.get(i + 1), Some('(' | '{')) => {
                let (open, close) = if cs[i + 1] == '(' { ('(', ')') } else { ('{', '}') };
                let mut depth = 0;
                word.push('$');
                i += 1;
                while i < cs.len() {
                    let x = cs[i];
                    word.push(x);
                    i += 1;
                    if x == open {
                        depth += 1;
                    } else if x == close {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                }
            }
            _ => {
                word.push(c);
                i += 1;
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    end_command(&mut words, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{Applicability, CommandChanges, TextEdit};
    use crate::syntax::Span;

    fn fix(edits: Vec<TextEdit>, commands: CommandChanges) -> Fix {
        Fix {
            title: "test".into(),
            applicability: Applicability::Safe,
            edits,
            files: Vec::new(),
            commands,
        }
    }

    #[test]
    fn simple_commands_split_outside_quotes() {
        assert_eq!(
            simple_commands("a && b 'c && d' \"e; f\" $(g; h) `i|j`; k 2>&1 | l # m && n\no"),
            ["a", "b 'c && d' \"e; f\" $(g; h) `i|j`", "k 2>&1", "l", "o"]
        );
        assert_eq!(simple_commands(""), Vec::<String>::new());
        assert_eq!(simple_commands("'open"), ["'open"]);
    }

    // Fail vectors: the F1 and F2 edits of issue 11 break the contract.
    #[test]
    fn an_edit_that_drops_undeclared_commands_is_caught() {
        let src = "FROM d\nRUN a; rm -rf /x; wget y; echo z && echo b\n";
        let start = src.find("; rm").unwrap();
        let end = src.find(" && echo b").unwrap();
        let f = fix(
            vec![TextEdit::delete(Span::new(start, end))],
            CommandChanges {
                removed: vec!["rm -rf /x".into()],
                ..CommandChanges::default()
            },
        );
        let e = check_fix(src, &f).unwrap_err();
        assert_eq!(
            e,
            "RUN commands changed beyond what the fix declares: lost [\"echo z\", \"wget y\"], gained []"
        );
        let src = "FROM d\nRUN a \\\n  && rm -rf /x \\\n  # keep\n  && b\n";
        let start = src.find(" \\\n  && rm").unwrap();
        let end = src.find("  && b").unwrap();
        let f = fix(
            vec![TextEdit::delete(Span::new(start, end))],
            CommandChanges {
                removed: vec!["rm -rf /x".into()],
                ..CommandChanges::default()
            },
        );
        assert_eq!(check_fix(src, &f).unwrap_err(), "comment lines lost: [\"# keep\"]");
    }

    #[test]
    fn declared_changes_and_flags_pass() {
        let src = "FROM d\nRUN apt-get install -y curl && rm -rf /x\n";
        let at = src.find(" curl").unwrap();
        let f = fix(
            vec![TextEdit::insert(at, " --no-install-recommends")],
            CommandChanges {
                flags: vec!["--no-install-recommends".into()],
                ..CommandChanges::default()
            },
        );
        assert_eq!(check_fix(src, &f), Ok(()));
        let undeclared = fix(f.edits.clone(), CommandChanges::default());
        assert!(check_fix(src, &undeclared).is_err());
    }

    #[test]
    fn line_endings_and_joins_are_caught() {
        let src = "FROM d\r\nRUN a\r\n";
        let f = fix(
            vec![TextEdit::insert(src.len(), "RUN b\n")],
            CommandChanges {
                added: vec!["b".into()],
                ..CommandChanges::default()
            },
        );
        assert_eq!(
            check_fix(src, &f).unwrap_err(),
            "a CRLF file got 1 bare LF line ending(s)"
        );
        let src = "FROM d\nRUN a\nCOPY x y\n";
        let nl = src.find("\nCOPY").unwrap();
        let f = fix(
            vec![TextEdit::delete(Span::new(nl - 1, nl + 1))],
            CommandChanges {
                removed: vec!["a".into()],
                ..CommandChanges::default()
            },
        );
        assert!(check_fix(src, &f).unwrap_err().starts_with("lines no edit touches were joined or lost"));
    }
}
