//! verify-fixes: the optimizer on real BuildKit. Every application
//! Dockerfile in `tests/buildkit/apps/` is built as written, as `layerlab
//! fix` (safe fixes) rewrites it, and, where that differs, with LL301's
//! unsafe dependency-layer fixes too ("unsafe deps",
//! `verify::UNSAFE_DEPS_CODES`); each must build, each rewrite's final
//! filesystem must equal the original's under `docs/fix-contract.md`, and
//! its rebuild after a source edit must be faster. Prints the speed table
//! and the median speedup (goal: ≥ 5×).
//!
//! On two engines: Docker 20.10 (Debian 12), and Docker 28.5 (Debian sid,
//! unpacked under `target/engines/`), where each app is also built with
//! LL504's unsafe `COPY --link` ("unsafe link", `verify::UNSAFE_LINK_CODES`),
//! which the older frontend rejects.
//!
//! Runs only with `LAYERLAB_BUILDKIT=1`. By default a time-bounded subset
//! (`verify::DEFAULT_SUBSET` on 20.10, `verify::DEFAULT_SUBSET_CURRENT` on
//! 28.5, as `cargo xtask test` runs it); `LAYERLAB_VERIFY_ALL=1` (as `cargo
//! xtask verify-fixes` sets it) runs every app on both; `cargo test -p
//! layerlab-tests --test verify_fixes -- NAME` runs the apps whose name
//! contains NAME on both. `LAYERLAB_VERIFY_ENGINE=20.10` or `28.5` runs one
//! engine.

use layerlab_tests::buildkit::verify::{self, App, Verified};
use layerlab_tests::buildkit::{result_line, Engine, Oracle, Unavailable};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

fn secs(x: Option<f64>) -> String {
    x.map(|x| format!("{x:.1}")).unwrap_or_else(|| "-".into())
}

fn main() -> ExitCode {
    if std::env::var("LAYERLAB_BUILDKIT").as_deref() != Ok("1") {
        println!("\n\x1b[1;33m!!! verify-fixes NOT RUN (set LAYERLAB_BUILDKIT=1, or run cargo xtask test / cargo xtask verify-fixes)\x1b[0m\n");
        result_line(0, 0, 1, 0);
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    let all = std::env::var("LAYERLAB_VERIFY_ALL").as_deref() == Ok("1");
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let apps = match App::load_all() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("cannot read the apps: {e}");
            result_line(0, 1, 0, 0);
            return ExitCode::FAILURE;
        }
    };
    let total = apps.len();
    let only = std::env::var("LAYERLAB_VERIFY_ENGINE").ok();
    let (mut passed, mut failed, mut ignored, mut filtered_out) = (0, 0, 0, 0);
    let mut summary = Vec::new();
    for engine in Engine::ALL {
        if only.as_deref().is_some_and(|o| o != engine.slug()) {
            continue;
        }
        let subset = match engine {
            Engine::Docker20 => verify::DEFAULT_SUBSET,
            Engine::Current => verify::DEFAULT_SUBSET_CURRENT,
        };
        let selected: Vec<&App> = apps
            .iter()
            .filter(|a| match &filter {
                Some(f) => a.name.contains(f.as_str()),
                None => all || subset.contains(&a.name.as_str()),
            })
            .collect();
        filtered_out += total - selected.len();
        if selected.is_empty() {
            continue;
        }
        let t0 = Instant::now();
        let mut oracle = match Oracle::start_on(engine, "verify-fixes") {
            Ok(o) => o,
            Err(Unavailable::Skip(why)) => {
                println!(
                    "\n\x1b[1;33m!!! verify-fixes on Docker {} NOT RUN ({} apps): {why}\x1b[0m\n",
                    engine.slug(),
                    selected.len()
                );
                ignored += 1;
                summary.push(format!("Docker {}: NOT RUN ({why})", engine.slug()));
                continue;
            }
            Err(Unavailable::Fail(why)) => {
                eprintln!(
                    "\x1b[31mverify-fixes: Docker {} cannot start: {why}\x1b[0m",
                    engine.slug()
                );
                failed += selected.len();
                summary.push(format!("Docker {}: cannot start: {why}", engine.slug()));
                continue;
            }
        };
        let (p, f, line) = run_engine(&mut oracle, &selected, total, all || filter.is_some());
        passed += p;
        failed += f;
        summary.push(format!(
            "{line} on {} ({:.1}s)",
            oracle.describe(),
            t0.elapsed().as_secs_f64()
        ));
        drop(oracle); // stops the daemon
    }
    println!();
    for l in &summary {
        println!("verify-fixes: {l}");
    }
    println!("finished in {:.1}s", started.elapsed().as_secs_f64());
    result_line(passed, failed, ignored, filtered_out);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Verifies `selected` on one engine's oracle and prints its tables;
/// returns (passed, failed, summary line).
fn run_engine(
    oracle: &mut Oracle,
    selected: &[&App],
    total: usize,
    everything: bool,
) -> (usize, usize, String) {
    let started = Instant::now();
    oracle.set_base_env(verify::STUB_TIMES);
    let which = if everything {
        ""
    } else {
        " (default subset; LAYERLAB_VERIFY_ALL=1 or cargo xtask verify-fixes for all)"
    };
    println!(
        "\n== verify-fixes on {} ==\n{} of {total} apps{which}, stubs {:?}, private dockerd at {}",
        oracle.describe(),
        selected.len(),
        verify::STUB_TIMES,
        oracle.daemon.host,
    );
    let mut results: Vec<Verified> = Vec::new();
    let mut failures = Vec::new();
    for app in selected {
        let t = Instant::now();
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            verify::verify(oracle, app)
        }));
        match run {
            Ok(v) => {
                let problems = v.problems();
                let mark = if problems.is_empty() { "ok" } else { "FAILED" };
                let list = |f: &[String]| {
                    if f.is_empty() {
                        "none".to_string()
                    } else {
                        f.join(", ")
                    }
                };
                let deps = match &v.unsafe_deps {
                    Some(u) => format!(
                        "unsafe deps adds {} ({} allowed differences)",
                        list(&v.unsafe_fixes),
                        u.allowed_diffs.len()
                    ),
                    None => "unsafe deps: same file as optimized, not built".into(),
                };
                let link = match (&v.unsafe_link, oracle.engine()) {
                    (Some(u), _) => format!(
                        "; unsafe link adds {} ({} allowed differences)",
                        list(&v.link_fixes),
                        u.allowed_diffs.len()
                    ),
                    (None, Engine::Current) => "; unsafe link: same file as optimized, not built".into(),
                    (None, _) => String::new(),
                };
                println!(
                    "test {} on {} ... {mark} ({:.1}s; fixes: {}; {} allowed differences; {deps}{link})",
                    app.name,
                    oracle.engine().slug(),
                    t.elapsed().as_secs_f64(),
                    list(&v.optimized.fixes),
                    v.optimized.allowed_diffs.len()
                );
                for p in &problems {
                    failures.push(format!("{}: {p}", app.name));
                }
                results.push(v);
            }
            Err(_) => {
                println!("test {} on {} ... FAILED (panicked)", app.name, oracle.engine().slug());
                failures.push(format!("{}: panicked", app.name));
            }
        }
        let _ = std::io::stdout().flush();
    }

    println!("\nrebuild after a source edit (BuildKit: sum of step durations; simulator: predicted critical path)\n");
    println!("(unsafe deps: safe fixes plus the unsafe fixes of {:?}, built where the file differs)\n", verify::UNSAFE_DEPS_CODES);
    println!(
        "{:<20} {:>10} {:>11} {:>8} {:>8} {:>8} {:>7} {:>7}   {:>9} {:>9} {:>9}   {:>8} {:>7} {:>8} {:>7}",
        "file",
        "original s",
        "optimized s",
        "speedup",
        "deps s",
        "deps x",
        "link s",
        "link x",
        "wall orig",
        "wall opt",
        "wall deps",
        "sim orig",
        "sim opt",
        "sim deps",
        "sim x"
    );
    let mut speedups = Vec::new();
    let mut deps_speedups = Vec::new();
    let mut sim_speedups = Vec::new();
    let x = |s: Option<f64>| s.map(|x| format!("{x:.1}×")).unwrap_or_else(|| "-".into());
    for v in &results {
        let s = v.speedup();
        speedups.extend(s);
        let d = v.unsafe_deps_speedup();
        deps_speedups.extend(d);
        let deps = v.unsafe_deps.as_ref();
        let best = deps.map_or(v.optimized.predicted, |u| u.predicted);
        let sim = v.predicted / best.max(0.05);
        sim_speedups.push(sim);
        println!(
            "{:<20} {:>10} {:>11} {:>8} {:>8} {:>8} {:>7} {:>7}   {:>9} {:>9} {:>9}   {:>8.1} {:>7.1} {:>8} {:>6.1}×",
            v.name,
            secs(v.original.rebuild_seconds()),
            secs(v.optimized.variant.rebuild_seconds()),
            x(s),
            secs(deps.and_then(|u| u.variant.rebuild_seconds())),
            x(d),
            secs(v.unsafe_link.as_ref().and_then(|u| u.variant.rebuild_seconds())),
            x(v.speedup_of_link()),
            secs(v.original.rebuild_wall()),
            secs(v.optimized.variant.rebuild_wall()),
            secs(deps.and_then(|u| u.variant.rebuild_wall())),
            v.predicted,
            v.optimized.predicted,
            deps.map(|u| format!("{:.1}", u.predicted)).unwrap_or_else(|| "-".into()),
            sim
        );
    }
    let med = verify::median(&speedups);
    println!(
        "\nmedian speedup: {med:.1}× measured over {} apps (goal ≥ 5×), {:.1}× simulated (best variant)",
        speedups.len(),
        verify::median(&sim_speedups)
    );
    let deps_time: f64 = results
        .iter()
        .filter_map(|v| v.unsafe_deps.as_ref())
        .map(|u| u.variant.seconds)
        .sum();
    println!(
        "unsafe deps: built for {} apps, median speedup {:.1}× measured, {deps_time:.1}s of the run",
        deps_speedups.len(),
        verify::median(&deps_speedups)
    );
    if !failures.is_empty() {
        println!("\nfailures:");
        for f in &failures {
            println!("    {f}");
        }
    }
    let link_built: Vec<&Verified> = results.iter().filter(|v| v.unsafe_link.is_some()).collect();
    if oracle.engine() == Engine::Current {
        println!(
            "unsafe link: built for {} apps ({}), median speedup {:.1}× measured",
            link_built.len(),
            link_built.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", "),
            verify::median(
                &link_built
                    .iter()
                    .filter_map(|v| v.speedup_of_link())
                    .collect::<Vec<_>>()
            )
        );
    }
    let failed = selected.len() - results.iter().filter(|v| v.problems().is_empty()).count();
    let line = format!(
        "{}/{} apps pass, median speedup {med:.1}×, {} unsafe-link variants, {:.1}s",
        selected.len() - failed,
        selected.len(),
        link_built.len(),
        started.elapsed().as_secs_f64()
    );
    (selected.len() - failed, failed, line)
}

