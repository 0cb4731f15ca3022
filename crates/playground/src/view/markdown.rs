//! A tiny Markdown renderer for lesson text (not a component): paragraphs,
//! `-`/`*`/`1.` lists, `code` and **bold**. It builds yew nodes, so every
//! character reaches the DOM as a text node, never as HTML.

use yew::prelude::*;

/// Inline Markdown: `code` and **bold**; everything else is text.
pub fn inline(text: &str) -> Html {
    let mut out: Vec<Html> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let code = rest.find('`');
        let bold = rest.find("**");
        let (at, delim) = match (code, bold) {
            (Some(c), Some(b)) if b < c => (b, "**"),
            (Some(c), _) => (c, "`"),
            (None, Some(b)) => (b, "**"),
            (None, None) => break,
        };
        let after = &rest[at + delim.len()..];
        let Some(end) = after.find(delim) else { break };
        out.push(html! { {rest[..at].to_string()} });
        let inner = after[..end].to_string();
        out.push(if delim == "`" {
            html! { <code>{inner}</code> }
        } else {
            html! { <strong>{inner}</strong> }
        });
        rest = &after[end + delim.len()..];
    }
    out.push(html! { {rest.to_string()} });
    out.into_iter().collect()
}

/// A list item's text, when `line` starts one.
fn item(line: &str) -> Option<&str> {
    let l = line.trim_start();
    if let Some(t) = l.strip_prefix("- ").or_else(|| l.strip_prefix("* ")) {
        return Some(t);
    }
    let digits = l.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0)
        .then(|| l[digits..].strip_prefix(". "))
        .flatten()
}

/// Block Markdown: blank lines separate paragraphs; list items become lists.
pub fn render(text: &str) -> Html {
    let mut blocks: Vec<Html> = Vec::new();
    for block in text.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        let lines: Vec<&str> = block.lines().collect();
        if item(lines[0]).is_some() {
            // Lines that start no item continue the previous one.
            let mut texts: Vec<String> = Vec::new();
            for l in &lines {
                match (item(l), texts.last_mut()) {
                    (None, Some(t)) => {
                        t.push(' ');
                        t.push_str(l.trim());
                    }
                    (i, _) => texts.push(i.unwrap_or(l).to_string()),
                }
            }
            let ordered = lines[0]
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit());
            let items = texts.iter().map(|t| html! { <li>{inline(t)}</li> });
            blocks.push(if ordered {
                html! { <ol>{for items}</ol> }
            } else {
                html! { <ul>{for items}</ul> }
            });
        } else {
            blocks.push(html! { <p>{inline(&lines.join(" "))}</p> });
        }
    }
    blocks.into_iter().collect()
}
