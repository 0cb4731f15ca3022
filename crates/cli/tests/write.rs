//! `layerlab fix --write`: all or nothing, and never outside the build
//! context. One test per case of the `--write` reproducer (dangling
//! symlinks, a `..` path with `--context`, a full disk, a read-only folder),
//! each on a project it builds in a temp folder.

mod common;

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;

use common::{as_nobody, is_root, layerlab, run, TempDir, BIN, NOBODY};

/// The reproducer's project: a Flask app whose Dockerfile gets safe fixes
/// (LL301, …) and, with `--unsafe`, a `.dockerignore` (LL302, for `.git`
/// and `node_modules`) and a `compose.yaml` (tip 1, `--reload`).
const DOCKERFILE: &str = "FROM python:3.12-slim\n# keep me\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"flask\", \"run\", \"--host=0.0.0.0\", \"--reload\"]\n";

fn project(dir: &TempDir, at: &str) {
    let base = if at.is_empty() {
        String::new()
    } else {
        format!("{at}/")
    };
    dir.write(&format!("{base}.git/HEAD"), "x\n");
    dir.write(&format!("{base}node_modules/a.js"), "x\n");
    dir.write(&format!("{base}requirements.txt"), "flask\n");
    dir.write(&format!("{base}app.py"), "print(1)\n");
    dir.write(&format!("{base}Dockerfile"), DOCKERFILE);
}

/// What `fix` would write, from `fix --format json` (without `--write`):
/// the new Dockerfile text and the new files, `(path, content)`.
fn planned(args: &[&str]) -> (String, Vec<(String, String)>) {
    let mut all = vec!["fix", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = layerlab(&all, b"");
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let files = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["content"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (v["text"].as_str().unwrap().to_string(), files)
}

/// The names in `dir`, sorted (temporary files would show here).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

/// What a failed `--write` promises: `dir` holds the names it held
/// (`before`: no new file, no temporary file left) and its Dockerfile is
/// still `original`.
fn assert_untouched(dir: &Path, before: &[String], original: &str) {
    assert_eq!(
        read(&dir.join("Dockerfile")),
        original,
        "Dockerfile unchanged"
    );
    assert_eq!(names(dir), before, "no file added, no temporary file left");
}

/// W1: `.dockerignore` and `compose.yaml` are dangling symlinks to a folder
/// outside the project. Before, `--write` created both files out there.
#[test]
fn write_refuses_a_new_file_that_is_a_symlink_and_writes_nothing() {
    let t = TempDir::new("write-w1");
    project(&t, "w1");
    std::fs::create_dir(t.join("outside")).unwrap();
    symlink(
        t.join("outside/evil_dockerignore"),
        t.join("w1/.dockerignore"),
    )
    .unwrap();
    symlink(
        t.join("outside/evil_compose.yaml"),
        t.join("w1/compose.yaml"),
    )
    .unwrap();
    let before = names(&t.join("w1"));
    let (code, _, err) = layerlab(
        &["fix", "--write", "--unsafe", &t.arg("w1/Dockerfile")],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is a symbolic link"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!err.contains("created"), "{err}");
    assert_eq!(
        names(&t.join("outside")),
        Vec::<String>::new(),
        "nothing outside"
    );
    assert_untouched(&t.join("w1"), &before, DOCKERFILE);
    for link in ["w1/.dockerignore", "w1/compose.yaml"] {
        let m = std::fs::symlink_metadata(t.join(link)).unwrap();
        assert!(m.file_type().is_symlink(), "{link} is still the link");
    }
}

/// W2: `fix --write C/../other/Dockerfile --context C`. Before, the new
/// files went beside the Dockerfile (outside the context) and `check` with
/// the same context still reported the missing `.dockerignore`.
#[test]
fn write_puts_new_files_in_the_context_whatever_the_dockerfile_path() {
    let t = TempDir::new("write-w2");
    project(&t, "w2/ctx");
    std::fs::create_dir(t.join("w2/other")).unwrap();
    std::fs::rename(t.join("w2/ctx/Dockerfile"), t.join("w2/other/Dockerfile")).unwrap();
    let file = t.arg("w2/ctx/../other/Dockerfile");
    let ctx = t.arg("w2/ctx");
    let (text, files) = planned(&[&file, "--unsafe", "--context", &ctx]);
    let mut paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    paths.sort();
    assert_eq!(paths, [".dockerignore", "compose.yaml"]);

    let (code, _, err) = layerlab(
        &["fix", "--write", "--unsafe", &file, "--context", &ctx],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    for (path, content) in &files {
        assert_eq!(&read(&t.join(&format!("w2/ctx/{path}"))), content, "{path}");
        assert!(err.contains(&format!("created {ctx}/{path}")), "{err}");
    }
    assert_eq!(
        names(&t.join("w2/other")),
        ["Dockerfile"],
        "nothing beside the Dockerfile"
    );
    assert_eq!(
        names(&t.join("w2")),
        ["ctx", "other"],
        "nothing outside the context"
    );
    assert_eq!(read(&t.join("w2/other/Dockerfile")), text);
    // `check` reads the .dockerignore where `fix` wrote it.
    let (code, out, _) = layerlab(
        &[
            "check",
            &t.arg("w2/other/Dockerfile"),
            "--context",
            &ctx,
            "--select",
            "LL302",
        ],
        b"",
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no findings in 1 file"), "{out}");
}

/// W3: a full disk, simulated by a 4-block file-size limit with SIGXFSZ
/// ignored (writes past it fail with EFBIG). Before, the Dockerfile was
/// truncated to the limit: both texts lost.
#[test]
fn write_on_a_full_disk_leaves_the_dockerfile_whole() {
    let t = TempDir::new("write-w3");
    let mut original = String::from(
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
    );
    for i in 0..150 {
        original.push_str(&format!(
            "# comment line {i} padding padding padding padding padding\n"
        ));
    }
    original.push_str("CMD [\"python\", \"app.py\"]\n");
    assert!(original.len() > 8192, "larger than the limit in any unit");
    let df = t.write("w3/Dockerfile", &original);
    let df = df.to_str().unwrap();
    let (code, _, err) = run(
        "sh",
        &[
            "-c",
            "ulimit -f 4; trap '' XFSZ; exec \"$0\" \"$@\"",
            BIN,
            "fix",
            "--write",
            df,
        ],
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "{df}: File too large (os error 27); nothing was written"
        )),
        "{err}"
    );
    assert_untouched(&t.join("w3"), &["Dockerfile".to_string()], &original);
}

/// W4: a read-only folder holding a writable Dockerfile, as an unprivileged
/// user. Before, the Dockerfile was rewritten and then `.dockerignore`
/// failed: half applied.
#[test]
fn write_in_a_read_only_folder_changes_nothing() {
    let t = TempDir::new("write-w4");
    project(&t, "w4");
    let dir = t.join("w4");
    if is_root() {
        // As in the reproducer: the project belongs to nobody, who runs it.
        chown_all(&dir, NOBODY);
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = names(&dir);
    let (code, _, err) = as_nobody(&["fix", "--write", "--unsafe", &t.arg("w4/Dockerfile")]);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("Permission denied (os error 13); nothing was written"),
        "{err}"
    );
    assert_untouched(&dir, &before, DOCKERFILE);
}

/// A successful write keeps the Dockerfile's mode, and through a symlinked
/// Dockerfile rewrites the file it points to, leaving the link.
#[test]
fn write_keeps_the_mode_and_a_symlinked_dockerfile() {
    let t = TempDir::new("write-mode");
    project(&t, "app");
    let df = t.join("app/Dockerfile");
    std::fs::set_permissions(&df, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::rename(&df, t.join("app/real.Dockerfile")).unwrap();
    symlink("real.Dockerfile", &df).unwrap();
    let (text, files) = planned(&[&t.arg("app/Dockerfile")]);
    assert!(files.is_empty(), "safe fixes only: {files:?}");
    assert_ne!(text, DOCKERFILE);
    let (code, _, err) = layerlab(&["fix", "--write", &t.arg("app/Dockerfile")], b"");
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::symlink_metadata(&df)
        .unwrap()
        .file_type()
        .is_symlink());
    let real = t.join("app/real.Dockerfile");
    assert_eq!(read(&real), text);
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert_eq!(
        names(&t.join("app")),
        [
            ".git",
            "Dockerfile",
            "app.py",
            "node_modules",
            "real.Dockerfile",
            "requirements.txt"
        ]
    );
}

fn chown_all(p: &Path, id: u32) {
    std::os::unix::fs::chown(p, Some(id), Some(id)).unwrap();
    if p.is_dir() {
        for e in std::fs::read_dir(p).unwrap() {
            chown_all(&e.unwrap().path(), id);
        }
    }
}
