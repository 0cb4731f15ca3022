//! ## What it does
//! Finds `apk add` without `--no-cache` (and without a cache mount or a
//! `rm -rf /var/cache/apk` in the same `RUN`).
//!
//! ## Why it slows the build
//! Without `--no-cache`, apk keeps its downloaded index in
//! `/var/cache/apk`, which ends up in the layer: more bytes to write on every
//! rebuild and to pull on every deploy.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM alpine:3.20
//! RUN apk update && apk add curl
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM alpine:3.20
//! RUN apk add --no-cache curl
//! ```
//!
//! ## Fix safety
//! Safe: `--no-cache` fetches a fresh index for this command and keeps
//! nothing; the installed packages are the same.

use super::super::util::{has_cache_mount_for, run_script};
use super::super::{Ctx, Finding, RuleMeta};
use crate::edit::Applicability;
use crate::model::{Action, Manager};

pub const META: RuleMeta = RuleMeta {
    code: "LL406",
    name: "apk-without-no-cache",
    tip: 4,
    summary: "`apk add` without `--no-cache` keeps the package index in the layer",
};

pub fn check(cx: &Ctx) -> Vec<Finding> {
    super::missing_flag(
        cx,
        &META,
        "--no-cache",
        Applicability::Safe,
        |ins, op| {
            let kept = op.manager == Manager::Apk
                && op.action == Action::Install
                && !op.has_flag("--no-cache")
                && !has_cache_mount_for(ins, Manager::Apk)
                && !run_script(ins).contains("/var/cache/apk");
            kept.then_some("add")
        },
        |_| "`apk add` keeps its index in /var/cache/apk: add --no-cache".to_string(),
    )
}
