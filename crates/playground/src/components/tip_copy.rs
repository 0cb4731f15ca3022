//! Tip 3, selective COPY: which files each COPY brings in, which later steps
//! an edit to them invalidates, and the one-click split of a broad COPY.

use std::rc::Rc;

use layerlab_core::fix::apply_edits;
use layerlab_core::model::{is_tree, Source, StepKind};
use layerlab_core::simulate::{simulate, BuildContext, Change, Options, Status};
use layerlab_core::tips::Code;
use yew::prelude::*;

use crate::view::num::F0;

use crate::state::Analysis;
use crate::view::tip_frame::{example_of, subject, tip_frame, Frame};

#[derive(Properties, PartialEq)]
pub struct TipCopyProps {
    pub analysis: Rc<Analysis>,
    pub on_apply: Callback<String>,
}

#[function_component(TipCopy)]
pub fn tip_copy(props: &TipCopyProps) -> Html {
    let use_example = use_state(|| false);
    let split_example = use_state(|| None::<String>);
    let (mut a, shows) = subject(
        &props.analysis,
        &[Code::LL301],
        example_of(Code::LL301),
        *use_example,
    );
    if *use_example {
        if let Some(t) = &*split_example {
            a = Rc::new(Analysis::new(0, t.as_str().into()));
        }
    }
    let source_edit_path = a.scenarios.source_edit.iter().find_map(|c| match c {
        Change::Edit { path } => Some(path.clone()),
        _ => None,
    });
    let copies = a
        .model
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == StepKind::Layer)
        .filter_map(|(sid, step)| {
            let paths: Vec<&String> = step
                .inputs
                .sources
                .iter()
                .filter_map(|s| {
                    if let Source::Context { path } = s {
                        Some(path)
                    } else {
                        None
                    }
                })
                .collect();
            if paths.is_empty() {
                return None;
            }
            let brings: Vec<String> = paths
                .iter()
                .map(|p| {
                    if is_tree(p) {
                        let dir = p.trim_end_matches('/').trim_start_matches("./");
                        if dir.is_empty() || dir == "." {
                            "the whole build context: every file".to_string()
                        } else {
                            format!("everything under {dir}/")
                        }
                    } else {
                        (*p).clone()
                    }
                })
                .collect();
            // An edit to one file this COPY selects.
            let probe = paths
                .iter()
                .map(|p| {
                    if is_tree(p) {
                        let dir = p
                            .trim_end_matches('/')
                            .trim_start_matches("./")
                            .trim_start_matches('.');
                        match &source_edit_path {
                            Some(s) if dir.is_empty() || s.starts_with(dir) => s.clone(),
                            _ => format!("{}/main.txt", dir.trim_end_matches('/')),
                        }
                    } else {
                        p.trim_start_matches("./").to_string()
                    }
                })
                .next()
                .unwrap_or_default();
            let sim = simulate(
                &a.df,
                &a.model,
                &[Change::Edit {
                    path: probe.clone(),
                }],
                &BuildContext::default(),
                &Options::default(),
            );
            let later: Vec<String> = sim
                .steps
                .iter()
                .filter(|o| o.status == Status::Rebuilt && o.step != sid)
                .map(|o| o.text.clone())
                .collect();
            let ins = &a.df.instructions[step.instruction];
            let split = a
                .findings
                .iter()
                .find(|f| {
                    f.code == Code::LL301
                        && f.span.start >= ins.span.start
                        && f.span.start < ins.span.end.max(ins.span.start + 1)
                })
                .and_then(|f| f.fix.clone());
            Some((
                step.line,
                step.text.clone(),
                brings,
                probe,
                later,
                sim.critical_path_seconds,
                split,
            ))
        })
        .collect::<Vec<_>>();
    let toggle = {
        let (u, s) = (use_example.clone(), split_example.clone());
        Callback::from(move |_| {
            s.set(None);
            u.set(!*u)
        })
    };
    tip_frame(
        Frame {
            tip: 3,
            title: "copy only what each step needs",
            shows_problem: shows,
            using_example: *use_example,
            large: crate::view::tip_frame::too_large(&props.analysis).then_some(props.analysis.source.len()),
            on_toggle: toggle,
        },
        html! {
            <>
                if copies.is_empty() { <p class="muted">{"No COPY or ADD from the build context."}</p> }
                <ul class="copies">
                    { for copies.into_iter().map(|(line, text, brings, probe, later, secs, split)| {
                        let onclick = split.map(|fix| {
                            let (src, cb, ex, setter) = (a.source.to_string(), props.on_apply.clone(), *use_example, split_example.clone());
                            Callback::from(move |_: MouseEvent| {
                                let (fixed, _) = apply_edits(&src, &fix.edits);
                                if ex { setter.set(Some(fixed)) } else { cb.emit(fixed) }
                            })
                        });
                        html! {
                            <li data-testid="copy-item">
                                <code>{format!("line {line}: {text}")}</code>
                                <p>{"Brings in: "}{brings.join(", ")}</p>
                                <p>{format!("Editing {} rebuilds {} later step{} ({} s, estimated)", probe, later.len(), if later.len() == 1 { "" } else { "s" }, F0(secs))}
                                    if !later.is_empty() { {": "}{later.join(" · ")} }</p>
                                if let Some(onclick) = onclick {
                                    <button type="button" {onclick} data-testid="tip-3-split">{"Split: copy the manifests first"}</button>
                                }
                            </li>
                        }
                    }) }
                </ul>
            </>
        },
    )
}
