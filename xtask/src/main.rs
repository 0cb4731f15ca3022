//! `cargo xtask`: Layerlab's automation, in Rust so it runs wherever cargo does.
//!
//! - `cargo xtask serve`: install what is missing, then `trunk serve` on :8080.
//! - `cargo xtask dist`: release build of the playground into `dist/`.
//! - `cargo xtask test`: every suite, ending with `N passed, N failed`.
//! - `cargo xtask verify-fixes`: original and optimized app Dockerfiles on
//!   real BuildKit (equivalence contract, speedup table).
//! - `cargo xtask screenshot`: `docs/screenshot.png` from the real page.
//!
//! Tools live in a project-local folder (`target/tools`, or `$LAYERLAB_TOOLS`),
//! never globally. System packages (chromium, chromedriver, docker.io) are
//! installed with apt-get when running as root on Debian; otherwise we say
//! exactly what to install. Under `CI=true` a missing dependency fails the run.

mod bench_web;
mod docs;
mod fuzz;
mod glue;
mod screenshot;
mod size;
mod suites;
mod tools;
mod util;
mod verify;
mod wasm;
mod wasm_size;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  serve   install missing tools, then serve the playground on http://127.0.0.1:8080
  dist    release build of the playground into dist/ (static files)
  test    run every suite; ends with `N passed, N failed`
  tools   install the project-local tools only
  fuzz [parse|fix] [SECONDS]  run a fuzz target: the parser, or the fix contract (cargo-fuzz, default 60 s)
  wasm-size [--top N]  wasm bytes the parser adds (baseline cdylib vs one calling parse)
  bench-web [--profile] [--large]  measure the playground in headless Chromium (first analysis, keystroke p95, large pastes; --large: only those; needs dist/)
  screenshot  build dist/ and take docs/screenshot.png (the README's picture) from the real page
  docs    regenerate docs/tips/*.md and the playground's rule table from the rules' doc comments
  verify-fixes [NAME]  build every app Dockerfile original and optimized on BuildKit: equivalence and speedup table";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => tools::ensure_web_tools().and_then(|t| suites::serve(&t)),
        Some("dist") => tools::ensure_web_tools().and_then(|t| suites::dist(&t)),
        Some("tools") => tools::ensure_web_tools().map(|_| ()),
        Some("docs") => docs::run(),
        Some("screenshot") => screenshot::screenshot(),
        Some("bench-web") => bench_web::bench_web(&args[1..]),
        Some("test") => return suites::test_all(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("wasm-size") => wasm_size::wasm_size(&args[1..]),
        Some("verify-fixes") => verify::verify_fixes(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}
