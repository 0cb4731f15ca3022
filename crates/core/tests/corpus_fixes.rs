//! The rules and the optimizer over every real Dockerfile of the corpus:
//! no panic, fixes never add parse errors, and fixing twice changes nothing.

use layerlab_core::fix::optimize::{optimize, OptimizeOptions};
use layerlab_core::simulate::BuildContext;
use layerlab_core::tips::{check, CheckOptions};
use std::path::PathBuf;

#[path = "../benches/support/corpus.rs"]
mod support;

fn shout(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

#[test]
fn optimizer_over_the_corpus() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let Some(files) = support::corpus_files() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "corpus missing at {} and CI=true",
            root.display()
        );
        shout("\n!!! corpus not found: the corpus optimizer suite was NOT run\n");
        return;
    };
    let ctx = BuildContext::default();
    let (mut findings, mut changed, mut fixes) = (0, 0, 0);
    let mut problems = Vec::new();
    for (i, src) in files.iter().enumerate() {
        let errors_before = layerlab_core::parse(src).errors().count();
        findings += check(
            src,
            &ctx,
            &CheckOptions {
                no_savings: true,
                ..CheckOptions::default()
            },
        )
        .findings
        .len();
        for unsafe_fixes in [false, true] {
            let opts = OptimizeOptions {
                unsafe_fixes,
                ..OptimizeOptions::default()
            };
            let once = optimize(src, &ctx, &opts);
            let errors_after = layerlab_core::parse(&once.text).errors().count();
            if errors_after > errors_before {
                problems.push(format!(
                    "file #{i}: fixes added parse errors ({errors_before} -> {errors_after})"
                ));
            }
            let existing = once.files.iter().map(|f| f.path.clone()).collect();
            let twice = optimize(
                &once.text,
                &ctx,
                &OptimizeOptions {
                    existing_files: existing,
                    ..opts
                },
            );
            if twice.text != once.text {
                problems.push(format!(
                    "file #{i} (unsafe={unsafe_fixes}): not a fixed point:\n{}",
                    layerlab_core::fix::diff::unified(&once.text, &twice.text, "Dockerfile")
                ));
            }
            if !unsafe_fixes {
                fixes += once.applied.len();
                changed += usize::from(once.text != *src);
            }
        }
    }
    shout(&format!("corpus optimizer: {} files, {findings} findings, {fixes} safe fixes applied, {changed} files changed", files.len()));
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
