//! Layerlab's pure core: text in, values out.
//!
//! The pipeline runs one way: **parse (`syntax`) → model → simulate → tips
//! (the rules, which ask the simulator) → fix (the optimizer, which runs the
//! rules)**, with `edit` (the fix types the rules build) and `glob` below
//! the model. `tests/layering.rs` fails on any `crate::` path that points up
//! this order.
//! This crate does no IO and depends on no web crate; the playground (wasm),
//! the CLI and the tests all call it.
//!
//! Invariant: the core does no IO (no `std::fs`, `std::net`,
//! `std::process`, clocks or environment reads, even in its unit tests: the
//! rule tests read the rule files through `include_str!`) and depends on no
//! web crate (no yew, web-sys, js-sys or wasm-bindgen); no `crate::` path
//! points up the pipeline (`tests/layering.rs`). Each module states its own
//! invariants in its `//!` comment.

pub mod buildlog;
pub mod checks;
pub mod edit;
pub mod fix;
pub mod glob;
pub mod lessons;
pub mod model;
pub mod num;
pub mod outline;
pub mod simulate;
pub mod sort;
pub mod syntax;
pub mod tips;

pub use outline::{outline, OutlineItem};
pub use syntax::{
    parse, Command, Diagnostic, Directive, Dockerfile, Flag, Heredoc, Instruction, LineIndex,
    Position, Severity, Span, Spanned, Stage,
};
