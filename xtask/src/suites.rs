//! The commands: serve, dist, and test (every suite, counted).

use std::io::{BufRead, BufReader};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use crate::tools::{
    ensure_system_packages, ensure_web_tools, Tools, BROWSER_PACKAGES, BUILDKIT_PACKAGES,
};
use crate::util::{is_ci, root, run, step};

/// `trunk serve` with the example loaded, on http://127.0.0.1:8080.
pub fn serve(tools: &Tools) -> Result<(), String> {
    step("serving the playground on http://127.0.0.1:8080 (Ctrl-C to stop)");
    run(tools.command("trunk").args([
        "serve",
        "--offline",
        "--address",
        "127.0.0.1",
        "--port",
        "8080",
    ]))
}

/// Release build of the playground into `dist/`, with wasm-opt.
pub fn dist(tools: &Tools) -> Result<(), String> {
    step("building the playground (release, wasm-opt) into dist/");
    let started = Instant::now();
    run(tools
        .command("trunk")
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            short_panic_paths(),
        )
        // No subresource-integrity hashes: glue::shrink rewrites the JS and
        // wasm after trunk, and they are same-origin files anyway.
        .args(["build", "--release", "--offline", "--no-sri", "--dist"])
        .arg(root().join("dist")))?;
    crate::glue::shrink(tools, &root().join("dist"), "layerlab-playground")?;
    eprintln!("    dist built in {:.1?}", started.elapsed());
    Ok(())
}

/// Panic locations carry source paths into the wasm's data; long absolute
/// registry paths cost kilobytes. Remap them to short prefixes.
fn short_panic_paths() -> String {
    let cargo_home = std::env::var("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo")
        });
    let mut flags = Vec::new();
    if let Ok(entries) = std::fs::read_dir(cargo_home.join("registry/src")) {
        for e in entries.flatten() {
            flags.push(format!("--remap-path-prefix={}=/r", e.path().display()));
        }
    }
    flags.push(format!("--remap-path-prefix={}=/w", root().display()));
    if let Some(sysroot) =
        crate::util::output(std::process::Command::new("rustc").args(["--print", "sysroot"]))
    {
        flags.push(format!("--remap-path-prefix={}=/s", sysroot.trim()));
    }
    flags.join(" ")
}

/// `cargo test -p layerlab-tests --test TEST [-- ARGS]`, with one variable
/// set: the dist/ to test, or the BuildKit suites' switch.
fn suite(cargo: &str, test: &str, env: (&str, &std::ffi::OsStr), args: &[&str]) -> Command {
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root()).env(env.0, env.1).args([
        "test",
        "-p",
        "layerlab-tests",
        "--test",
        test,
    ]);
    if !args.is_empty() {
        cmd.arg("--").args(args);
    }
    cmd
}

/// Pass/fail/skip counts over every suite.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
    failures: Vec<String>,
}

impl Tally {
    fn check(&mut self, name: &str, result: Result<(), String>) -> bool {
        match result {
            Ok(()) => {
                self.passed += 1;
                eprintln!("    ok: {name}");
                true
            }
            Err(e) => {
                self.failed += 1;
                eprintln!("\x1b[31m    FAILED: {name}: {e}\x1b[0m");
                self.failures.push(format!("{name}: {e}"));
                false
            }
        }
    }

    /// Runs a `cargo test` invocation, streaming its output and adding the
    /// counts from each `test result:` line. A build failure counts as one
    /// failed test, so it can never pass silently.
    /// A suite on a private dockerd (`LAYERLAB_BUILDKIT=1`): its system
    /// packages first (`who` names it in their messages), then the test
    /// target `test`, counted as `name`.
    fn buildkit_suite(&mut self, cargo: &str, test: &str, who: &str, name: &str) {
        match ensure_system_packages(who, BUILDKIT_PACKAGES) {
            Ok(true) => self.cargo_test(name, &mut suite(cargo, test, ("LAYERLAB_BUILDKIT", "1".as_ref()), &[])),
            Ok(false) => self.skipped += 1,
            Err(e) => {
                self.check(name, Err(e));
            }
        }
    }

    fn cargo_test(&mut self, name: &str, cmd: &mut Command) {
        self.cargo_test_counting(name, cmd, true);
    }

    /// Like [`Tally::cargo_test`]; `count_ignored` is false for the first run,
    /// whose ignored tests (browser, BuildKit) are run by later steps.
    fn cargo_test_counting(&mut self, name: &str, cmd: &mut Command, count_ignored: bool) {
        step(name);
        let mut child = match cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn() {
            Ok(c) => c,
            Err(e) => {
                self.check(name, Err(format!("cannot start cargo: {e}")));
                return;
            }
        };
        let stdout = child.stdout.take().expect("piped");
        let (mut passed, mut failed, mut ignored, mut results) = (0, 0, 0, 0);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                results += 1;
                for part in rest.split(['.', ';']) {
                    let mut words = part.split_whitespace();
                    if let (Some(n), Some(what)) = (words.next(), words.next()) {
                        let n: usize = n.parse().unwrap_or(0);
                        match what {
                            "passed" => passed += n,
                            "failed" => failed += n,
                            "ignored" => ignored += n,
                            _ => {}
                        }
                    }
                }
            }
        }
        let status = child.wait().map(|s| s.success()).unwrap_or(false);
        self.passed += passed;
        self.failed += failed;
        if count_ignored {
            self.skipped += ignored;
        }
        if failed > 0 {
            self.failures.push(format!("{name}: {failed} failed"));
        }
        if !status && failed == 0 {
            self.check(
                name,
                Err(format!(
                    "cargo exited with an error after {results} test binaries (build failure?)"
                )),
            );
        }
    }
}

/// `cargo xtask test`: every suite; the last line is `N passed, N failed`.
pub fn test_all(_args: &[String]) -> ExitCode {
    let started = Instant::now();
    let mut t = Tally::default();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    if is_ci() {
        eprintln!("CI=true: every suite must run; a missing dependency fails the run.");
    }

    // 1. Core, CLI and harness unit + integration tests (native).
    t.cargo_test_counting(
        "core, cli and harness tests",
        Command::new(&cargo).current_dir(root()).args([
            "test",
            "--workspace",
            "--exclude",
            "layerlab-playground",
        ]),
        false,
    );

    // 1b. The fix contract under libFuzzer, bounded and seeded
    //     (`cargo xtask fuzz fix SECONDS` runs it for longer).
    step("fix contract fuzz (bounded: seed 1, 1,500 runs)");
    t.check("fuzz target `fix` (the fix contract)", crate::fuzz::ci_run());

    // 2. Release build of the playground through trunk, with wasm-opt.
    step("web tools");
    let tools = ensure_web_tools();
    let built = match tools {
        Ok(tools) => t.check("playground release build (trunk + wasm-opt)", dist(&tools)),
        Err(e) => t.check("web tools installed", Err(e)),
    };

    // 3. Size report and budget.
    if built {
        step("size report (gzip)");
        t.check("dist size within budget", crate::size::report_and_check());
    }

    // 4. Browser end-to-end suite in real headless Chromium.
    step("browser end-to-end suite");
    match ensure_system_packages("the browser end-to-end suite", BROWSER_PACKAGES) {
        Ok(true) if built => {
            let dist = root().join("dist");
            let browser = ["--include-ignored", "--test-threads=1"];
            t.cargo_test(
                "browser end-to-end suite (headless Chromium)",
                &mut suite(&cargo, "e2e", ("LAYERLAB_DIST", dist.as_os_str()), &browser),
            );
            t.cargo_test(
                "embed and workshop browser suite (headless Chromium)",
                &mut suite(
                    &cargo,
                    "embed",
                    ("LAYERLAB_DIST", dist.as_os_str()),
                    &browser,
                ),
            );
        }
        Ok(true) => {
            t.check(
                "browser end-to-end suite",
                Err("no dist/ to test (the build failed)".into()),
            );
        }
        Ok(false) => t.skipped += 1,
        Err(e) => {
            t.check("browser end-to-end suite", Err(e));
        }
    }

    // 5. The BuildKit oracle: the simulator against real builds, on Docker
    // 20.10 and on Docker 28.5 (the suite fetches Debian sid's engine into
    // target/engines/ on first use; under CI=true a failed fetch fails it),
    // then the parser against 28.5's own parse of the shared corpus.
    step("BuildKit oracle suite (private dockerd: Docker 20.10 and Docker 28.5)");
    t.buildkit_suite(&cargo, "buildkit", "the BuildKit oracle suite", "BuildKit oracle suite");

    // 6. The optimizer on real builds: a time-bounded subset of the apps
    //    (`cargo xtask verify-fixes` runs all).
    step("verify-fixes, default subset (private dockerd)");
    t.buildkit_suite(&cargo, "verify_fixes", "verify-fixes", "verify-fixes (original vs optimized on BuildKit)");

    // 7. Real-world files built for real: every ../shared/corpus-apps
    //    Dockerfile on Docker 28.5 with stub images and a stub shell,
    //    rebuilt after each standard change, against the simulator (under
    //    CI=true a missing corpus or engine fails it).
    step("corpus-apps on BuildKit (private dockerd: Docker 28.5)");
    t.buildkit_suite(
        &cargo,
        "buildkit_apps",
        "the corpus-apps BuildKit suite",
        "corpus-apps BuildKit suite (real-world files vs the simulator)",
    );

    // 8. Docker's build checks on the engine: every rule's examples, the
    //    check options and a sample of the corpora, live on Docker 28.5
    //    against Layerlab's (the recorded parity is a core test).
    step("build checks live (private dockerd: Docker 28.5)");
    t.buildkit_suite(
        &cargo,
        "build_checks_live",
        "the live build-check suite",
        "live build-check suite (Layerlab's vs docker build --check)",
    );

    eprintln!("\nfinished in {:.0?}", started.elapsed());
    if !t.failures.is_empty() {
        eprintln!("\x1b[31mfailures:\x1b[0m");
        for f in &t.failures {
            eprintln!("  - {f}");
        }
    }
    let skipped = if t.skipped > 0 {
        format!(", {} skipped", t.skipped)
    } else {
        String::new()
    };
    println!("{} passed, {} failed{skipped}", t.passed, t.failed);
    if t.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
