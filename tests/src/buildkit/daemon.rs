//! A private `dockerd` for the oracle, of either [`Engine`] (Docker 20.10
//! with its built-in BuildKit, or the current Docker with buildx).
//!
//! Everything lives under the folder it is given (data root, exec root,
//! socket, pid file, log), one folder per suite and engine
//! (`target/buildkit/<suite>/<engine>/`), so two suites, or two engines, never
//! share a daemon's state; when those paths are too long for a unix socket
//! (108 bytes on Linux, we keep below 100) a short `/tmp/llbk-<pid>-<n>` is
//! used instead. The
//! daemon is stopped by its pid: SIGTERM, a wait, then SIGKILL; `Drop` does it
//! too, so a panic does not leave it running.

use super::engine::{Engine, Install};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The docker client, by full path: a newer `docker` earlier on PATH refuses
/// BuildKit builds without buildx.
pub const DOCKER: &str = "/usr/bin/docker";
pub const DOCKERD: &str = "/usr/sbin/dockerd";
pub const BUSYBOX: &str = "/bin/busybox";

/// Why the oracle cannot run.
#[derive(Debug)]
pub enum Unavailable {
    /// Not here, and that is allowed (not CI): say why, loudly.
    Skip(String),
    /// A real failure (always under `CI=true`).
    Fail(String),
}

/// A Debian package and the file that proves it is installed.
struct Package {
    name: &'static str,
    file: &'static str,
}

const PACKAGES: &[Package] = &[
    Package {
        name: "docker.io",
        file: DOCKERD,
    },
    Package {
        name: "docker.io",
        file: DOCKER,
    },
    Package {
        name: "busybox-static",
        file: BUSYBOX,
    },
];

fn is_root() -> bool {
    // SAFETY-free check: /proc/self/status's Uid line (no libc crate).
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// Whether an ELF file has no program interpreter (is statically linked):
/// the rootfs has no libc, so a dynamic busybox (Debian's `busybox`) cannot run.
fn is_static_elf(path: &Path) -> bool {
    let Ok(b) = std::fs::read(path) else {
        return false;
    };
    if b.len() < 64 || &b[..4] != b"\x7fELF" || b[4] != 2 || b[5] != 1 {
        return false; // only 64-bit little-endian is expected here
    }
    let u16_at = |o: usize| u16::from_le_bytes([b[o], b[o + 1]]) as usize;
    let phoff = u64::from_le_bytes(b[32..40].try_into().unwrap()) as usize;
    let (phentsize, phnum) = (u16_at(54), u16_at(56));
    (0..phnum).all(|i| {
        let o = phoff + i * phentsize;
        o + 4 <= b.len() && u32::from_le_bytes(b[o..o + 4].try_into().unwrap()) != 3
        // PT_INTERP
    })
}

/// Installs docker.io and busybox-static with apt-get when missing (root on
/// Debian); otherwise says exactly what to install.
pub fn ensure_packages() -> Result<(), Unavailable> {
    let missing = |p: &&Package| {
        !Path::new(p.file).exists() || (p.file == BUSYBOX && !is_static_elf(Path::new(BUSYBOX)))
    };
    let mut names: Vec<&str> = PACKAGES.iter().filter(missing).map(|p| p.name).collect();
    names.dedup();
    if names.is_empty() {
        return Ok(());
    }
    let debian = Path::new("/etc/debian_version").exists();
    if is_root() && debian {
        eprintln!(
            "buildkit oracle: installing {} with apt-get",
            names.join(" ")
        );
        let ok = |c: &mut Command| c.status().map(|s| s.success()).unwrap_or(false);
        let installed = ok(Command::new("apt-get").args(["update", "-q"]))
            && ok(Command::new("apt-get")
                .env("DEBIAN_FRONTEND", "noninteractive")
                .args(["install", "-y", "-q"])
                .args(&names));
        if installed && !PACKAGES.iter().any(|p| missing(&p)) {
            return Ok(());
        }
        return Err(Unavailable::Fail(format!(
            "apt-get install {} failed",
            names.join(" ")
        )));
    }
    let how = if debian {
        format!("sudo apt-get install {}", names.join(" "))
    } else {
        "install Docker 20.10+ (dockerd, /usr/bin/docker) and a static busybox at /bin/busybox"
            .into()
    };
    let msg = format!(
        "the BuildKit oracle needs {} (missing). Install it: {how}",
        names.join(", ")
    );
    Err(if crate::is_ci() {
        Unavailable::Fail(msg)
    } else {
        Unavailable::Skip(msg)
    })
}

/// A running private dockerd.
pub struct Daemon {
    /// `unix:///…/docker.sock`, for `docker -H`.
    pub host: String,
    /// The directory holding its state (data root, logs, pid file).
    pub dir: PathBuf,
    /// A `DOCKER_CONFIG` directory of our own, so no user config (buildx
    /// aliases, contexts) changes what `docker build` does.
    pub config: PathBuf,
    /// The engine it runs and its installed binaries.
    pub install: Install,
    /// `docker version`'s server version, e.g. `28.5.2+dfsg4`.
    pub version: String,
    child: Option<Child>,
}

impl Daemon {
    /// Starts Docker 20.10's dockerd as root under `dir` and waits (≤ 60 s)
    /// until it answers.
    pub fn start(dir: &Path) -> Result<Daemon, Unavailable> {
        Self::start_engine(dir, &Engine::Docker20.install()?)
    }

    /// Starts an installed engine's dockerd as root under `dir`.
    pub fn start_engine(dir: &Path, install: &Install) -> Result<Daemon, Unavailable> {
        if !is_root() {
            let msg = "the BuildKit oracle starts its own dockerd and must run as root".to_string();
            return Err(if crate::is_ci() {
                Unavailable::Fail(msg)
            } else {
                Unavailable::Skip(msg)
            });
        }
        let fail = |m: String| Unavailable::Fail(m);
        std::fs::create_dir_all(dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
        // Sockets: ours and containerd's (`<exec-root>/containerd/containerd.sock.ttrpc`).
        let mut run = dir.join("run");
        if run
            .join("containerd/containerd.sock.ttrpc")
            .as_os_str()
            .len()
            >= 100
        {
            static DAEMONS: AtomicUsize = AtomicUsize::new(0);
            let n = DAEMONS.fetch_add(1, Ordering::Relaxed);
            run = PathBuf::from(format!("/tmp/llbk-{}-{n}", std::process::id()));
        }
        std::fs::create_dir_all(&run).map_err(|e| fail(format!("{}: {e}", run.display())))?;
        let sock = run.join("docker.sock");
        let pidfile = dir.join("dockerd.pid");
        stop_stale(&pidfile);
        let _ = std::fs::remove_file(&sock);
        let log_path = dir.join("dockerd.log");
        let log = std::fs::File::create(&log_path)
            .map_err(|e| fail(format!("{}: {e}", log_path.display())))?;
        let mut cmd = Command::new(&install.dockerd);
        if let Some(bin) = &install.bin {
            let path = std::env::var("PATH").unwrap_or_default();
            cmd.env("PATH", format!("{}:{path}", bin.display()));
        }
        if let Some(json) = &install.daemon_json {
            let p = dir.join("daemon.json");
            std::fs::write(&p, json).map_err(|e| fail(format!("{}: {e}", p.display())))?;
            cmd.arg("--config-file").arg(p);
        }
        if install.engine == Engine::Current {
            cmd.args(["--ip6tables=false", "--userland-proxy=false"]);
        }
        let child = cmd
            .arg("--data-root")
            .arg(dir.join("data"))
            .arg("--exec-root")
            .arg(run.join("exec"))
            .arg("--host")
            .arg(format!("unix://{}", sock.display()))
            .arg("--pidfile")
            .arg(&pidfile)
            .args([
                "--bridge=none",
                "--iptables=false",
                "--ip-forward=false",
                "--ip-masq=false",
            ])
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| fail(e.to_string()))?)
            .stderr(log)
            .spawn()
            .map_err(|e| fail(format!("cannot start {}: {e}", install.dockerd.display())))?;
        let config = dir.join("docker-config");
        let _ = std::fs::remove_dir_all(&config);
        let _ = std::fs::create_dir_all(&config);
        if let Some(plugins) = &install.plugins {
            let _ = std::os::unix::fs::symlink(plugins, config.join("cli-plugins"));
        }
        let mut daemon = Daemon {
            host: format!("unix://{}", sock.display()),
            dir: dir.to_path_buf(),
            config,
            install: install.clone(),
            version: String::new(),
            child: Some(child),
        };
        let started = Instant::now();
        loop {
            let answered = daemon
                .docker()
                .args(["version", "--format", "{{.Server.Version}}"])
                .output();
            if let Ok(o) = &answered {
                if o.status.success() {
                    daemon.version = String::from_utf8_lossy(&o.stdout).trim().to_string();
                    return Ok(daemon);
                }
            }
            let exited = daemon
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            if exited.is_some() || started.elapsed() > Duration::from_secs(60) {
                let tail = std::fs::read_to_string(&log_path).unwrap_or_default();
                let tail: Vec<&str> = tail
                    .lines()
                    .rev()
                    .take(15)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                daemon.stop();
                return Err(fail(format!(
                    "{} did not answer ({}); last lines of {}:\n{}",
                    install.dockerd.display(),
                    exited
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "60 s timeout".into()),
                    log_path.display(),
                    tail.join("\n")
                )));
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// The engine's docker client (`/usr/bin/docker` for 20.10, the unpacked
    /// one for the current engine) `-H <our socket>` with BuildKit on and our
    /// own config (holding only the buildx plugin, for the current engine).
    pub fn docker(&self) -> Command {
        let mut c = Command::new(&self.install.docker);
        c.env("DOCKER_BUILDKIT", "1")
            .env("DOCKER_CONFIG", &self.config)
            .args(["-H", &self.host]);
        c.stdin(Stdio::null());
        c
    }

    /// Runs a docker command to completion; its stdout, or its stderr as the error.
    pub fn run(&self, args: &[&str]) -> Result<String, String> {
        let out = self
            .docker()
            .args(args)
            .output()
            .map_err(|e| format!("docker {}: {e}", args.join(" ")))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(format!(
                "docker {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    /// Stops the daemon: SIGTERM, up to 15 s, then SIGKILL. Idempotent.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        terminate(child.id(), || child.try_wait().ok().flatten().is_some());
        let _ = child.wait();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.stop();
    }
}

fn kill(pid: u32, signal: &str) {
    let _ = Command::new("kill")
        .args([signal, &pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

/// SIGTERM, wait up to 15 s for `gone()`, then SIGKILL.
fn terminate(pid: u32, mut gone: impl FnMut() -> bool) {
    kill(pid, "-TERM");
    let t = Instant::now();
    while !gone() && t.elapsed() < Duration::from_secs(15) {
        std::thread::sleep(Duration::from_millis(100));
    }
    if !gone() {
        kill(pid, "-KILL");
    }
}

/// A dockerd left by an earlier run that was killed (its pid file is ours):
/// stop it, so the new one can take the data root.
fn stop_stale(pidfile: &Path) {
    let Some(pid) = std::fs::read_to_string(pidfile)
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
    else {
        return;
    };
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let ours = String::from_utf8_lossy(&cmdline).contains(&*pidfile.to_string_lossy());
    if ours {
        eprintln!("buildkit oracle: stopping a dockerd left by an earlier run (pid {pid})");
        terminate(pid, || !Path::new(&format!("/proc/{pid}")).exists());
    }
    let _ = std::fs::remove_file(pidfile);
}
