//! Parser parity with the current engine: every Dockerfile of the shared
//! corpus (`../shared/corpus`, MANIFEST kinds `dockerfile`,
//! `dockerfile-extracted` and `negative`) goes through `docker buildx build
//! --call=check,format=json` on Docker 28.5, and Layerlab must report a
//! syntax error (an error diagnostic of `layerlab_core::parse`) exactly when
//! BuildKit rejects the file before it resolves any image.
//!
//! BuildKit's answer is the JSON's `buildError.message`. The check resolves
//! base images after parsing; with no registry here that fails for every
//! valid file ("failed to resolve source metadata …"), which is no parse
//! error; nor is `base name ($X) should not be blank` (a `FROM $X` whose ARG
//! has no default: the file expects `--build-arg X=…`). `# syntax=` lines are
//! blanked as for every oracle build.
//!
//! Known differences are listed in `tests/buildkit/parse-differences.tsv`
//! (corpus path, tab, the reason it is kept); any other difference fails.

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

/// The known differences: path → reason.
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
    daemon
        .docker()
        .args(["buildx", "build", "--call=check,format=json", "-f"])
        .arg(&df)
        .arg(&ctx)
        .output()
        .map_err(|e| format!("docker buildx: {e}"))
}

/// Runs one file through the engine's check.
pub fn check(daemon: &Daemon, work: &Path, root: &Path, rel: &str) -> Result<Parity, String> {
    let src = std::fs::read(root.join(rel)).map_err(|e| format!("{rel}: {e}"))?;
    let src = String::from_utf8_lossy(&src).into_owned();
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
