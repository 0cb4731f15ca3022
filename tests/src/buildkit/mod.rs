//! The BuildKit oracle: real builds on private daemons of two engines
//! (Docker 20.10 and Docker 28.5, [`engine`]), to check Layerlab's cache
//! simulator against.
//!
//! - [`engine`]: the engines: Debian 12's docker.io (apt-get when missing),
//!   and Debian sid's current Docker, fetched and unpacked into
//!   `target/engines/sid/` on first use.
//! - [`daemon`]: starts a private `dockerd` of an engine under
//!   `target/buildkit/<suite>/<engine>/`, stops it by pid.
//! - [`rawjson`]: reads the current engine's `--progress=rawjson` builds.
//! - [`parity`]: the parser against the current engine's own parse
//!   (`docker buildx build --call=check`) on the shared corpus.
//! - [`images`]: base images made with `docker import` from a busybox rootfs
//!   with stub package managers (`tests/buildkit/make-rootfs.sh`, `stubs/`).
//! - [`scenario`]: scenario files and the Dockerfile step numbering.
//! - [`runner`]: applies a scenario's edits, runs `docker build
//!   --progress=plain`, and maps the log (read by `layerlab_core::buildlog`)
//!   to the Dockerfile's steps.
//! - [`verify`]: the optimizer checked on real builds: application
//!   Dockerfiles in `tests/buildkit/apps/`, original and optimized, built,
//!   their filesystems compared under the contract of `docs/fix-contract.md`,
//!   and their rebuild after a source edit timed.
//!
//! ```no_run
//! use layerlab_tests::buildkit::{Oracle, Scenario};
//! let mut oracle = Oracle::start().expect("docker here");
//! let s = Scenario::load(&Oracle::scenarios_dir().join("python-requirements")).unwrap();
//! for build in oracle.run_scenario(&s).unwrap() {
//!     for step in build.compared() {
//!         println!("line {} {}: {}", step.step.line, step.step.text, step.outcome);
//!     }
//! }
//! ```

pub mod apps;
pub mod checks;
pub mod daemon;
pub mod engine;
pub mod images;
pub mod parity;
pub mod predict;
pub mod rawjson;
pub mod runner;
pub mod scenario;
pub mod verify;

pub use daemon::{Daemon, Unavailable};
pub use engine::Engine;
pub use runner::{BuildObservation, StepObservation};
pub use scenario::{dockerfile_steps, Action, DockerfileStep, Outcome, Scenario};

use images::BaseImages;
use std::path::PathBuf;

/// A private BuildKit to run scenarios on. Dropping it stops the daemon.
pub struct Oracle {
    pub daemon: Daemon,
    images: BaseImages,
    work: PathBuf,
    /// This oracle's own folder: `target/buildkit/<suite>/<engine>/`.
    pub state: PathBuf,
}

impl Oracle {
    /// `target/buildkit/` of the workspace, or `$LAYERLAB_BUILDKIT_DIR`
    /// (relative to the workspace): two runs of the same suite at once, each
    /// with its own daemons.
    pub fn dir() -> PathBuf {
        match std::env::var_os("LAYERLAB_BUILDKIT_DIR") {
            Some(d) if !d.is_empty() => crate::root().join(d),
            _ => crate::root().join("target/buildkit"),
        }
    }

    /// `tests/buildkit/scenarios/`.
    pub fn scenarios_dir() -> PathBuf {
        crate::root().join("tests/buildkit/scenarios")
    }

    /// Starts a Docker 20.10 daemon (installing packages when root on
    /// Debian) under `target/buildkit/default/20.10/`. Base images are
    /// imported on first use by a scenario.
    pub fn start() -> Result<Oracle, Unavailable> {
        Self::start_on(Engine::Docker20, "default")
    }

    /// Starts a daemon of `engine` (installing it on first use) for the
    /// suite `suite`, in a folder of its own,
    /// `target/buildkit/<suite>/<engine>/`: two suites or engines running
    /// at once never share a data root, socket or pid file.
    pub fn start_on(engine: Engine, suite: &str) -> Result<Oracle, Unavailable> {
        let install = engine.install()?;
        let slug: String = suite
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let dir = Self::dir().join(slug).join(engine.slug());
        let daemon = Daemon::start_engine(&dir, &install)?;
        Ok(Oracle {
            daemon,
            images: BaseImages::new(dir.join("images")),
            work: dir.join("work"),
            state: dir,
        })
    }

    /// The engine this oracle builds on.
    pub fn engine(&self) -> Engine {
        self.daemon.install.engine
    }

    /// The engine, its exact server version and any fallback note, for reports.
    pub fn describe(&self) -> String {
        let i = &self.daemon.install;
        let mut d = format!("Docker {} — {}", self.daemon.version, i.label);
        if let Some(n) = &i.note {
            d.push_str(&format!(" [{n}]"));
        }
        d
    }

    /// Starts the oracle for a harness-less suite named `suite` on Docker
    /// 20.10 (see [`Oracle::start_suite_on`]).
    pub fn start_suite(suite: &str) -> Result<Oracle, std::process::ExitCode> {
        Self::start_suite_on(suite, Engine::Docker20)
    }

    /// Starts the oracle of `engine` for a harness-less suite named `suite`.
    /// When it cannot start, prints why (a loud NOT RUN, or the failure) and
    /// the libtest result line, and returns the exit code the suite ends with.
    pub fn start_suite_on(suite: &str, engine: Engine) -> Result<Oracle, std::process::ExitCode> {
        match Oracle::start_on(engine, suite) {
            Ok(o) => Ok(o),
            Err(Unavailable::Skip(why)) => {
                println!(
                    "\n\x1b[1;33m!!! {suite} NOT RUN on Docker {}: {why}\x1b[0m\n",
                    engine.slug()
                );
                result_line(0, 0, 1, 0);
                Err(std::process::ExitCode::SUCCESS)
            }
            Err(Unavailable::Fail(why)) => {
                eprintln!(
                    "\x1b[31m{suite}: the BuildKit oracle (Docker {}) cannot start: {why}\x1b[0m",
                    engine.slug()
                );
                result_line(0, 1, 0, 0);
                Err(std::process::ExitCode::FAILURE)
            }
        }
    }

    /// Sets `ENV` lines every base image gets from now on (the stubs read
    /// `STUB_DL`/`STUB_INST`). Forgets the images imported so far, so the
    /// next scenario imports them again with this environment.
    pub fn set_base_env(&mut self, env: &[(&str, &str)]) {
        self.images = BaseImages::new(self.state.join("images"));
        self.images.env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    }

    /// Runs a scenario's actions from a clean build cache with original base
    /// images; one observation per `build`.
    pub fn run_scenario(&mut self, s: &Scenario) -> Result<Vec<BuildObservation>, String> {
        if !s.runnable_on(self.engine()) {
            return Err(format!(
                "{} needs {}, which Docker {} cannot build",
                s.name,
                s.requires.join(", "),
                self.engine().slug()
            ));
        }
        runner::run_scenario(&self.daemon, &mut self.images, &self.work, s)
    }
}

/// Prints libtest's closing line, which `cargo xtask test` counts.
pub fn result_line(passed: usize, failed: usize, ignored: usize, filtered: usize) {
    let status = if failed == 0 { "ok" } else { "FAILED" };
    println!("test result: {status}. {passed} passed; {failed} failed; {ignored} ignored; 0 measured; {filtered} filtered out");
}

/// A prediction for one build: one outcome per compared step (FROM excluded),
/// in Dockerfile line order. The scenario files' `expect` lines are one
/// ([`Scenario::expected`]); the simulator will be another.
pub type Predict<'a> = dyn Fn(&Scenario, usize) -> Vec<Outcome> + 'a;

/// How one build compared with its prediction.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub build: usize,
    pub predicted: Vec<Outcome>,
    /// Compared steps on which prediction and BuildKit agree.
    pub agree: usize,
    /// Compared steps.
    pub total: usize,
    /// Why the build fails its test (a disagreement, a build error), if it does.
    pub problem: Option<String>,
}

/// Compares each build with the prediction.
pub fn compare(s: &Scenario, builds: &[BuildObservation], predict: &Predict) -> Vec<Verdict> {
    builds
        .iter()
        .map(|b| {
            let predicted = predict(s, b.build);
            let observed = b.outcomes();
            let agree = observed
                .iter()
                .zip(&predicted)
                .filter(|(o, p)| o == p)
                .count();
            let problem = if let Some(e) = &b.error {
                Some(e.clone())
            } else if predicted.len() != observed.len() {
                Some(format!(
                    "{} predicted outcomes for {} steps",
                    predicted.len(),
                    observed.len()
                ))
            } else if agree != observed.len() {
                let diffs: Vec<String> = b
                    .compared()
                    .zip(&predicted)
                    .filter(|(o, p)| o.outcome != **p)
                    .map(|(o, p)| {
                        format!(
                            "line {} `{}`: predicted {p}, BuildKit {}",
                            o.step.line, o.step.text, o.outcome
                        )
                    })
                    .collect();
                Some(diffs.join("; "))
            } else {
                None
            };
            Verdict {
                build: b.build,
                predicted,
                agree,
                total: observed.len(),
                problem,
            }
        })
        .collect()
}
