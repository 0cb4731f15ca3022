//! Tip 2, pyramid order: reorder the steps of the final stage by dragging or
//! by keyboard and watch the rebuild cost change. Moves that could change
//! what a step sees are refused, with the reason
//! (`layerlab_core::fix::reorder`).

use std::rc::Rc;

use layerlab_core::fix::{swap, swap_blocker};
use layerlab_core::simulate::BuildContext;
use layerlab_core::tips::{times, Scenarios};
use layerlab_core::tips::Code;
use yew::prelude::*;

use crate::view::num::F0;

use crate::state::Analysis;
use crate::view::tip_frame::{example_of, subject, tip_frame, Frame};

#[derive(Properties, PartialEq)]
pub struct TipOrderProps {
    pub analysis: Rc<Analysis>,
    /// Puts a reordered text into the editor.
    pub on_apply: Callback<String>,
}

/// Instructions of the last stage, FROM excluded.
fn movable(text: &str) -> Vec<(usize, String, u32)> {
    let df = layerlab_core::parse(text);
    let Some(st) = df.stages.last() else {
        return Vec::new();
    };
    st.instructions
        .iter()
        .filter(|&&i| i != st.from)
        .map(|&i| {
            let ins = &df.instructions[i];
            let line = text[ins.span.range()]
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            (i, line, ins.start.line)
        })
        .collect()
}

/// Moves the item at position `from` of the last stage's list to `to`, one
/// safe swap at a time; the whole move is refused at the first unsafe swap.
fn move_item(text: &str, from: usize, to: usize) -> Result<String, String> {
    let mut text = text.to_string();
    let mut pos = from;
    while pos != to {
        let df = layerlab_core::parse(&text);
        let model = layerlab_core::model::build(&df, &text);
        let list: Vec<usize> = df
            .stages
            .last()
            .map(|s| {
                s.instructions
                    .iter()
                    .copied()
                    .filter(|&i| i != s.from)
                    .collect()
            })
            .unwrap_or_default();
        let (upper, lower, next) = if to < pos {
            (list[pos - 1], list[pos], pos - 1)
        } else {
            (list[pos], list[pos + 1], pos + 1)
        };
        if let Some(why) = swap_blocker(&df, &model, upper, lower) {
            let (u, l) = (&df.instructions[upper], &df.instructions[lower]);
            return Err(format!(
                "Refused: line {} ({}) and line {} ({}) cannot swap: {why}.",
                u.start.line, u.keyword, l.start.line, l.keyword
            ));
        }
        text = swap(&text, &df, upper, lower);
        pos = next;
    }
    Ok(text)
}

fn cost(text: &str, sc: &Scenarios) -> (f64, f64) {
    let t = times(text, &BuildContext::default(), sc);
    (t.source_edit, t.dependency_bump)
}

/// The build arg of the first LL201 finding on an ARG (a volatile arg
/// declared above slow steps), if any.
fn volatile_arg(a: &Analysis) -> Option<String> {
    a.findings.iter().filter(|f| f.code == Code::LL201).find_map(|f| {
        a.df.instructions.iter().find(|i| i.span == f.span).and_then(|i| match &i.command {
            layerlab_core::Command::Arg { args } => args.first().map(|d| d.name.clone()),
            _ => None,
        })
    })
}

/// Rebuild seconds (critical path) after a new value of build arg `name`.
fn arg_cost(text: &str, name: &str) -> f64 {
    use layerlab_core::simulate::{simulate, Change, Options};
    let df = layerlab_core::parse(text);
    let model = layerlab_core::model::build(&df, text);
    let change = [Change::Arg { name: name.to_string(), value: "new".into() }];
    simulate(&df, &model, &change, &BuildContext::default(), &Options::default()).critical_path_seconds
}

#[function_component(TipOrder)]
pub fn tip_order(props: &TipOrderProps) -> Html {
    let use_example = use_state(|| false);
    let edited = use_state(|| None::<(u64, bool, String)>);
    let message = use_state(String::new);
    // The item being dragged: a ref, not state, so the drop handler reads
    // it whatever render it was created in (and dragging re-renders nothing).
    let dragging = use_mut_ref(|| None::<usize>);
    let (a, shows) = subject(
        &props.analysis,
        &[Code::LL201],
        example_of(Code::LL201),
        *use_example,
    );
    // The reordered text, while it belongs to the current subject.
    let text: String = match &*edited {
        Some((v, ex, t)) if *v == a.version && *ex == *use_example => t.clone(),
        _ => a.source.to_string(),
    };
    let items = movable(&text);
    let (before, after) = (cost(&a.source, &a.scenarios), cost(&text, &a.scenarios));
    // The ARG case: what a new value of the volatile arg rebuilds.
    let arg = volatile_arg(&a).map(|n| {
        let (b, t) = (arg_cost(&a.source, &n), arg_cost(&text, &n));
        format!(" After a new {n}: {} s (was {} s): move the ARG down to just above its first use.", F0(t), F0(b))
    });
    let do_move = {
        let (edited, message, text, version, ex) = (
            edited.clone(),
            message.clone(),
            text.clone(),
            a.version,
            *use_example,
        );
        Callback::from(
            move |(from, to): (usize, usize)| match move_item(&text, from, to) {
                Ok(t) => {
                    message.set(format!("Moved {}.", if to < from { "up" } else { "down" }));
                    edited.set(Some((version, ex, t)));
                }
                Err(e) => message.set(e),
            },
        )
    };
    let n = items.len();
    let rows = items.iter().enumerate().map(|(k, (_, line, lineno))| {
        let up = {
            let m = do_move.clone();
            Callback::from(move |_: MouseEvent| m.emit((k, k.saturating_sub(1))))
        };
        let down = {
            let m = do_move.clone();
            Callback::from(move |_: MouseEvent| m.emit((k, (k + 1).min(n - 1))))
        };
        let onkeydown = {
            let m = do_move.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.alt_key() && e.key() == "ArrowUp" && k > 0 {
                    e.prevent_default();
                    m.emit((k, k - 1));
                } else if e.alt_key() && e.key() == "ArrowDown" && k + 1 < n {
                    e.prevent_default();
                    m.emit((k, k + 1));
                }
            })
        };
        let ondragstart = {
            let (d, line) = (dragging.clone(), line.clone());
            Callback::from(move |e: DragEvent| {
                *d.borrow_mut() = Some(k);
                // Firefox starts a drag only when it carries data.
                if let Some(dt) = e.data_transfer() {
                    let _ = dt.set_data("text/plain", &line);
                    dt.set_effect_allowed("move");
                }
            })
        };
        let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
        let ondrop = {
            let (d, m) = (dragging.clone(), do_move.clone());
            Callback::from(move |e: DragEvent| {
                e.prevent_default();
                if let Some(from) = d.borrow_mut().take() {
                    if from != k {
                        m.emit((from, k));
                    }
                }
            })
        };
        html! {
            <li draggable="true" tabindex="0" data-testid="order-item" aria-label={format!("{line}. Alt+Up or Alt+Down moves it.")}
                {onkeydown} {ondragstart} {ondragover} {ondrop}>
                <span class="grip" aria-hidden="true">{"⠿"}</span>
                <code>{line.clone()}</code>
                <span class="muted">{format!(" line {lineno}")}</span>
                <span class="moves">
                    <button type="button" onclick={up} disabled={k == 0} aria-label={format!("Move line {lineno} up")} data-testid="order-up">{"↑"}</button>
                    <button type="button" onclick={down} disabled={k + 1 == n} aria-label={format!("Move line {lineno} down")} data-testid="order-down">{"↓"}</button>
                </span>
            </li>
        }
    });
    let toggle = {
        let (u, m) = (use_example.clone(), message.clone());
        Callback::from(move |_| {
            m.set(String::new());
            u.set(!*u)
        })
    };
    let apply = {
        let (cb, text) = (props.on_apply.clone(), text.clone());
        Callback::from(move |_: MouseEvent| cb.emit(text.clone()))
    };
    let reset = {
        let (edited, message) = (edited.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            edited.set(None);
            message.set(String::new());
        })
    };
    tip_frame(
        Frame {
            tip: 2,
            title: "order steps as an inverted pyramid",
            shows_problem: shows,
            using_example: *use_example,
            large: crate::view::tip_frame::too_large(&props.analysis).then_some(props.analysis.source.len()),
            on_toggle: toggle,
        },
        html! {
            <>
                <p>{"Drag a step, or focus it and press Alt+Up / Alt+Down. Slow, stable steps belong on top."}</p>
                <ol class="order" aria-label="Steps of the final stage">{ for rows }</ol>
                <p class="message" aria-live="polite" data-testid="order-message">{(*message).clone()}</p>
                <p data-testid="order-cost">{format!(
                    "Rebuild after a source edit: {} s (was {} s); after a dependency bump: {} s (was {} s). Estimated.",
                    F0(after.0), F0(before.0), F0(after.1), F0(before.1))}
                    { for arg.map(|t| html! { <span data-testid="order-arg-cost">{t}</span> }) }</p>
                <button type="button" onclick={reset}>{"Reset order"}</button>
                {" "}
                if !*use_example { <button type="button" onclick={apply}>{"Use this order in the editor"}</button> }
            </>
        },
    )
}
