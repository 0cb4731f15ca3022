//! A flat outline of a Dockerfile: one entry per instruction.
//!
//! This is the façade the playground's instruction list and `layerlab parse`'s
//! text output use. It is a minimal line splitter (continuations and comments
//! only) until the BuildKit-faithful parser replaces its insides.

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

/// Splits `src` into instructions. Never fails; unknown keywords are kept.
pub fn outline(src: &str) -> Vec<OutlineItem> {
    let mut out = Vec::new();
    let mut current: Option<(u32, String)> = None;
    for (i, raw) in src.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('#') || (line.is_empty() && current.is_none()) {
            continue;
        }
        let (body, continues) = match line.strip_suffix('\\') {
            Some(b) => (b.trim_end(), true),
            None => (line, false),
        };
        match current.as_mut() {
            Some((_, acc)) => {
                if !body.is_empty() {
                    if !acc.is_empty() {
                        acc.push(' ');
                    }
                    acc.push_str(body);
                }
            }
            None => current = Some((i as u32 + 1, body.to_string())),
        }
        if !continues {
            if let Some((line, acc)) = current.take() {
                push(&mut out, line, &acc);
            }
        }
    }
    if let Some((line, acc)) = current.take() {
        push(&mut out, line, &acc);
    }
    out
}

fn push(out: &mut Vec<OutlineItem>, line: u32, acc: &str) {
    let acc = acc.trim();
    if acc.is_empty() {
        return;
    }
    let (kw, rest) = acc.split_once(char::is_whitespace).unwrap_or((acc, ""));
    out.push(OutlineItem { line, keyword: kw.to_ascii_uppercase(), text: rest.trim().to_string() });
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
