//! The iframe page (`embed.html#s=<payload>&origins=<list>&theme=<t>`): one
//! widget, plus a postMessage API for the host page.
//!
//! - host → frame: `{ type: "layerlab:set", dockerfile: "<text>" }` sets the
//!   Dockerfile; `{ type: "layerlab:get" }` asks for the analysis again.
//! - frame → host: `{ type: "layerlab:analysis", findings, steps, totals,
//!   optimized }` each time the analysis settles.
//!
//! Messages are only accepted from, and only sent to, the origins listed in
//! `origins` (comma-separated, URI-encoded); anything else, or any message
//! of another shape, is ignored.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::state::{Analysis, Deep};
use crate::components::widget::Widget;
use crate::dom;
use crate::view::share;

/// The largest Dockerfile a host may send (bytes).
const MAX_TEXT: usize = 1 << 20;

/// The fragment's options.
struct Options {
    source: String,
    origins: Vec<String>,
    theme: Option<String>,
}

fn options() -> Options {
    let mut o = Options {
        source: String::new(),
        origins: Vec::new(),
        theme: None,
    };
    for part in dom::hash().split('&') {
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        match k {
            "s" => o.source = share::decode(v).unwrap_or_default(),
            "origins" => {
                o.origins = v
                    .split(',')
                    .filter_map(|e| js_sys::decode_uri_component(e).ok().map(String::from))
                    .filter(|e| e.starts_with("http://") || e.starts_with("https://"))
                    .collect()
            }
            "theme" => o.theme = Some(v.to_string()),
            _ => {}
        }
    }
    o
}

fn set(o: &Object, k: &str, v: impl Into<JsValue>) {
    let _ = Reflect::set(o, &k.into(), &v.into());
}

fn times(t: &layerlab_core::tips::StandardTimes) -> Object {
    let o = Object::new();
    set(&o, "source_edit", t.source_edit);
    set(&o, "dependency_bump", t.dependency_bump);
    set(&o, "base_update", t.base_update);
    o
}

/// The analysis as a JSON-shaped object (numbers stay numbers: no float
/// formatting in the wasm).
fn to_message(a: &Analysis, d: &Deep) -> JsValue {
    let findings: Array = a
        .findings
        .iter()
        .map(|f| {
            let o = Object::new();
            set(&o, "code", f.code);
            set(&o, "tip", f.tip);
            set(&o, "message", f.message.as_str());
            set(&o, "line", f.start.line);
            JsValue::from(o)
        })
        .collect();
    let steps: Array = a
        .model
        .steps
        .iter()
        .filter(|s| s.number.is_some())
        .map(|s| {
            let o = Object::new();
            set(&o, "line", s.line);
            set(&o, "stage", s.stage as u32);
            set(&o, "text", s.text.as_str());
            set(&o, "seconds", s.seconds);
            set(&o, "churn", s.churn.label());
            JsValue::from(o)
        })
        .collect();
    let totals = Object::new();
    set(&totals, "steps", steps.length());
    set(&totals, "findings", a.findings.len() as u32);
    set(
        &totals,
        "build_seconds",
        a.model
            .steps
            .iter()
            .filter(|s| s.number.is_some())
            .map(|s| s.seconds)
            .sum::<f64>(),
    );
    set(&totals, "rebuild", times(&d.optimized.before));
    set(&totals, "optimized_rebuild", times(&d.optimized.after));
    let m = Object::new();
    set(&m, "type", "layerlab:analysis");
    set(&m, "findings", findings);
    set(&m, "steps", steps);
    set(&m, "totals", totals);
    set(&m, "optimized", d.optimized.text.as_str());
    m.into()
}

/// A host message: `Some(Some(text))` to set, `Some(None)` to ask again,
/// None for anything else.
fn read(data: &JsValue) -> Option<Option<String>> {
    if !data.is_object() {
        return None;
    }
    let field = |k: &str| Reflect::get(data, &k.into()).ok();
    match field("type")?.as_string()?.as_str() {
        "layerlab:set" => field("dockerfile")?
            .as_string()
            .filter(|t| t.len() <= MAX_TEXT)
            .map(Some),
        "layerlab:get" => Some(None),
        _ => None,
    }
}

/// Sends `msg` to the parent, once per allowed origin (the browser drops it
/// unless the parent is that origin).
fn post(origins: &[String], msg: &JsValue) {
    let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
        return;
    };
    for o in origins {
        let _ = parent.post_message(msg, o);
    }
}

#[function_component(Frame)]
pub fn frame() -> Html {
    let opts = use_memo((), |_| options());
    let source = use_state(|| AttrValue::from(opts.source.clone()));
    let last = use_mut_ref(|| None::<JsValue>);
    {
        let (opts, source, last) = (opts.clone(), source.clone(), last.clone());
        use_effect_with((), move |_| {
            if let Some(t) = &opts.theme {
                dom::set_root_attr("data-theme", t);
            }
            let current = Rc::new(RefCell::new(opts.source.clone()));
            let on_message =
                Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                    if !opts.origins.iter().any(|o| *o == e.origin()) {
                        return;
                    }
                    match read(&e.data()) {
                        Some(Some(text)) if text != *current.borrow() => {
                            *current.borrow_mut() = text.clone();
                            source.set(text.into());
                        }
                        Some(_) => {
                            if let Some(m) = last.borrow().as_ref() {
                                post(&opts.origins, m);
                            }
                        }
                        None => {}
                    }
                });
            if let Some(w) = web_sys::window() {
                let _ = w.add_event_listener_with_callback(
                    "message",
                    on_message.as_ref().unchecked_ref(),
                );
            }
            on_message.forget();
        });
    }
    let on_analysis = {
        let (origins, last) = (opts.clone(), last.clone());
        Callback::from(move |(a, d): (Rc<Analysis>, Rc<Deep>)| {
            let m = to_message(&a, &d);
            post(&origins.origins, &m);
            *last.borrow_mut() = Some(m);
        })
    };
    html! {
        <main class="frame" aria-label="Layerlab">
            <Widget source={(*source).clone()} {on_analysis} />
        </main>
    }
}
