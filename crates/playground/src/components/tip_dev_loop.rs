//! Tip 1, the dev loop: N code edits, each rebuilding the image, against a
//! bind mount or compose watch; and the generated `compose.yaml`.

use std::rc::Rc;

use layerlab_core::simulate::{simulate, BuildContext, Options};
use layerlab_core::tips::{tip1::compose, Ctx};
use web_sys::HtmlInputElement;
use layerlab_core::tips::Code;
use yew::prelude::*;

use crate::view::num::{F0, F1};

use crate::view::copy_button::copy_button;
use crate::state::Analysis;
use crate::view::tip_frame::{example_of, subject, tip_frame, Frame};

/// Estimated seconds to stop and start the container after a rebuild.
const RESTART_SECONDS: f64 = 2.0;
/// Estimated seconds for a bind mount or watch sync plus a server reload.
const SYNC_SECONDS: f64 = 1.0;

#[derive(Properties, PartialEq)]
pub struct TipDevLoopProps {
    pub analysis: Rc<Analysis>,
}

#[function_component(TipDevLoop)]
pub fn tip_dev_loop(props: &TipDevLoopProps) -> Html {
    let use_example = use_state(|| false);
    let edits = use_state(|| 10u32);
    let (a, shows) = subject(
        &props.analysis,
        &[Code::LL101],
        example_of(Code::LL101),
        *use_example,
    );
    let ctx = BuildContext::default();
    let rebuild = simulate(
        &a.df,
        &a.model,
        &a.scenarios.source_edit,
        &ctx,
        &Options::default(),
    )
    .critical_path_seconds
        + RESTART_SECONDS;
    let (yaml, run) = compose::generate(&Ctx::new(&a.source, &a.df, &a.model, &ctx));
    let n = *edits;
    let (total_rebuild, total_sync) = (rebuild * n as f64, SYNC_SECONDS * n as f64);
    let scale = total_rebuild.max(total_sync).max(1.0);
    let row = |label: &str, per: f64, class: &str| {
        html! {
            <div class="tl-row">
                <span class="tl-label">{label}</span>
                <div class="tl-track" role="img" aria-label={format!("{}: {} edits, {} s in total", label, n, F0(per * n as f64))}>
                    { for (0..n).map(|_| html! { <span class={classes!("tl-block", class.to_string())} style={format!("width: {}%", F1(per / scale * 100.0))}></span> }) }
                </div>
                <span class="tl-total">{format!("{} s", F0(per * n as f64))}</span>
            </div>
        }
    };
    let on_edits = {
        let edits = edits.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            edits.set(v.parse::<u32>().unwrap_or(1).clamp(1, 60));
        })
    };
    let toggle = {
        let u = use_example.clone();
        Callback::from(move |_| u.set(!*u))
    };
    tip_frame(
        Frame {
            tip: 1,
            title: "develop with a bind mount or compose watch",
            shows_problem: shows,
            using_example: *use_example,
            large: crate::view::tip_frame::too_large(&props.analysis).then_some(props.analysis.source.len()),
            on_toggle: toggle,
        },
        html! {
            <>
                <p>{"Each code edit either rebuilds the image and restarts the container, or syncs into the running one."}</p>
                <label class="inline">{"Edits in a session "}
                    <input type="number" min="1" max="60" value={n.to_string()} oninput={on_edits} data-testid="tip-1-edits" />
                </label>
                <div class="timeline" data-testid="tip-1-timeline">
                    { row("Rebuild every time", rebuild, "tl-rebuild") }
                    { row("Bind mount / compose watch", SYNC_SECONDS, "tl-sync") }
                </div>
                <p class="muted">{format!(
                    "Estimated: a rebuild is the simulated source-edit rebuild ({} s) plus about {} s to restart; a sync about {} s.",
                    F0(rebuild - RESTART_SECONDS), F0(RESTART_SECONDS), F0(SYNC_SECONDS))}</p>
                <h4>{"compose.yaml"}</h4>
                <pre class="code-block" tabindex="0" data-testid="compose-yaml">{yaml.clone()}</pre>
                { copy_button(yaml, "Copy compose.yaml", None) }
                <p>{"Or without compose:"}</p>
                <pre class="code-block" tabindex="0">{run}</pre>
            </>
        },
    )
}
