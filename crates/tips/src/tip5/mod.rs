//! Tip 5: BuildKit cache mounts.

pub mod cache_defeated;
pub mod copy_link;
pub mod install_without_cache_mount;
pub mod missing_syntax;
