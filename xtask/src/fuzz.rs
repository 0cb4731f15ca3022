//! `cargo xtask fuzz [parse|fix] [SECONDS]`: runs a fuzz target for a
//! bounded time (default 60 s):
//! - `parse` (the default): the parser never panics, spans stay in bounds,
//!   the source round-trips;
//! - `fix`: the fix contract (`layerlab_core::fix::invariants`) on every fix
//!   and optimizer run: parse → check → optimize → check.
//!
//! `cargo xtask test` runs `fix` bounded (seed 1, 1,500 runs: the same inputs
//! for the same commit, so a red run is a real violation); run it
//! longer on demand (`cargo xtask fuzz fix 3600`).
//!
//! - cargo-fuzz goes into the project-local tools folder (`target/tools`, or
//!   `$LAYERLAB_TOOLS`) on first use.
//! - `fuzz/corpus/<target>` is seeded from the shared corpus
//!   (`../shared/corpus`, see its MANIFEST.tsv): every Dockerfile and negative
//!   case, named by its sha256. A missing corpus is reported loudly and the
//!   run goes on from whatever `fuzz/corpus/parse` holds.
//! - cargo-fuzz wants nightly flags (`-Zsanitizer`, …); on stable they are
//!   accepted with `RUSTC_BOOTSTRAP=1`. AddressSanitizer is used when it
//!   builds, else we fall back to `--sanitizer none` (the target's own
//!   assertions and Rust's checks still catch panics).
//!
//! A crash leaves its input in `fuzz/artifacts/<target>/`; add it as a unit
//! test (`crates/syntax/src/tests.rs` for the parser,
//! `crates/core/tests/fix_regressions.rs` for a fix).

use std::path::Path;
use std::process::Command;

use crate::tools::tools_dir;
use crate::util::{output, root, run, step};

const USAGE: &str = "usage: cargo xtask fuzz [parse|fix] [SECONDS]";

pub fn fuzz(args: &[String]) -> Result<(), String> {
    let (target, rest) = match args.first().map(String::as_str) {
        Some(t @ ("parse" | "fix")) => (t, &args[1..]),
        _ => ("parse", args),
    };
    let seconds: u64 = match rest {
        [] => 60,
        [s] => s
            .parse()
            .map_err(|_| format!("{USAGE} (got `{s}`)"))?,
        _ => return Err(USAGE.into()),
    };
    run_target(target, seconds)
}

/// Runs fuzz target `target` for `seconds`.
pub fn run_target(target: &str, seconds: u64) -> Result<(), String> {
    run_bounded(target, seconds, None)
}

/// The bounded run `cargo xtask test` makes: the `fix` target from the
/// seeded corpus, a fixed seed and a fixed number of runs, so the same
/// commit fuzzes the same inputs (a red run is a real violation, not luck).
pub fn ci_run() -> Result<(), String> {
    run_bounded("fix", 300, Some((1, 1500)))
}

fn run_bounded(target: &str, seconds: u64, seeded: Option<(u64, u64)>) -> Result<(), String> {
    let cargo_fuzz = ensure_cargo_fuzz()?;
    let fuzz_dir = root().join("fuzz");
    let corpus_rel = format!("corpus/{target}");
    let corpus = fuzz_dir.join(&corpus_rel);
    seed(&corpus)?;

    let attempt = |sanitizer: &str| {
        step(&format!(
            "fuzzing `{target}` for {seconds} s (sanitizer: {sanitizer})"
        ));
        run(Command::new(&cargo_fuzz)
            .current_dir(&fuzz_dir)
            .env("RUSTC_BOOTSTRAP", "1")
            .args([
                "fuzz",
                "run",
                "--sanitizer",
                sanitizer,
                target,
                &corpus_rel,
                "--",
            ])
            .arg(format!("-max_total_time={seconds}"))
            .args(seeded.map(|(seed, runs)| [format!("-seed={seed}"), format!("-runs={runs}")]).into_iter().flatten())
            .arg("-timeout=10"))
    };
    // Only a failing *build* with ASan should fall back; a crash is a result.
    let asan_builds = run(Command::new(&cargo_fuzz)
        .current_dir(&fuzz_dir)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "build", "--sanitizer", "address", target]))
    .is_ok();
    if !asan_builds {
        eprintln!(
            "    AddressSanitizer build failed on this toolchain; retrying with --sanitizer none"
        );
    }
    attempt(if asan_builds { "address" } else { "none" }).map_err(|e| {
        format!("{e}\n    a crashing input is in fuzz/artifacts/{target}/: add it as a regression test")
    })
}

/// Installs cargo-fuzz into the tools folder if it is missing.
fn ensure_cargo_fuzz() -> Result<std::path::PathBuf, String> {
    let dir = tools_dir();
    let bin = dir.join("bin/cargo-fuzz");
    if output(Command::new(&bin).arg("--version")).is_none() {
        step(&format!(
            "installing cargo-fuzz into {} (first run only: about 3 minutes)",
            dir.display()
        ));
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        run(Command::new(cargo)
            .args(["install", "--locked", "--root"])
            .arg(&dir)
            .arg("cargo-fuzz"))?;
    }
    Ok(bin)
}

/// Copies the shared corpus's Dockerfiles into `corpus` (named by sha256).
fn seed(corpus: &Path) -> Result<(), String> {
    std::fs::create_dir_all(corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let shared = root().join("../shared/corpus");
    let Ok(manifest) = std::fs::read_to_string(shared.join("MANIFEST.tsv")) else {
        eprintln!(
            "\n\x1b[1;33m!!!!!!!!\n!!! shared corpus NOT FOUND at {}: fuzzing WITHOUT seeds (only what {} already holds)\n!!!!!!!!\x1b[0m\n",
            shared.display(),
            corpus.display()
        );
        return Ok(());
    };
    let mut copied = 0;
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(path), Some(kind), Some(sha)) = (cols.get(3), cols.get(5), cols.get(7)) else {
            continue;
        };
        if !matches!(*kind, "dockerfile" | "dockerfile-extracted" | "negative") {
            continue;
        }
        let to = corpus.join(sha);
        if !to.exists() {
            std::fs::copy(shared.join(path), &to).map_err(|e| format!("{path}: {e}"))?;
            copied += 1;
        }
    }
    let total = std::fs::read_dir(corpus).map(|d| d.count()).unwrap_or(0);
    eprintln!(
        "    seeded {copied} new files from {}; {} holds {total}",
        shared.display(),
        corpus.display()
    );
    Ok(())
}
