//! The compact embedded widget (`embed.js`, `embed.html`): editor, pyramid,
//! findings and "optimize", with its own state, so several widgets on one
//! page never share anything.

use std::rc::Rc;

use yew::prelude::*;

use crate::editor::Editor;
use crate::findings_list::FindingsList;
use crate::num::F0;
use crate::optimize_view::OptimizeView;
use crate::pyramid::Pyramid;
use crate::settle::dispatch;
use crate::state::{Action, Analysis, Deep, Route, State, Theme};

#[derive(Properties, PartialEq)]
pub struct WidgetProps {
    /// The Dockerfile; a new value replaces the editor text.
    pub source: AttrValue,
    /// Called with the settled analysis and its optimizer result each time
    /// the deep tier settles.
    #[prop_or_default]
    pub on_analysis: Option<Callback<(Rc<Analysis>, Rc<Deep>)>>,
}

#[function_component(Widget)]
pub fn widget(props: &WidgetProps) -> Html {
    let state = {
        let source = props.source.to_string();
        use_reducer(move || State::new(source, Theme::System, Route::Main))
    };
    let open = use_state(|| false);
    crate::settle::use_tiers(&state);
    {
        let state = state.clone();
        use_effect_with(props.source.clone(), move |s| {
            state.dispatch(Action::SetSource(s.to_string()))
        });
    }
    {
        let (settled, cb) = (state.settled.clone(), props.on_analysis.clone());
        use_effect_with(state.deep.clone(), move |deep| {
            if let (Some(d), Some(cb)) = (deep, cb) {
                cb.emit((settled, d.clone()));
            }
        });
    }
    let on_input = dispatch(&state, Action::SetSource);
    let on_apply = dispatch(&state, Action::Apply);
    let on_cursor = dispatch(&state, Action::SetCursor);
    let on_select = dispatch(&state, Action::SelectLine);
    let on_unsafe = dispatch(&state, Action::SetUnsafeFixes);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let a = state.analysis.clone();
    // Build steps only (FROM, RUN, COPY, ADD, WORKDIR), as the pyramid shows them.
    let steps = a.model.steps.iter().filter(|s| s.number.is_some());
    let (count, total) = steps.fold((0, 0.0), |(n, t), s| (n + 1, t + s.seconds));
    html! {
        <div class="widget" data-testid="widget">
            <div class="w-grid">
                <Editor analysis={a.clone()} text={state.text().clone()} cursor_line={state.cursor_line} select_line={state.select_line} {on_input} {on_cursor} />
                <div>
                    <Pyramid analysis={a.clone()} simulation={None} log={None} cursor_line={state.cursor_line} on_select={on_select.clone()} />
                    <p class="muted" data-testid="widget-totals">{format!("{count} steps · cold build ≈ {} s · {} findings", F0(total), a.findings.len())}</p>
                </div>
            </div>
            <FindingsList analysis={a} {on_select} />
            <button type="button" class="w-optimize" aria-expanded={open.to_string()} onclick={toggle} data-testid="widget-optimize">{"Optimize"}</button>
            if *open {
                <OptimizeView analysis={state.settled.clone()} deep={state.deep.clone()} disabled={state.disabled.clone()} unsafe_fixes={state.unsafe_fixes}
                    on_toggle={dispatch(&state, Action::ToggleFix)} {on_unsafe} {on_apply} />
            }
        </div>
    }
}
