//! The Layerlab playground: a yew (csr) app over `layerlab-core`.
//!
//! Shape: one reducer (`state.rs`), one component per file, each with a
//! `Properties` struct. User text only ever reaches the DOM as text nodes or
//! form values, never as HTML.

mod app;
mod editor;
mod examples;
mod instruction_list;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
