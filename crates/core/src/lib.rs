//! Layerlab's pure core: text in, values out.
//!
//! The pipeline runs one way: **parse → model → analyze (tips) → simulate → fix**.
//! This crate does no IO and depends on no web crate; the playground (wasm),
//! the CLI and the tests all call it.

pub mod buildlog;
pub mod checks;
pub mod fix;
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
