//! Tip 5, cache mounts: a dependency bump with and without a cache mount,
//! the time of each, and the rewritten RUN.

use std::rc::Rc;

use layerlab_core::simulate::BuildContext;
use layerlab_core::tips::{times, times_of};
use layerlab_core::tips::Code;
use yew::prelude::*;

use crate::view::num::{F0, F1};

use crate::view::diff_view::{diff_view, is_change};
use crate::state::Analysis;
use crate::view::tip_frame::{example_of, optimize_with, subject, tip_frame, Frame};

#[derive(Properties, PartialEq)]
pub struct TipCacheProps {
    pub analysis: Rc<Analysis>,
    pub on_apply: Callback<String>,
}

#[function_component(TipCache)]
pub fn tip_cache(props: &TipCacheProps) -> Html {
    let use_example = use_state(|| false);
    let (a, shows) = subject(
        &props.analysis,
        &[Code::LL502, Code::LL503],
        example_of(Code::LL502),
        *use_example,
    );
    let mounted = optimize_with(&a.source, &[Code::LL501, Code::LL502, Code::LL503], false);
    // The dependency bump of the file's own scenarios, before and after.
    let ctx = BuildContext::default();
    let without = times_of(&a.df, &a.model, &ctx, &a.scenarios).dependency_bump;
    let with = times(&mounted.text, &ctx, &a.scenarios).dependency_bump;
    let changed = mounted.diff.lines().any(is_change);
    let toggle = {
        let u = use_example.clone();
        Callback::from(move |_| u.set(!*u))
    };
    let apply = {
        let (cb, t) = (props.on_apply.clone(), mounted.text.clone());
        Callback::from(move |_: MouseEvent| cb.emit(t.clone()))
    };
    let scale = without.max(with).max(1.0);
    let bar = |label: &str, secs: f64, class: &str| {
        html! {
            <div class="tl-row">
                <span class="tl-label">{label}</span>
                <div class="tl-track" role="img" aria-label={format!("{}: {} s", label, F0(secs))}>
                    <span class={classes!("tl-block", class.to_string())} style={format!("width: {}%", F1(secs / scale * 100.0))}></span>
                </div>
                <span class="tl-total">{format!("{} s", F0(secs))}</span>
            </div>
        }
    };
    tip_frame(
        Frame {
            tip: 5,
            title: "keep downloads in a cache mount",
            shows_problem: shows,
            using_example: *use_example,
            large: crate::view::tip_frame::too_large(&props.analysis).then_some(props.analysis.source.len()),
            on_toggle: toggle,
        },
        html! {
            <>
                <p>{"A dependency bump misses the install step either way; with a cache mount it downloads only what changed."}</p>
                <div class="timeline" data-testid="tip-5-times">
                    { bar("Without a cache mount", without, "tl-rebuild") }
                    { bar("With a cache mount", with, "tl-sync") }
                </div>
                <p class="muted">{"Estimated: a warm cache mount leaves about a quarter of an install's time (Layerlab's cost table)."}</p>
                if !changed {
                    <p class="muted">{"Every install already uses a cache mount."}</p>
                } else {
                    <h4>{"The rewritten RUN"}</h4>
                    { diff_view(&mounted.diff, true, "tip-5-run") }
                    if !*use_example { <button type="button" onclick={apply}>{"Apply to the editor"}</button> }
                }
            </>
        },
    )
}
