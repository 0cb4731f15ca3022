//! The registry: every rule, with its stable code. Codes never change
//! meaning; a retired rule's code is not reused.
//!
//! **The one list.** [`registry!`] below is the only place a rule is
//! registered (besides `pub mod` in its tip's `mod.rs`): it makes the
//! [`Code`] enum, so a rule named anywhere in Rust (`Code::LL301`) is
//! checked by the compiler, and [`RULES`], from which the checker, the
//! optimizer, the CLI's SARIF rule table, the generated docs
//! (`cargo xtask docs`: `docs/tips/*.md` and the playground's rule table)
//! and the rule tests all read. A test holds each rule's `META.code` to its
//! entry here.
//!
//! Invariant: a rule is named here and in its tip's `mod.rs`, nowhere else
//! (no list of codes or of rule files elsewhere), and a code never changes
//! meaning.

use super::{tip1, tip2, tip3, tip4, tip5};
use super::{Ctx, Finding, RuleMeta};

/// A rule: its facts and its check.
pub struct Rule {
    pub meta: RuleMeta,
    pub check: fn(&Ctx) -> Vec<Finding>,
    /// Path of the rule's source file under `crates/tips/src/`, whose
    /// `//!` comment is its documentation.
    pub file: &'static str,
}

macro_rules! registry {
    ($($code:ident => $tip:ident :: $module:ident),* $(,)?) => {
        /// A rule's code, as a type: `Code::LL301.as_str()` is `"LL301"`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($code),*
        }

        impl Code {
            /// Every code, in the order of [`RULES`].
            pub const ALL: &'static [Code] = &[$(Code::$code),*];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code)),*
                }
            }

            /// The rule with this code.
            pub fn rule(self) -> &'static Rule {
                &RULES[self as usize]
            }

            /// The code spelled `s` (any case).
            pub fn parse(s: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(s))
            }
        }

        /// Every rule's source file, in the order of [`RULES`] (for the
        /// rule tests, which read the doc comments: compiled in, the core
        /// does no IO).
        #[cfg(test)]
        pub(crate) const SOURCES: &[&str] = &[
            $(include_str!(concat!(stringify!($tip), "/", stringify!($module), ".rs"))),*
        ];

        /// Every rule, in the order of [`Code`].
        pub const RULES: &[Rule] = &[
            $(Rule {
                meta: $tip::$module::META,
                check: $tip::$module::check,
                file: concat!(stringify!($tip), "/", stringify!($module), ".rs"),
            }),*
        ];
    };
}

registry! {
    LL101 => tip1::dev_server,
    LL201 => tip2::volatile_before_stable,
    LL202 => tip2::apt_update_alone,
    LL301 => tip3::broad_copy_before_install,
    LL302 => tip3::missing_dockerignore,
    LL401 => tip4::apt_recommends,
    LL402 => tip4::package_cache_kept,
    LL404 => tip4::dev_dependencies,
    LL405 => tip4::toolchain_in_final_stage,
    LL406 => tip4::apk_no_cache,
    LL407 => tip4::dnf_weak_deps,
    LL501 => tip5::missing_syntax,
    LL502 => tip5::install_without_cache_mount,
    LL503 => tip5::cache_defeated,
    LL504 => tip5::copy_link,
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.as_str()
    }
}

/// The rule with this code.
pub fn by_code(code: &str) -> Option<&'static Rule> {
    Code::parse(code).map(Code::rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_is_registered_under_its_own_code() {
        assert_eq!(Code::ALL.len(), RULES.len());
        for (code, rule) in Code::ALL.iter().zip(RULES) {
            assert_eq!(rule.meta.code, code.as_str(), "{}", rule.file);
            assert_eq!(code.rule().meta.code, rule.meta.code);
        }
        assert_eq!(
            by_code("ll301").map(|r| r.meta.name),
            Some("broad-copy-before-install")
        );
        assert!(by_code("LL999").is_none());
        assert!("LL502" == Code::LL502 && "LL501" != Code::LL502);
    }
}
