//! The optimizer: applies the rules' fixes until nothing changes
//! ([`optimize`]), hand reordering ([`reorder`]), diffs ([`diff`]) and the
//! optimizer's own contract checks ([`invariants::check_optimized`]).
//!
//! Above the rules in the pipeline: it runs them. The fix types the rules
//! build live below them, in [`crate::edit`], re-exported here.

pub mod diff;
pub mod invariants;
pub mod optimize;
pub mod reorder;

pub use crate::edit::*;
