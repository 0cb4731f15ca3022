//! The optimizer over the rules (it sits above them, so these tests live
//! here and not in `layerlab-tips`): every rule's documented ❌ example,
//! fixed, re-parses cleanly and is a fixed point (safe and unsafe fixes);
//! the optimizer speeds up the slow Python example and keeps comments; an
//! apt-get update merge keeps the install when the code is copied first.
//! The rules' own vectors, with the exact text of their fixes applied alone,
//! are in their files (`crates/tips/src`).

use layerlab_core::fix::{optimize, OptimizeOptions};
use layerlab_core::simulate::BuildContext;
use layerlab_core::tips::docs::{example_context, parse_doc};
use layerlab_core::tips::registry::RULES;

/// A rule's source file, by the path the registry gives.
fn rule_file(path: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tips/src")
        .join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const SLOW_PY: &str = "FROM python:3.12-slim\nWORKDIR /code\nCOPY . /code\nRUN apt-get update && apt-get install -y build-essential libpq-dev\nRUN pip install -r requirements.txt\nCMD [\"flask\", \"run\", \"--host=0.0.0.0\", \"--reload\"]\n";

#[test]
fn fixes_reparse_cleanly_and_reach_a_fixed_point() {
    for rule in RULES {
        let d = parse_doc(rule, &rule_file(rule.file));
        for bad in &d.bad {
            let ctx = example_context(rule.meta.code, true);
            for unsafe_fixes in [false, true] {
                let opts = OptimizeOptions {
                    unsafe_fixes,
                    ..OptimizeOptions::default()
                };
                let once = optimize(bad, &ctx, &opts);
                assert_eq!(
                    layerlab_core::parse(&once.text).errors().count(),
                    0,
                    "{}: fixed text has errors:\n{}",
                    rule.meta.code,
                    once.text
                );
                let mut ctx2 = ctx.clone();
                if let Some(di) = once.files.iter().find(|f| f.path == ".dockerignore") {
                    ctx2.dockerignore = Some(di.content.clone());
                }
                let opts2 = OptimizeOptions {
                    existing_files: once.files.iter().map(|f| f.path.clone()).collect(),
                    ..opts.clone()
                };
                let twice = optimize(&once.text, &ctx2, &opts2);
                assert_eq!(
                    twice.text, once.text,
                    "{}: not a fixed point",
                    rule.meta.code
                );
                assert!(
                    twice.applied.is_empty(),
                    "{}: second pass applied {:?}",
                    rule.meta.code,
                    twice.applied
                );
            }
        }
    }
}


#[test]
fn optimizer_speeds_up_the_source_edit_and_keeps_comments() {
    let o = optimize(
        SLOW_PY,
        &BuildContext::default(),
        &OptimizeOptions::default(),
    );
    assert!(
        o.after.source_edit * 5.0 <= o.before.source_edit,
        "{:?} -> {:?}\n{}",
        o.before,
        o.after,
        o.text
    );
    assert!(
        o.text.contains("COPY requirements.txt /code/"),
        "{}",
        o.text
    );
    assert!(
        o.text
            .contains("--mount=type=cache,target=/root/.cache/pip"),
        "{}",
        o.text
    );
    assert!(o.diff.starts_with("--- a/Dockerfile"));
    let commented = format!("# keep me\n{SLOW_PY}# and me\n");
    let o2 = optimize(
        &commented,
        &BuildContext::default(),
        &OptimizeOptions::default(),
    );
    assert!(
        o2.text.contains("# keep me\n") && o2.text.ends_with("# and me\n"),
        "{}",
        o2.text
    );
    // Toggling a fix off leaves it out.
    let o3 = optimize(
        SLOW_PY,
        &BuildContext::default(),
        &OptimizeOptions {
            disabled: vec!["LL502".into()],
            ..OptimizeOptions::default()
        },
    );
    assert!(!o3.text.contains("--mount=type=cache"), "{}", o3.text);
}


#[test]
fn apt_update_merge_keeps_the_install() {
    // Through the optimizer too, with the code copied first: no install is lost.
    let src = "FROM debian:bookworm\nWORKDIR /opt\nCOPY . .\nRUN apt-get update\nRUN apt-get install -y curl\nRUN make\n";
    let o = optimize(src, &BuildContext::default(), &OptimizeOptions::default());
    assert!(
        o.text.contains("apt-get update && apt-get install -y curl"),
        "{}",
        o.text
    );
}

