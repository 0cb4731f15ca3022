//! Tip 4, download less: toggle `--no-install-recommends`, dropping dev
//! dependencies and cleaning package caches, and see the estimated effect.

use std::rc::Rc;

use layerlab_core::simulate::{simulate, BuildContext, Options};
use layerlab_core::tips::Code;
use yew::prelude::*;

use crate::view::num::F0;

use crate::view::diff_view::{diff_view, is_change};
use crate::state::Analysis;
use crate::view::tip_frame::{optimize_with, subject, tip_frame, Frame};

const EXAMPLE: &str = "FROM node:20-slim\nRUN apt-get update && apt-get install -y curl\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"server.js\"]\n";

/// (label, rule codes) of each toggle.
const TOGGLES: [(&str, &[Code]); 3] = [
    ("--no-install-recommends", &[Code::LL401, Code::LL407]),
    ("No dev dependencies", &[Code::LL404]),
    ("Clean package caches", &[Code::LL402, Code::LL406]),
];

#[derive(Properties, PartialEq)]
pub struct TipDownloadProps {
    pub analysis: Rc<Analysis>,
    pub on_apply: Callback<String>,
}

/// (cold build seconds, dependency-bump seconds) of `text`, estimated.
fn estimate(a: &Analysis, text: &str) -> (f64, f64) {
    let df = layerlab_core::parse(text);
    let m = layerlab_core::model::build(&df, text);
    let ctx = BuildContext::default();
    let cold = simulate(
        &df,
        &m,
        &[],
        &ctx,
        &Options {
            cold: true,
            ..Default::default()
        },
    )
    .critical_path_seconds;
    let bump = simulate(
        &df,
        &m,
        &a.scenarios.dependency_bump,
        &ctx,
        &Options::default(),
    )
    .critical_path_seconds;
    (cold, bump)
}

#[function_component(TipDownload)]
pub fn tip_download(props: &TipDownloadProps) -> Html {
    let use_example = use_state(|| false);
    let on = use_state(|| [false; 3]);
    let (a, shows) = subject(
        &props.analysis,
        &[Code::LL401, Code::LL402, Code::LL404, Code::LL406, Code::LL407],
        EXAMPLE,
        *use_example,
    );
    let enabled: Vec<Code> = TOGGLES
        .iter()
        .zip(on.iter())
        .filter(|(_, on)| **on)
        .flat_map(|((_, codes), _)| codes.iter().copied())
        .collect();
    let variant = optimize_with(&a.source, &enabled, true);
    let (before, after) = (estimate(&a, &a.source), estimate(&a, &variant.text));
    let changed = variant.diff.lines().any(is_change);
    let boxes = TOGGLES.iter().enumerate().map(|(k, (label, codes))| {
        let relevant = a.findings.iter().any(|f| codes.iter().any(|c| f.code == *c));
        let onchange = {
            let on = on.clone();
            Callback::from(move |_: Event| {
                let mut v = *on;
                v[k] = !v[k];
                on.set(v);
            })
        };
        let id = format!("tip4-{k}");
        html! {
            <li>
                <input type="checkbox" id={id.clone()} checked={on[k]} {onchange} data-testid={format!("tip-4-toggle-{k}")} />
                <label for={id}>{*label}{ if relevant { "" } else { " (nothing to change here)" } }</label>
            </li>
        }
    });
    let toggle = {
        let u = use_example.clone();
        Callback::from(move |_| u.set(!*u))
    };
    let apply = {
        let (cb, t) = (props.on_apply.clone(), variant.text.clone());
        Callback::from(move |_: MouseEvent| cb.emit(t.clone()))
    };
    tip_frame(
        Frame {
            tip: 4,
            title: "download less",
            shows_problem: shows,
            using_example: *use_example,
            large: crate::view::tip_frame::too_large(&props.analysis).then_some(props.analysis.source.len()),
            on_toggle: toggle,
        },
        html! {
            <>
                <ul class="toggles">{ for boxes }</ul>
                <p data-testid="tip-4-effect">{format!(
                    "Estimated first build: {} s → {} s; after a dependency bump: {} s → {} s.",
                    F0(before.0), F0(after.0), F0(before.1), F0(after.1))}</p>
                <p class="muted">{"These are estimates from Layerlab's cost table (for example apt installs count 1.5× without --no-install-recommends), not measurements. Image size is not estimated: the page knows no package sizes offline."}</p>
                if !changed {
                    <p class="muted">{"No line changes with these toggles."}</p>
                } else {
                    { diff_view(&variant.diff, true, "tip-4-diff") }
                    if !*use_example { <button type="button" onclick={apply}>{"Apply to the editor"}</button> }
                }
            </>
        },
    )
}
