//! `cargo xtask verify-fixes`: every application Dockerfile of
//! `tests/buildkit/apps/`, original and optimized, built on the private
//! BuildKit; filesystems compared under `docs/fix-contract.md`; the speed
//! table and the median speedup printed (the test target
//! `tests/tests/verify_fixes.rs` with `LAYERLAB_VERIFY_ALL=1`). Extra
//! arguments (an app name filter) are passed on. `cargo xtask test` runs the
//! time-bounded default subset instead.

use crate::tools::{ensure_system_packages, BUILDKIT_PACKAGES};
use crate::util::{root, run, step};
use std::process::Command;

pub fn verify_fixes(args: &[String]) -> Result<(), String> {
    step("verify-fixes: every app on the private BuildKit");
    if !ensure_system_packages("verify-fixes", BUILDKIT_PACKAGES)? {
        return Ok(()); // said loudly why it did not run
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(cargo)
        .current_dir(root())
        .env("LAYERLAB_BUILDKIT", "1")
        .env("LAYERLAB_VERIFY_ALL", "1")
        .args([
            "test",
            "-p",
            "layerlab-tests",
            "--test",
            "verify_fixes",
            "--",
        ])
        .args(args))
}
