//! The Layerlab playground: a yew (csr) app over `layerlab-core`.
//!
//! Shape: one reducer (`state.rs`), one component per file, each with a
//! `Properties` struct. Four helper modules hold no component: `examples`
//! (compiled-in Dockerfiles), `share` (the share-link codec), `highlight`
//! (the editor's token colouring) and `dom` (storage, clipboard, download).
//! User text only ever reaches the DOM as text nodes or form values, never
//! as HTML.

mod app;
mod change_panel;
mod copy_button;
mod diff_view;
mod dom;
mod editor;
mod editor_line;
mod examples;
mod findings_list;
mod generated_rules;
mod gutter_marker;
mod highlight;
mod instruction_list;
mod log_import;
mod num;
mod optimize_view;
mod pyramid;
mod pyramid_bar;
mod rule_page;
mod share;
mod state;
mod tip_cache;
mod tip_copy;
mod tip_dev_loop;
mod tip_download;
mod tip_frame;
mod tip_order;
mod toolbar;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
