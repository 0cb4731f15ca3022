//! Helpers shared by the rules: finding words in the source, stage facts.
//!
//! Invariant: the helpers keep the rules linear on a step's operations
//! ([`find_op`] keeps its cursor in the rule's `Ctx`, no recount from the
//! start), and [`append_command`] is, with `script::delete_command`, the
//! only way a fix edits shell text: its edit is checked by
//! `edit::invariants::run_keeps_commands` before it is offered.

use crate::model::{Action, BuildModel, Manager, PackageOp, Step, StepKind};
use crate::syntax::{Command, Instruction, MountType, Span};

/// Finds `words` in order inside `span` of `src`, separated by blanks or
/// line continuations (`\` + newline). Returns the span from the start of
/// the first word to the end of the last.
pub fn find_words(src: &str, span: Span, words: &[&str]) -> Option<Span> {
    find_words_nth(src, span, words, 0)
}

/// The `n`-th (0-based) occurrence of `words`, as [`find_words`].
pub fn find_words_nth(src: &str, span: Span, words: &[&str], n: usize) -> Option<Span> {
    let mut seen = 0;
    let mut from_span = span;
    while let Some(found) = find_words_once(src, from_span, words) {
        if seen == n {
            return Some(found);
        }
        seen += 1;
        from_span = Span {
            start: found.end,
            end: span.end,
        };
    }
    None
}

/// Where a package operation of `step` is written in `ins`: its words up to
/// the subcommand (`apt-get install`, `python -m pip install`), counting
/// earlier operations with the same words so each maps to its own place.
///
/// Rules call it for every operation of a step, in order: the occurrences
/// of the words in the instruction and the ranks of the operations that
/// share them are found once and kept in `cx.ops_seen` (recounting from the
/// start for each made a RUN of 8,000 installs quadratic).
pub fn find_op(
    cx: &super::Ctx,
    ins: &Instruction,
    step: &Step,
    op: &PackageOp,
    through: &str,
) -> Option<Span> {
    let words: Vec<&str> = op.command.split_whitespace().collect();
    let end = words
        .iter()
        .position(|w| *w == through)
        .map(|i| i + 1)
        .unwrap_or(1.min(words.len()));
    let prefix: Vec<&str> = words[..end].to_vec();
    let key = (ins.span.start, prefix.join(" "));
    let mut seen = cx.ops_seen.borrow_mut();
    if seen.key != key || !std::ptr::eq(seen.step, step) {
        let mut at = Vec::new();
        // After the flags: `--mount=…,target=/root/.cache/yarn` is no command.
        let mut from = Span { start: run_command_span(ins).start, end: ins.span.end };
        while let Some(found) = find_words_once(cx.src, from, &prefix) {
            at.push(found);
            from = Span { start: found.end, end: ins.span.end };
        }
        let ranks = step
            .packages
            .iter()
            .enumerate()
            .filter(|(_, o)| o.command.split_whitespace().take(end).eq(prefix.iter().copied()))
            .map(|(i, _)| i)
            .collect();
        *seen = OpCursor { key, step, at, ranks };
    }
    // The n-th occurrence is the n-th operation only when the text holds
    // as many as the model read: a quoted one the shell does not run
    // (`echo 'apt-get install …'`, an unclosed quote in a heredoc) would
    // shift every later one onto the wrong words, and a fix there would
    // never satisfy its rule (a fuzz input: `--no-install-recommends`
    // added 31 times to a quoted `apt-get install`). No position, no fix.
    if seen.at.len() != seen.ranks.len() {
        return None;
    }
    // The operation's index in `step.packages`, from its address.
    let size = std::mem::size_of::<PackageOp>().max(1);
    let index = (op as *const PackageOp as usize).checked_sub(step.packages.as_ptr() as usize)? / size;
    let n = seen.ranks.binary_search(&index).ok()?;
    seen.at.get(n).copied()
}

/// What [`find_op`] found last: for one instruction and word sequence, where
/// the words occur, and which operations of the step carry them.
pub struct OpCursor {
    key: (u32, String),
    step: *const Step,
    at: Vec<Span>,
    ranks: Vec<usize>,
}

impl Default for OpCursor {
    fn default() -> Self {
        OpCursor {
            key: (u32::MAX, String::new()),
            step: std::ptr::null(),
            at: Vec::new(),
            ranks: Vec::new(),
        }
    }
}

fn find_words_once(src: &str, span: Span, words: &[&str]) -> Option<Span> {
    let text = span.text(src);
    let base = span.start as usize;
    let first = *words.first()?;
    let mut from = 0;
    while let Some(pos) = text[from..].find(first) {
        let start = from + pos;
        from = start + first.len();
        let boundary_before = start == 0
            || text[..start].ends_with(|c: char| {
                c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | '/' | '"' | '\'')
            });
        // A command called by its path (`/usr/bin/apt-get`) only where a
        // command starts: `ln -s /opt/yarn/bin/yarn …` names no command.
        if !boundary_before || (text[..start].ends_with('/') && !command_position(text, start)) {
            continue;
        }
        let mut end = start + first.len();
        let mut ok = true;
        for w in &words[1..] {
            let rest = &text[end..];
            let skipped = skip_blanks(rest);
            if skipped == 0 || !rest[skipped..].starts_with(w) {
                ok = false;
                break;
            }
            end += skipped + w.len();
        }
        let boundary_after = text[end..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || matches!(c, ';' | '&' | '|' | ')' | '"' | '\''));
        if ok && boundary_after {
            return Some(Span::new(base + start, base + end));
        }
    }
    None
}

/// Whether the shell word holding byte `at` of `text` starts a command:
/// it is the first word (of the text or after the RUN keyword), or follows
/// `;`, `&`, `|`, `(` or a line break (blanks and line continuations
/// between), or a variable assignment, `sudo` or a RUN flag before it does.
fn command_position(text: &str, at: usize) -> bool {
    let word_start = text[..at]
        .rfind(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | '"' | '\''))
        .map_or(0, |i| i + 1);
    let word = &text[word_start..at];
    if word.starts_with('-') || word.contains('=') {
        return false; // a flag's or an assignment's value
    }
    command_position_after(text, word_start)
}

/// Whether a command may start at byte `word_start` of `text` (see
/// [`command_position`]).
fn command_position_after(text: &str, word_start: usize) -> bool {
    let b = text.as_bytes();
    let mut i = word_start;
    loop {
        while i > 0 && matches!(b[i - 1], b' ' | b'\t') {
            i -= 1;
        }
        if i > 0 && b[i - 1] == b'\n' {
            let mut j = i - 1;
            if j > 0 && b[j - 1] == b'\r' {
                j -= 1;
            }
            if j > 0 && b[j - 1] == b'\\' {
                i = j - 1; // a line continuation: the command goes on
                continue;
            }
            return true; // a line break (a heredoc's script) ends a command
        }
        break;
    }
    let before = &text[..i];
    if before.is_empty() || before.ends_with([';', '&', '|', '(']) {
        return true;
    }
    let prev_start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let prev = &before[prev_start..];
    if prev.eq_ignore_ascii_case("RUN") {
        return before[..prev_start].trim().is_empty(); // the instruction's keyword
    }
    (prev == "sudo" || prev.contains('=') || prev.starts_with("--"))
        && command_position_after(before, prev_start)
}

/// Bytes of blanks and line continuations at the start of `s`.
fn skip_blanks(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' => i += 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'\\' if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') => i += 3,
            _ => break,
        }
    }
    i
}

/// The span of the command text of a RUN (after its flags), to the end of
/// the instruction's first line group (heredoc bodies excluded).
pub fn run_command_span(ins: &Instruction) -> Span {
    let start = ins
        .flags
        .last()
        .map(|f| f.span.end)
        .unwrap_or(ins.keyword_span.end);
    let end = ins
        .heredocs
        .first()
        .map(|h| h.body_span.start)
        .unwrap_or(ins.span.end);
    Span {
        start,
        end: end.max(start),
    }
}

/// The edit that appends `cmd` to the shell-form RUN `ins` as `&& cmd`:
/// on a continuation line of its own when `own_line` (in the file's escape
/// character and line ending), else on the same line. A trailing `# comment`
/// stays last. `None` when the command text does not end in a command (it
/// ends in `;`, `&`, `|`, an open quote, or has a heredoc), where `&&`
/// would not parse or would land inside the quote.
pub fn append_command(cx: &super::Ctx, ins: &Instruction, cmd: &str, own_line: bool) -> Option<crate::edit::TextEdit> {
    use super::script::{pieces, Piece};
    if !ins.heredocs.is_empty() {
        return None;
    }
    let span = run_command_span(ins);
    let ps = pieces(cx.src, span, cx.df.escape);
    let last = ps.iter().rposition(|p| !matches!(p, Piece::Comment(_)))?;
    let ends_command = match ps[last] {
        Piece::Word(_) => true,
        Piece::Op(s) => s.text(cx.src) == ")",
        Piece::Comment(_) | Piece::Unclosed(_) => false,
    };
    if !ends_command {
        return None;
    }
    let end = ps[last].span().end as usize;
    if let Some(Piece::Comment(c)) = ps.get(last + 1) {
        if !cx.src[end..c.start as usize].contains('\n') {
            // `… curl # note` → `… curl && cmd # note`
            let edit = crate::edit::TextEdit::insert(c.start as usize, format!("&& {cmd} "));
            return checked(cx, ins, edit, &crate::edit::CommandChanges::adds(cmd));
        }
    }
    let text = if own_line {
        format!(
            "{}{}&& {cmd}",
            crate::edit::continuation(cx.src, cx.df.escape),
            continuation_indent(cx.src, ins)
        )
    } else {
        format!(" && {cmd}")
    };
    checked(cx, ins, crate::edit::TextEdit::insert(end, text), &crate::edit::CommandChanges::adds(cmd))
}

/// `edit` if the fix contract's own reader agrees it changes the RUN's
/// commands only as `declared` ([`crate::edit::invariants::run_keeps_commands`]).
pub fn checked(
    cx: &super::Ctx,
    ins: &Instruction,
    edit: crate::edit::TextEdit,
    declared: &crate::edit::CommandChanges,
) -> Option<crate::edit::TextEdit> {
    crate::edit::invariants::run_keeps_commands(cx.src, cx.df.escape, ins, std::slice::from_ref(&edit), declared)
        .then_some(edit)
}

/// Where a new flag goes: right after the keyword (`RUN |--mount…`).
pub fn flag_insert_point(ins: &Instruction) -> usize {
    ins.keyword_span.end as usize
}

/// The layer steps of `stage` with their instructions.
pub fn layer_steps<'a>(
    model: &'a BuildModel,
    df: &'a crate::Dockerfile,
    stage: usize,
) -> impl Iterator<Item = (&'a Step, &'a Instruction)> {
    model
        .stage_steps(stage)
        .filter(|s| s.kind == StepKind::Layer)
        .map(move |s| (s, &df.instructions[s.instruction]))
}

/// Cache-mount targets of a RUN.
pub fn cache_targets(ins: &Instruction) -> Vec<String> {
    match &ins.command {
        Command::Run { mounts, .. } => mounts
            .iter()
            .filter(|m| m.kind == MountType::Cache)
            .filter_map(|m| m.target.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether a cache mount covers `manager`'s cache.
pub fn has_cache_mount_for(ins: &Instruction, manager: Manager) -> bool {
    let targets = cache_targets(ins);
    manager
        .cache_targets()
        .iter()
        .any(|t| targets.iter().any(|c| crate::model::paths_overlap(c, t)))
}

/// Installs (not updates, builds) in a step.
pub fn installs(step: &Step) -> impl Iterator<Item = &PackageOp> {
    step.packages.iter().filter(|o| o.action == Action::Install)
}

/// The text of the whole RUN script (command plus heredoc bodies).
pub fn run_script(ins: &Instruction) -> String {
    match &ins.command {
        Command::Run { command, .. } => {
            let mut s = command.args.join(" ");
            for h in &ins.heredocs {
                s.push('\n');
                s.push_str(&h.content);
            }
            s
        }
        _ => String::new(),
    }
}

/// Indentation to use for a continuation line inside `ins`.
pub fn continuation_indent(src: &str, ins: &Instruction) -> String {
    let text = ins.span.text(src);
    if let Some(second) = text.split('\n').nth(1) {
        let ws: String = second
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        if !ws.is_empty() {
            return ws;
        }
    }
    "    ".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_words_across_continuations() {
        let src = "RUN apt-get update && apt-get \\\n    install -y curl";
        let s = find_words(src, Span::new(0, src.len()), &["apt-get", "install"]).unwrap();
        assert_eq!(s.text(src), "apt-get \\\n    install");
        assert!(find_words(src, Span::new(0, src.len()), &["apt-get", "remove"]).is_none());
        let src = "RUN xapt-get install";
        assert!(find_words(src, Span::new(0, src.len()), &["apt-get", "install"]).is_none());
    }

    #[test]
    fn a_command_by_its_path_only_where_a_command_starts() {
        let at = |src: &str, w: &str| find_words(src, Span::new(0, src.len()), &[w]).map(|s| s.start);
        for (src, want) in [
            ("RUN /usr/bin/dnf install -y x", Some(13)),
            ("RUN --mount=type=cache,target=/var/cache/dnf /usr/bin/dnf install", Some(54)),
            ("RUN set -e && /usr/bin/dnf install", Some(23)),
            ("RUN A=1 sudo /usr/bin/dnf install", Some(22)),
            ("RUN true; \\\n  /usr/bin/dnf install", Some(23)),
            ("RUN ln -s /opt/bin/yarn /usr/bin/yarn && yarn add x", Some(41)),
            ("RUN ln -s /opt/bin/yarn /usr/bin/yarn", None),
            ("RUN echo /usr/bin/dnf", None),
        ] {
            let w = if src.contains("yarn") { "yarn" } else { "dnf" };
            assert_eq!(at(src, w), want, "{src}");
        }
    }
}
