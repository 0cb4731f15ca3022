//! The optimizer: applies the rules' fixes until nothing changes
//! ([`optimize`]), hand reordering ([`reorder`]), diffs ([`diff`]) and the
//! optimizer's own contract checks ([`invariants::check_optimized`]).
//!
//! Above the rules in the pipeline: it runs them. The fix types the rules
//! build live below them, in [`crate::edit`], re-exported here.
//!
//! Invariant: the optimizer applies only the rules' own fixes and never one
//! whose result adds a diagnostic; it stops after
//! [`optimize::MAX_ROUNDS`] and says so; a second run changes nothing and
//! `check` on its result offers no fix it would apply
//! ([`invariants::check_optimized`], run by `tests/fix_contract.rs`).

pub mod diff;
pub mod invariants;
pub mod optimize;
pub mod reorder;

pub use crate::edit::*;
pub use optimize::{existing_files, optimize, OptimizeOptions, Optimized, CONTEXT_FILES};
pub use reorder::{swap, swap_blocker};
