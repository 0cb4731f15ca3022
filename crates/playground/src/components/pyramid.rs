//! The layer pyramid: one SVG bar per build step, in Dockerfile order and
//! grouped by stage. Width is the step's seconds (estimated, or real from an
//! imported log), colour its churn class. A good Dockerfile reads as an
//! inverted pyramid: wide and stable on top, narrow and volatile below.

use std::rc::Rc;

use layerlab_core::model::{cost::Churn, StepKind};
use layerlab_core::simulate::Status;
use yew::prelude::*;

use crate::view::num::{F0, F1};

use crate::state::{Analysis, LogImport, Sim};

const W: f64 = 640.0;
const LABEL_W: f64 = 300.0;
const BAR_H: f64 = 22.0;
const GAP: f64 = 5.0;
const HEAD_H: f64 = 24.0;
/// The most bars drawn (500 bars are 13,500 px, taller than any screen); a
/// larger file's other steps are counted, not drawn. With 1,500 bars and
/// 2,000 listed instructions a 10,000-stage paste's longest task was 590 ms;
/// with 500 of each, 285 ms (`cargo xtask bench-web --large`).
pub const MAX_BARS: usize = 500;

/// Room for the seconds at the right end.
const SECS_W: f64 = 58.0;

#[derive(Properties, PartialEq)]
pub struct PyramidProps {
    pub analysis: Rc<Analysis>,
    pub simulation: Option<Rc<Sim>>,
    pub log: Option<Rc<LogImport>>,
    pub cursor_line: u32,
    /// Called with the line of a clicked bar.
    pub on_select: Callback<u32>,
}

/// CSS class of a churn class.
pub fn churn_class(c: Churn) -> &'static str {
    match c {
        Churn::BaseImage => "c-base",
        Churn::SystemPackages => "c-sys",
        Churn::Dependencies => "c-deps",
        Churn::Configuration => "c-conf",
        Churn::SourceCode => "c-src",
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// What one bar shows, computed by the pyramid; equal data, no re-render.
#[derive(PartialEq)]
pub struct BarData {
    sid: usize,
    line: u32,
    classes: String,
    cached: Option<&'static str>,
    secs: String,
    churn: &'static str,
    log_cached: Option<bool>,
    style: String,
    label: String,
    visible: String,
    y: String,
    text_y: String,
    x: String,
    w: String,
}

#[derive(Properties, PartialEq)]
pub struct BarProps {
    pub bar: BarData,
    pub on_select: Callback<u32>,
    pub on_focus: Callback<Option<usize>>,
}

/// One bar: its own component so that a keystroke re-renders only the bars
/// it changed (a 500-line file has hundreds).
#[function_component(Bar)]
pub fn bar(props: &BarProps) -> Html {
    let b = &props.bar;
    let (line, sid) = (b.line, b.sid);
    let onclick = props.on_select.reform(move |_: MouseEvent| line);
    let onkeydown = {
        let cb = props.on_select.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                cb.emit(line);
            }
        })
    };
    let onmouseenter = props.on_focus.reform(move |_: MouseEvent| Some(sid));
    let onfocus = props.on_focus.reform(move |_: FocusEvent| Some(sid));
    let onmouseleave = props.on_focus.reform(|_: MouseEvent| None);
    html! {
        <g class={b.classes.clone()}
            data-testid="layer" data-cached={b.cached} data-line={line.to_string()} data-seconds={b.secs.clone()}
            data-churn={b.churn} data-log-cached={b.log_cached.map(|c| c.to_string())}
            tabindex="0" role="button" aria-describedby={format!("bar-desc-{sid}")} style={b.style.clone()}
            {onclick} {onkeydown} {onmouseenter} {onfocus} {onmouseleave}>
            <desc id={format!("bar-desc-{sid}")}>{b.label.clone()}</desc>
            <rect class="hit" x="0" y={b.y.clone()} width={F0(W).to_string()} height={F0(BAR_H).to_string()} />
            <text class="bar-label" x="4" y={b.text_y.clone()}>{b.visible.clone()}</text>
            <rect class="fill" x={b.x.clone()} y={b.y.clone()} width={b.w.clone()} height={F0(BAR_H).to_string()} rx="3" />
            <text class="secs" x={F0(W - 2.0).to_string()} y={b.text_y.clone()} text-anchor="end">{format!("{} s", b.secs)}</text>
        </g>
    }
}

#[function_component(Pyramid)]
pub fn pyramid(props: &PyramidProps) -> Html {
    let focus = use_state(|| None::<usize>);
    // Stable, like `on_select`: a bar whose data did not change is skipped.
    let on_focus = {
        let set = focus.setter();
        use_callback((), move |sid: Option<usize>, _| set.set(sid))
    };
    let a = &props.analysis;
    let current = a.instruction_at(props.cursor_line);
    let logged = |instr: usize| {
        props
            .log
            .as_ref()
            .and_then(|l| l.steps.iter().find(|s| s.0 == instr).copied())
    };
    let seconds = |sid: usize| {
        let step = &a.model.steps[sid];
        logged(step.instruction)
            .and_then(|l| l.2)
            .unwrap_or(step.seconds)
    };
    let shown: Vec<usize> = (0..a.model.steps.len())
        .filter(|&i| a.model.steps[i].kind != StepKind::Metadata)
        .collect();
    let max = shown.iter().map(|&i| seconds(i)).fold(1.0_f64, f64::max);
    // Step → its outcome in the simulation, looked up per bar.
    let mut outcomes = vec![None; a.model.steps.len()];
    for o in props.simulation.iter().flat_map(|s| s.steps.iter()) {
        if let Some(slot) = outcomes.get_mut(o.step) {
            *slot = Some(o);
        }
    }
    let outcome = |sid: usize| outcomes.get(sid).copied().flatten().cloned();
    let first_miss = props.simulation.as_ref().and_then(|s| {
        s.steps
            .iter()
            .find(|o| o.status == Status::Rebuilt)
            .map(|o| o.step)
    });

    let mut y = 4.0;
    let mut rows = Vec::new();
    let mut miss_order = 0;
    // At most MAX_BARS bars: thousands of SVG rows froze the page for
    // seconds on a 10,000-stage file (issue 11); the rest is counted.
    let mut drawn = 0usize;
    let total_steps = a.model.steps.iter().filter(|s| s.kind != StepKind::Metadata).count();
    'stages: for st in &a.model.stages {
        let steps: Vec<usize> = st
            .steps
            .iter()
            .copied()
            .filter(|&i| {
                a.model
                    .steps
                    .get(i)
                    .is_some_and(|s| s.kind != StepKind::Metadata)
            })
            .collect();
        if steps.is_empty() {
            continue;
        }
        let title = match (&st.name, &st.image) {
            (Some(n), Some(img)) => format!("Stage {}: {} ({})", st.index + 1, n, img),
            (Some(n), None) => format!("Stage {}: {}", st.index + 1, n),
            (None, Some(img)) => format!("Stage {}: {}", st.index + 1, img),
            (None, None) => format!("Stage {}", st.index + 1),
        };
        rows.push(html! { <text class="stage-title" x="0" y={F1(y + 16.0).to_string()}>{truncate(&title, 80)}</text> });
        y += HEAD_H;
        for sid in steps {
            if drawn == MAX_BARS {
                break 'stages;
            }
            drawn += 1;
            let step = &a.model.steps[sid];
            let secs = seconds(sid);
            let area = W - LABEL_W - SECS_W - 10.0;
            let w = (secs / max * area).max(4.0);
            let x = LABEL_W + 5.0 + (area - w) / 2.0;
            let out = outcome(sid);
            let cached = out.as_ref().map(|o| match o.status {
                Status::Cached => "true",
                Status::Rebuilt => "false",
                Status::Skipped => "skipped",
            });
            let miss = out.as_ref().is_some_and(|o| o.status == Status::Rebuilt);
            let style = if miss {
                miss_order += 1;
                format!("animation-delay: {}ms", (miss_order - 1) * 120)
            } else {
                String::new()
            };
            let log = logged(step.instruction);
            let is_current = current == Some(step.instruction);
            let num = step
                .number
                .map(|(i, n)| format!("[{i}/{n}] "))
                .unwrap_or_default();
            let visible = truncate(&format!("{num}{}", step.text), 44);
            let label = format!(
                "{num}{} (line {}), {} s {}, {}{}",
                step.text,
                step.line,
                F1(secs),
                if log.and_then(|l| l.2).is_some() {
                    "measured"
                } else {
                    "estimated"
                },
                step.churn.label(),
                out.as_ref()
                    .map(|o| format!(
                        ", {}: {}",
                        if o.cached { "cached" } else { "rebuilt" },
                        o.reason
                    ))
                    .unwrap_or_default()
            );
            let classes = classes!(
                "bar",
                churn_class(step.churn),
                is_current.then_some("cur"),
                miss.then_some("miss"),
                (first_miss == Some(sid)).then_some("first-miss"),
                log.is_some_and(|l| l.1).then_some("log-cached")
            );
            let bar = BarData {
                sid,
                line: step.line,
                classes: classes.to_string(),
                cached,
                secs: F1(secs).to_string(),
                churn: step.churn.label(),
                log_cached: log.map(|l| l.1),
                style,
                label,
                visible,
                y: F1(y).to_string(),
                text_y: F1(y + 15.0).to_string(),
                x: F1(x).to_string(),
                w: F1(w).to_string(),
            };
            rows.push(html! { <Bar {bar} on_select={props.on_select.clone()} on_focus={on_focus.clone()} /> });
            y += BAR_H + GAP;
        }
    }
    if drawn < total_steps {
        rows.push(html! { <text class="stage-title" x="0" y={F1(y + 16.0).to_string()} data-testid="pyramid-more">{format!("… and {} more steps (the first {MAX_BARS} are drawn)", total_steps - drawn)}</text> });
        y += HEAD_H;
    }
    let height = y + 4.0;
    let details = focus.and_then(|sid| a.model.steps.get(sid).map(|s| (sid, s))).map(|(sid, s)| {
        let out = outcome(sid);
        html! {
            <p class="bar-details" aria-live="polite">
                <strong>{format!("Line {}: ", s.line)}</strong>{s.text.clone()}<br />
                {format!("{} s ({}) · changes with: {} · rebuilt with: {}", F1(seconds(sid)), if logged(s.instruction).and_then(|l| l.2).is_some() { "from the build log" } else { "estimated" }, s.churn.label(), s.rebuild_churn.label())}
                { for out.map(|o| html! { <><br />{format!("{}: {}", if o.cached { "Cached" } else { "Rebuilt" }, o.reason)}</> }) }
            </p>
        }
    });
    html! {
        <div class="pyramid-box">
            <ul class="legend" aria-label="Colour legend: how often a step's inputs change">
                { for Churn::ALL.iter().map(|c| html! {
                    <li><span class={classes!("swatch", churn_class(*c))} aria-hidden="true"></span>{c.label()}</li>
                }) }
            </ul>
            if shown.is_empty() {
                <p class="muted">{"No build steps yet: start with a FROM line."}</p>
            }
            <svg data-testid="pyramid" class="pyramid" viewBox={format!("0 0 {} {}", F0(W), F0(height))} width="100%"
                role="group" aria-label="Layer pyramid: one bar per build step, width is seconds">
                { for rows }
            </svg>
            { details.unwrap_or_else(|| html! { <p class="bar-details muted">{"Hover or focus a bar for details; click it to select its line."}</p> }) }
        </div>
    }
}
