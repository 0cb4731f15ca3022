//! Records BuildKit's build checks on the shared corpora into
//! `tests/buildkit/checks-expected.tsv` (see `layerlab_tests::buildkit::checks`).
//! Runs only with `LAYERLAB_RECORD_CHECKS=1`:
//! `LAYERLAB_RECORD_CHECKS=1 cargo test -p layerlab-tests --test record_build_checks`.
//! It starts its own Docker 28.5 daemon (suite `record-checks`), stopped on drop.

use layerlab_tests::buildkit::{apps, checks, parity, result_line, Engine, Oracle};
use std::process::ExitCode;

fn main() -> ExitCode {
    if std::env::var("LAYERLAB_RECORD_CHECKS").as_deref() != Ok("1") {
        println!("\n\x1b[1;33m!!! build-check recording NOT RUN (set LAYERLAB_RECORD_CHECKS=1 to re-record tests/buildkit/checks-expected.tsv)\x1b[0m\n");
        result_line(0, 0, 1, 0);
        return ExitCode::SUCCESS;
    }
    let (Some(corpus), Some(corpus_apps)) = (parity::corpus_dir(), apps::corpus_dir()) else {
        eprintln!("\x1b[31mrecord-checks: ../shared/corpus or ../shared/corpus-apps is missing\x1b[0m");
        result_line(0, 1, 0, 0);
        return ExitCode::FAILURE;
    };
    let oracle = match Oracle::start_suite_on("record-checks", Engine::Current) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let work = oracle.state.join("checks");
    let mut images = layerlab_tests::buildkit::images::BaseImages::new(oracle.state.join("images"));
    if let Err(e) = checks::import_stub(&oracle.daemon, &mut images) {
        eprintln!("\x1b[31mrecord-checks: the stub image: {e}\x1b[0m");
        result_line(0, 1, 0, 0);
        return ExitCode::FAILURE;
    }
    let mut out = vec![format!(
        "# BuildKit's build checks ({}), recorded by tests/tests/record_build_checks.rs\n# corpus\tfile\trule\tstart\tend\tmessage (rule '-': the file's buildError, empty if none)",
        oracle.describe()
    )];
    let mut failed = 0;
    for (name, root, files) in [
        ("corpus", &corpus, parity::corpus_files(&corpus)),
        ("corpus-apps", &corpus_apps, apps::corpus_files(&corpus_apps)),
    ] {
        for rel in &files {
            match checks::record(&oracle.daemon, &work, name, root, rel) {
                Ok(lines) => out.extend(lines),
                Err(e) => {
                    eprintln!("{e}");
                    failed += 1;
                }
            }
        }
    }
    let path = layerlab_tests::root().join(checks::EXPECTED);
    std::fs::write(&path, out.join("\n") + "\n").expect("write the expectation file");
    println!("recorded {} lines into {}", out.len(), path.display());
    drop(oracle);
    result_line((failed == 0) as usize, (failed > 0) as usize, 0, 0);
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
