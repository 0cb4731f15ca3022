//! Project-local tools (trunk, wasm-bindgen, wasm-opt) and system packages.
//!
//! Everything goes into `target/tools` (override with `LAYERLAB_TOOLS`): a
//! first run builds trunk and wasm-bindgen-cli from crates.io (about 9 and 8
//! minutes on 2 cores) and installs binaryen from npm; later runs find them
//! and start in seconds.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::util::{is_ci, is_root, output, root, run, step};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const BINARYEN_VERSION: &str = "132";
/// Minifies the wasm-bindgen glue (`glue.rs`); trunk 0.21's minifier cannot parse it.
pub const TERSER_VERSION: &str = "5.51.4";

/// Where the tools are, and the PATH that puts them first.
pub struct Tools {
    pub bin: PathBuf,
    pub path_env: std::ffi::OsString,
}

impl Tools {
    pub fn command(&self, program: &str) -> Command {
        self.command_at(&self.bin.join(program))
    }

    pub fn command_at(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("PATH", &self.path_env).current_dir(root());
        cmd
    }

    /// A program installed from npm into the tools' `npm/` folder.
    pub fn npm_bin(&self, name: &str) -> PathBuf {
        self.bin
            .with_file_name("npm")
            .join("node_modules/.bin")
            .join(name)
    }
}

pub fn tools_dir() -> PathBuf {
    std::env::var_os("LAYERLAB_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/tools"))
}

/// The wasm-bindgen version pinned in Cargo.lock; the CLI must equal it.
pub fn locked_wasm_bindgen() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

/// Installs whatever is missing for building the playground.
pub fn ensure_web_tools() -> Result<Tools, String> {
    let dir = tools_dir();
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;

    ensure_wasm_target()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());

    let trunk_ok = output(Command::new(bin.join("trunk")).arg("--version"))
        .is_some_and(|v| v.contains(TRUNK_VERSION));
    if !trunk_ok {
        step(&format!(
            "installing trunk {TRUNK_VERSION} into {} (first run only: about 9 minutes on 2 cores)",
            dir.display()
        ));
        let started = Instant::now();
        run(Command::new(&cargo)
            .args(["install", "--locked", "--root"])
            .arg(&dir)
            .args([
                &format!("trunk@{TRUNK_VERSION}"),
                "--no-default-features",
                "--features",
                "rustls",
            ]))?;
        eprintln!("    trunk installed in {:.0?}", started.elapsed());
    }

    let wb = locked_wasm_bindgen()?;
    let wb_ok = output(Command::new(bin.join("wasm-bindgen")).arg("--version"))
        .is_some_and(|v| v.split_whitespace().nth(1) == Some(wb.as_str()));
    if !wb_ok {
        // Not --locked: its lockfile names a crate the registry mirror lacks.
        step(&format!("installing wasm-bindgen-cli {wb} (matches Cargo.lock) into {} (first run only: about 8 minutes)", dir.display()));
        let started = Instant::now();
        run(Command::new(&cargo)
            .args(["install", "--root"])
            .arg(&dir)
            .arg(format!("wasm-bindgen-cli@{wb}")))?;
        eprintln!(
            "    wasm-bindgen-cli installed in {:.0?}",
            started.elapsed()
        );
    }

    let npm_dir = dir.join("npm");
    let wasm_opt = npm_dir.join("node_modules/binaryen/bin/wasm-opt");
    let version_ok = output(Command::new(&wasm_opt).arg("--version"))
        .is_some_and(|v| v.contains(&format!("version {BINARYEN_VERSION}")));
    if !version_ok {
        step(&format!(
            "installing wasm-opt from npm binaryen@{BINARYEN_VERSION} into {} (about 10 seconds)",
            npm_dir.display()
        ));
        npm_install(&npm_dir, &[&format!("binaryen@{BINARYEN_VERSION}")])?;
    }
    let terser_ok = std::fs::read_to_string(npm_dir.join("node_modules/terser/package.json"))
        .is_ok_and(|p| p.contains(&format!("\"version\": \"{TERSER_VERSION}\"")));
    if !terser_ok {
        step(&format!(
            "installing terser@{TERSER_VERSION} from npm into {} (about 5 seconds)",
            npm_dir.display()
        ));
        npm_install(&npm_dir, &[&format!("terser@{TERSER_VERSION}")])?;
    }
    // trunk looks wasm-opt up on PATH; put a link to the npm binary in bin/.
    let link = bin.join("wasm-opt");
    if std::fs::read_link(&link).ok().as_deref() != Some(wasm_opt.as_path()) {
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&wasm_opt, &link)
            .map_err(|e| format!("{}: {e}", link.display()))?;
    }

    let mut paths = vec![bin.clone()];
    if let Some(p) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&p));
    }
    let path_env = std::env::join_paths(paths).map_err(|e| e.to_string())?;
    Ok(Tools { bin, path_env })
}

/// `npm install` into a private folder with its own package.json.
pub fn npm_install(dir: &Path, packages: &[&str]) -> Result<(), String> {
    layerlab_tests::npm::install(dir, packages)
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    step("adding the wasm32-unknown-unknown target (rustup, about 30 seconds)");
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// A Debian package the tests need, and a file that proves it is installed.
pub struct SystemPackage {
    pub package: &'static str,
    pub file: &'static str,
}

pub const BROWSER_PACKAGES: &[SystemPackage] = &[
    SystemPackage {
        package: "chromium",
        file: "/usr/bin/chromium",
    },
    SystemPackage {
        package: "chromium-driver",
        file: "/usr/bin/chromedriver",
    },
];

pub const BUILDKIT_PACKAGES: &[SystemPackage] = &[
    SystemPackage {
        package: "docker.io",
        file: "/usr/sbin/dockerd",
    },
    SystemPackage {
        package: "docker.io",
        file: "/usr/bin/docker",
    },
    SystemPackage {
        package: "busybox-static",
        file: "/bin/busybox",
    },
];

/// Makes sure the packages are installed. Returns Ok(true) when they are,
/// Ok(false) when they are missing and may be skipped (not CI, not root),
/// and Err when they are missing under CI or the install failed.
pub fn ensure_system_packages(what: &str, pkgs: &[SystemPackage]) -> Result<bool, String> {
    let missing: Vec<&SystemPackage> = pkgs
        .iter()
        .filter(|p| !Path::new(p.file).exists())
        .collect();
    if missing.is_empty() {
        return Ok(true);
    }
    let mut names: Vec<&str> = missing.iter().map(|p| p.package).collect();
    names.dedup();
    let debian = Path::new("/etc/debian_version").exists();
    if is_root() && debian {
        step(&format!(
            "installing {} for {what} with apt-get (about 1–2 minutes)",
            names.join(" ")
        ));
        run(Command::new("apt-get").args(["update", "-q"]))?;
        run(Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "-q"])
            .args(&names))?;
        if let Some(p) = missing.iter().find(|p| !Path::new(p.file).exists()) {
            return Err(format!(
                "apt-get installed {} but {} is still missing",
                p.package, p.file
            ));
        }
        return Ok(true);
    }
    let how = if debian {
        format!("sudo apt-get install {}", names.join(" "))
    } else {
        format!(
            "install the packages providing {}",
            missing
                .iter()
                .map(|p| p.file)
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    if is_ci() {
        Err(format!(
            "{what} needs {} (missing). Install it: {how}",
            names.join(", ")
        ))
    } else {
        eprintln!(
            "\n\x1b[1;33m!!! {what} NOT RUN: missing {}. Install it with: {how}\x1b[0m",
            names.join(", ")
        );
        Ok(false)
    }
}
