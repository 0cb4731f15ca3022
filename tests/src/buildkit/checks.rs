//! BuildKit's build checks recorded once: every Dockerfile of
//! `../shared/corpus` and `../shared/corpus-apps` through Docker 28.5's
//! `docker buildx build --call=check,format=json`, its `warnings` written to
//! `tests/buildkit/checks-expected.tsv` (the corpora are not copied, only
//! BuildKit's findings). `crates/core/tests/build_checks_parity.rs` compares
//! Layerlab's build checks with that file.
//!
//! One line a finding: `corpus`, `file`, `rule`, `start line`, `end line`,
//! `message` (BuildKit's `detail`), tab-separated (tabs and newlines in a
//! message escaped as `\t`, `\n`). Each checked file also has one line whose
//! rule is `-` and whose message is BuildKit's `buildError` (empty when
//! none).
//!
//! There is no registry here, and BuildKit runs most rules (LegacyKeyValueFormat,
//! SecretsUsedInArgOrEnv on ENV, UndefinedVar, …) only once every base image
//! has resolved, while it dispatches the instructions. So before each check
//! every image the file names (FROM, `COPY --from`, `RUN --mount=from=`,
//! expanded with its global ARGs' defaults) is tagged locally as one stub image (busybox, `images.rs`):
//! BuildKit then resolves them all and runs every rule. Rules that read a
//! base image's own config (UndefinedVar on a variable the real image sets)
//! see the stub's, which Layerlab does not model; a file that needs build
//! args (`FROM $X`, no default) still stops before dispatch.

use super::daemon::Daemon;
use super::images::BaseImages;
use layerlab_core::syntax::{shell, Command};
use std::collections::BTreeSet;
use std::path::Path;

/// The stub image every base image name is tagged as.
pub const STUB: &str = "layerlab-check-stub:latest";

/// Imports the stub image once.
pub fn import_stub(daemon: &Daemon, images: &mut BaseImages) -> Result<(), String> {
    images.ensure(daemon, STUB)
}

/// The base image names of `src` BuildKit will resolve: each FROM's image
/// expanded with the global ARGs' defaults, not a stage, not `scratch`.
pub fn base_images(src: &str) -> Vec<String> {
    let df = layerlab_core::parse(src);
    let mut env: Vec<(String, String)> = Vec::new();
    for &i in &df.global_args {
        if let Command::Arg { args } = &df.instructions[i].command {
            for a in args {
                let v = a.default.as_deref().map(|d| {
                    shell::expand(d, df.escape, &|n| env.iter().rev().find(|(k, _)| k == n).map(|(_, v)| v.clone()))
                        .unwrap_or_default()
                });
                if let Some(v) = v {
                    env.push((a.name.clone(), v));
                }
            }
        }
    }
    let mut stages = BTreeSet::new();
    let mut out = Vec::new();
    let add = |image: &str, stages: &BTreeSet<String>, out: &mut Vec<String>| {
        let img = shell::expand(image, df.escape, &|n| {
            env.iter().rev().find(|(k, _)| k == n).map(|(_, v)| v.clone())
        })
        .unwrap_or_default();
        let lower = img.to_ascii_lowercase();
        let index = !img.is_empty() && img.bytes().all(|b| b.is_ascii_digit());
        if !img.is_empty() && !index && lower != "scratch" && !stages.contains(&lower) && !out.contains(&img) {
            out.push(img);
        }
    };
    // Images named by FROM, COPY --from and RUN --mount=from= all resolve.
    for ins in &df.instructions {
        match &ins.command {
            Command::From { image, name, .. } => {
                add(image, &stages, &mut out);
                if let Some(n) = name {
                    stages.insert(n.to_ascii_lowercase());
                }
            }
            Command::Copy(c) | Command::Add(c) => {
                if let Some(f) = &c.from {
                    add(f, &stages, &mut out);
                }
            }
            Command::Run { mounts, .. } => {
                for f in mounts.iter().filter_map(|m| m.from.as_deref()) {
                    add(f, &stages, &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

/// The expectation file, relative to the workspace root.
pub const EXPECTED: &str = "tests/buildkit/checks-expected.tsv";

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n")
}

/// One file's check through the engine: the TSV lines for it.
pub fn record(daemon: &Daemon, work: &Path, corpus: &str, root: &Path, rel: &str) -> Result<Vec<String>, String> {
    let src = std::fs::read(root.join(rel)).map_err(|e| format!("{rel}: {e}"))?;
    let src = String::from_utf8_lossy(&src).into_owned();
    for image in base_images(&src) {
        // A name docker cannot tag is one BuildKit cannot resolve either.
        let _ = daemon.run(&["tag", STUB, &image]);
    }
    let out = super::parity::call_check(daemon, work, &src)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut lines = Vec::new();
    let Some(i) = stdout.find('{') else {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        lines.push(format!("{corpus}\t{rel}\t-\t0\t0\t{}", esc(&format!("no JSON: {last}"))));
        return Ok(lines);
    };
    let v: serde_json::Value =
        serde_json::from_str(&stdout[i..]).map_err(|e| format!("{rel}: the check's JSON: {e}"))?;
    let error = v
        .get("buildError")
        .and_then(|b| b.get("message"))
        .and_then(|m| m.as_str())
        .unwrap_or("");
    lines.push(format!("{corpus}\t{rel}\t-\t0\t0\t{}", esc(error)));
    for w in v.get("warnings").and_then(|w| w.as_array()).into_iter().flatten() {
        let rule = w.get("ruleName").and_then(|r| r.as_str()).unwrap_or("?");
        let detail = w.get("detail").and_then(|r| r.as_str()).unwrap_or("");
        let range = w
            .get("location")
            .and_then(|l| l.get("ranges"))
            .and_then(|r| r.get(0));
        let line = |k: &str| {
            range
                .and_then(|r| r.get(k))
                .and_then(|p| p.get("line"))
                .and_then(|l| l.as_u64())
                .unwrap_or(0)
        };
        lines.push(format!(
            "{corpus}\t{rel}\t{rule}\t{}\t{}\t{}",
            line("start"),
            line("end"),
            esc(detail)
        ));
    }
    Ok(lines)
}

/// One finding as compared: (rule, start line, end line, message).
pub type Finding = (String, u32, u32, String);

/// BuildKit's build checks of `src` right now (not recorded): its
/// warnings and its `buildError` message, with `build_arg` as
/// `--build-arg BUILDKIT_DOCKERFILE_CHECK=…` when set and `dockerignore` as
/// the (otherwise empty) context's `.dockerignore`. Every base image the
/// file names is tagged as the stub first, as for the recording.
pub fn live(
    daemon: &Daemon,
    work: &Path,
    src: &str,
    build_arg: Option<&str>,
    dockerignore: Option<&str>,
) -> Result<(Vec<Finding>, Option<String>), String> {
    for image in base_images(src) {
        let _ = daemon.run(&["tag", STUB, &image]);
    }
    std::fs::create_dir_all(work.join("ctx")).map_err(|e| e.to_string())?;
    let ignore = work.join("ctx/.dockerignore");
    match dockerignore {
        Some(text) => std::fs::write(&ignore, text).map_err(|e| e.to_string())?,
        None => {
            let _ = std::fs::remove_file(&ignore);
        }
    }
    let df = work.join("Dockerfile");
    std::fs::write(&df, super::runner::without_syntax_directive(src)).map_err(|e| e.to_string())?;
    let mut cmd = daemon.docker();
    cmd.args(["buildx", "build", "--call=check,format=json", "-f"]).arg(&df);
    if let Some(v) = build_arg {
        cmd.arg("--build-arg").arg(format!("BUILDKIT_DOCKERFILE_CHECK={v}"));
    }
    let out = cmd.arg(work.join("ctx")).output().map_err(|e| format!("docker buildx: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let Some(i) = stdout.find('{') else {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!("no JSON from the check: {}", err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("")));
    };
    let v: serde_json::Value = serde_json::from_str(&stdout[i..]).map_err(|e| format!("the check's JSON: {e}"))?;
    let error = v.get("buildError").and_then(|b| b.get("message")).and_then(|m| m.as_str()).map(str::to_string);
    let mut found = Vec::new();
    for w in v.get("warnings").and_then(|w| w.as_array()).into_iter().flatten() {
        let text = |k: &str| w.get(k).and_then(|r| r.as_str()).unwrap_or("").to_string();
        let range = w.get("location").and_then(|l| l.get("ranges")).and_then(|r| r.get(0));
        let line = |k: &str| {
            range.and_then(|r| r.get(k)).and_then(|p| p.get("line")).and_then(|l| l.as_u64()).unwrap_or(0) as u32
        };
        found.push((text("ruleName"), line("start"), line("end"), text("detail")));
    }
    Ok((found, error))
}

/// Layerlab's build checks of `src`, in the same shape as [`live`].
pub fn layerlab(src: &str, build_arg: Option<&str>, dockerignore: Option<&str>) -> (Vec<Finding>, Option<String>) {
    let src = super::runner::without_syntax_directive(src);
    let opts = layerlab_core::checks::ChecksOptions {
        build_arg: build_arg.map(str::to_string),
        dockerignore: dockerignore.map(str::to_string),
        ..Default::default()
    };
    let df = layerlab_core::parse(&src);
    let found = layerlab_core::checks::run(&src, &df, &opts)
        .into_iter()
        .map(|f| (f.rule.to_string(), f.start.line, f.end.line, f.message))
        .collect();
    (found, layerlab_core::checks::options_error(&df, &opts))
}
