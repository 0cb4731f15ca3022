//! The corpus-apps suite (`layerlab_tests::buildkit::apps`): every
//! Dockerfile of `../shared/corpus-apps` built for real on Docker 28.5 with
//! stub base images and a stub shell, rebuilt after each standard change (a
//! source edit, each manifest bump, a new value for each ARG), each step's
//! CACHED/RUN from BuildKit's rawjson output compared with the simulator.
//! Prints steps agreed / steps observed, the files it could not build and
//! why, and every disagreement by file and line.
//!
//! Runs only with `LAYERLAB_BUILDKIT=1` (as `cargo xtask test` sets it),
//! on every fourth file unless `LAYERLAB_APPS_ALL=1` (all of them: about 12
//! minutes on 2 cores).
//! Under `CI=true` a missing corpus or engine fails it; elsewhere it says
//! loudly that it did not run. `-- NAME` runs the files whose name
//! contains NAME.

use layerlab_tests::buildkit::apps::{self, AppResult};
use layerlab_tests::buildkit::{result_line, Engine, Oracle, Unavailable};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    if std::env::var("LAYERLAB_BUILDKIT").as_deref() != Ok("1") {
        println!("\n\x1b[1;33m!!! corpus-apps BuildKit suite NOT RUN (set LAYERLAB_BUILDKIT=1 or run cargo xtask test)\x1b[0m\n");
        result_line(0, 0, 1, 0);
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    let Some(dir) = apps::corpus_dir() else {
        let msg = "../shared/corpus-apps (SOURCES.tsv) is missing";
        if layerlab_tests::is_ci() {
            eprintln!("\x1b[31mcorpus-apps suite: {msg}\x1b[0m");
            result_line(0, 1, 0, 0);
            return ExitCode::FAILURE;
        }
        println!("\n\x1b[1;33m!!! corpus-apps BuildKit suite NOT RUN: {msg}\x1b[0m\n");
        result_line(0, 0, 1, 0);
        return ExitCode::SUCCESS;
    };
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let files = apps::corpus_files(&dir);
    let total = files.len();
    // `cargo xtask test` runs every fourth file (about 4 minutes of the 15
    // all take); LAYERLAB_APPS_ALL=1 runs all, a NAME filter those it names.
    let all = std::env::var("LAYERLAB_APPS_ALL").as_deref() == Ok("1");
    let selected: Vec<String> = files
        .into_iter()
        .enumerate()
        .filter(|(i, f)| {
            if filters.is_empty() {
                all || i % 4 == 0
            } else {
                filters.iter().any(|n| f.contains(n.as_str()))
            }
        })
        .map(|(_, f)| f)
        .collect();
    if filters.is_empty() && !all {
        println!("corpus-apps: the default subset, every fourth file (LAYERLAB_APPS_ALL=1 for all {total})");
    }
    let mut oracle = match Oracle::start_on(Engine::Current, "buildkit-apps") {
        Ok(o) => o,
        Err(Unavailable::Skip(why)) => {
            println!("\n\x1b[1;33m!!! corpus-apps BuildKit suite NOT RUN on Docker 28.5: {why}\x1b[0m\n");
            result_line(0, 0, 1, 0);
            return ExitCode::SUCCESS;
        }
        Err(Unavailable::Fail(why)) => {
            eprintln!("\x1b[31mcorpus-apps suite: Docker 28.5 cannot start: {why}\x1b[0m");
            result_line(0, 1, 0, 0);
            return ExitCode::FAILURE;
        }
    };
    println!("corpus-apps on {}: {} of {total} files", oracle.describe(), selected.len());
    let mut results: Vec<AppResult> = Vec::new();
    for f in &selected {
        let text = std::fs::read_to_string(dir.join(f)).unwrap_or_default();
        let plan = apps::plan(f, &text);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| apps::run(&mut oracle, &plan)));
        let r = match r {
            Ok(r) => r,
            Err(_) => AppResult {
                file: f.clone(),
                unbuildable: Some("the suite panicked on it".into()),
                builds: Vec::new(),
                notes: Vec::new(),
                tool_dependent: Vec::new(),
                seconds: 0.0,
            },
        };
        let (a, n) = r.agreement();
        let status = match (&r.unbuildable, r.builds.first().and_then(|b| b.error.as_ref())) {
            (Some(why), _) => format!("NOT BUILT: {why}"),
            (None, Some(e)) => format!("NOT BUILT: {e}"),
            _ => format!("{a}/{n} steps agree over {} builds", r.builds.len()),
        };
        println!("{f:<60} {status} ({:.1}s)", r.seconds);
        for b in &r.builds {
            if let Some(e) = &b.error {
                if !std::ptr::eq(b, &r.builds[0]) {
                    println!("    {}: not built: {e}", b.label);
                }
            }
            for (line, text, o, p) in &b.steps {
                if o != p {
                    println!("    \x1b[31m✗ {} line {line} `{}`: BuildKit {o}, simulator {p}\x1b[0m", b.label, text.chars().take(70).collect::<String>());
                }
            }
        }
        for t in &r.tool_dependent {
            println!("    depends on the tool: {t}");
        }
        for note in &r.notes {
            println!("    note: {note}");
        }
        let _ = std::io::stdout().flush();
        results.push(r);
    }
    drop(oracle); // stops the daemon
    let built: Vec<&AppResult> = results
        .iter()
        .filter(|r| r.unbuildable.is_none() && r.builds.first().is_some_and(|b| b.error.is_none()))
        .collect();
    let (agree, observed) = built.iter().fold((0, 0), |(a, n), r| {
        let (x, y) = r.agreement();
        (a + x, n + y)
    });
    let tool: usize = results.iter().map(|r| r.tool_dependent.len()).sum();
    println!("\nnot built:");
    for r in results.iter().filter(|r| !built.iter().any(|b| b.file == r.file)) {
        let why = r
            .unbuildable
            .clone()
            .or_else(|| r.builds.first().and_then(|b| b.error.clone()))
            .unwrap_or_default();
        println!("    {}: {why}", r.file);
    }
    println!(
        "\ncorpus-apps: built {} of {} files, {agree}/{observed} steps agreed/observed, {tool} COPY --from steps depend on the real tool (not counted), {:.1}s",
        built.len(),
        selected.len(),
        started.elapsed().as_secs_f64()
    );
    // A file passes when it was built and every observed step agrees; a
    // file that cannot be built here is listed, not failed.
    let failed = built.iter().filter(|r| {
        let (a, n) = r.agreement();
        a != n
    }).count();
    let passed = built.len() - failed;
    result_line(passed, failed, selected.len() - built.len(), total - selected.len());
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
