//! Layerlab's pure core: text in, values out.
//!
//! The pipeline runs one way: **parse (`layerlab-syntax`) → model
//! (`layerlab-model`, with `edit`, the fix types the rules build) →
//! simulate (`layerlab-simulate`) → tips (`layerlab-tips`, the rules, which
//! ask the simulator) → fix (this crate: the optimizer, which runs the
//! rules)**, each stage a crate depending only on those below, so Cargo
//! refuses a back edge; `tests/layering.rs` checks the crates' order and
//! the modules' order inside each. This crate is the top: the optimizer,
//! Docker's build checks, the outline and the lessons, and the public API,
//! re-exporting the stages below. It does no IO and depends on no web
//! crate; the playground (wasm), the CLI and the tests all call it.
//!
//! Invariant: the core does no IO (no `std::fs`, `std::net`,
//! `std::process`, clocks or environment reads, even in its unit tests: the
//! rule tests read the rule files through `include_str!`) and depends on no
//! web crate (no yew, web-sys, js-sys or wasm-bindgen), nor do the stage
//! crates below; no `crate::` path points up the pipeline
//! (`tests/layering.rs`). Each module states its own
//! invariants in its `//!` comment.

// The stages below, re-exported under the names the playground, the CLI
// and this crate's modules use (`layerlab_core::syntax::…`, `crate::tips::…`).
pub use layerlab_model::{self as model, edit};
pub use layerlab_simulate as simulate;
pub use layerlab_syntax::{self as syntax, buildlog, glob, num, sort};
pub use layerlab_tips as tips;

pub mod checks;
pub mod fix;
pub mod lessons;
pub mod outline;

pub use outline::{outline, OutlineItem};
pub use syntax::{
    parse, Command, Diagnostic, Directive, Dockerfile, Flag, Heredoc, Instruction, LineIndex,
    Position, Severity, Span, Spanned, Stage,
};
