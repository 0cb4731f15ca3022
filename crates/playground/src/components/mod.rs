//! The yew function components, one a file, each with its `Properties`
//! (each component costs ~0.4 KB gzip of wasm: markup whose caller already
//! re-renders only when it changes is a plain function in `view/`).
//!
//! Invariant: a component puts user text into the DOM only as text nodes
//! or form values (no `inner_html`, no `Html::from_html_unchecked`); side
//! effects (storage, DOM attributes, performance marks, postMessage) live
//! in components' effects and callbacks, never in a reducer; a list draws
//! at most 500 entries and counts the rest.

pub mod app;
pub mod change_panel;
pub mod editor;
pub mod editor_line;
pub mod findings_list;
pub mod frame;
pub mod gutter_marker;
pub mod instruction_list;
pub mod lesson_view;
pub mod optimize_view;
pub mod pyramid;
pub mod tip_cache;
pub mod tip_copy;
pub mod tip_dev_loop;
pub mod tip_download;
pub mod tip_order;
pub mod widget;
pub mod workshop;
