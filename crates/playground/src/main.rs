//! The Layerlab playground: a yew (csr) app over `layerlab-core`.
//!
//! One wasm serves three pages: `main` renders the full app when the page's
//! `<body>` carries `data-layerlab-app` (index.html), the iframe widget when
//! it carries `data-layerlab-frame` (embed.html), and nothing otherwise:
//! `embed.js` then calls [`mount`] for each widget on a host page.
//!
//! Shape (yew's function_todomvc): `state/` holds one small state and one
//! pure reducer per page component, each around the shared `Editor` state;
//! `components/` holds the yew function components, one a file, each with
//! its `Properties`; `view/` holds plain view functions and the codecs and
//! formatters they use (share links, highlighting, markdown, seconds). At
//! the root: `settle` (the tiers' hook and the editor callbacks), `dom`
//! (storage, clipboard, download, performance marks), the compiled-in
//! `examples` and `lesson_files`, and the generated `generated_rules` and
//! `generated_checks` (the rule reference).
//! User text only ever reaches the DOM as text nodes or form values, never
//! as HTML.

/// talc instead of dlmalloc: 3.1 KB gzip less (see Cargo.toml).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod components;
mod dom;
mod examples;
mod generated_checks;
mod generated_rules;
mod lesson_files;
mod settle;
mod state;
mod view;

use wasm_bindgen::prelude::wasm_bindgen;

/// Every style of the app and the widgets: one copy, in the wasm, added to
/// the page's `<head>` or to each widget's shadow root.
const STYLES: &str = include_str!(concat!(env!("OUT_DIR"), "/styles.min.css"));

/// Adds the styles as a `<style>` child of `parent`.
fn add_styles(parent: &web_sys::Node) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(style) = doc.create_element("style") {
            style.set_text_content(Some(STYLES));
            let _ = parent.append_child(&style);
        }
    }
}

fn main() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Some(head), Some(body)) = (doc.head(), doc.body()) else {
        return;
    };
    if body.has_attribute("data-layerlab-app") {
        add_styles(&head);
        yew::Renderer::<components::app::App>::new().render();
    } else if body.has_attribute("data-layerlab-frame") {
        add_styles(&head);
        // Rule links leave the iframe for the playground next to it.
        dom::set_rules_base("./");
        yew::Renderer::<components::frame::Frame>::new().render();
    }
}

/// Renders a widget holding `source` into `root`, an element inside an open
/// shadow root; the styles go into that shadow root (called by `embed.js`).
/// `playground` is the playground's URL (where embed.js was loaded from):
/// rule links point there, not at the host page.
#[wasm_bindgen]
pub fn mount(root: web_sys::Element, source: String, playground: String) {
    dom::set_rules_base(&playground);
    if let Some(parent) = root.parent_node() {
        add_styles(&parent);
    }
    yew::Renderer::<components::widget::Widget>::with_root_and_props(
        root,
        components::widget::WidgetProps {
            source: source.into(),
            on_analysis: None,
        },
    )
    .render();
}
