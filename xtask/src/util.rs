//! Small helpers: paths, running commands, reporting.

use std::process::{Command, Stdio};
use std::time::Instant;

/// The workspace root, and whether we run under CI (`CI=true`, where
/// nothing may be skipped): the test harness's, so xtask and the suites
/// agree on both.
pub use layerlab_tests::{is_ci, root};

/// Whether we are root (apt-get can install system packages).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Prints a step header.
pub fn step(msg: &str) {
    eprintln!("\n\x1b[1m==> {msg}\x1b[0m");
}

/// Runs `cmd`, streaming its output, and fails with a message when it fails.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let started = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "{shown} failed ({status}) after {:.0?}",
            started.elapsed()
        ))
    }
}

/// Runs `cmd` and returns its stdout, or None when it cannot run or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
