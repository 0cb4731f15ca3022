//! A unified diff, each line coloured by its kind (as text, never HTML).

use yew::prelude::*;

/// Whether a diff line is an added or removed line (not a file header).
pub fn is_change(l: &str) -> bool {
    (l.starts_with('+') || l.starts_with('-')) && !l.starts_with("+++") && !l.starts_with("---")
}

/// The diff as a `<pre>`; with `only_changes`, only the added and removed
/// lines. A view helper, not a component: its callers re-render only when
/// their diff changes.
pub fn diff_view(diff: &str, only_changes: bool, testid: &'static str) -> Html {
    let lines = diff
        .lines()
        .filter(|l| !only_changes || is_change(l))
        .map(|l| {
            let class = if !is_change(l) {
                if l.starts_with("@@") {
                    "hunk"
                } else {
                    "ctx"
                }
            } else if l.starts_with('+') {
                "add"
            } else {
                "del"
            };
            html! { <span class={class}>{l.to_string()}{"\n"}</span> }
        });
    html! { <pre class="code-block diff" tabindex="0" aria-label="Diff" data-testid={testid}>{ for lines }</pre> }
}
