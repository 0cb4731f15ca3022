//! The compact embedded widget (`embed.js`, `embed.html`): editor, pyramid,
//! findings and "optimize", with its own state, so several widgets on one
//! page never share anything.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::editor::Editor as EditorView;
use crate::components::findings_list::FindingsList;
use crate::view::num::F0;
use crate::components::optimize_view::OptimizeView;
use crate::components::pyramid::Pyramid;
use crate::settle::{self, on};
use crate::state::{Analysis, Deep, Editor, EditorAction, WidgetAction, WidgetState};

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
        use_reducer(move || WidgetState {
            editor: Editor::new(source),
            optimize_open: false,
        })
    };
    let to: Callback<WidgetAction> = state.dispatcher().to_callback();
    let ed_to = to.reform(WidgetAction::Editor);
    let ed = &state.editor;
    settle::use_tiers(ed, &ed_to);
    {
        let (text, on_input) = (ed.text().clone(), settle::input(&ed_to));
        use_effect_with(props.source.clone(), move |s| {
            // The first text is the editor's already.
            if **s != *text {
                on_input.emit(s.to_string());
            }
        });
    }
    {
        let (settled, cb) = (ed.settled.clone(), props.on_analysis.clone());
        use_effect_with(ed.deep.clone(), move |deep| {
            if let (Some(d), Some(cb)) = (deep, cb) {
                cb.emit((settled, d.clone()));
            }
        });
    }
    let on_input = settle::input(&ed_to);
    let on_apply = on(&ed_to, EditorAction::Apply);
    let on_cursor = on(&ed_to, EditorAction::SetCursor);
    let on_select = on(&ed_to, EditorAction::SelectLine);
    let on_unsafe = on(&ed_to, EditorAction::SetUnsafeFixes);
    let toggle = to.reform(|_: MouseEvent| WidgetAction::ToggleOptimize);
    let open = state.optimize_open;
    let a = ed.analysis.clone();
    // Build steps only (FROM, RUN, COPY, ADD, WORKDIR), as the pyramid shows them.
    let steps = a.model.steps.iter().filter(|s| s.number.is_some());
    let (count, total) = steps.fold((0, 0.0), |(n, t), s| (n + 1, t + s.seconds));
    html! {
        <div class="widget" data-testid="widget">
            <div class="w-grid">
                <EditorView analysis={a.clone()} text={ed.text().clone()} cursor_line={ed.cursor_line} select_line={ed.select_line} {on_input} {on_cursor} />
                <div>
                    <Pyramid analysis={a.clone()} simulation={None} log={None} cursor_line={ed.cursor_line} on_select={on_select.clone()} />
                    <p class="muted" data-testid="widget-totals">{format!("{count} steps · cold build ≈ {} s · {} findings", F0(total), a.findings.len())}</p>
                </div>
            </div>
            <FindingsList analysis={a} {on_select} />
            <button type="button" class="w-optimize" aria-expanded={open.to_string()} onclick={toggle} data-testid="widget-optimize">{"Optimize"}</button>
            if open {
                <OptimizeView analysis={ed.settled.clone()} deep={ed.deep.clone()} disabled={ed.disabled.clone()} unsafe_fixes={ed.unsafe_fixes}
                    on_toggle={on(&ed_to, EditorAction::ToggleFix)} {on_unsafe} {on_apply} />
            }
        </div>
    }
}
