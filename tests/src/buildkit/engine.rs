//! The two engines the oracle builds on.
//!
//! - [`Engine::Docker20`]: Debian 12's `docker.io` (Docker 20.10, BuildKit
//!   built in, dockerfile frontend of 2021), installed with apt-get when
//!   missing, run from `/usr/sbin/dockerd` and `/usr/bin/docker` by full path.
//! - [`Engine::Current`]: Debian sid's `docker.io`, `docker-cli`,
//!   `docker-buildx`, `containerd` and `tini-static` (Docker 28.5, buildx
//!   0.29, containerd 2.1), fetched with apt-get under a private sources list
//!   and private state and cache folders (the machine's apt setup is never
//!   touched) and unpacked with `dpkg-deb -x` into `target/engines/sid/`.
//!   Their binaries need glibc ≥ 2.34 (Debian 12 has 2.36); Debian 12's own
//!   `runc` is used (sid's needs a newer glibc). The first fetch is kept, so
//!   later runs start at once. If sid's engine stops running here, Debian 13
//!   (trixie: Docker 26.1) is fetched instead, and every report says so.
//!
//! The current engine's daemon runs with the containerd image store
//! (`features.containerd-snapshotter`), the store Docker Desktop and Docker
//! Engine 29 use by default: with the classic overlay2 graph driver, BuildKit
//! has no MergeOp and `COPY --link` is an ordinary `COPY` (measured on 28.5:
//! the linked copy reran after a change above it). Its builds are read from
//! `--progress=rawjson` (see [`super::rawjson`]): in plain progress a reused
//! `--link` copy and its merge are one `DONE` step, so plain output cannot
//! say whether the copy was reused.

use super::daemon::{ensure_packages, Unavailable, DOCKER, DOCKERD};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Debian 12's runc, which the unpacked engines use.
pub const RUNC: &str = "/usr/sbin/runc";

/// An engine the oracle can build on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Debian 12's Docker 20.10.
    Docker20,
    /// Docker 28.5 from Debian sid (trixie's 26.1 as the fallback).
    Current,
}

impl Engine {
    pub const ALL: [Engine; 2] = [Engine::Docker20, Engine::Current];

    /// A short name for folders and reports: `20.10`, `28.5`.
    pub fn slug(self) -> &'static str {
        match self {
            Engine::Docker20 => "20.10",
            Engine::Current => "28.5",
        }
    }

    /// Installs (first run) and returns how to start this engine.
    pub fn install(self) -> Result<Install, Unavailable> {
        match self {
            Engine::Docker20 => {
                ensure_packages()?;
                Ok(Install {
                    engine: self,
                    label: "Docker 20.10 (Debian 12 docker.io)".into(),
                    dockerd: DOCKERD.into(),
                    docker: DOCKER.into(),
                    bin: None,
                    plugins: None,
                    daemon_json: None,
                    rawjson: false,
                    fetched: None,
                    note: None,
                })
            }
            Engine::Current => install_current(),
        }
    }
}

/// An installed engine: its binaries and how its daemon is started.
#[derive(Debug, Clone)]
pub struct Install {
    pub engine: Engine,
    /// What it is, e.g. `Docker 28.5.2+dfsg4 (Debian sid docker.io, buildx 0.29.1)`.
    pub label: String,
    pub dockerd: PathBuf,
    pub docker: PathBuf,
    /// A folder put first on the daemon's PATH (containerd, shim, runc, docker-init).
    pub bin: Option<PathBuf>,
    /// A `cli-plugins` folder (docker-buildx) for the client's `DOCKER_CONFIG`.
    pub plugins: Option<PathBuf>,
    /// The daemon's `--config-file` content.
    pub daemon_json: Option<String>,
    /// Builds are read from `--progress=rawjson` (buildx) instead of plain.
    pub rawjson: bool,
    /// Seconds the first fetch and unpack took, when this run did it.
    pub fetched: Option<f64>,
    /// Something every report must say (a fallback to trixie).
    pub note: Option<String>,
}

/// A Debian suite to take the current engine from.
struct Suite {
    name: &'static str,
    packages: &'static [&'static str],
}

const SID: Suite = Suite {
    name: "sid",
    packages: &[
        "docker.io",
        "docker-cli",
        "docker-buildx",
        "containerd",
        "tini-static",
    ],
};

/// trixie's docker.io still holds the client.
const TRIXIE: Suite = Suite {
    name: "trixie",
    packages: &["docker.io", "docker-buildx", "containerd", "tini-static"],
};

/// `target/engines/`.
pub fn engines_dir() -> PathBuf {
    crate::root().join("target/engines")
}

fn unavailable(msg: String) -> Unavailable {
    if crate::is_ci() {
        Unavailable::Fail(msg)
    } else {
        Unavailable::Skip(msg)
    }
}

fn install_current() -> Result<Install, Unavailable> {
    let sid = match fetch(&SID) {
        Ok(i) => i,
        Err(e) => {
            return Err(unavailable(format!(
                "the current engine (Debian sid's docker.io 28.5) could not be fetched: {e}"
            )))
        }
    };
    match runs(&sid) {
        Ok(()) => Ok(sid),
        Err(why) => {
            eprintln!("\x1b[1;33m!!! Debian sid's engine does not run here ({why}); falling back to Debian 13 (trixie, Docker 26.1)\x1b[0m");
            let mut t = fetch(&TRIXIE).map_err(|e| {
                unavailable(format!(
                    "sid's engine does not run here ({why}) and trixie's could not be fetched: {e}"
                ))
            })?;
            runs(&t).map_err(|e| {
                Unavailable::Fail(format!(
                    "neither sid's ({why}) nor trixie's ({e}) engine runs here"
                ))
            })?;
            t.note = Some(format!(
                "FALLBACK: Debian sid's engine does not run here ({why}); this is trixie's"
            ));
            Ok(t)
        }
    }
}

/// Whether the unpacked binaries run (glibc, missing libraries).
fn runs(i: &Install) -> Result<(), String> {
    for bin in [&i.dockerd, &i.docker] {
        let out = Command::new(bin)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{}: {e}", bin.display()))?;
        if !out.status.success() {
            return Err(format!(
                "{} --version: {}",
                bin.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    Ok(())
}

/// The Debian archive this machine already uses (its bookworm source).
fn debian_mirror() -> String {
    let mut uris = Vec::new();
    if let Ok(rd) = std::fs::read_dir("/etc/apt/sources.list.d") {
        for e in rd.flatten() {
            if e.path().extension().is_some_and(|x| x == "sources") {
                let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                for para in text.split("\n\n") {
                    let field = |k: &str| {
                        para.lines()
                            .find_map(|l| l.strip_prefix(k).map(|v| v.trim().to_string()))
                    };
                    let suites = field("Suites:").unwrap_or_default();
                    if suites.split_whitespace().any(|s| s == "bookworm") {
                        if let Some(u) = field("URIs:") {
                            uris.extend(u.split_whitespace().map(String::from));
                        }
                    }
                }
            }
        }
    }
    let list = std::fs::read_to_string("/etc/apt/sources.list").unwrap_or_default();
    for l in list.lines() {
        let w: Vec<&str> = l
            .split_whitespace()
            .filter(|w| !w.starts_with('['))
            .collect();
        if w.len() >= 3 && w[0] == "deb" && w[2] == "bookworm" {
            uris.push(w[1].to_string());
        }
    }
    uris.into_iter()
        .next()
        .unwrap_or_else(|| "http://deb.debian.org/debian".into())
}

/// The unpacked engine of `suite` (fetching it on first use).
fn fetch(suite: &Suite) -> Result<Install, String> {
    let dir = engines_dir().join(suite.name);
    let mut fetched = None;
    if !dir.join("ready").is_file() {
        let t = Instant::now();
        eprintln!(
            "buildkit oracle: fetching Debian {}'s {} into {} (first run)",
            suite.name,
            suite.packages.join(" "),
            dir.display()
        );
        let tmp = engines_dir().join(format!("{}.tmp-{}", suite.name, std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let r = download_and_unpack(suite, &tmp);
        if let Err(e) = r {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        // Another process may have finished first: keep its copy.
        if std::fs::rename(&tmp, &dir).is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
            if !dir.join("ready").is_file() {
                return Err(format!(
                    "cannot move {} to {}",
                    tmp.display(),
                    dir.display()
                ));
            }
        }
        let secs = t.elapsed().as_secs_f64();
        eprintln!(
            "buildkit oracle: Debian {}'s engine fetched and unpacked in {secs:.1}s",
            suite.name
        );
        fetched = Some(secs);
    }
    let root = dir.join("root");
    let versions = std::fs::read_to_string(dir.join("ready")).unwrap_or_default();
    let docker = if root.join("usr/bin/docker").exists() {
        root.join("usr/bin/docker")
    } else {
        root.join("usr/sbin/docker")
    };
    Ok(Install {
        engine: Engine::Current,
        label: format!(
            "Debian {} ({})",
            suite.name,
            versions.split_whitespace().collect::<Vec<_>>().join(", ")
        ),
        dockerd: root.join("usr/sbin/dockerd"),
        docker,
        bin: Some(dir.join("bin")),
        plugins: Some(root.join("usr/libexec/docker/cli-plugins")),
        daemon_json: Some(r#"{"features": {"containerd-snapshotter": true}}"#.into()),
        rawjson: true,
        fetched,
        note: None,
    })
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .rev()
                .take(5)
                .collect::<Vec<_>>()
                .join("\n"),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// apt-get with a private sources list, state and cache under `apt`.
fn apt(apt: &Path) -> Command {
    let mut c = Command::new("apt-get");
    let o = |k: &str, v: &Path| format!("{k}={}", v.display());
    c.env("DEBIAN_FRONTEND", "noninteractive").args([
        "-q",
        "-o",
        &o("Dir::Etc::sourcelist", &apt.join("sources.list")),
        "-o",
        "Dir::Etc::sourceparts=-",
        "-o",
        &o("Dir::State::Lists", &apt.join("lists")),
        "-o",
        &o("Dir::State::status", &apt.join("status")),
        "-o",
        &o("Dir::Cache", &apt.join("cache")),
        "-o",
        "Acquire::Languages=none",
        "-o",
        "APT::Sandbox::User=root",
    ]);
    c
}

fn download_and_unpack(suite: &Suite, dir: &Path) -> Result<(), String> {
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    let apt_dir = dir.join("apt");
    for d in ["lists/partial", "cache/archives/partial"] {
        let p = apt_dir.join(d);
        std::fs::create_dir_all(&p).map_err(|e| io(&p, e))?;
    }
    let keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
    let sources = format!(
        "deb [signed-by={keyring}] {} {} main\n",
        debian_mirror(),
        suite.name
    );
    std::fs::write(apt_dir.join("sources.list"), sources).map_err(|e| io(&apt_dir, e))?;
    std::fs::write(apt_dir.join("status"), "").map_err(|e| io(&apt_dir, e))?;
    run(apt(&apt_dir).arg("update"))?;
    let debs = dir.join("debs");
    std::fs::create_dir_all(&debs).map_err(|e| io(&debs, e))?;
    run(apt(&apt_dir)
        .current_dir(&debs)
        .arg("download")
        .args(suite.packages))?;
    let root = dir.join("root");
    let mut versions = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&debs)
        .map_err(|e| io(&debs, e))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "deb"))
        .collect();
    files.sort();
    for deb in &files {
        run(Command::new("dpkg-deb").arg("-x").arg(deb).arg(&root))?;
        // docker.io_28.5.2+dfsg4-5_amd64.deb → docker.io=28.5.2+dfsg4-5
        let name = deb.file_name().unwrap().to_string_lossy().into_owned();
        let parts: Vec<&str> = name.split('_').collect();
        if parts.len() >= 2 {
            versions.push(format!("{}={}", parts[0], parts[1]));
        }
    }
    // The daemon's PATH: containerd, its shim, Debian 12's runc, tini-static
    // as docker-init.
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).map_err(|e| io(&bin, e))?;
    let links: [(&str, PathBuf); 5] = [
        ("containerd", root.join("usr/bin/containerd")),
        (
            "containerd-shim-runc-v2",
            root.join("usr/bin/containerd-shim-runc-v2"),
        ),
        ("runc", PathBuf::from(RUNC)),
        ("docker-init", root.join("usr/bin/tini-static")),
        ("dockerd", root.join("usr/sbin/dockerd")),
    ];
    for (name, target) in &links {
        if !target.exists() {
            return Err(format!(
                "the unpacked packages have no {}",
                target.display()
            ));
        }
        // Relative to the folder, so the tree can be renamed into place.
        let rel = target
            .strip_prefix(dir)
            .map(|r| Path::new("..").join(r))
            .unwrap_or_else(|_| target.clone());
        std::os::unix::fs::symlink(&rel, bin.join(name)).map_err(|e| io(&bin, e))?;
    }
    // The package lists are big and needed only for this fetch.
    let _ = std::fs::remove_dir_all(apt_dir.join("lists"));
    let _ = std::fs::remove_dir_all(&debs);
    std::fs::write(dir.join("ready"), versions.join("\n") + "\n").map_err(|e| io(dir, e))?;
    Ok(())
}
