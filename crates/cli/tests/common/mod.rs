//! Shared by the CLI's integration tests.
#![allow(dead_code)] // each test crate uses its own part

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The built `layerlab`.
pub const BIN: &str = env!("CARGO_BIN_EXE_layerlab");

/// Runs the built `layerlab` with `args` and `stdin`: (exit code, stdout, stderr).
pub fn layerlab(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    run(BIN, args, stdin)
}

/// Runs `program` (`layerlab` or a wrapper that starts it) with `args` and
/// `stdin`: (exit code, stdout, stderr).
pub fn run(program: &str, args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn layerlab");
    // A run that stops before reading all of stdin (a usage error, the
    // size cap) closes the pipe: that is not the test's failure.
    match child.stdin.take().unwrap().write_all(stdin) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("stdin: {e}"),
        _ => {}
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A fresh folder under the system's temp folder, removed (write bits
/// restored first) when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("layerlab-{name}-{}", std::process::id()));
        if dir.exists() {
            unlock(&dir);
            std::fs::remove_dir_all(&dir).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// `rel` inside the folder.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// `rel` inside the folder, as a string argument.
    pub fn arg(&self, rel: &str) -> String {
        self.join(rel).to_string_lossy().into_owned()
    }

    /// Writes `content` to `rel`, creating its folders.
    pub fn write(&self, rel: &str, content: &str) -> PathBuf {
        let p = self.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        unlock(&self.0);
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Gives every folder under `dir` its owner's bits back, so it can be removed.
fn unlock(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                unlock(&e.path());
            }
        }
    }
}

/// Whether the tests run as root (who reads and writes past any mode, so
/// permission cases run `layerlab` as `nobody` through [`as_nobody`]).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The uid and gid [`as_nobody`] runs as.
pub const NOBODY: u32 = 65534;

/// Runs `layerlab` as an unprivileged user: as `nobody` through `setpriv`
/// when root (the files it must write then belong to nobody, as in the
/// reproducer), else as the current user.
pub fn as_nobody(args: &[&str]) -> (i32, String, String) {
    if is_root() {
        let uid = format!("--reuid={NOBODY}");
        let gid = format!("--regid={NOBODY}");
        let mut all = vec![uid.as_str(), gid.as_str(), "--clear-groups", BIN];
        all.extend_from_slice(args);
        run("setpriv", &all, b"")
    } else {
        layerlab(args, b"")
    }
}
