//! Tip 3: copy only what the next step needs.

pub mod broad_copy_before_install;
pub mod deps;
pub mod missing_dockerignore;
