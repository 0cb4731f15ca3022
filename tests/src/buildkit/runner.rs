//! Runs a scenario's actions and builds, and maps each build's log to the
//! Dockerfile's steps.

use super::daemon::Daemon;
use super::images::{from_images, BaseImages};
use super::scenario::{dockerfile_steps, Action, DockerfileStep, Outcome, Scenario};
use layerlab_core::buildlog::{self, BuildLog, LogStep};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime};

/// A build may take this long before it is killed.
const BUILD_TIMEOUT: Duration = Duration::from_secs(180);

/// One Dockerfile step in one build.
#[derive(Debug, Clone)]
pub struct StepObservation {
    /// The Dockerfile instruction it maps to (line, stage, index).
    pub step: DockerfileStep,
    pub outcome: Outcome,
    /// BuildKit's duration for a step that ran.
    pub seconds: Option<f64>,
    /// The log's step (`None` when the stage was not built).
    pub log_step: Option<LogStep>,
}

/// One build of a scenario.
#[derive(Debug, Clone)]
pub struct BuildObservation {
    /// 0-based build number within the scenario.
    pub build: usize,
    /// The actions since the previous build, as written in the scenario.
    pub changes: Vec<String>,
    /// Every Dockerfile step (FROM included), in line order.
    pub steps: Vec<StepObservation>,
    /// The parsed log.
    pub log: BuildLog,
    /// Where the raw log is kept.
    pub log_path: PathBuf,
    /// The build failed, or its log did not map onto the Dockerfile.
    pub error: Option<String>,
    pub wall_seconds: f64,
    /// The built image (`--iidfile`), when the build succeeded.
    pub image_id: Option<String>,
}

impl BuildObservation {
    /// The sum of BuildKit's durations of the steps that ran (cached steps
    /// take no time in the log).
    pub fn step_seconds(&self) -> f64 {
        self.steps
            .iter()
            .filter(|s| s.outcome == Outcome::Run)
            .filter_map(|s| s.seconds)
            .sum()
    }

    /// The steps the oracle compares: all but FROM. (Docker 20.10 reports a
    /// local base image's FROM as `DONE 0.0s` even when nothing changed, so
    /// its CACHED state carries no information.)
    pub fn compared(&self) -> impl Iterator<Item = &StepObservation> {
        self.steps.iter().filter(|s| s.step.keyword != "FROM")
    }

    pub fn outcomes(&self) -> Vec<Outcome> {
        self.compared().map(|s| s.outcome).collect()
    }
}

/// Blanks `# syntax=` directives (keeping line numbers): the frontend image
/// they name cannot be pulled here.
pub fn without_syntax_directive(dockerfile: &str) -> String {
    let mut out = String::with_capacity(dockerfile.len());
    let mut in_directives = true;
    for line in dockerfile.split_inclusive('\n') {
        let t = line.trim();
        let directive = t
            .strip_prefix('#')
            .map(|d| d.trim_start().to_ascii_lowercase().starts_with("syntax"))
            .unwrap_or(false);
        if in_directives && directive {
            out.push_str(if line.ends_with('\n') { "\n" } else { "" });
            continue;
        }
        if !t.starts_with('#') {
            in_directives = false;
        }
        out.push_str(line);
    }
    out
}

/// Maps a parsed log onto the Dockerfile's steps by stage and index.
pub fn map_steps(dockerfile: &str, log: &BuildLog) -> (Vec<StepObservation>, Option<String>) {
    let steps = dockerfile_steps(dockerfile);
    let single_stage = steps.iter().all(|s| s.stage == 0);
    let mut problems = Vec::new();
    let matches = |d: &DockerfileStep, l: &LogStep| {
        l.index == d.index
            && match &l.stage {
                Some(name) => *name == d.stage_name,
                None => single_stage,
            }
    };
    for l in &log.steps {
        match steps.iter().find(|d| matches(d, l)) {
            Some(d) if d.count != l.count => problems.push(format!(
                "log step #{} [{}/{}] {}: the Dockerfile's stage {} has {} steps",
                l.vertex, l.index, l.count, l.instruction, d.stage_name, d.count
            )),
            Some(_) => {}
            None => problems.push(format!(
                "log step #{} {:?} [{}/{}] {} is no Dockerfile step",
                l.vertex, l.stage, l.index, l.count, l.instruction
            )),
        }
    }
    let observed = steps
        .into_iter()
        .map(|d| {
            let log_step = log.steps.iter().find(|l| matches(&d, l)).cloned();
            let outcome = match &log_step {
                None => Outcome::Skipped,
                Some(l) if l.cached => Outcome::Cached,
                Some(_) => Outcome::Run,
            };
            StepObservation {
                outcome,
                seconds: log_step.as_ref().and_then(|l| l.seconds),
                step: d,
                log_step,
            }
        })
        .collect();
    (
        observed,
        if problems.is_empty() {
            None
        } else {
            Some(problems.join("; "))
        },
    )
}

/// Copies a directory tree (files and folders).
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// The state of a scenario between builds.
struct Run<'a> {
    daemon: &'a Daemon,
    work: PathBuf,
    args: Vec<(String, String)>,
    secrets: Vec<String>,
    edits: usize,
}

impl Run<'_> {
    fn context(&self, path: &str) -> PathBuf {
        self.work.join("context").join(path)
    }

    fn apply(&mut self, action: &Action, images: &mut BaseImages) -> Result<(), String> {
        let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
        match action {
            Action::Build { .. } | Action::Dockerfile { .. } => {}
            Action::Edit { path, text, .. } => {
                self.edits += 1;
                let p = self.context(path);
                if let Some(dir) = p.parent() {
                    fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
                }
                let mut content = fs::read_to_string(&p).unwrap_or_default();
                if !content.is_empty() && !content.ends_with('\n') {
                    content.push('\n');
                }
                content.push_str(
                    &text
                        .clone()
                        .unwrap_or_else(|| format!("# edit {}", self.edits)),
                );
                content.push('\n');
                fs::write(&p, content).map_err(|e| io(&p, e))?;
            }
            Action::Write { path, text } => {
                let p = self.context(path);
                fs::write(&p, format!("{text}\n")).map_err(|e| io(&p, e))?;
            }
            Action::Delete { path } => {
                let p = self.context(path);
                fs::remove_file(&p).map_err(|e| io(&p, e))?;
            }
            Action::Touch { path } => {
                let p = self.context(path);
                let before = fs::read(&p).map_err(|e| io(&p, e))?;
                let f = fs::OpenOptions::new()
                    .write(true)
                    .open(&p)
                    .map_err(|e| io(&p, e))?;
                f.set_modified(SystemTime::now() + Duration::from_secs(3600))
                    .map_err(|e| io(&p, e))?;
                drop(f);
                if fs::read(&p).map_err(|e| io(&p, e))? != before {
                    return Err(format!("touch changed the content of {path}"));
                }
            }
            Action::Arg { key, value } => {
                self.args.retain(|(k, _)| k != key);
                self.args.push((key.clone(), value.clone()));
            }
            Action::Secret { id, value } => {
                let p = self.work.join("secrets").join(id);
                fs::create_dir_all(p.parent().unwrap()).map_err(|e| io(&p, e))?;
                fs::write(&p, value).map_err(|e| io(&p, e))?;
                if !self.secrets.contains(id) {
                    self.secrets.push(id.clone());
                }
            }
            Action::BaseUpdate { tag } => images.update(self.daemon, tag)?,
        }
        Ok(())
    }

    fn build(
        &self,
        n: usize,
        name: &str,
        dockerfile: &str,
        target: Option<&str>,
    ) -> BuildObservation {
        let started = Instant::now();
        let df_path = self.work.join("Dockerfile");
        let log_path = self.work.join(format!("build-{}.log", n + 1));
        let iid_path = self.work.join(format!("build-{}.iid", n + 1));
        let _ = fs::remove_file(&iid_path);
        let mut error = fs::write(&df_path, without_syntax_directive(dockerfile))
            .err()
            .map(|e| e.to_string());
        let rawjson = self.daemon.install.rawjson;
        let progress = if rawjson {
            "--progress=rawjson"
        } else {
            "--progress=plain"
        };
        let mut cmd = self.daemon.docker();
        cmd.args(["build", "--network=none", progress, "--iidfile"])
            .arg(&iid_path)
            .arg("-f")
            .arg(&df_path);
        for (k, v) in &self.args {
            cmd.arg("--build-arg").arg(format!("{k}={v}"));
        }
        for id in &self.secrets {
            cmd.arg("--secret").arg(format!(
                "id={id},src={}",
                self.work.join("secrets").join(id).display()
            ));
        }
        if let Some(t) = target {
            cmd.args(["--target", t]);
        }
        cmd.arg(self.work.join("context"));
        let mut text = String::new();
        if error.is_none() {
            match run_logged(cmd, &log_path) {
                Ok((ok, t)) => {
                    text = t;
                    if !ok {
                        error = Some(format!("docker build failed (log: {})", log_path.display()));
                    }
                }
                Err(e) => error = Some(e),
            }
        }
        let log = if rawjson {
            super::rawjson::parse(&text)
        } else {
            buildlog::parse(&text)
        };
        let (steps, mapping) = map_steps(dockerfile, &log);
        if let (Some(l), Some(e)) = (&log.error, &mut error) {
            e.push_str(&format!(": {l}"));
        }
        let error = match (error, mapping) {
            (None, None) => None,
            (e, m) => Some(format!(
                "{name} build {}: {}",
                n + 1,
                [e, m].into_iter().flatten().collect::<Vec<_>>().join("; ")
            )),
        };
        let image_id = if error.is_none() {
            fs::read_to_string(&iid_path)
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        } else {
            None
        };
        BuildObservation {
            build: n,
            changes: Vec::new(),
            steps,
            log,
            log_path,
            error,
            wall_seconds: started.elapsed().as_secs_f64(),
            image_id,
        }
    }
}

/// Runs a command with stdout and stderr into one file, with a timeout.
fn run_logged(mut cmd: std::process::Command, log_path: &Path) -> Result<(bool, String), String> {
    let file = fs::File::create(log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    cmd.stdout(file.try_clone().map_err(|e| e.to_string())?)
        .stderr(file)
        .stdin(Stdio::null());
    let mut child = cmd.spawn().map_err(|e| format!("cannot run docker: {e}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if started.elapsed() > BUILD_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "docker build timed out after {BUILD_TIMEOUT:?} (log: {})",
                log_path.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = fs::read_to_string(log_path).map_err(|e| e.to_string())?;
    Ok((status.success(), text))
}

/// Runs one scenario from a clean build cache.
pub fn run_scenario(
    daemon: &Daemon,
    images: &mut BaseImages,
    work_root: &Path,
    s: &Scenario,
) -> Result<Vec<BuildObservation>, String> {
    let work = work_root.join(&s.name);
    let _ = fs::remove_dir_all(&work);
    // An empty context has no folder in git (a fresh clone has none).
    let context = s.dir.join("context");
    if context.is_dir() {
        copy_tree(&context, &work.join("context"))
            .map_err(|e| format!("{}: copying context: {e}", s.name))?;
    } else {
        fs::create_dir_all(work.join("context"))
            .map_err(|e| format!("{}: creating an empty context: {e}", s.name))?;
    }
    // A clean slate: no cache from other scenarios, original base images.
    daemon.run(&["builder", "prune", "--all", "--force"])?;
    let mut tags: Vec<String> = (0..s.builds())
        .flat_map(|b| from_images(&s.dockerfile_at(b)))
        .collect();
    tags.sort();
    tags.dedup();
    for tag in &tags {
        images.ensure(daemon, tag)?;
    }
    let mut run = Run {
        daemon,
        work,
        args: Vec::new(),
        secrets: Vec::new(),
        edits: 0,
    };
    let mut observations = Vec::new();
    let mut changes = Vec::new();
    for action in &s.actions {
        if let Action::Build { target } = action {
            let n = observations.len();
            let mut obs = run.build(n, &s.name, &s.dockerfile_at(n), target.as_deref());
            obs.changes = std::mem::take(&mut changes);
            observations.push(obs);
        } else {
            run.apply(action, images)
                .map_err(|e| format!("{}: {action}: {e}", s.name))?;
            changes.push(action.to_string());
        }
    }
    Ok(observations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_directive_is_blanked_keeping_lines() {
        assert_eq!(
            without_syntax_directive("# syntax=docker/dockerfile:1\nFROM a\n"),
            "\nFROM a\n"
        );
        assert_eq!(
            without_syntax_directive("# escape=\\\n#syntax = x\nFROM a\n# syntax=y\n"),
            "# escape=\\\n\nFROM a\n# syntax=y\n"
        );
    }

    #[test]
    fn log_maps_by_stage_and_index() {
        let df = "FROM python:3.12-slim AS base\nARG V=1\nWORKDIR /app\nCOPY a.txt .\nRUN echo $V && sleep 0.3\nENV X=1\nRUN --mount=type=cache,target=/root/.cache echo hi\nFROM base AS final\nRUN false\n";
        let log = buildlog::parse(include_str!(
            "../../../crates/syntax/src/buildlog/docker20-cached-error.log"
        ));
        let (steps, problem) = map_steps(df, &log);
        assert_eq!(problem, None);
        let got: Vec<(usize, Outcome)> = steps.iter().map(|s| (s.step.line, s.outcome)).collect();
        use Outcome::*;
        assert_eq!(
            got,
            vec![
                (1, Run),
                (3, Cached),
                (4, Cached),
                (5, Cached),
                (7, Cached),
                (9, Run)
            ]
        );
        // A Dockerfile that does not match the log is reported.
        let (_, problem) = map_steps("FROM python:3.12-slim AS base\nRUN x\n", &log);
        assert!(problem.unwrap().contains("is no Dockerfile step"));
    }
}
