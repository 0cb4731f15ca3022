//! The BuildKit oracle suite: every scenario in `tests/buildkit/scenarios/`
//! built on each engine that can build it, Docker 20.10 (Debian 12) and
//! Docker 28.5 (Debian sid, unpacked under `target/engines/`), each build's
//! CACHED/RUN steps compared with Layerlab's simulator
//! (`layerlab_core::simulate`). The scenario files' hand-written `expect`
//! lines are checked against BuildKit too, so a scenario file cannot drift
//! from what BuildKit does. Agreement is reported per engine.
//!
//! A scenario that `requires` a feature Docker 20.10 lacks (heredocs,
//! `COPY --link`, `--exclude`, …) runs on 28.5 only; one that needs
//! `COPY --parents` (a labs flag on both) is checked against its `expect`
//! lines alone ("simulator-only"). If the current engine cannot be fetched,
//! the suite fails under `CI=true` and says loudly that its half did not run
//! elsewhere.
//!
//! After the 28.5 scenarios comes the parser parity (`buildkit::parity`):
//! every shared-corpus file and a deterministic quarter of the fuzz seeds
//! (`fuzz/corpus/`; `LAYERLAB_PARITY_SEEDS_ALL=1`: all of them) through
//! 28.5's `--call=check`, Layerlab's syntax errors against BuildKit's
//! refusals.
//!
//! Runs only with `LAYERLAB_BUILDKIT=1` (as `cargo xtask test` sets it); one
//! test per scenario build and engine, and one a file of the parity.
//! `cargo test -p layerlab-tests --test buildkit -- NAME…` runs the
//! scenarios whose name contains a NAME (`-- parse-parity`: the parity
//! alone).

use layerlab_tests::buildkit::predict::simulated;
use layerlab_tests::buildkit::{
    compare, result_line, Engine, Oracle, Outcome, Scenario, Unavailable,
};
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

/// Parser parity on the current engine (see `buildkit::parity`): the
/// shared corpus, then the fuzz seeds; returns (passed, failed).
fn parse_parity(oracle: &Oracle, failures: &mut Vec<String>) -> (usize, usize) {
    use layerlab_tests::buildkit::parity;
    let Some(root) = parity::corpus_dir() else {
        let msg = "the shared corpus (../shared/corpus) is missing".to_string();
        if layerlab_tests::is_ci() {
            failures.push(format!("parse parity: {msg}"));
            return (0, 1);
        }
        println!("\n\x1b[1;33m!!! parse parity NOT RUN: {msg}\x1b[0m\n");
        return (0, 0);
    };
    // Every image a file names is tagged as this stub before its check.
    let mut images = layerlab_tests::buildkit::images::BaseImages::new(oracle.state.join("images"));
    if let Err(e) = layerlab_tests::buildkit::checks::import_stub(&oracle.daemon, &mut images) {
        failures.push(format!("parse parity: the stub image: {e}"));
        return (0, 1);
    }
    let known = parity::known_differences();
    let files: Vec<(String, std::path::PathBuf)> = parity::corpus_files(&root)
        .into_iter()
        .map(|rel| {
            let p = root.join(&rel);
            (rel, p)
        })
        .collect();
    let texts: Vec<Vec<u8>> = files
        .iter()
        .filter_map(|(_, p)| std::fs::read(p).ok())
        .collect();
    let (p1, f1) = parity_of(oracle, "corpus files", &files, &known, failures);
    let all = parity::all_seeds();
    let (seeds, total) = parity::seed_files(&texts, all);
    if seeds.is_empty() {
        let msg = "no fuzz seeds in fuzz/corpus/ (cargo xtask fuzz seeds it; cargo xtask test fuzzes before this suite)";
        if layerlab_tests::is_ci() {
            failures.push(format!("parse parity of the fuzz seeds: {msg}"));
            return (p1, f1 + 1);
        }
        println!("\n\x1b[1;33m!!! parse parity of the fuzz seeds NOT RUN: {msg}\x1b[0m\n");
        return (p1, f1);
    }
    println!(
        "\nfuzz seeds: {} to check of fuzz/corpus's {total} files ({}; the others are outside it, or equal a corpus file or another seed)",
        seeds.len(),
        if all {
            "all: LAYERLAB_PARITY_SEEDS_ALL=1"
        } else {
            "the default quarter, names 0-3…; LAYERLAB_PARITY_SEEDS_ALL=1 for all"
        },
    );
    // A listed seed this machine's fuzz corpus lacks is neither kept nor
    // failed.
    let (p2, f2) = parity_of(oracle, "fuzz seeds", &seeds, &known, failures);
    (p1 + p2, f1 + f2)
}

/// Parity on `files` ((label, path)); prints the tally as `what`.
fn parity_of(
    oracle: &Oracle,
    what: &str,
    files: &[(String, std::path::PathBuf)],
    known: &[(String, String)],
    failures: &mut Vec<String>,
) -> (usize, usize) {
    use layerlab_tests::buildkit::parity;
    let t = Instant::now();
    let work = oracle.state.join("parity");
    let (mut agree, mut rejected, mut args, mut kept, mut unknown) =
        (0, 0, 0, Vec::new(), Vec::new());
    let mut undispatched = 0;
    for (rel, path) in files {
        match parity::check_file(&oracle.daemon, &work, path, rel) {
            Ok(p) => {
                rejected += p.buildkit.is_some() as usize;
                args += p.message.as_deref().is_some_and(parity::needs_build_args) as usize;
                if p.not_dispatched() {
                    undispatched += 1;
                } else if p.agrees() {
                    agree += 1;
                    if known.iter().any(|(k, _)| k == rel) {
                        unknown.push(format!(
                            "{rel}: listed in parse-differences.tsv but now agrees"
                        ));
                    }
                } else if let Some(why) = parity::kept_reason(known, &p) {
                    kept.push(format!(
                        "{rel}: {why} (BuildKit: {}; Layerlab: {})",
                        p.buildkit.as_deref().unwrap_or("no syntax error"),
                        p.layerlab.as_deref().unwrap_or("no syntax error")
                    ));
                } else {
                    unknown.push(format!(
                        "{rel}: BuildKit {}, Layerlab {}",
                        p.buildkit
                            .as_deref()
                            .map_or("accepts it".into(), |e| format!("rejects it ({e})")),
                        p.layerlab
                            .as_deref()
                            .map_or("reports no syntax error".into(), |e| format!(
                                "reports `{e}`"
                            ))
                    ));
                }
            }
            Err(e) => unknown.push(e),
        }
    }
    println!(
        "\nparse parity on {}: {agree}/{} {what} agree (BuildKit rejects {rejected} as syntax; {args} more need build args, `base name ($X) should not be blank`, no syntax error), {undispatched} not compared (BuildKit stopped before dispatching, Layerlab reports a dispatch error), {} known differences, {:.1}s",
        oracle.describe(),
        files.len(),
        kept.len(),
        t.elapsed().as_secs_f64()
    );
    for k in &kept {
        println!("    kept: {k}");
    }
    for u in &unknown {
        println!("    \x1b[31mdiffers: {u}\x1b[0m");
        failures.push(format!("parse parity: {u}"));
    }
    (files.len() - unknown.len().min(files.len()), unknown.len())
}

/// What one engine did.
#[derive(Default)]
struct Tally {
    engine: String,
    scenarios_agreed: usize,
    scenarios: usize,
    agree: usize,
    total: usize,
    seconds: f64,
    fetched: Option<f64>,
    not_run: Option<String>,
    /// Steps where the simulator follows the current engine and this older
    /// engine's BuildKit does otherwise, as the scenario's `expect-20.10`
    /// line records: (steps, builds).
    known: (usize, usize),
}

fn main() -> ExitCode {
    if std::env::var("LAYERLAB_BUILDKIT").as_deref() != Ok("1") {
        println!("\n\x1b[1;33m!!! buildkit oracle suite NOT RUN (set LAYERLAB_BUILDKIT=1 or run cargo xtask test)\x1b[0m\n");
        result_line(0, 0, 1, 0);
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    // NAME arguments: run the scenarios whose name contains any of them.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    // LAYERLAB_BUILDKIT_SCENARIOS=DIR: another folder of scenarios (e.g.
    // tests/buildkit/findings, the known disagreements).
    let dir = std::env::var_os("LAYERLAB_BUILDKIT_SCENARIOS")
        .map(|d| layerlab_tests::root().join(d))
        .unwrap_or_else(Oracle::scenarios_dir);
    let scenarios = match Scenario::load_all(&dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot read the scenarios: {e}");
            result_line(0, 1, 0, 0);
            return ExitCode::FAILURE;
        }
    };
    let (selected, filtered): (Vec<Scenario>, Vec<Scenario>) = scenarios
        .into_iter()
        .partition(|s| filters.is_empty() || filters.iter().any(|f| s.name.contains(f.as_str())));
    let filtered_out: usize = filtered.iter().map(Scenario::builds).sum();

    let (mut passed, mut failed, mut ignored) = (0, 0, 0);
    let mut failures = Vec::new();
    // Scenarios no engine here can build: the simulator against the expect lines.
    for s in &selected {
        let engines = match s.engines() {
            Ok(e) => e,
            Err(e) => {
                failed += s.builds().max(1);
                failures.push(e);
                continue;
            }
        };
        if !engines.is_empty() {
            continue;
        }
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
        println!(
            "{:<28} {:>5}  simulator-only (needs {}, a labs flag no engine here builds): simulator checked against the expect lines",
            s.name,
            s.builds(),
            s.requires.join(", ")
        );
    }

    let mut tallies: Vec<Tally> = Vec::new();
    for engine in Engine::ALL {
        let runnable: Vec<&Scenario> = selected.iter().filter(|s| s.runnable_on(engine)).collect();
        // `-- parse-parity` alone runs the parser parity without scenarios.
        let parity_only = engine == Engine::Current && filters.iter().any(|f| f == "parse-parity");
        if runnable.is_empty() && !parity_only {
            continue;
        }
        let builds: usize = runnable.iter().map(|s| s.builds()).sum();
        let t0 = Instant::now();
        let mut tally = Tally {
            engine: format!("Docker {}", engine.slug()),
            ..Tally::default()
        };
        let mut oracle = match Oracle::start_on(engine, "buildkit") {
            Ok(o) => o,
            Err(Unavailable::Skip(why)) => {
                println!(
                    "\n\x1b[1;33m!!! buildkit oracle suite: the Docker {} half NOT RUN ({} scenarios, {builds} builds): {why}\x1b[0m\n",
                    engine.slug(),
                    runnable.len()
                );
                ignored += 1;
                tally.not_run = Some(why);
                tallies.push(tally);
                continue;
            }
            Err(Unavailable::Fail(why)) => {
                eprintln!(
                    "\x1b[31mbuildkit oracle suite: Docker {} cannot start: {why}\x1b[0m",
                    engine.slug()
                );
                failed += builds;
                failures.push(format!("Docker {}: {why}", engine.slug()));
                tally.not_run = Some(why);
                tallies.push(tally);
                continue;
            }
        };
        tally.engine = oracle.describe();
        tally.fetched = oracle.daemon.install.fetched;
        println!(
            "\n== buildkit oracle on {} ==\nprivate dockerd at {} ({:.1}s{})",
            tally.engine,
            oracle.daemon.host,
            t0.elapsed().as_secs_f64(),
            tally
                .fetched
                .map(|f| format!(", of which {f:.1}s fetching and unpacking the engine"))
                .unwrap_or_default()
        );
        println!(
            "\n{:<28} {:>5}  {:>4}  {:<48} {:<8} {:<9} {:<8} {:>6}",
            "scenario", "build", "line", "step", "BuildKit", "simulated", "file", "secs"
        );
        let expected = |s: &Scenario, b: usize| s.expected_on(engine, b);
        let predict = |s: &Scenario, b: usize| simulated(s, b);
        for s in runnable {
            let t = Instant::now();
            tally.scenarios += 1;
            let tag = format!("{} on {}", s.name, engine.slug());
            // A panic in one scenario fails that scenario, not the suite.
            let run =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| oracle.run_scenario(s)));
            let builds = match run {
                Ok(Ok(b)) => b,
                Ok(Err(e)) => {
                    failed += s.builds();
                    failures.push(format!("{tag}: {e}"));
                    println!("{:<28} ERROR {e}", s.name);
                    continue;
                }
                Err(_) => {
                    failed += s.builds();
                    failures.push(format!("{tag}: panicked"));
                    continue;
                }
            };
            let file_verdicts = compare(s, &builds, &expected);
            let mut all_agree = true;
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
                tally.agree += v.agree;
                tally.total += v.total;
                let known = engine != Engine::Current && s.engine_difference(b.build).is_some();
                match (&v.problem, &fv.problem) {
                    (None, None) => passed += 1,
                    // BuildKit did what the expect-20.10 line says, and the
                    // simulator what the current engine does (the Docker-free
                    // test and the current engine's run check that).
                    (Some(p), None) if known => {
                        passed += 1;
                        tally.known.0 += v.total - v.agree;
                        tally.known.1 += 1;
                        println!(
                            "{:<28} {:>5}  known engine difference (the simulator follows the current engine): {p}",
                            "",
                            b.build + 1
                        );
                    }
                    (Some(p), _) => {
                        failed += 1;
                        all_agree = false;
                        failures.push(format!("{tag} build {}: simulator: {p}", b.build + 1));
                    }
                    (None, Some(p)) => {
                        failed += 1;
                        all_agree = false;
                        failures.push(format!(
                            "{tag} build {}: scenario file's expect line: {p}",
                            b.build + 1
                        ));
                    }
                }
            }
            if all_agree {
                tally.scenarios_agreed += 1;
            }
            println!("{:<28} {:.1}s", "", t.elapsed().as_secs_f64());
            let _ = std::io::stdout().flush();
        }
        if engine == Engine::Current
            && (filters.is_empty() || filters.iter().any(|f| f == "parse-parity"))
        {
            let (p, f) = parse_parity(&oracle, &mut failures);
            passed += p;
            failed += f;
        }
        drop(oracle); // stops the daemon
        tally.seconds = t0.elapsed().as_secs_f64();
        tallies.push(tally);
    }
    if !failures.is_empty() {
        println!("\nfailures:");
        for f in &failures {
            println!("    {f}");
        }
    }
    println!();
    for t in &tallies {
        match &t.not_run {
            Some(why) => println!(
                "\x1b[1;33mbuildkit agreement on {}: NOT RUN ({why})\x1b[0m",
                t.engine
            ),
            None => println!(
                "buildkit agreement on {}: {}/{} scenarios, {}/{} steps, {:.1}s{}{}",
                t.engine,
                t.scenarios_agreed,
                t.scenarios,
                t.agree,
                t.total,
                t.seconds,
                t.fetched
                    .map(|f| format!(" (first run: {f:.1}s fetching and unpacking the engine)"))
                    .unwrap_or_default(),
                if t.known.0 > 0 {
                    format!(
                        "; the {} other steps ({} builds) are known engine differences: this BuildKit differs from the current engine's, which the simulator follows (the scenarios' expect-20.10 lines)",
                        t.known.0, t.known.1
                    )
                } else {
                    String::new()
                }
            ),
        }
    }
    let (agree, total): (usize, usize) = tallies
        .iter()
        .fold((0, 0), |(a, n), t| (a + t.agree, n + t.total));
    println!(
        "buildkit agreement: {agree}/{total} steps over {} engines",
        tallies.iter().filter(|t| t.not_run.is_none()).count()
    );
    println!("finished in {:.1}s", started.elapsed().as_secs_f64());
    result_line(passed, failed, ignored, filtered_out);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
