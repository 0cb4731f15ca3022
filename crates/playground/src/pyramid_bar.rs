//! One bar of the layer pyramid. A component of its own so that typing,
//! which changes one step, re-renders one bar: yew skips a bar whose
//! properties are equal.

use yew::prelude::*;

use crate::num::{F0, F1};

#[derive(Properties, PartialEq, Clone)]
pub struct PyramidBarProps {
    /// Index of the step in the model (ids of the description).
    pub sid: usize,
    pub line: u32,
    /// `[i/n] RUN …`, already shortened.
    pub visible: String,
    /// The full description for assistive technology and hover.
    pub label: String,
    pub churn_class: &'static str,
    pub churn_label: &'static str,
    pub seconds: f64,
    /// Geometry: top, bar start, bar width, row width.
    pub y: f64,
    pub x: f64,
    pub w: f64,
    pub row_w: f64,
    pub bar_h: f64,
    pub current: bool,
    pub miss: bool,
    pub first_miss: bool,
    /// `data-cached` while a change is simulated.
    pub cached: Option<&'static str>,
    /// From an imported build log: (CACHED, real seconds known).
    pub log: Option<(bool, bool)>,
    /// Position in the animated chain of misses (0 when not a miss).
    pub miss_order: u32,
    pub on_select: Callback<u32>,
    pub on_focus: Callback<Option<usize>>,
}

#[function_component(PyramidBar)]
pub fn pyramid_bar(p: &PyramidBarProps) -> Html {
    let line = p.line;
    let onclick = {
        let cb = p.on_select.clone();
        Callback::from(move |_| cb.emit(line))
    };
    let onkeydown = {
        let cb = p.on_select.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                cb.emit(line);
            }
        })
    };
    let sid = p.sid;
    let (f1, f2, f3) = (p.on_focus.clone(), p.on_focus.clone(), p.on_focus.clone());
    let style = if p.miss { format!("animation-delay: {}ms", p.miss_order.saturating_sub(1) * 120) } else { String::new() };
    let y = p.y;
    html! {
        <g class={classes!("bar", p.churn_class, p.current.then_some("cur"), p.miss.then_some("miss"),
                p.first_miss.then_some("first-miss"), p.log.is_some_and(|l| l.0).then_some("log-cached"))}
            data-testid="layer" data-cached={p.cached} data-line={line.to_string()} data-seconds={F1(p.seconds).to_string()}
            data-churn={p.churn_label} data-log-cached={p.log.map(|l| l.0.to_string())}
            tabindex="0" role="button" aria-describedby={format!("bar-desc-{sid}")} {style}
            {onclick} {onkeydown}
            onmouseenter={Callback::from(move |_| f1.emit(Some(sid)))}
            onfocus={Callback::from(move |_| f2.emit(Some(sid)))}
            onmouseleave={Callback::from(move |_| f3.emit(None))}>
            <desc id={format!("bar-desc-{sid}")}>{&p.label}</desc>
            <rect class="hit" x="0" y={F1(y).to_string()} width={F0(p.row_w).to_string()} height={F0(p.bar_h).to_string()} />
            <text class="bar-label" x="4" y={F1(y + 15.0).to_string()}>{&p.visible}</text>
            <rect class="fill" x={F1(p.x).to_string()} y={F1(y).to_string()} width={F1(p.w).to_string()} height={F0(p.bar_h).to_string()} rx="3" />
            <text class="secs" x={F0(p.row_w - 2.0).to_string()} y={F1(y + 15.0).to_string()} text-anchor="end">{format!("{} s", F1(p.seconds))}</text>
        </g>
    }
}
