//! `verify-fixes`: the optimizer checked on real BuildKit.
//!
//! Each application in `tests/buildkit/apps/<name>/` (a `Dockerfile`, a
//! `context/` and an `edit` file naming the source file a developer edits) is
//! built from an empty build cache: as written, as
//! `layerlab_core::fix::optimize` rewrites it with the default options (safe
//! fixes only), and, when that differs, as it rewrites it with the unsafe
//! fixes of [`UNSAFE_DEPS_CODES`] too ("unsafe deps": LL301's
//! dependency-only layers, `COPY pom.xml` + `mvn dependency:go-offline` and
//! the like, and its unsafe manifest splits). Each variant is built, the
//! source file is edited, and it is built again. Then:
//!
//! - every variant must build;
//! - each optimized variant's final filesystem must equal the original's
//!   apart from the paths of [`ALLOWED`] (the contract written down in
//!   `docs/fix-contract.md`);
//! - the rebuild after the edit is timed (the sum of BuildKit's step
//!   durations in the `--progress=plain` log), next to the simulator's
//!   prediction for the same scenario, and must be faster than the
//!   original's.

use super::runner::{copy_tree, BuildObservation};
use super::scenario::{Action, Outcome, Scenario};
use super::Oracle;
use layerlab_core::fix::optimize::{optimize, OptimizeOptions};
use layerlab_core::fix::Applicability;
use layerlab_core::simulate::BuildContext;
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Paths whose content may differ between the original image and the
/// optimized one: the caches and downloads a fix means to keep out of the
/// image, with the reason. A path is allowed when it is one of these or lies
/// below one. Keep in sync with `docs/fix-contract.md` (a test checks).
pub const ALLOWED: &[(&str, &str)] = &[
    // apt (LL502 mounts both; LL402 removes the lists)
    ("/var/lib/apt", "apt's package index (lists) and state: a cache mount (LL502) or `rm -rf /var/lib/apt/lists/*` (LL402) keeps it out"),
    ("/var/cache/apt", "downloaded .debs and apt's binary caches: a cache mount (LL502)"),
    ("/etc/apt/apt.conf.d/docker-clean", "removed by the apt cache-mount fix (LL502) so the mount keeps downloads"),
    ("/etc/apt/apt.conf.d/keep-cache", "added by the apt cache-mount fix (LL502): `Keep-Downloaded-Packages \"true\"`"),
    // apk, dnf, yum
    ("/var/cache/apk", "apk's download cache: a cache mount (LL502) or `--no-cache` (LL404)"),
    ("/etc/apk/cache", "apk's cache link target: a cache mount (LL502)"),
    ("/var/cache/dnf", "dnf's metadata and package cache: a cache mount (LL502) or `dnf clean all` (LL406)"),
    ("/var/cache/yum", "yum's cache: a cache mount (LL502) or `yum clean all` (LL406)"),
    // Python
    ("/root/.cache/pip", "pip's wheel and HTTP cache (also pipenv's downloads): a cache mount (LL502)"),
    ("/root/.cache/pipenv", "pipenv's cache: a cache mount (LL502)"),
    ("/root/.cache/pypoetry", "poetry's cache: a cache mount (LL502)"),
    ("/root/.cache/uv", "uv's cache: a cache mount (LL502)"),
    // JavaScript
    ("/root/.npm", "npm's cache (`_cacache`): a cache mount (LL502)"),
    ("/usr/local/share/.cache/yarn", "yarn v1's cache: a cache mount (LL502)"),
    ("/root/.yarn/berry/cache", "yarn berry's global cache: a cache mount (LL502)"),
    ("/root/.cache/yarn", "yarn's cache (XDG): a cache mount (LL502)"),
    ("/pnpm/store", "pnpm's store with PNPM_HOME=/pnpm: a cache mount (LL502)"),
    ("/root/.local/share/pnpm/store", "pnpm's default store: a cache mount (LL502)"),
    ("/root/.pnpm-store", "pnpm's older store: a cache mount (LL502)"),
    // Go, Rust
    ("/go/pkg/mod", "Go's module cache: a cache mount (LL502)"),
    ("/root/go/pkg/mod", "Go's module cache without GOPATH=/go: a cache mount (LL502)"),
    ("/root/.cache/go-build", "Go's build cache: a cache mount (LL502)"),
    ("/usr/local/cargo/registry", "cargo's registry index and crate downloads: a cache mount (LL502)"),
    ("/usr/local/cargo/git", "cargo's git checkouts: a cache mount (LL502)"),
    ("/root/.cargo/registry", "cargo's registry without CARGO_HOME: a cache mount (LL502)"),
    // JVM
    ("/root/.m2", "Maven's local repository: a cache mount (LL502)"),
    ("/root/.gradle", "Gradle's user home (caches, wrapper): a cache mount (LL502)"),
    ("/home/gradle/.gradle", "Gradle's user home in the gradle image: a cache mount (LL502)"),
    // Ruby, PHP, .NET
    ("/usr/local/bundle/cache", "bundler's gem cache: a cache mount (LL502)"),
    ("/root/.bundle/cache", "bundler's user cache: a cache mount (LL502)"),
    ("/root/.gem", "gem's user cache: a cache mount (LL502)"),
    ("/tmp/cache", "composer's cache in the composer image (COMPOSER_HOME=/tmp): a cache mount (LL502)"),
    ("/root/.composer/cache", "composer's cache: a cache mount (LL502)"),
    ("/root/.cache/composer", "composer's cache (XDG): a cache mount (LL502)"),
    ("/root/.nuget/packages", "NuGet's package folder: a cache mount (LL502)"),
];

/// Whether `path` (absolute, no trailing slash) is allowed to differ.
pub fn allowed(path: &str) -> bool {
    ALLOWED
        .iter()
        .any(|(a, _)| path == *a || path.strip_prefix(a).is_some_and(|r| r.starts_with('/')))
}

/// Whether `path` is a directory above an allowed path: a cache mount's
/// target is created in the image as an empty directory (with its parents)
/// when it is missing, so such directories may exist on one side only.
fn above_allowed(path: &str) -> bool {
    ALLOWED
        .iter()
        .any(|(a, _)| a.strip_prefix(path).is_some_and(|r| r.starts_with('/')))
}

/// The apps of the default (time-bounded) run: one per family of fixes
/// (apt + pip split, npm split, go split with build cache, Maven with a cache
/// mount, apt + bundler). java-maven is also the one "unsafe deps" variant
/// of the run (LL301's `COPY pom.xml` + `mvn dependency:go-offline` layer):
/// 3.1 s of a 58 s run, measured; the other dependency layers run in
/// `cargo xtask verify-fixes`.
pub const DEFAULT_SUBSET: &[&str] = &[
    "python-pip",
    "node-npm",
    "go-mod",
    "java-maven",
    "ruby-bundler",
];

/// The rules whose unsafe fixes the "unsafe deps" variant applies besides
/// the safe fixes: LL301 (the dependency-only layer before the source copy,
/// and the manifest splits it cannot prove sufficient). Not the other unsafe
/// fixes: LL504's `COPY --link` needs a newer frontend than Docker 20.10's,
/// LL404's `--no-dev`/`--only main` and LL401's `--no-install-recommends`
/// change the image on purpose.
pub const UNSAFE_DEPS_CODES: &[&str] = &["LL301"];

/// The rules whose unsafe fixes the "unsafe link" variant applies besides
/// the safe fixes, on the current engine only: LL504's `COPY --link` (the
/// frontend built into Docker 20.10 rejects the flag). No rule rewrites a
/// `RUN` into a heredoc, so there is no heredoc variant.
pub const UNSAFE_LINK_CODES: &[&str] = &["LL504"];

/// The apps of the default run on the current engine (Docker 28.5): the
/// ones whose "unsafe link" variant differs, cheapest first, bounded by
/// time (`cargo xtask verify-fixes` runs every app there too).
pub const DEFAULT_SUBSET_CURRENT: &[&str] = &["go-link"];

/// Per-package stub times for these runs, as base image `ENV`: a download
/// (skipped with a warm cache mount) and an install. Real managers spend
/// seconds per package; these keep the whole run short while keeping the
/// download/install ratio of a typical dependency install.
pub const STUB_TIMES: &[(&str, &str)] = &[("STUB_DL", "0.3"), ("STUB_INST", "0.05")];

/// One application Dockerfile.
#[derive(Debug, Clone)]
pub struct App {
    pub name: String,
    pub dir: PathBuf,
    pub dockerfile: String,
    /// The source file edited between the two builds, and the line appended.
    pub edit: (String, Option<String>),
}

impl App {
    /// `tests/buildkit/apps/`.
    pub fn dir() -> PathBuf {
        crate::root().join("tests/buildkit/apps")
    }

    pub fn load(dir: &Path) -> Result<App, String> {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let read =
            |f: &str| fs::read_to_string(dir.join(f)).map_err(|e| format!("{name}: {f}: {e}"));
        let dockerfile = read("Dockerfile")?;
        let edit = read("edit")?;
        let line = edit
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .ok_or_else(|| format!("{name}/edit: no path"))?;
        let (path, text) = match line.split_once(char::is_whitespace) {
            Some((p, t)) => (p.to_string(), Some(t.trim().to_string())),
            None => (line.to_string(), None),
        };
        if !dir.join("context").join(&path).is_file() {
            return Err(format!("{name}/edit: context/{path} is no file"));
        }
        Ok(App {
            name,
            dir: dir.to_path_buf(),
            dockerfile,
            edit: (path, text),
        })
    }

    /// Every app, by name.
    pub fn load_all() -> Result<Vec<App>, String> {
        let mut dirs: Vec<PathBuf> = fs::read_dir(Self::dir())
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        dirs.iter().map(|d| App::load(d)).collect()
    }

    /// The build context as the optimizer sees it (file list, `.dockerignore`).
    pub fn context(&self) -> BuildContext {
        let root = self.dir.join("context");
        let mut files = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(rel) = p.strip_prefix(&root) {
                    files.push(rel.to_string_lossy().into_owned());
                }
            }
        }
        files.sort();
        BuildContext {
            files: Some(files),
            dockerignore: fs::read_to_string(root.join(".dockerignore")).ok(),
        }
    }
}

/// One variant (original or optimized) built, edited, rebuilt.
#[derive(Debug, Clone)]
pub struct Variant {
    pub dockerfile: String,
    pub builds: Vec<BuildObservation>,
    /// The final image's filesystem.
    pub tree: Option<Tree>,
    pub error: Option<String>,
    /// Wall seconds to stage, build, edit, rebuild and export it.
    pub seconds: f64,
}

impl Variant {
    /// Seconds of the rebuild after the source edit (sum of step durations).
    pub fn rebuild_seconds(&self) -> Option<f64> {
        self.builds
            .get(1)
            .filter(|b| b.error.is_none())
            .map(BuildObservation::step_seconds)
    }

    pub fn rebuild_wall(&self) -> Option<f64> {
        self.builds.get(1).map(|b| b.wall_seconds)
    }
}

/// An optimized variant of an app, compared with the original.
#[derive(Debug, Clone)]
pub struct Optimized {
    pub variant: Variant,
    /// The fixes applied, as `CODE line N`.
    pub fixes: Vec<String>,
    /// The simulator's source-edit rebuild seconds after the fixes.
    pub predicted: f64,
    /// Paths that differ from the original and are allowed by the contract.
    pub allowed_diffs: Vec<String>,
    /// Paths that differ from the original against the contract.
    pub diffs: Vec<String>,
    /// Lines of the instructions this variant adds to the safe one (the
    /// dependency-only layer: the manifests' COPY and the fetch's RUN),
    /// which the rebuild after the source edit must find cached.
    pub layer_lines: Vec<usize>,
}

impl Optimized {
    /// The added instructions that ran again in the rebuild after the edit.
    pub fn layer_reran(&self) -> Vec<usize> {
        let Some(rebuild) = self.variant.builds.get(1) else {
            return Vec::new();
        };
        self.layer_lines
            .iter()
            .copied()
            .filter(|l| {
                rebuild
                    .steps
                    .iter()
                    .any(|s| s.step.line == *l && s.outcome == Outcome::Run)
            })
            .collect()
    }
}

/// The 1-based lines of the instructions of `text` that `base` does not
/// have, word for word (continuations joined), and that come before a
/// context `COPY`/`ADD` both have: the dependency layer inserted before the
/// source copy, not what is left of a `RUN` it was split from (`RUN yarn
/// build` after `yarn install` moved out), which reruns by design.
pub fn added_instructions(base: &str, text: &str) -> Vec<usize> {
    let words = |src: &str, span: layerlab_core::syntax::Span| -> String {
        span.text(src)
            .replace("\\\n", " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let old = layerlab_core::syntax::parse(base);
    let old: Vec<String> = old.instructions.iter().map(|i| words(base, i.span)).collect();
    let new = layerlab_core::syntax::parse(text);
    let kept_copy = new
        .instructions
        .iter()
        .rposition(|i| {
            let w = words(text, i.span);
            matches!(i.keyword.as_str(), "COPY" | "ADD") && !w.contains("--from") && old.contains(&w)
        })
        .unwrap_or(0);
    new.instructions[..kept_copy]
        .iter()
        .filter(|i| !i.keyword.is_empty() && !old.contains(&words(text, i.span)))
        .map(|i| i.start.line as usize)
        .collect()
}

/// The result for one app.
#[derive(Debug, Clone)]
pub struct Verified {
    pub name: String,
    pub original: Variant,
    /// Safe fixes only (`OptimizeOptions::default()`).
    pub optimized: Optimized,
    /// Safe fixes and the unsafe ones of [`UNSAFE_DEPS_CODES`], when that
    /// makes another Dockerfile than the safe fixes alone.
    pub unsafe_deps: Option<Optimized>,
    /// The unsafe fixes the "unsafe deps" variant adds, as `CODE line N`
    /// (empty when it is the safe variant).
    pub unsafe_fixes: Vec<String>,
    /// Safe fixes and the unsafe ones of [`UNSAFE_LINK_CODES`] (`COPY
    /// --link`), built on the current engine when that makes another file.
    pub unsafe_link: Option<Optimized>,
    /// The unsafe fixes the "unsafe link" variant adds, as `CODE line N`.
    pub link_fixes: Vec<String>,
    /// The simulator's source-edit rebuild seconds of the original.
    pub predicted: f64,
}

impl Verified {
    /// Original over optimized rebuild seconds. The log rounds durations
    /// to 0.1 s, so a rebuild whose steps sum below 0.1 s counts as 0.1 s.
    pub fn speedup(&self) -> Option<f64> {
        self.speedup_of(&self.optimized)
    }

    /// Original over "unsafe deps" rebuild seconds, when that was built.
    pub fn unsafe_deps_speedup(&self) -> Option<f64> {
        self.speedup_of(self.unsafe_deps.as_ref()?)
    }

    /// Original over "unsafe link" rebuild seconds, when that was built.
    pub fn speedup_of_link(&self) -> Option<f64> {
        self.speedup_of(self.unsafe_link.as_ref()?)
    }

    fn speedup_of(&self, v: &Optimized) -> Option<f64> {
        let (o, n) = (
            self.original.rebuild_seconds()?,
            v.variant.rebuild_seconds()?,
        );
        Some(o.max(0.1) / n.max(0.1))
    }

    /// The variants compared with the original, with their labels.
    pub fn variants(&self) -> Vec<(&'static str, &Optimized)> {
        let mut v = vec![("optimized", &self.optimized)];
        v.extend(self.unsafe_deps.as_ref().map(|u| ("unsafe deps", u)));
        v.extend(self.unsafe_link.as_ref().map(|u| ("unsafe link", u)));
        v
    }

    /// Why the app fails verification, if it does.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if let Some(e) = &self.original.error {
            p.push(format!("original: {e}"));
            return p;
        }
        for (what, v) in self.variants() {
            if let Some(e) = &v.variant.error {
                p.push(format!("{what}: {e}"));
                continue;
            }
            let reran = v.layer_reran();
            if !reran.is_empty() {
                p.push(format!(
                    "{what}: the dependency layer ran again after the source edit (line {reran:?})"
                ));
            }
            if !v.diffs.is_empty() {
                let shown: Vec<&str> = v.diffs.iter().take(8).map(String::as_str).collect();
                p.push(format!(
                    "{what}: filesystem differs from the original's outside the contract ({}): {}",
                    v.diffs.len(),
                    shown.join("; ")
                ));
            }
            match (
                self.original.rebuild_seconds(),
                v.variant.rebuild_seconds(),
            ) {
                (Some(o), Some(n)) if n >= o => p.push(format!(
                    "{what}: the rebuild is not faster: {n:.1}s vs {o:.1}s"
                )),
                _ => {}
            }
        }
        p
    }
}

/// One filesystem entry of an exported image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Dir,
    File(Vec<u8>),
    Symlink(String),
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub node: Node,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

/// An image's filesystem: absolute path → entry.
pub type Tree = BTreeMap<String, Entry>;

fn read_tree(root: &Path) -> Result<Tree, String> {
    let mut tree = Tree::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let p = e.map_err(|e| e.to_string())?.path();
            let m = fs::symlink_metadata(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let rel = format!("/{}", p.strip_prefix(root).unwrap().to_string_lossy());
            let node = if m.file_type().is_symlink() {
                Node::Symlink(
                    fs::read_link(&p)
                        .map(|t| t.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                )
            } else if m.is_dir() {
                stack.push(p.clone());
                Node::Dir
            } else if m.is_file() {
                Node::File(fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?)
            } else {
                Node::Other
            };
            tree.insert(
                rel,
                Entry {
                    node,
                    mode: m.permissions().mode() & 0o7777,
                    uid: m.uid(),
                    gid: m.gid(),
                },
            );
        }
    }
    Ok(tree)
}

/// Exports the filesystem of a container created from `image` (`docker
/// create` + `docker export`), unpacks it under `dir` and reads it.
pub fn export_tree(oracle: &Oracle, image: &str, dir: &Path) -> Result<Tree, String> {
    let _ = fs::remove_dir_all(dir);
    let root = dir.join("root");
    fs::create_dir_all(&root).map_err(|e| e.to_string())?;
    let d = &oracle.daemon;
    let cid = d.run(&["create", "--network=none", image, "/bin/true"])?;
    let tar = dir.join("fs.tar");
    let exported = d.run(&["export", "-o", &tar.to_string_lossy(), &cid]);
    let _ = d.run(&["rm", &cid]);
    exported?;
    let out = Command::new("tar")
        .arg("-xpf")
        .arg(&tar)
        .arg("--numeric-owner")
        .arg("-C")
        .arg(&root)
        .output()
        .map_err(|e| format!("tar: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "tar -x {}: {}",
            tar.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let tree = read_tree(&root);
    let _ = fs::remove_file(&tar);
    tree
}

/// The prefix of the stubs' run token line (`stub_token` in
/// `tests/buildkit/stubs/lib.sh`): a build output's fresh random value,
/// different on every build by design.
pub const TOKEN_PREFIX: &[u8] = b"layerlab-stub-token: ";

/// A file's content with the value of every stub token line blanked: a line
/// that starts with [`TOKEN_PREFIX`] followed by 32 hex digits becomes the
/// prefix alone. Everything else (other lines, the token line's place, a
/// token line present on one side only) is kept, so two builds of the same
/// output compare equal and anything else still differs.
pub fn mask_tokens(content: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let is_token = |line: &[u8]| {
        line.strip_prefix(TOKEN_PREFIX).is_some_and(|v| {
            let v = v.strip_suffix(b"\n").unwrap_or(v);
            v.len() == 32 && v.iter().all(u8::is_ascii_hexdigit)
        })
    };
    if !content.windows(TOKEN_PREFIX.len()).any(|w| w == TOKEN_PREFIX) {
        return std::borrow::Cow::Borrowed(content);
    }
    let mut out = Vec::with_capacity(content.len());
    for line in content.split_inclusive(|b| *b == b'\n') {
        if is_token(line) {
            out.extend_from_slice(TOKEN_PREFIX);
            if line.ends_with(b"\n") {
                out.push(b'\n');
            }
        } else {
            out.extend_from_slice(line);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Two entries equal under the contract: files compared with their stub
/// tokens masked ([`mask_tokens`]).
fn same_entry(a: Option<&Entry>, b: Option<&Entry>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => match (&x.node, &y.node) {
            (Node::File(p), Node::File(q)) => {
                (x.mode, x.uid, x.gid) == (y.mode, y.uid, y.gid) && mask_tokens(p) == mask_tokens(q)
            }
            _ => x == y,
        },
        (None, None) => true,
        _ => false,
    }
}

/// Compares two filesystems under the contract: the differing paths that
/// are allowed, and those that are not. A file's stub token value
/// ([`mask_tokens`]) is no difference.
pub fn compare_trees(original: &Tree, optimized: &Tree) -> (Vec<String>, Vec<String>) {
    let (mut ok, mut bad) = (Vec::new(), Vec::new());
    let describe = |e: Option<&Entry>| match e.map(|e| &e.node) {
        None => "missing".to_string(),
        Some(Node::Dir) => "dir".into(),
        Some(Node::File(b)) => format!("file of {} bytes", b.len()),
        Some(Node::Symlink(t)) => format!("symlink → {t}"),
        Some(Node::Other) => "special file".into(),
    };
    let mode_owner = |x: &Entry, y: &Entry| {
        format!(
            "mode/owner {:o} {}:{} vs {:o} {}:{}",
            x.mode, x.uid, x.gid, y.mode, y.uid, y.gid
        )
    };
    let mut paths: Vec<&String> = original.keys().chain(optimized.keys()).collect();
    paths.sort();
    paths.dedup();
    for p in paths {
        let (a, b) = (original.get(p), optimized.get(p));
        if same_entry(a, b) {
            continue;
        }
        let what = match (a, b) {
            (Some(x), Some(y)) => match (&x.node, &y.node) {
                (Node::File(c), Node::File(d)) if mask_tokens(c) != mask_tokens(d) => {
                    format!("{p}: content differs")
                }
                (Node::File(_), Node::File(_)) => format!("{p}: {}", mode_owner(x, y)),
                (m, n) if m == n => format!("{p}: {}", mode_owner(x, y)),
                _ => format!("{p}: {} vs {}", describe(a), describe(b)),
            },
            _ => format!("{p}: {} vs {}", describe(a), describe(b)),
        };
        let one_sided_dir = matches!(
            (a, b),
            (
                Some(Entry {
                    node: Node::Dir,
                    ..
                }),
                None
            ) | (
                None,
                Some(Entry {
                    node: Node::Dir,
                    ..
                })
            )
        );
        // A directory present in both but with another mode above a mount
        // target is not allowed: only its existence may differ.
        if allowed(p) || (one_sided_dir && above_allowed(p)) {
            ok.push(what);
        } else {
            bad.push(what);
        }
    }
    (ok, bad)
}

/// Builds one variant: from an empty cache, build, edit, build; exports the
/// final image.
fn run_variant(
    oracle: &mut Oracle,
    app: &App,
    label: &str,
    dockerfile: &str,
    files: &[(String, String)],
) -> Variant {
    let started = std::time::Instant::now();
    let stage = oracle
        .state
        .join("verify")
        .join(format!("{}.{label}", app.name));
    let mut v = Variant {
        dockerfile: dockerfile.to_string(),
        builds: Vec::new(),
        tree: None,
        error: None,
        seconds: 0.0,
    };
    let staged = (|| -> Result<(), String> {
        let _ = fs::remove_dir_all(&stage);
        copy_tree(&app.dir.join("context"), &stage.join("context")).map_err(|e| e.to_string())?;
        for (path, content) in files {
            fs::write(stage.join("context").join(path), content).map_err(|e| e.to_string())?;
        }
        Ok(())
    })();
    if let Err(e) = staged {
        v.error = Some(format!("staging {}: {e}", stage.display()));
        return v;
    }
    let s = Scenario {
        name: format!("verify-{}.{label}", app.name),
        dir: stage.clone(),
        dockerfile: dockerfile.to_string(),
        actions: vec![
            Action::Build { target: None },
            Action::Edit {
                path: app.edit.0.clone(),
                text: app.edit.1.clone(),
                ignored: false,
            },
            Action::Build { target: None },
        ],
        expectations: vec![None, None],
        expectations_20: Vec::new(),
        requires: Vec::new(),
    };
    match oracle.run_scenario(&s) {
        Err(e) => v.error = Some(e),
        Ok(builds) => {
            v.error = builds.iter().find_map(|b| b.error.clone());
            if v.error.is_none() {
                match builds.last().and_then(|b| b.image_id.clone()) {
                    None => v.error = Some("no image id".into()),
                    Some(id) => match export_tree(oracle, &id, &stage.join("export")) {
                        Ok(t) => v.tree = Some(t),
                        Err(e) => v.error = Some(format!("export: {e}")),
                    },
                }
            }
            v.builds = builds;
        }
    }
    v.seconds = started.elapsed().as_secs_f64();
    v
}

/// The options of the "unsafe deps" variant: the safe fixes and the unsafe
/// fixes of [`UNSAFE_DEPS_CODES`].
pub fn unsafe_deps_options() -> OptimizeOptions {
    unsafe_options(UNSAFE_DEPS_CODES)
}

/// The safe fixes and the unsafe fixes of the rules `codes`.
pub fn unsafe_options(codes: &[&str]) -> OptimizeOptions {
    OptimizeOptions {
        unsafe_codes: codes.iter().map(|c| c.to_string()).collect(),
        ..OptimizeOptions::default()
    }
}

/// The "unsafe link" run of an app ([`UNSAFE_LINK_CODES`]), when it makes
/// another file than the safe fixes alone, with the unsafe fixes it adds.
pub fn link_plan(app: &App) -> Option<(OptimizedText, Vec<String>)> {
    let ctx = app.context();
    let safe = optimize(&app.dockerfile, &ctx, &OptimizeOptions::default());
    let link = optimize(&app.dockerfile, &ctx, &unsafe_options(UNSAFE_LINK_CODES));
    let added: Vec<String> = link
        .applied
        .iter()
        .filter(|a| a.applicability == Applicability::Unsafe)
        .map(|a| format!("{} line {}", a.code, a.line))
        .collect();
    (link.text != safe.text || link.files.len() != safe.files.len())
        .then(|| (OptimizedText::of(link), added))
}

/// The two optimizer runs of an app: safe fixes, and "unsafe deps" when it
/// makes another file (with the unsafe fixes it adds, as `CODE line N`).
pub fn plans(app: &App) -> (OptimizedText, Option<(OptimizedText, Vec<String>)>) {
    let ctx = app.context();
    let safe = optimize(&app.dockerfile, &ctx, &OptimizeOptions::default());
    let deps = optimize(&app.dockerfile, &ctx, &unsafe_deps_options());
    let added: Vec<String> = deps
        .applied
        .iter()
        .filter(|a| a.applicability == Applicability::Unsafe)
        .map(|a| format!("{} line {}", a.code, a.line))
        .collect();
    let deps = (deps.text != safe.text || deps.files.len() != safe.files.len())
        .then(|| (OptimizedText::of(deps), added));
    (OptimizedText::of(safe), deps)
}

/// What verify builds of one optimizer run.
#[derive(Debug, Clone)]
pub struct OptimizedText {
    pub text: String,
    pub files: Vec<(String, String)>,
    pub fixes: Vec<String>,
    pub before: f64,
    pub after: f64,
}

impl OptimizedText {
    fn of(o: layerlab_core::fix::optimize::Optimized) -> OptimizedText {
        OptimizedText {
            fixes: o
                .applied
                .iter()
                .map(|a| format!("{} line {}", a.code, a.line))
                .collect(),
            files: o
                .files
                .iter()
                .map(|f| (f.path.clone(), f.content.clone()))
                .collect(),
            before: o.before.source_edit,
            after: o.after.source_edit,
            text: o.text,
        }
    }
}

/// Verifies one app on the oracle; on the current engine also its "unsafe
/// link" variant ([`link_plan`]).
pub fn verify(oracle: &mut Oracle, app: &App) -> Verified {
    let (safe, deps) = plans(app);
    let link = if oracle.engine() == super::Engine::Current {
        link_plan(app)
    } else {
        None
    };
    let original = run_variant(oracle, app, "original", &app.dockerfile, &[]);
    let mut build = |label: &str, plan: &OptimizedText, layer_lines: Vec<usize>| {
        let variant = run_variant(oracle, app, label, &plan.text, &plan.files);
        let (allowed_diffs, diffs) = match (&original.tree, &variant.tree) {
            (Some(a), Some(b)) => compare_trees(a, b),
            _ => (Vec::new(), Vec::new()),
        };
        Optimized {
            variant,
            fixes: plan.fixes.clone(),
            predicted: plan.after,
            allowed_diffs,
            diffs,
            layer_lines,
        }
    };
    let optimized = build("optimized", &safe, Vec::new());
    let (unsafe_deps, unsafe_fixes) = match &deps {
        Some((plan, added)) => {
            let lines = added_instructions(&safe.text, &plan.text);
            (Some(build("unsafe-deps", plan, lines)), added.clone())
        }
        None => (None, Vec::new()),
    };
    let (unsafe_link, link_fixes) = match &link {
        Some((plan, added)) => (Some(build("unsafe-link", plan, Vec::new())), added.clone()),
        None => (None, Vec::new()),
    };
    Verified {
        name: app.name.clone(),
        original,
        optimized,
        unsafe_deps,
        unsafe_fixes,
        unsafe_link,
        link_fixes,
        predicted: safe.before,
    }
}

/// The median of some numbers (0 for none).
pub fn median(xs: &[f64]) -> f64 {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_paths() {
        assert!(allowed("/var/lib/apt/lists/stub-lists"));
        assert!(allowed("/root/.cache/pip"));
        assert!(!allowed("/root/.cache"));
        assert!(!allowed("/root/.npmrc"));
        assert!(above_allowed("/root/.cache") && above_allowed("/root") && !above_allowed("/app"));
    }

    #[test]
    fn every_cache_target_of_the_model_is_in_the_contract_and_the_doc() {
        let doc = fs::read_to_string(crate::root().join("docs/fix-contract.md"))
            .expect("docs/fix-contract.md");
        for (path, _) in ALLOWED {
            assert!(
                doc.contains(&format!("`{path}`")),
                "docs/fix-contract.md does not list {path}"
            );
        }
    }

    #[test]
    fn every_app_loads() {
        let apps = App::load_all().unwrap();
        assert!(apps.len() >= 15, "{} apps", apps.len());
        for name in DEFAULT_SUBSET {
            assert!(apps.iter().any(|a| a.name == *name), "{name}");
        }
    }

    #[test]
    fn the_dependency_layer_is_what_unsafe_deps_adds() {
        let safe = "FROM maven:3\nWORKDIR /b\nCOPY . .\nRUN --mount=type=cache,target=/root/.m2 \\\n    mvn -B package\n";
        let deps = "FROM maven:3\nWORKDIR /b\nCOPY pom.xml ./\nRUN --mount=type=cache,target=/root/.m2 \\\n    mvn -B dependency:go-offline\nCOPY . .\nRUN --mount=type=cache,target=/root/.m2 mvn -B package\n";
        assert_eq!(added_instructions(safe, deps), vec![3, 4]);
        let safe = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN yarn install && yarn build\n";
        let deps = "FROM node:20\nWORKDIR /app\nCOPY package.json yarn.lock ./\nRUN yarn install\nCOPY . .\nRUN yarn build\n";
        assert_eq!(added_instructions(safe, deps), vec![3, 4]);
        // Every app whose unsafe-deps variant differs adds such a layer, and
        // there is one for each install-and-build-in-one-command shape.
        let mut with_layer = Vec::new();
        for app in App::load_all().unwrap() {
            let (safe, deps) = plans(&app);
            if let Some((plan, added)) = deps {
                with_layer.push(app.name.clone());
                assert!(added.iter().all(|a| a.starts_with("LL301 ")), "{}: {added:?}", app.name);
                let lines = added_instructions(&safe.text, &plan.text);
                assert!(lines.len() >= 2, "{}: {lines:?}\n{}", app.name, plan.text);
            }
        }
        assert_eq!(
            with_layer,
            [
                "dotnet-publish",     // dotnet publish, no restore before
                "go-build",           // go build, no go mod download before
                "java-gradle",        // gradle build
                "java-maven",         // mvn package
                "node-yarn-build",    // yarn install && yarn build after COPY . .
                "python-poetry-root", // poetry install without --no-root
                "python-uv",          // uv sync without --no-install-project (virtual project)
                "python-uv-package",  // the same, the project a package
                "rust-cargo",         // cargo build
                "rust-cargo-flat",    // cargo build, no src/ folder (the placeholder's)
            ]
        );
    }

    #[test]
    fn stub_tokens_are_masked_and_nothing_else() {
        let a = b"built by go\nabc  -\nlayerlab-stub-token: 0123456789abcdef0123456789abcdef\n";
        let b = b"built by go\nabc  -\nlayerlab-stub-token: fedcba9876543210fedcba9876543210\n";
        assert_eq!(mask_tokens(a), mask_tokens(b));
        // Another build (other sources), a missing token line, or a token
        // line of another shape still differ.
        let other = b"built by go\nabd  -\nlayerlab-stub-token: fedcba9876543210fedcba9876543210\n";
        assert_ne!(mask_tokens(a), mask_tokens(other));
        assert_ne!(mask_tokens(a), mask_tokens(b"built by go\nabc  -\n"));
        let short = b"built by go\nabc  -\nlayerlab-stub-token: 0123\n";
        assert_ne!(mask_tokens(a), mask_tokens(short));
        let e = |node| Entry {
            node,
            mode: 0o644,
            uid: 0,
            gid: 0,
        };
        let mut x = Tree::new();
        x.insert("/app/app".into(), e(Node::File(a.to_vec())));
        let mut y = Tree::new();
        y.insert("/app/app".into(), e(Node::File(b.to_vec())));
        assert_eq!(compare_trees(&x, &y), (vec![], vec![]));
        y.insert(
            "/app/app".into(),
            Entry {
                mode: 0o755,
                ..e(Node::File(b.to_vec()))
            },
        );
        assert_eq!(compare_trees(&x, &y).1, vec!["/app/app: mode/owner 644 0:0 vs 755 0:0".to_string()]);
        y.insert("/app/app".into(), e(Node::File(other.to_vec())));
        assert_eq!(compare_trees(&x, &y).1, vec!["/app/app: content differs".to_string()]);
    }

    #[test]
    fn the_link_variant_is_built_where_ll504_applies() {
        let mut with_link = Vec::new();
        for app in App::load_all().unwrap() {
            if let Some((plan, added)) = link_plan(&app) {
                assert!(added.iter().all(|a| a.starts_with("LL504 ")), "{}: {added:?}", app.name);
                assert!(plan.text.contains("--link"), "{}", app.name);
                with_link.push(app.name.clone());
            }
        }
        eprintln!("unsafe link variants: {with_link:?}");
        for name in DEFAULT_SUBSET_CURRENT {
            assert!(with_link.iter().any(|a| a == name), "{name} has no link variant: {with_link:?}");
        }
    }

    #[test]
    fn trees_compare_under_the_contract() {
        let e = |node| Entry {
            node,
            mode: 0o644,
            uid: 0,
            gid: 0,
        };
        let mut a = Tree::new();
        a.insert("/app/x.py".into(), e(Node::File(b"x".to_vec())));
        a.insert(
            "/root/.cache/pip/stub-flask".into(),
            e(Node::File(b"flask".to_vec())),
        );
        a.insert("/root/.cache".into(), e(Node::Dir));
        let mut b = Tree::new();
        b.insert("/app/x.py".into(), e(Node::File(b"y".to_vec())));
        let (ok, bad) = compare_trees(&a, &b);
        assert_eq!(ok.len(), 2, "{ok:?}");
        assert_eq!(bad, vec!["/app/x.py: content differs".to_string()]);
    }
}
