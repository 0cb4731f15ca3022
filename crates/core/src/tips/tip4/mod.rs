//! Tip 4: download less.

pub mod apk_no_cache;
pub mod apt_recommends;
pub mod dev_dependencies;
pub mod dnf_weak_deps;
pub mod package_cache_kept;
pub mod toolchain_in_final_stage;
