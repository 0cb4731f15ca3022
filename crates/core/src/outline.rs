//! A flat outline of a Dockerfile: one entry per instruction.
//!
//! This is the façade the playground's instruction list and `layerlab parse`'s
//! text output use. It sits on the BuildKit-faithful parser in
//! [`crate::syntax`].
//!
//! Invariant: one entry per instruction of the parse that has a keyword, in
//! source order, malformed ones included.

use serde::Serialize;

/// One instruction as the outline shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutlineItem {
    /// 1-based line of the keyword.
    pub line: u32,
    /// The keyword, upper-cased (`FROM`, `RUN`, …).
    pub keyword: String,
    /// The arguments after the keyword, continuations joined by a space.
    pub text: String,
}

/// One entry per instruction, from the real parser ([`crate::parse`]).
/// Never fails; unknown and malformed instructions are kept.
pub fn outline(src: &str) -> Vec<OutlineItem> {
    outline_of(src, &crate::syntax::parse(src))
}

/// The outline of `src` from its parse `df` (no second parse).
pub fn outline_of(src: &str, df: &crate::syntax::Dockerfile) -> Vec<OutlineItem> {
    df.instructions
        .iter()
        .filter(|i| !i.keyword.is_empty())
        .map(|i| {
            // The text after the keyword (flags included), continuations and
            // comment lines removed, blanks collapsed for display.
            let after = &src[i.keyword_span.end as usize..i.span.end as usize];
            let first_heredoc = i.heredocs.first().map(|h| h.body_span.start as usize);
            let after = match first_heredoc {
                Some(b) => &src[i.keyword_span.end as usize..b.max(i.keyword_span.end as usize)],
                None => after,
            };
            let mut text = String::new();
            let mut lines = after.lines();
            let mut first = true;
            while let Some(l) = lines.next() {
                let l = l.trim();
                if !first && (l.starts_with('#') || l.is_empty()) {
                    continue;
                }
                first = false;
                let l = l.strip_suffix(df.escape).unwrap_or(l);
                for w in l.split_whitespace() {
                    if !text.is_empty() {
                        text.push(' ');
                    }
                    text.push_str(w);
                }
            }
            OutlineItem {
                line: i.start.line,
                keyword: i.keyword.clone(),
                text,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_three_instructions_with_continuation() {
        let items = outline("# c\nFROM python:3.12\nRUN a && \\\n  b\ncopy . /app\n");
        let kws: Vec<_> = items.iter().map(|i| i.keyword.as_str()).collect();
        assert_eq!(kws, ["FROM", "RUN", "COPY"]);
        assert_eq!(items[1].text, "a && b");
        assert_eq!(items[2].line, 5);
    }
}
