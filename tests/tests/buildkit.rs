//! The BuildKit oracle suite: every scenario in `tests/buildkit/scenarios/`
//! built by a real Docker 20.10 BuildKit, each build's CACHED/RUN steps
//! compared with Layerlab's simulator (`layerlab_core::simulate`). The
//! scenario files' hand-written `expect` lines are checked against BuildKit
//! too, so a scenario file cannot drift from what BuildKit does.
//!
//! Scenarios that need heredocs or `COPY --link` cannot run on Docker 20.10's
//! built-in frontend: for them the simulator is checked against the `expect`
//! lines alone (marked "simulator-only").
//!
//! Runs only with `LAYERLAB_BUILDKIT=1` (as `cargo xtask test` sets it); one
//! test per scenario build. `cargo test -p layerlab-tests --test buildkit --
//! NAME` runs the scenarios whose name contains NAME.

use layerlab_tests::buildkit::predict::simulated;
use layerlab_tests::buildkit::{compare, result_line, Oracle, Outcome, Scenario};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn main() -> ExitCode {
    if std::env::var("LAYERLAB_BUILDKIT").as_deref() != Ok("1") {
        println!("\n\x1b[1;33m!!! buildkit oracle suite NOT RUN (set LAYERLAB_BUILDKIT=1 or run cargo xtask test)\x1b[0m\n");
        result_line(0, 0, 1, 0);
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let scenarios = match Scenario::load_all(&Oracle::scenarios_dir()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot read the scenarios: {e}");
            result_line(0, 1, 0, 0);
            return ExitCode::FAILURE;
        }
    };
    let (selected, filtered): (Vec<Scenario>, Vec<Scenario>) = scenarios
        .into_iter()
        .partition(|s| filter.as_deref().is_none_or(|f| s.name.contains(f)));
    let filtered_out: usize = filtered.iter().map(Scenario::builds).sum();

    let mut oracle = match Oracle::start_suite("buildkit oracle suite") {
        Ok(o) => o,
        Err(code) => return code,
    };
    println!(
        "buildkit oracle: private dockerd at {} ({:.1}s)",
        oracle.daemon.host,
        started.elapsed().as_secs_f64()
    );
    println!(
        "\n{:<28} {:>5}  {:>4}  {:<48} {:<8} {:<9} {:<8} {:>6}",
        "scenario", "build", "line", "step", "BuildKit", "simulated", "file", "secs"
    );

    let (mut passed, mut failed, ignored) = (0, 0, 0);
    let (mut agree, mut total) = (0, 0);
    let mut failures = Vec::new();
    let expected = |s: &Scenario, b: usize| s.expected(b);
    let predict = |s: &Scenario, b: usize| simulated(s, b);
    for s in &selected {
        if !s.runnable() {
            // Simulator-only: the simulator against the expect lines.
            for b in 0..s.builds() {
                let (sim, exp) = (simulated(s, b), s.expected(b));
                if sim == exp {
                    passed += 1;
                } else {
                    failed += 1;
                    failures.push(format!(
                        "{} build {} (simulator-only): simulated {sim:?}, expected {exp:?}",
                        s.name,
                        b + 1
                    ));
                }
            }
            println!("{:<28} {:>5}  simulator-only (needs {}, not in Docker 20.10's built-in frontend): simulator checked against the expect lines", s.name, s.builds(), s.requires.join(", "));
            continue;
        }
        let t = Instant::now();
        // A panic in one scenario fails that scenario, not the suite.
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| oracle.run_scenario(s)));
        let builds = match run {
            Ok(Ok(b)) => b,
            Ok(Err(e)) => {
                failed += s.builds();
                failures.push(e.clone());
                println!("{:<28} ERROR {e}", s.name);
                continue;
            }
            Err(_) => {
                failed += s.builds();
                failures.push(format!("{}: panicked", s.name));
                continue;
            }
        };
        let file_verdicts = compare(s, &builds, &expected);
        for (b, v) in builds.iter().zip(compare(s, &builds, &predict)) {
            let fv = &file_verdicts[b.build];
            if !b.changes.is_empty() {
                println!("{:<28} {:>5}  after {}", "", "", b.changes.join(", "));
            }
            for (i, step) in b.compared().enumerate() {
                let p = v
                    .predicted
                    .get(i)
                    .map(Outcome::to_string)
                    .unwrap_or_else(|| "?".into());
                let f = fv
                    .predicted
                    .get(i)
                    .map(Outcome::to_string)
                    .unwrap_or_else(|| "-".into());
                let mark = if v.predicted.get(i) == Some(&step.outcome) {
                    " "
                } else {
                    "✗"
                };
                println!(
                    "{:<28} {:>5}  {:>4}  {:<48} {:<8} {:<9} {:<8} {:>6}{mark}",
                    short(&s.name, 28),
                    b.build + 1,
                    step.step.line,
                    short(&step.step.text, 48),
                    step.outcome.to_string(),
                    p,
                    f,
                    step.seconds.map(|x| format!("{x:.1}")).unwrap_or_default(),
                );
            }
            agree += v.agree;
            total += v.total;
            match (&v.problem, &fv.problem) {
                (None, None) => passed += 1,
                (Some(p), _) => {
                    failed += 1;
                    failures.push(format!("{} build {}: simulator: {p}", s.name, b.build + 1));
                }
                (None, Some(p)) => {
                    failed += 1;
                    failures.push(format!(
                        "{} build {}: scenario file's expect line: {p}",
                        s.name,
                        b.build + 1
                    ));
                }
            }
        }
        println!("{:<28} {:.1}s", "", t.elapsed().as_secs_f64());
        let _ = std::io::stdout().flush();
    }
    drop(oracle); // stops the daemon
    if !failures.is_empty() {
        println!("\nfailures:");
        for f in &failures {
            println!("    {f}");
        }
    }
    println!("\nbuildkit agreement: {agree}/{total} steps");
    println!("finished in {:.1}s", started.elapsed().as_secs_f64());
    result_line(passed, failed, ignored, filtered_out);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
