//! Harnesses for Layerlab's end-to-end suites.
//!
//! - [`server`]: serves the built `dist/` on loopback and logs every request.
//! - [`webdriver`]: a small blocking W3C WebDriver client over `std::net`.
//! - [`axe`]: installs axe-core (npm, into target/tools/npm) for the accessibility check.
//! - [`npm`]: `npm install` into a project-local folder (shared with xtask and the CLI's SARIF test).
//! - [`large`]: the large pastes the playground must stay responsive on.
//! - [`browser`]: starts Debian's chromedriver + headless Chromium and drives
//!   the page like a person (click, type, read the DOM, screenshots).
//!
//! No async runtime and no HTTP crate: the suites build in seconds.

pub mod axe;
pub mod base64;
pub mod browser;
pub mod buildkit;
pub mod http;
pub mod large;
pub mod npm;
pub mod server;
pub mod webdriver;

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Whether we run under CI (`CI=true`), where a missing dependency fails.
pub fn is_ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}
