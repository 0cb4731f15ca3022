//! Scenario files and the Dockerfile-to-build-step mapping.
//!
//! A scenario is a directory `tests/buildkit/scenarios/<name>/` holding a
//! `Dockerfile`, a `context/` folder and a plain-text `scenario` file: one
//! action a line, `#` starts a comment.
//!
//! | action | meaning |
//! | --- | --- |
//! | `build [--target T]` | build; the next `expect` line is its expectation |
//! | `expect cached run skip …` | one word a Dockerfile step, in line order, FROM excluded |
//! | `expect-20.10 cached run …` | where Docker 20.10's BuildKit does otherwise than the current engine's (after the build's `expect`): a known engine difference |
//! | `edit PATH [TEXT]` | append a line to a context file (a content change) |
//! | `edit-ignored PATH` | the same, for a path `.dockerignore` excludes |
//! | `write PATH TEXT` | replace a context file's content with one line |
//! | `delete PATH` | remove a context file |
//! | `touch PATH` | change only the file's mtime (one hour later) |
//! | `arg K=V` | pass `--build-arg K=V` from now on |
//! | `secret ID=VALUE` | the secret file behind `--secret id=ID` now holds VALUE |
//! | `base-update TAG` | re-import the base image TAG with new content |
//! | `dockerfile OLD => NEW` | replace text in the Dockerfile |
//! | `requires FEATURE` | needs a frontend feature Docker 20.10 lacks: built on the current engine only ([`Scenario::engines`]) |
//!
//! A *step* is an instruction that becomes an LLB operation and so a line
//! `#N [stage i/n] …` in the build log: `FROM` an image (step 1; no step when
//! the stage starts from another stage or `scratch`), `RUN`, `COPY`, `ADD`
//! and `WORKDIR`. `ARG`, `ENV`, `LABEL`, `USER`, `EXPOSE`, `CMD`,
//! `ENTRYPOINT`, `SHELL`, … only change image metadata and are not steps
//! (BuildKit `frontend/dockerfile/dockerfile2llb/convert.go`: only these
//! dispatchers add to `cmdTotal`).

use super::engine::Engine;
use std::fmt;
use std::path::{Path, PathBuf};

/// Frontend features of the current engine that Docker 20.10 lacks.
pub const CURRENT_ONLY: &[&str] = &[
    "heredoc",
    "copy-link",
    "copy-exclude",
    "copy-chmod",
    "run-network",
    "add-checksum",
    "secret-env",
];

/// Features no engine here builds (labs flags).
pub const NO_ENGINE: &[&str] = &["copy-parents"];

/// What a build did with one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Reused from the cache (`#N CACHED`).
    Cached,
    /// Executed.
    Run,
    /// Not part of the build at all (its stage is not needed).
    Skipped,
}

impl Outcome {
    pub fn parse(word: &str) -> Option<Outcome> {
        match word {
            "cached" => Some(Outcome::Cached),
            "run" => Some(Outcome::Run),
            "skip" | "skipped" => Some(Outcome::Skipped),
            _ => None,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Cached => "CACHED",
            Outcome::Run => "RUN",
            Outcome::Skipped => "skipped",
        })
    }
}

/// One action of a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Build {
        target: Option<String>,
    },
    Edit {
        path: String,
        text: Option<String>,
        ignored: bool,
    },
    Write {
        path: String,
        text: String,
    },
    Delete {
        path: String,
    },
    Touch {
        path: String,
    },
    Arg {
        key: String,
        value: String,
    },
    Secret {
        id: String,
        value: String,
    },
    BaseUpdate {
        tag: String,
    },
    Dockerfile {
        old: String,
        new: String,
    },
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Build { target: None } => write!(f, "build"),
            Action::Build { target: Some(t) } => write!(f, "build --target {t}"),
            Action::Edit {
                path,
                ignored: false,
                ..
            } => write!(f, "edit {path}"),
            Action::Edit {
                path,
                ignored: true,
                ..
            } => write!(f, "edit-ignored {path}"),
            Action::Write { path, .. } => write!(f, "write {path}"),
            Action::Delete { path } => write!(f, "delete {path}"),
            Action::Touch { path } => write!(f, "touch {path}"),
            Action::Arg { key, value } => write!(f, "arg {key}={value}"),
            Action::Secret { id, .. } => write!(f, "secret {id} changed"),
            Action::BaseUpdate { tag } => write!(f, "base-update {tag}"),
            Action::Dockerfile { old, new } => write!(f, "dockerfile {old} => {new}"),
        }
    }
}

/// A parsed scenario directory.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub dir: PathBuf,
    pub dockerfile: String,
    pub actions: Vec<Action>,
    /// The `expect` line after each `build`, in build order (`None`: none given).
    pub expectations: Vec<Option<Vec<Outcome>>>,
    /// The `expect-20.10` line after a build, where Docker 20.10's BuildKit
    /// differs from the current engine's (the simulator follows the current
    /// one): one entry a build, `None` where the engines agree.
    pub expectations_20: Vec<Option<Vec<Outcome>>>,
    /// Features this Docker's built-in frontend lacks (`heredoc`, `copy-link`).
    pub requires: Vec<String>,
}

impl Scenario {
    /// Reads `dir/Dockerfile` and `dir/scenario`.
    pub fn load(dir: &Path) -> Result<Scenario, String> {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let read =
            |f: &str| std::fs::read_to_string(dir.join(f)).map_err(|e| format!("{name}: {f}: {e}"));
        let dockerfile = read("Dockerfile")?;
        let text = read("scenario")?;
        let Parsed {
            actions,
            expectations,
            expectations_20,
            requires,
        } = parse_scenario(&text).map_err(|e| format!("{name}/scenario: {e}"))?;
        Ok(Scenario {
            name,
            dir: dir.to_path_buf(),
            dockerfile,
            actions,
            expectations,
            expectations_20,
            requires,
        })
    }

    /// Every scenario under `dir`, sorted by name.
    pub fn load_all(dir: &Path) -> Result<Vec<Scenario>, String> {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("scenario").is_file())
            .collect();
        dirs.sort();
        dirs.iter().map(|d| Scenario::load(d)).collect()
    }

    /// The engines that can build it. Docker 20.10's built-in frontend
    /// (dockerfile 1.2 of 2021) has none of [`CURRENT_ONLY`]; `COPY
    /// --parents` ([`NO_ENGINE`]) is still a labs flag on Docker 28.5 (refused
    /// without a `# syntax=…labs` frontend, which cannot be pulled here), so a
    /// scenario needing it is simulator-only. An unknown feature is an error.
    pub fn engines(&self) -> Result<Vec<Engine>, String> {
        let mut engines = Engine::ALL.to_vec();
        for f in &self.requires {
            if NO_ENGINE.contains(&f.as_str()) {
                engines.clear();
            } else if CURRENT_ONLY.contains(&f.as_str()) {
                engines.retain(|e| *e == Engine::Current);
            } else {
                return Err(format!(
                    "{}: unknown feature `requires {f}` (known: {}, {})",
                    self.name,
                    CURRENT_ONLY.join(", "),
                    NO_ENGINE.join(", ")
                ));
            }
        }
        Ok(engines)
    }

    /// Whether `engine` can build it.
    pub fn runnable_on(&self, engine: Engine) -> bool {
        self.engines().is_ok_and(|e| e.contains(&engine))
    }

    /// Whether some engine can build it (else it is simulator-only).
    pub fn runnable(&self) -> bool {
        self.engines().is_ok_and(|e| !e.is_empty())
    }

    /// Number of `build` actions.
    pub fn builds(&self) -> usize {
        self.actions
            .iter()
            .filter(|a| matches!(a, Action::Build { .. }))
            .count()
    }

    /// The scenario file's expectation for a build (0-based), if any: what
    /// the current engine's BuildKit does, and so what the simulator must
    /// predict.
    pub fn expected(&self, build: usize) -> Vec<Outcome> {
        self.expectations
            .get(build)
            .cloned()
            .flatten()
            .unwrap_or_default()
    }

    /// What `engine`'s BuildKit does in a build: [`Scenario::expected`], or
    /// the build's `expect-20.10` line on Docker 20.10.
    pub fn expected_on(&self, engine: Engine, build: usize) -> Vec<Outcome> {
        match (engine, self.engine_difference(build)) {
            (Engine::Docker20, Some(old)) => old.clone(),
            _ => self.expected(build),
        }
    }

    /// Docker 20.10's outcomes for a build where they differ from the
    /// current engine's (its `expect-20.10` line).
    pub fn engine_difference(&self, build: usize) -> Option<&Vec<Outcome>> {
        self.expectations_20.get(build).and_then(Option::as_ref)
    }

    /// The Dockerfile as it is at a build (0-based): `dockerfile` actions applied.
    pub fn dockerfile_at(&self, build: usize) -> String {
        let mut df = self.dockerfile.clone();
        let mut seen = 0;
        for a in &self.actions {
            match a {
                Action::Build { .. } if seen == build => break,
                Action::Build { .. } => seen += 1,
                Action::Dockerfile { old, new } => df = df.replacen(old.as_str(), new, 1),
                _ => {}
            }
        }
        df
    }
}

struct Parsed {
    actions: Vec<Action>,
    expectations: Vec<Option<Vec<Outcome>>>,
    expectations_20: Vec<Option<Vec<Outcome>>>,
    requires: Vec<String>,
}

fn parse_scenario(text: &str) -> Result<Parsed, String> {
    let (mut actions, mut expectations, mut requires) = (Vec::new(), Vec::new(), Vec::new());
    let mut expectations_20: Vec<Option<Vec<Outcome>>> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |m: &str| format!("line {}: {m}: {raw:?}", n + 1);
        let (word, rest) = line
            .split_once(char::is_whitespace)
            .map(|(w, r)| (w, r.trim()))
            .unwrap_or((line, ""));
        let path = || {
            if rest.is_empty() {
                Err(err("needs a path"))
            } else {
                Ok(rest.split_whitespace().next().unwrap().to_string())
            }
        };
        let kv = || {
            rest.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| err("needs K=V"))
        };
        let action = match word {
            "build" => {
                expectations.push(None);
                expectations_20.push(None);
                let target = match rest.strip_prefix("--target") {
                    Some(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
                    Some(_) => return Err(err("--target needs a stage")),
                    None if rest.is_empty() => None,
                    None => return Err(err("unknown build option")),
                };
                Action::Build { target }
            }
            "expect" | "expect-20.10" => {
                let words: Result<Vec<Outcome>, String> = rest
                    .split_whitespace()
                    .map(|w| {
                        Outcome::parse(w).ok_or_else(|| err(&format!("unknown outcome {w:?}")))
                    })
                    .collect();
                let words = words?;
                if word == "expect" {
                    match expectations.last_mut() {
                        Some(slot @ None) => *slot = Some(words),
                        _ => return Err(err("expect must follow a build, once")),
                    }
                } else {
                    match (expectations.last(), expectations_20.last_mut()) {
                        (Some(Some(current)), Some(slot @ None)) if *current != words => {
                            *slot = Some(words)
                        }
                        (Some(Some(_)), Some(None)) => {
                            return Err(err("expect-20.10 repeats the build's expect line"))
                        }
                        _ => return Err(err("expect-20.10 must follow the build's expect, once")),
                    }
                }
                continue;
            }
            "requires" => {
                requires.push(rest.to_string());
                continue;
            }
            "edit" | "edit-ignored" => {
                let text = rest
                    .split_once(char::is_whitespace)
                    .map(|(_, t)| t.trim().to_string());
                Action::Edit {
                    path: path()?,
                    text,
                    ignored: word == "edit-ignored",
                }
            }
            "write" => {
                let (p, t) = rest
                    .split_once(char::is_whitespace)
                    .ok_or_else(|| err("write PATH TEXT"))?;
                Action::Write {
                    path: p.to_string(),
                    text: t.trim().to_string(),
                }
            }
            "delete" => Action::Delete { path: path()? },
            "touch" => Action::Touch { path: path()? },
            "arg" => {
                let (key, value) = kv()?;
                Action::Arg { key, value }
            }
            "secret" => {
                let (id, value) = kv()?;
                Action::Secret { id, value }
            }
            "base-update" => Action::BaseUpdate { tag: path()? },
            "dockerfile" => {
                let (old, new) = rest
                    .split_once(" => ")
                    .ok_or_else(|| err("dockerfile OLD => NEW"))?;
                Action::Dockerfile {
                    old: old.to_string(),
                    new: new.to_string(),
                }
            }
            _ => return Err(err("unknown action")),
        };
        actions.push(action);
    }
    Ok(Parsed {
        actions,
        expectations,
        expectations_20,
        requires,
    })
}

/// One build step of a Dockerfile, as BuildKit numbers it.
#[derive(Debug, Clone, PartialEq)]
pub struct DockerfileStep {
    /// 1-based line of the instruction's keyword.
    pub line: usize,
    /// 0-based stage index.
    pub stage: usize,
    /// The stage's name as the log prints it: `AS` name (lower-cased) or `stage-N`.
    pub stage_name: String,
    /// 1-based index of the step within its stage (`[stage i/n]`).
    pub index: u32,
    /// Steps in the stage (`n`).
    pub count: u32,
    /// The keyword, upper-cased.
    pub keyword: String,
    /// The instruction, continuations joined.
    pub text: String,
}

/// The heredoc words (`<<EOT`, `<<-EOT`, `<<"EOT"`, `<<'EOT'`) of an
/// instruction line, in order: (word, whether tabs are stripped).
fn heredocs(line: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("<<") {
        let mut w = &rest[i + 2..];
        let dash = w.starts_with('-');
        if dash {
            w = &w[1..];
        }
        let word: String = w
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
            .collect();
        if !word.is_empty() {
            out.push((word, dash));
        }
        rest = &rest[i + 2..];
    }
    out
}

/// The build steps of a Dockerfile in line order. A small reader for the
/// oracle's own scenarios (`\` escape): comments and blank lines inside
/// continuations are dropped as BuildKit's parser does; the bodies of a
/// RUN/COPY/ADD's heredocs (`<<EOT` … `EOT`) belong to the instruction.
pub fn dockerfile_steps(src: &str) -> Vec<DockerfileStep> {
    let mut steps: Vec<DockerfileStep> = Vec::new();
    let mut stage_names: Vec<String> = Vec::new();
    let mut lines = src.lines().enumerate().peekable();
    while let Some((n, raw)) = lines.next() {
        let first = raw.trim();
        if first.is_empty() || first.starts_with('#') {
            continue;
        }
        let mut text = first.to_string();
        while text.ends_with('\\') {
            text.pop();
            match lines.next() {
                Some((_, l)) if l.trim().is_empty() || l.trim_start().starts_with('#') => {
                    text.push('\\')
                }
                Some((_, l)) => text.push_str(l.trim_end()),
                None => break,
            }
        }
        let (keyword, args) = text.split_once(char::is_whitespace).unwrap_or((&text, ""));
        let keyword = keyword.to_ascii_uppercase();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for (word, dash) in heredocs(args) {
                for (_, l) in lines.by_ref() {
                    let l = if dash { l.trim_start_matches('\t') } else { l };
                    if l == word {
                        break;
                    }
                }
            }
        }
        let words: Vec<&str> = args
            .split_whitespace()
            .filter(|w| !w.starts_with("--"))
            .collect();
        let is_step = match keyword.as_str() {
            "FROM" => {
                let image = words
                    .first()
                    .map(|w| w.to_ascii_lowercase())
                    .unwrap_or_default();
                let name = match words.get(1) {
                    Some(w) if w.eq_ignore_ascii_case("as") => {
                        words.get(2).map(|s| s.to_ascii_lowercase())
                    }
                    _ => None,
                };
                stage_names.push(name.unwrap_or_else(|| format!("stage-{}", stage_names.len())));
                image != "scratch" && !stage_names[..stage_names.len() - 1].contains(&image)
            }
            "RUN" | "COPY" | "ADD" | "WORKDIR" => !stage_names.is_empty(),
            _ => false,
        };
        if is_step {
            let stage = stage_names.len() - 1;
            let index = steps.iter().filter(|s| s.stage == stage).count() as u32 + 1;
            steps.push(DockerfileStep {
                line: n + 1,
                stage,
                stage_name: stage_names[stage].clone(),
                index,
                count: 0,
                keyword,
                text: text.clone(),
            });
        }
    }
    for i in 0..steps.len() {
        steps[i].count = steps.iter().filter(|s| s.stage == steps[i].stage).count() as u32;
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_skip_metadata_and_stage_froms() {
        let df = "# syntax=docker/dockerfile:1\nARG BASE=x\nFROM python:3.12-slim AS Base\nARG V\nENV A=1\nWORKDIR /app\nCOPY a \\\n  # comment\n  b /c\nRUN x\nLABEL a=b\nFROM base AS final\nRUN y\nFROM scratch\nCOPY --from=final /a /a\nFROM --platform=$BUILDPLATFORM golang:1.22\nCMD [\"x\"]\n";
        let steps = dockerfile_steps(df);
        let s: Vec<(usize, &str, u32, u32, &str)> = steps
            .iter()
            .map(|s| {
                (
                    s.line,
                    s.stage_name.as_str(),
                    s.index,
                    s.count,
                    s.keyword.as_str(),
                )
            })
            .collect();
        assert_eq!(
            s,
            vec![
                (3, "base", 1, 4, "FROM"),
                (6, "base", 2, 4, "WORKDIR"),
                (7, "base", 3, 4, "COPY"),
                (10, "base", 4, 4, "RUN"),
                (13, "final", 1, 1, "RUN"),
                (15, "stage-2", 1, 1, "COPY"),
                (16, "stage-3", 1, 1, "FROM"),
            ]
        );
        assert_eq!(dockerfile_steps(df)[2].text, "COPY a   b /c");
    }

    #[test]
    fn heredoc_bodies_belong_to_their_instruction() {
        let df = "FROM a\nRUN <<EOT\nRUN not-a-step\nEOT\nCOPY <<-\"A\" <<b.txt /x/\n\tFROM no\n\tA\nCOPY b\nb.txt\nRUN python3 <<'PY'\nprint(1)\nPY\nWORKDIR /w\n";
        let steps = dockerfile_steps(df);
        let got: Vec<(usize, &str)> = steps.iter().map(|s| (s.line, s.keyword.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (1, "FROM"),
                (2, "RUN"),
                (5, "COPY"),
                (10, "RUN"),
                (13, "WORKDIR")
            ]
        );
    }

    #[test]
    fn engines_follow_requires() {
        let mut s = Scenario {
            name: "x".into(),
            dir: PathBuf::new(),
            dockerfile: String::new(),
            actions: Vec::new(),
            expectations: Vec::new(),
            expectations_20: Vec::new(),
            requires: Vec::new(),
        };
        assert_eq!(s.engines().unwrap(), Engine::ALL.to_vec());
        s.requires = vec!["heredoc".into(), "copy-link".into()];
        assert_eq!(s.engines().unwrap(), vec![Engine::Current]);
        assert!(s.runnable_on(Engine::Current) && !s.runnable_on(Engine::Docker20));
        s.requires.push("copy-parents".into());
        assert!(!s.runnable());
        s.requires = vec!["teleport".into()];
        assert!(s.engines().is_err() && !s.runnable());
    }

    #[test]
    fn scenario_file() {
        let Parsed {
            actions,
            expectations: expect,
            expectations_20,
            requires,
        } = parse_scenario(
            "# c\nbuild\nexpect run run\nedit src/a.py  # comment\ntouch x\narg V=2\nbuild --target t\nrequires heredoc\ndockerfile RUN a => RUN b\n",
        )
        .unwrap();
        assert_eq!(actions.len(), 6);
        assert_eq!(
            actions[1],
            Action::Edit {
                path: "src/a.py".into(),
                text: None,
                ignored: false
            }
        );
        assert_eq!(
            actions[4],
            Action::Build {
                target: Some("t".into())
            }
        );
        assert_eq!(expect, vec![Some(vec![Outcome::Run, Outcome::Run]), None]);
        assert_eq!(requires, vec!["heredoc".to_string()]);
        assert!(parse_scenario("expect run\n").is_err());
        assert!(parse_scenario("build\nexpect maybe\n").is_err());
        assert_eq!(expectations_20, vec![None, None]);
    }

    #[test]
    fn an_engine_difference_follows_the_build_s_expect_line() {
        let p = parse_scenario("build\nexpect run\nbuild\nexpect cached\nexpect-20.10 run\n").unwrap();
        assert_eq!(p.expectations_20, vec![None, Some(vec![Outcome::Run])]);
        for bad in [
            "build\nexpect-20.10 run\n",                      // before the expect line
            "build\nexpect run\nexpect-20.10 run\n",          // the same as it
            "build\nexpect run\nexpect-20.10 cached\nexpect-20.10 skip\n", // twice
        ] {
            assert!(parse_scenario(bad).is_err(), "{bad}");
        }
    }
}
