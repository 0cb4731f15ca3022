//! Parser parity with the current engine: every Dockerfile of the shared
//! corpus (`../shared/corpus`, MANIFEST kinds `dockerfile`,
//! `dockerfile-extracted` and `negative`) goes through `docker buildx build
//! --call=check,format=json` on Docker 28.5, and Layerlab must report a
//! syntax error (an error diagnostic of `layerlab_core::parse`) exactly when
//! BuildKit rejects the file before it builds anything.
//!
//! BuildKit's answer is the JSON's `buildError.message`. The check resolves
//! base images after parsing and only then dispatches the instructions,
//! where it refuses more (a `--mount` with an unknown key, measured: `FROM
//! scratch` + `RUN --mount=type=bind,sourcl=x` is refused, the same file
//! on an image that cannot be resolved is not). So every image the file
//! names is first tagged locally as the stub image (`checks::base_images`,
//! as the build-check recorder does) and BuildKit dispatches the whole
//! file. What is still no parse error: an image that cannot be tagged (a
//! digest-pinned one) failing to resolve ("failed to resolve source
//! metadata …"), and `base name ($X) should not be blank` (a `FROM $X`
//! whose ARG has no default: the file expects `--build-arg X=…`). `# syntax=`
//! lines are blanked as for every oracle build.
//!
//! The fuzz corpus's seeds go through the same check ([`seed_files`]):
//! every file of `fuzz/corpus/<target>/` (what `cargo xtask fuzz` seeded
//! from the shared corpus and kept of its own inputs; mutations of the
//! corpus, so never copied into the repository, as the corpus is not) whose
//! text is not a shared-corpus file already checked. `cargo xtask test`
//! checks the quarter whose name (libFuzzer's hash of the content) starts
//! with 0-3, so the same seed is always in or out;
//! `LAYERLAB_PARITY_SEEDS_ALL=1` checks every seed.
//!
//! Known differences are listed in `tests/buildkit/parse-differences.tsv`,
//! each with the reason it is kept: a file (its corpus path, or
//! `fuzz/corpus/<target>/NAME`), or a class of difference that new fuzz
//! seeds fall into on another machine, `buildkit: TEXT` (BuildKit rejects
//! the file with a message holding TEXT, Layerlab reports no error) or
//! `layerlab: TEXT` (Layerlab's error holds TEXT, BuildKit's check
//! accepts the file). Any other difference fails.

use super::daemon::Daemon;
use super::runner::without_syntax_directive;
use std::path::{Path, PathBuf};

/// One corpus file's verdicts.
#[derive(Debug, Clone)]
pub struct Parity {
    pub path: String,
    /// BuildKit's parse-phase error, if it rejected the file.
    pub buildkit: Option<String>,
    /// Layerlab's first error diagnostic, if any.
    pub layerlab: Option<String>,
    /// The message BuildKit ended with (parse error or not), for the report.
    pub message: Option<String>,
}

impl Parity {
    pub fn agrees(&self) -> bool {
        self.buildkit.is_some() == self.layerlab.is_some()
    }

    /// BuildKit stopped after parsing and before dispatching (a `FROM $X`
    /// whose ARG has no default, an image it could not resolve), so it never
    /// read what its dispatch refuses (a value its lexer cannot read, a
    /// STOPSIGNAL, an EXPOSE, a mount target): an error Layerlab reports
    /// there is not compared. Parse errors come first in BuildKit, so the
    /// file has none of those.
    pub fn not_dispatched(&self) -> bool {
        self.buildkit.is_none() && self.message.is_some() && self.layerlab.is_some()
    }
}

/// `../shared/corpus` from the workspace root, if present.
pub fn corpus_dir() -> Option<PathBuf> {
    let root = crate::root().join("../shared/corpus");
    root.join("MANIFEST.tsv").is_file().then_some(root)
}

/// The corpus's Dockerfiles (relative paths), in manifest order.
pub fn corpus_files(root: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(root.join("MANIFEST.tsv")).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 6 && matches!(c[5], "dockerfile" | "dockerfile-extracted" | "negative"))
                .then(|| c[3].to_string())
        })
        .collect()
}

/// Whether every fuzz seed is checked (`LAYERLAB_PARITY_SEEDS_ALL=1`), not
/// the default quarter.
pub fn all_seeds() -> bool {
    std::env::var("LAYERLAB_PARITY_SEEDS_ALL").as_deref() == Ok("1")
}

/// Whether a fuzz seed is in the default quarter: its name (libFuzzer's
/// sha1 of the content, or the sha256 `cargo xtask fuzz` seeds with)
/// starts with 0-3. The same content is always in or always out.
pub fn in_default_subset(name: &str) -> bool {
    name.starts_with(['0', '1', '2', '3'])
}

/// The fuzz seeds to check: (label, path), the label their path from the
/// workspace, sorted by path, without a text equal to a shared-corpus file
/// (`corpus_texts`) or to a seed already listed. With `all` false, only
/// [`in_default_subset`]. Also returns how many fuzz-corpus files there were
/// before the subset and the dedup.
pub fn seed_files(corpus_texts: &[Vec<u8>], all: bool) -> (Vec<(String, PathBuf)>, usize) {
    let mut seen: std::collections::HashSet<Vec<u8>> = corpus_texts.iter().cloned().collect();
    let mut out = Vec::new();
    // The files (or the folders) of `dir`, sorted.
    let list = |dir: &Path, folders: bool| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| if folders { p.is_dir() } else { p.is_file() })
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    let mut total = 0;
    for dir in list(&crate::root().join("fuzz/corpus"), true) {
        for p in list(&dir, false) {
            total += 1;
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if !all && !in_default_subset(&name) {
                continue;
            }
            if let Ok(b) = std::fs::read(&p) {
                if seen.insert(b) {
                    let rel = p.strip_prefix(crate::root()).unwrap_or(&p);
                    out.push((rel.to_string_lossy().into_owned(), p));
                }
            }
        }
    }
    (out, total)
}

/// The reason `p` is a known difference, if it is one: its file listed, or
/// a class (`buildkit: TEXT`, `layerlab: TEXT`) it falls into.
pub fn kept_reason<'a>(known: &'a [(String, String)], p: &Parity) -> Option<&'a str> {
    known.iter().find_map(|(k, why)| {
        let hit = if let Some(t) = k.strip_prefix("buildkit: ") {
            p.layerlab.is_none() && p.buildkit.as_deref().is_some_and(|m| m.contains(t))
        } else if let Some(t) = k.strip_prefix("layerlab: ") {
            p.buildkit.is_none() && p.layerlab.as_deref().is_some_and(|m| m.contains(t))
        } else {
            *k == p.path
        };
        hit.then_some(why.as_str())
    })
}

/// The known differences: path or class → reason.
pub fn known_differences() -> Vec<(String, String)> {
    let p = crate::root().join("tests/buildkit/parse-differences.tsv");
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Whether a `buildError` message says the file needs build args: `FROM
/// $IMAGE` with an ARG that has no default, rejected only because this check
/// passes none (`base name ($IMAGE) should not be blank`). The file parses;
/// it is no syntax error.
pub fn needs_build_args(message: &str) -> bool {
    message.starts_with("base name (") && message.ends_with("should not be blank")
}

/// Whether a `buildError` message is from before image resolution.
fn is_parse_phase(message: &str) -> bool {
    !(needs_build_args(message)
        || message.contains("failed to resolve source metadata")
        || message.contains("failed to do request")
        || message.contains("pull access denied")
        || message.contains("no such host"))
}

/// Writes `src` (its `# syntax=` lines blanked) into `work` and runs
/// `docker buildx build --call=check,format=json` on it, with an empty
/// context.
pub fn call_check(daemon: &Daemon, work: &Path, src: &str) -> Result<std::process::Output, String> {
    let ctx = work.join("ctx");
    std::fs::create_dir_all(&ctx).map_err(|e| e.to_string())?;
    let df = work.join("Dockerfile");
    std::fs::write(&df, without_syntax_directive(src)).map_err(|e| e.to_string())?;
    // Output to files and a bound on the wait: a hostile input (a fuzz
    // seed) must not hang the suite.
    let (out_path, err_path) = (work.join("check.stdout"), work.join("check.stderr"));
    let out_file = std::fs::File::create(&out_path).map_err(|e| e.to_string())?;
    let err_file = std::fs::File::create(&err_path).map_err(|e| e.to_string())?;
    let mut child = daemon
        .docker()
        .args(["buildx", "build", "--call=check,format=json", "-f"])
        .arg(&df)
        .arg(&ctx)
        .stdout(out_file)
        .stderr(err_file)
        .spawn()
        .map_err(|e| format!("docker buildx: {e}"))?;
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if started.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            return Err("docker buildx build --call=check: no answer in 120 s".into());
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    Ok(std::process::Output {
        status,
        stdout: std::fs::read(&out_path).unwrap_or_default(),
        stderr: std::fs::read(&err_path).unwrap_or_default(),
    })
}

/// Runs one file through the engine's check.
pub fn check(daemon: &Daemon, work: &Path, root: &Path, rel: &str) -> Result<Parity, String> {
    check_file(daemon, work, &root.join(rel), rel)
}

/// Runs the file at `path` through the engine's check, reported as `rel`.
/// A file that is not UTF-8 is read lossily, the same text for both.
pub fn check_file(daemon: &Daemon, work: &Path, path: &Path, rel: &str) -> Result<Parity, String> {
    let src = std::fs::read(path).map_err(|e| format!("{rel}: {e}"))?;
    let src = String::from_utf8_lossy(&src).into_owned();
    // Each name is tagged once a daemon (a `docker tag` is ~0.2 s, and the
    // corpus's files share their images).
    static TAGGED: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());
    for image in super::checks::base_images(&src) {
        let key = (daemon.host.clone(), image);
        let mut tagged = TAGGED.lock().unwrap_or_else(|e| e.into_inner());
        if !tagged.contains(&key) {
            // A name docker cannot tag is one BuildKit cannot resolve either.
            let _ = daemon.run(&["tag", super::checks::STUB, &key.1]);
            tagged.push(key);
        }
    }
    let out = call_check(daemon, work, &src)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let message = match stdout.find('{') {
        Some(i) => {
            let v: serde_json::Value = serde_json::from_str(&stdout[i..])
                .map_err(|e| format!("{rel}: the check's JSON: {e}"))?;
            v.get("buildError")
                .and_then(|b| b.get("message"))
                .and_then(|m| m.as_str())
                .map(str::to_string)
        }
        None if out.status.success() => None,
        // No JSON at all: the client's own error (stderr's last line).
        None => Some(
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .to_string(),
        ),
    };
    let parsed = layerlab_core::parse(&without_syntax_directive(&src));
    let layerlab = parsed.errors().next().map(|d| d.message.clone());
    Ok(Parity {
        path: rel.to_string(),
        buildkit: message.clone().filter(|m| is_parse_phase(m)),
        layerlab,
        message,
    })
}
