//! The optimized Dockerfile: diff, per-fix toggles, copy and download.

use std::rc::Rc;

use yew::prelude::*;

use crate::view::num::F0;

use crate::view::copy_button::copy_button;
use crate::view::diff_view::diff_view;
use crate::state::{Analysis, Deep};

#[derive(Properties, PartialEq)]
pub struct OptimizeViewProps {
    pub analysis: Rc<Analysis>,
    pub deep: Option<Rc<Deep>>,
    pub disabled: Vec<String>,
    pub unsafe_fixes: bool,
    pub on_toggle: Callback<String>,
    pub on_unsafe: Callback<bool>,
    pub on_apply: Callback<String>,
}

#[function_component(OptimizeView)]
pub fn optimize_view(props: &OptimizeViewProps) -> Html {
    let Some(deep) = &props.deep else {
        return html! { <p class="muted">{"Optimizing…"}</p> };
    };
    let o = &deep.optimized;
    // Every code that has a fix in the file, plus the ones applied in later rounds.
    let mut codes: Vec<&str> = props
        .analysis
        .findings
        .iter()
        .filter(|f| f.fix.is_some())
        .map(|f| f.code)
        .collect();
    codes.extend(o.applied.iter().map(|f| f.code));
    codes.extend(props.disabled.iter().map(String::as_str));
    layerlab_core::sort::sort_dedup(&mut codes);
    let toggles = codes.iter().map(|&code| {
        let on = !props.disabled.iter().any(|d| d == code);
        let n = o.applied.iter().filter(|f| f.code == code).count();
        let title = o.applied.iter().find(|f| f.code == code).map(|f| f.title.clone())
            .or_else(|| crate::view::rule_page::rule_doc(code).map(|r| r.summary.to_string())).unwrap_or_default();
        let onchange = {
            let (cb, code) = (props.on_toggle.clone(), code.to_string());
            Callback::from(move |_: Event| cb.emit(code.clone()))
        };
        let id = format!("fix-{code}");
        html! {
            <li>
                <input type="checkbox" id={id.clone()} checked={on} {onchange} data-testid="fix-toggle" data-code={code.to_string()} />
                <label for={id}>{ crate::dom::rule_link(code, code.to_string()) }{format!(" {title}")}
                    <span class="muted">{ if n > 0 { format!(" (applied {n}×)") } else if on { " (unsafe or not applicable)".to_string() } else { " (off)".to_string() } }</span></label>
            </li>
        }
    });
    let on_unsafe = {
        let (cb, v) = (props.on_unsafe.clone(), props.unsafe_fixes);
        Callback::from(move |_: Event| cb.emit(!v))
    };
    let download = {
        let t = o.text.clone();
        Callback::from(move |_: MouseEvent| crate::dom::download("Dockerfile", &t))
    };
    let apply = {
        let (cb, t) = (props.on_apply.clone(), o.text.clone());
        Callback::from(move |_: MouseEvent| cb.emit(t.clone()))
    };
    let (b, a) = (o.before, o.after);
    html! {
        <div class="optimize">
            <p data-testid="optimize-times">{format!(
                "Source edit: {} s → {} s · dependency bump: {} s → {} s · base update: {} s → {} s (estimated)",
                F0(b.source_edit), F0(a.source_edit), F0(b.dependency_bump), F0(a.dependency_bump), F0(b.base_update), F0(a.base_update))}</p>
            <ul class="toggles">
                { for toggles }
                <li>
                    <input type="checkbox" id="fix-unsafe" checked={props.unsafe_fixes} onchange={on_unsafe} />
                    <label for="fix-unsafe">{"Include unsafe fixes (they may change what the image does: review them)"}</label>
                </li>
            </ul>
            <div class="buttons">
                { copy_button(o.text.clone(), "Copy the optimized Dockerfile", Some("optimized-copy")) }
                <button type="button" onclick={download} data-testid="optimized-download">{"Download"}</button>
                <button type="button" onclick={apply} data-testid="optimized-apply">{"Replace the editor text"}</button>
            </div>
            <div class="two">
                <div>
                    <h3>{"Diff"}</h3>
                    if o.diff.is_empty() { <p class="muted">{"Nothing to change."}</p> } else { { diff_view(&o.diff, false, "optimized-diff") } }
                </div>
                <div>
                    <h3>{"Optimized Dockerfile"}</h3>
                    <pre class="code-block" tabindex="0" aria-label="The optimized Dockerfile" data-testid="optimized">{o.text.clone()}</pre>
                    { for o.files.iter().map(|f| html! {
                        <><h3>{format!("New file: {}", f.path)}</h3><pre class="code-block" tabindex="0">{f.content.clone()}</pre></>
                    }) }
                </div>
            </div>
        </div>
    }
}
