//! Every rule's output, pinned as a whole (ruff/insta style).
//!
//! For each rule of the registry, its documented ❌ and ✅ examples (the
//! `## Example` of its doc comment) and every fixture under
//! `tests/fixtures/<CODE>/` are checked with that rule alone (the examples
//! in the context `docs::example_context` gives them). One snapshot
//! per input (`tests/snapshots/rule_snapshots__<CODE>__<name>.snap`) holds:
//! the input, every finding (position, message, labels, the fix's title and
//! safety and the files it creates, or why there is no fix), syntax
//! diagnostics, and the text after the rule's safe fixes, then after its
//! unsafe ones when they differ. Nothing is checked with `contains`: a
//! change to any of it fails until the snapshot is reviewed.
//!
//! A fixture is `<name>.Dockerfile`; an optional `<name>.context` lists the
//! build context's files, one a line (`.dockerignore` among them reads
//! `<name>.dockerignore`). Without one, the context is unknown, as for a
//! Dockerfile on standard input.
//!
//! Update after a reviewed change: `INSTA_UPDATE=always cargo test -p
//! layerlab-core --test rule_snapshots` (or `cargo insta review`), then read
//! the diff. Under `CI=true` a missing or different snapshot fails.

use layerlab_core::fix::optimize::{optimize, OptimizeOptions, Optimized};
use layerlab_core::fix::Applicability;
use layerlab_core::simulate::BuildContext;
use layerlab_core::tips::docs::{example_context, parse_doc};
use layerlab_core::tips::registry::{Rule, RULES};
use layerlab_core::tips::{check, CheckOptions};
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The ```dockerfile blocks after ❌ and ✅ in a rule's example section.
fn doc_examples(rule: &Rule) -> Vec<(String, String)> {
    let file = std::fs::read_to_string(root().join("../tips/src").join(rule.file))
        .unwrap_or_else(|e| panic!("{}: {e}", rule.file));
    let doc = parse_doc(rule, &file);
    let (mut out, mut label, mut block): (Vec<(String, String)>, Option<&str>, Option<String>) =
        (Vec::new(), None, None);
    let count = |l: &str, out: &Vec<(String, String)>| {
        let n = out.iter().filter(|(k, _)| k.starts_with(l)).count();
        if n == 0 {
            l.to_string()
        } else {
            format!("{l}-{}", n + 1)
        }
    };
    for line in doc.example.lines() {
        match (&mut block, line.trim()) {
            (None, t) if t.starts_with("❌") => label = Some("doc-bad"),
            (None, t) if t.starts_with("✅") => label = Some("doc-good"),
            (None, t) if t.starts_with("```dockerfile") && label.is_some() => {
                block = Some(String::new())
            }
            (Some(b), "```") => {
                let name = count(label.unwrap_or("doc"), &out);
                out.push((name, std::mem::take(b)));
                block = None;
            }
            (Some(b), _) => {
                b.push_str(line);
                b.push('\n');
            }
            _ => {}
        }
    }
    out
}

/// The fixtures of `dir`: (name, Dockerfile, context).
fn fixtures(dir: &Path) -> Vec<(String, String, BuildContext)> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    names.retain(|p| p.extension().is_some_and(|e| e == "Dockerfile"));
    names.sort();
    names
        .iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(p).unwrap();
            let side = |ext: &str| std::fs::read_to_string(p.with_extension(ext)).ok();
            let context = match side("context") {
                None => BuildContext::default(),
                Some(list) => {
                    let files: Vec<String> = list
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .map(String::from)
                        .collect();
                    let dockerignore = if files.iter().any(|f| f == ".dockerignore") {
                        Some(side("dockerignore").unwrap_or_else(|| {
                            panic!("{name}.context lists .dockerignore: add {name}.dockerignore")
                        }))
                    } else {
                        None
                    };
                    BuildContext {
                        files: Some(files),
                        dockerignore,
                    }
                }
            };
            (name, text, context)
        })
        .collect()
}

fn fix_with(rule: &Rule, src: &str, ctx: &BuildContext, unsafe_fixes: bool) -> Optimized {
    let disabled = RULES
        .iter()
        .map(|r| r.meta.code)
        .filter(|c| *c != rule.meta.code)
        .map(String::from)
        .collect();
    optimize(
        src,
        ctx,
        &OptimizeOptions {
            unsafe_fixes,
            disabled,
            ..OptimizeOptions::default()
        },
    )
}

fn fixed(out: &mut String, what: &str, src: &str, o: &Optimized) {
    if o.text == src && o.files.is_empty() {
        let _ = writeln!(out, "\n--- {what}: unchanged");
        return;
    }
    let _ = writeln!(out, "\n--- {what}:");
    for a in &o.applied {
        let safety = match a.applicability {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        };
        let _ = writeln!(
            out,
            "applied {} ({safety}, round {}): {}",
            a.code, a.round, a.title
        );
    }
    for r in &o.rejected {
        let _ = writeln!(out, "rejected {}: {}", r.fix.title, r.reason);
    }
    if let Some(s) = &o.stopped {
        let _ = writeln!(out, "stopped: {s}");
    }
    out.push_str(&o.text);
    for f in &o.files {
        let _ = writeln!(out, "--- new file {}:\n{}", f.path, f.content);
    }
}

/// The whole output of `rule` on `src`, as the snapshot holds it.
fn render(rule: &Rule, src: &str, ctx: &BuildContext) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "--- input:\n{src}");
    if let Some(files) = &ctx.files {
        let _ = writeln!(out, "--- context: {}", files.join(" "));
    }
    let r = check(
        src,
        ctx,
        &CheckOptions {
            select: vec![rule.meta.code.to_string()],
            no_savings: true,
            ..CheckOptions::default()
        },
    );
    let _ = writeln!(out, "--- findings: {}", r.findings.len());
    for f in &r.findings {
        let _ = writeln!(
            out,
            "{}:{}-{}:{} {} {}",
            f.start.line, f.start.column, f.end.line, f.end.column, f.code, f.message
        );
        for l in &f.labels {
            let _ = writeln!(
                out,
                "  label @{}..{}: {}",
                l.span.start, l.span.end, l.message
            );
        }
        match (&f.fix, &f.no_fix) {
            (Some(fx), _) => {
                let safety = match fx.applicability {
                    Applicability::Safe => "safe",
                    Applicability::Unsafe => "unsafe",
                };
                let _ = writeln!(out, "  fix ({safety}): {}", fx.title);
                for nf in &fx.files {
                    let _ = writeln!(out, "  creates {}", nf.path);
                }
            }
            (None, Some(why)) => {
                let _ = writeln!(out, "  no fix: {why}");
            }
            (None, None) => {
                let _ = writeln!(out, "  no fix");
            }
        }
    }
    for d in &r.diagnostics {
        let _ = writeln!(
            out,
            "diagnostic {}:{} {}",
            d.start.line, d.start.column, d.message
        );
    }
    let safe = fix_with(rule, src, ctx, false);
    fixed(&mut out, "fixed (safe fixes)", src, &safe);
    let all = fix_with(rule, src, ctx, true);
    if all.text != safe.text || all.files != safe.files {
        fixed(&mut out, "fixed (safe and unsafe fixes)", src, &all);
    }
    out
}

#[test]
fn every_rule_matches_its_snapshots() {
    let mut failures = Vec::new();
    let mut count = 0;
    for rule in RULES {
        let code = rule.meta.code;
        let mut inputs: Vec<(String, String, BuildContext)> = doc_examples(rule)
            .into_iter()
            .map(|(n, t)| {
                let ctx = example_context(code, n.starts_with("doc-bad"));
                (n, t, ctx)
            })
            .collect();
        let own = fixtures(&root().join("tests/fixtures").join(code));
        assert!(
            own.len() >= 2,
            "{code}: add at least two fixtures to tests/fixtures/{code}/ (found {})",
            own.len()
        );
        inputs.extend(own);
        for (name, text, ctx) in inputs {
            count += 1;
            let rendered = render(rule, &text, &ctx);
            let run = std::panic::catch_unwind(|| {
                insta::with_settings!({
                    snapshot_path => root().join("tests/snapshots"),
                    prepend_module_to_snapshot => true,
                    description => format!("{code} ({}) on {name}", rule.meta.name),
                    omit_expression => true,
                }, {
                    insta::assert_snapshot!(format!("{code}__{name}"), rendered);
                });
            });
            if run.is_err() {
                failures.push(format!("{code}/{name}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} rule snapshots differ: {}",
        failures.len(),
        failures.join(", ")
    );
}

/// Every fixture folder belongs to a rule (a renamed code leaves none behind).
#[test]
fn every_fixture_folder_is_a_rule() {
    for e in std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(
            RULES.iter().any(|r| r.meta.code == name),
            "tests/fixtures/{name} is no rule's code"
        );
    }
}
