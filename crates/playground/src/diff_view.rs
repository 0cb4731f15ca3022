//! A unified diff, each line coloured by its kind (as text, never HTML).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DiffViewProps {
    pub diff: String,
    /// Show only the added and removed lines.
    #[prop_or_default]
    pub only_changes: bool,
    #[prop_or_default]
    pub testid: Option<AttrValue>,
}

/// Whether a diff line is an added or removed line (not a file header).
pub fn is_change(l: &str) -> bool {
    (l.starts_with('+') || l.starts_with('-')) && !l.starts_with("+++") && !l.starts_with("---")
}

#[function_component(DiffView)]
pub fn diff_view(props: &DiffViewProps) -> Html {
    let lines = props
        .diff
        .lines()
        .filter(|l| !props.only_changes || is_change(l))
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
    html! { <pre class="code-block diff" tabindex="0" aria-label="Diff" data-testid={props.testid.clone()}>{ for lines }</pre> }
}
