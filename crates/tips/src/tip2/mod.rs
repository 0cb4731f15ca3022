//! Tip 2: order like an inverted pyramid.

pub mod apt_update_alone;
pub mod volatile_before_stable;
