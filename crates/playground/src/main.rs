//! The Layerlab playground: a yew (csr) app over `layerlab-core`.
//!
//! One wasm serves three pages: `main` renders the full app when the page's
//! `<body>` carries `data-layerlab-app` (index.html), the iframe widget when
//! it carries `data-layerlab-frame` (embed.html), and nothing otherwise:
//! `embed.js` then calls [`mount`] for each widget on a host page.
//!
//! Shape: one reducer (`state.rs`), one component per file, each with a
//! `Properties` struct. Helper modules hold no component: `examples`
//! (compiled-in Dockerfiles), `share` (the share-link codec), `highlight`
//! (the editor's token colouring), `dom` (storage, clipboard, download),
//! and the view functions `tip_frame`, `diff_view`, `toolbar` and `rule_page`.
//! User text only ever reaches the DOM as text nodes or form values, never
//! as HTML.

/// talc instead of dlmalloc: 3.1 KB gzip less (see Cargo.toml).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod app;
mod change_panel;
mod copy_button;
mod diff_view;
mod dom;
mod editor;
mod editor_line;
mod examples;
mod findings_list;
mod frame;
mod generated_rules;
mod gutter_marker;
mod highlight;
mod instruction_list;
mod lesson_files;
mod lesson_view;
mod log_import;
mod markdown;
mod num;
mod optimize_view;
mod pyramid;
mod rule_page;
mod settle;
mod share;
mod state;
mod tip_cache;
mod tip_copy;
mod tip_dev_loop;
mod tip_download;
mod tip_frame;
mod tip_order;
mod toolbar;
mod widget;
mod workshop;

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
        yew::Renderer::<app::App>::new().render();
    } else if body.has_attribute("data-layerlab-frame") {
        add_styles(&head);
        // Rule links leave the iframe for the playground next to it.
        dom::set_rules_base("./");
        yew::Renderer::<frame::Frame>::new().render();
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
    yew::Renderer::<widget::Widget>::with_root_and_props(
        root,
        widget::WidgetProps {
            source: source.into(),
            on_analysis: None,
        },
    )
    .render();
}
