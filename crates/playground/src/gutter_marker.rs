//! One diagnostic marker in the editor's gutter, with its popover (shown on
//! hover and on keyboard focus). A component of its own so that unchanged
//! markers are skipped when the text changes elsewhere.

use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct GutterMarkerProps {
    /// Position among the markers (element ids).
    pub index: usize,
    pub line: u32,
    /// Rule code; empty for a syntax error.
    pub code: &'static str,
    pub tip: u8,
    /// The rule's one-line summary.
    pub title: String,
    pub message: String,
}

#[function_component(GutterMarker)]
pub fn gutter_marker(m: &GutterMarkerProps) -> Html {
    let id = format!("diag-{}", m.index);
    let style = format!("top: calc({} * 1.5em + 0.5rem)", m.line.saturating_sub(1));
    let syntax = m.code.is_empty();
    let label = if syntax { format!("Syntax error on line {}", m.line) } else { format!("{} on line {}: {}", m.code, m.line, m.title) };
    let testid = if syntax { "syntax-error" } else { "diagnostic" };
    html! {
        <span class={classes!("mk", syntax.then_some("mk-err"))} {style} data-testid={testid}
            data-tip={m.tip.to_string()} data-code={m.code} data-line={m.line.to_string()}>
            <button type="button" class="mk-btn" aria-label={label} aria-describedby={id.clone()}>
                { if syntax { "✖" } else { "●" } }
            </button>
            <span class="pop" role="tooltip" {id}>
                <strong>{ if syntax { "Syntax".to_string() } else { format!("{} · tip {}", m.code, m.tip) } }</strong>
                <span class="pop-msg">{&m.message}</span>
                { if syntax { html!{} } else { html! {
                    <>
                        <span class="pop-tip">{&m.title}</span>
                        <a href={format!("#/rules/{}", m.code)}>{format!("Read rule {}", m.code)}</a>
                    </>
                } } }
            </span>
        </span>
    }
}
