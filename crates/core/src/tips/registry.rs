//! The registry: every rule, with its stable code. Codes never change
//! meaning; a retired rule's code is not reused.

use super::{tip1, tip2, tip3, tip4, tip5};
use super::{Ctx, Finding, RuleMeta};

/// A rule: its facts and its check.
pub struct Rule {
    pub meta: RuleMeta,
    pub check: fn(&Ctx) -> Vec<Finding>,
    /// Path of the rule's source file under `crates/core/src/tips/`, whose
    /// `//!` comment is its documentation.
    pub file: &'static str,
}

macro_rules! rule {
    ($module:path, $file:literal) => {{
        use $module as m;
        Rule {
            meta: m::META,
            check: m::check,
            file: $file,
        }
    }};
}

pub const RULES: &[Rule] = &[
    rule!(tip1::dev_server, "tip1/dev_server.rs"),
    rule!(
        tip2::volatile_before_stable,
        "tip2/volatile_before_stable.rs"
    ),
    rule!(tip2::apt_update_alone, "tip2/apt_update_alone.rs"),
    rule!(
        tip3::broad_copy_before_install,
        "tip3/broad_copy_before_install.rs"
    ),
    rule!(tip3::missing_dockerignore, "tip3/missing_dockerignore.rs"),
    rule!(tip4::apt_recommends, "tip4/apt_recommends.rs"),
    rule!(tip4::package_cache_kept, "tip4/package_cache_kept.rs"),
    rule!(tip4::dev_dependencies, "tip4/dev_dependencies.rs"),
    rule!(
        tip4::toolchain_in_final_stage,
        "tip4/toolchain_in_final_stage.rs"
    ),
    rule!(tip4::apk_no_cache, "tip4/apk_no_cache.rs"),
    rule!(tip4::dnf_weak_deps, "tip4/dnf_weak_deps.rs"),
    rule!(tip5::missing_syntax, "tip5/missing_syntax.rs"),
    rule!(
        tip5::install_without_cache_mount,
        "tip5/install_without_cache_mount.rs"
    ),
    rule!(tip5::cache_defeated, "tip5/cache_defeated.rs"),
    rule!(tip5::copy_link, "tip5/copy_link.rs"),
];

/// The rule with this code.
pub fn by_code(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.meta.code.eq_ignore_ascii_case(code))
}
