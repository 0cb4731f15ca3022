//! `npm install` into a private folder with its own `package.json`: how the
//! project installs its npm tools (wasm-opt, terser, axe-core, the SARIF
//! validator), never globally.

use std::path::Path;
use std::process::{Command, Stdio};

/// Whether `npm` runs.
pub fn available() -> bool {
    Command::new("npm")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Installs `packages` (exact versions) into `dir`, creating it and its
/// `package.json` when missing. npm's own messages go to stderr.
pub fn install(dir: &Path, packages: &[&str]) -> Result<(), String> {
    if !available() {
        return Err(
            "npm is not installed: install Node.js and npm (Debian: apt-get install nodejs npm)"
                .into(),
        );
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let pkg = dir.join("package.json");
    if !pkg.exists() {
        std::fs::write(
            &pkg,
            "{\n  \"name\": \"layerlab-tools\",\n  \"private\": true\n}\n",
        )
        .map_err(|e| format!("{}: {e}", pkg.display()))?;
    }
    let status = Command::new("npm")
        .current_dir(dir)
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--save-exact",
        ])
        .args(packages)
        .status()
        .map_err(|e| format!("npm: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "npm install {} failed ({status})",
            packages.join(" ")
        ))
    }
}
