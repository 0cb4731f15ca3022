//! One diagnostic marker in the editor's gutter, with its popover (shown on
//! hover or focus): the message, the tip, and a link to the rule's page. A
//! component with value props, so an edit re-renders only the markers it
//! changed (a large file has hundreds).

use std::rc::Rc;

use yew::prelude::*;

/// A finding or syntax error for the gutter (`code` is empty for syntax).
#[derive(PartialEq)]
pub struct Marker {
    pub line: u32,
    pub code: &'static str,
    pub tip: u8,
    pub title: String,
    pub message: String,
    /// BuildKit's page, for a Docker build check (drawn in its own colour).
    pub url: Option<&'static str>,
}

#[derive(Properties, PartialEq)]
pub struct GutterMarkerProps {
    /// Position among the markers (the popover's id).
    pub index: usize,
    pub marker: Rc<Marker>,
}

#[function_component(GutterMarker)]
pub fn gutter_marker(props: &GutterMarkerProps) -> Html {
    let m = &props.marker;
    let id = format!("diag-{}", props.index);
    let style = format!("top: calc({} * 1.5em + 0.5rem)", m.line.saturating_sub(1));
    let syntax = m.code.is_empty();
    let check = m.url.is_some();
    let label = if syntax {
        format!("Syntax error on line {}", m.line)
    } else {
        format!("{} on line {}: {}", m.code, m.line, m.title)
    };
    let testid = match (syntax, check) {
        (true, _) => "syntax-error",
        (_, true) => "build-check-marker",
        _ => "diagnostic",
    };
    html! {
        <span class={classes!("mk", syntax.then_some("mk-err"), check.then_some("mk-bc"))} {style} data-testid={testid}
            data-tip={m.tip.to_string()} data-code={m.code} data-line={m.line.to_string()}>
            <button type="button" class="mk-btn" aria-label={label} aria-describedby={id.clone()}>
                { if syntax { "✖" } else if check { "▲" } else { "●" } }
            </button>
            <span class="pop" role="tooltip" {id}>
                <strong>{ if syntax { "Syntax".to_string() } else if check { format!("{} · Docker build check", m.code) } else { format!("{} · tip {}", m.code, m.tip) } }</strong>
                <span class="pop-msg">{m.message.clone()}</span>
                if !syntax {
                    <span class="pop-tip">{m.title.clone()}</span>
                    if let Some(url) = m.url {
                        { crate::dom::rule_link(m.code, format!("Read {}", m.code)) }{" · "}
                        <a href={url} target="_blank" rel="noopener noreferrer">{"docs.docker.com"}</a>
                    } else {
                        { crate::dom::rule_link(m.code, format!("Read rule {}", m.code)) }
                    }
                }
            </span>
        </span>
    }
}
