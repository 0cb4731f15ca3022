//! `cargo xtask fuzz [SECONDS]`: runs the `parse` fuzz target for a bounded
//! time (default 60 s).
//!
//! - cargo-fuzz goes into the project-local tools folder (`target/tools`, or
//!   `$LAYERLAB_TOOLS`) on first use.
//! - `fuzz/corpus/parse` is seeded from the shared corpus
//!   (`../shared/corpus`, see its MANIFEST.tsv): every Dockerfile and negative
//!   case, named by its sha256. A missing corpus is reported loudly and the
//!   run goes on from whatever `fuzz/corpus/parse` holds.
//! - cargo-fuzz wants nightly flags (`-Zsanitizer`, …); on stable they are
//!   accepted with `RUSTC_BOOTSTRAP=1`. AddressSanitizer is used when it
//!   builds, else we fall back to `--sanitizer none` (the target's own
//!   assertions and Rust's checks still catch panics).
//!
//! A crash leaves its input in `fuzz/artifacts/parse/`; add it as a unit test.

use std::path::Path;
use std::process::Command;

use crate::tools::tools_dir;
use crate::util::{output, root, run, step};

pub fn fuzz(args: &[String]) -> Result<(), String> {
    let seconds: u64 = match args {
        [] => 60,
        [s] => s
            .parse()
            .map_err(|_| format!("usage: cargo xtask fuzz [SECONDS] (got `{s}`)"))?,
        _ => return Err("usage: cargo xtask fuzz [SECONDS]".into()),
    };
    let cargo_fuzz = ensure_cargo_fuzz()?;
    let fuzz_dir = root().join("fuzz");
    let corpus = fuzz_dir.join("corpus/parse");
    seed(&corpus)?;

    let attempt = |sanitizer: &str| {
        step(&format!(
            "fuzzing `parse` for {seconds} s (sanitizer: {sanitizer})"
        ));
        run(Command::new(&cargo_fuzz)
            .current_dir(&fuzz_dir)
            .env("RUSTC_BOOTSTRAP", "1")
            .args([
                "fuzz",
                "run",
                "--sanitizer",
                sanitizer,
                "parse",
                "corpus/parse",
                "--",
            ])
            .arg(format!("-max_total_time={seconds}"))
            .arg("-timeout=10"))
    };
    // Only a failing *build* with ASan should fall back; a crash is a result.
    let asan_builds = run(Command::new(&cargo_fuzz)
        .current_dir(&fuzz_dir)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "build", "--sanitizer", "address", "parse"]))
    .is_ok();
    if !asan_builds {
        eprintln!(
            "    AddressSanitizer build failed on this toolchain; retrying with --sanitizer none"
        );
    }
    attempt(if asan_builds { "address" } else { "none" }).map_err(|e| {
        format!("{e}\n    a crashing input is in fuzz/artifacts/parse/: add it as a regression test in crates/core/src/syntax/tests.rs")
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
