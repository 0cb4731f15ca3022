//! The cost and churn heuristics, in one table.
//!
//! Every estimate Layerlab shows comes from here. The figures are typical
//! wall-clock seconds on a laptop with a warm network; they are labelled
//! "estimated" wherever they are shown, and a build log (`--progress=plain`)
//! or a caller's override replaces them with real durations.
//!
//! | step                                      | seconds                 | churn            |
//! |-------------------------------------------|-------------------------|------------------|
//! | FROM (pull on a base-image update)        | 10                      | base image       |
//! | apt/apk/dnf index update                  | 6 (apk 1)               | system packages  |
//! | apt install, per package                  | 4 + 2/pkg, ×1.5 without `--no-install-recommends` | system packages |
//! | apk install, per package                  | 1 + 0.5/pkg             | system packages  |
//! | dnf/yum install, per package              | 5 + 2/pkg               | system packages  |
//! | language install from a manifest          | see `install_seconds`   | dependencies     |
//! | language install by package name          | 3 + 2/pkg               | dependencies     |
//! | build / compile (`go build`, `npm run build`) | see `build_seconds` | source code      |
//! | other RUN                                 | 1                       | configuration    |
//! | COPY/ADD of manifests only                | 0.3                     | dependencies     |
//! | COPY/ADD of a directory or `.`            | 1.5                     | source code      |
//! | COPY/ADD of other files                   | 0.5                     | source code      |
//! | COPY --from=stage                         | 0.5                     | as its stage     |
//! | WORKDIR (mkdir)                           | 0.1                     | configuration    |
//! | metadata (ENV, ARG, LABEL, CMD, …)        | 0                       | configuration    |
//!
//! A cache mount (`RUN --mount=type=cache`) keeps downloads between builds:
//! a missed install with a warm cache costs `CACHE_MOUNT_FACTOR` of the full
//! time (the downloads are skipped; unpacking and linking remain).
//!
//! Invariant: no estimate of seconds or churn is made outside this file.
//! The manifests a manager's spec names ([`super::packages::SPECS`]) are not
//! repeated here: [`OTHER_MANIFESTS`] holds only the rest.

use serde::Serialize;

use super::packages::{Action, Manager, PackageOp};

/// How often a step's inputs change, from rarely to often.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Churn {
    BaseImage,
    SystemPackages,
    Dependencies,
    Configuration,
    SourceCode,
}

impl Churn {
    pub fn label(self) -> &'static str {
        match self {
            Churn::BaseImage => "base image",
            Churn::SystemPackages => "system packages",
            Churn::Dependencies => "dependency manifests",
            Churn::Configuration => "configuration",
            Churn::SourceCode => "source code",
        }
    }
    pub const ALL: [Churn; 5] = [
        Churn::BaseImage,
        Churn::SystemPackages,
        Churn::Dependencies,
        Churn::Configuration,
        Churn::SourceCode,
    ];
}

pub const PULL_SECONDS: f64 = 10.0;
pub const COPY_MANIFEST_SECONDS: f64 = 0.3;
pub const COPY_TREE_SECONDS: f64 = 1.5;
pub const COPY_FILES_SECONDS: f64 = 0.5;
pub const COPY_FROM_SECONDS: f64 = 0.5;
pub const WORKDIR_SECONDS: f64 = 0.1;
pub const OTHER_RUN_SECONDS: f64 = 1.0;
/// Share of an install's time that remains when its cache mount is warm.
pub const CACHE_MOUNT_FACTOR: f64 = 0.25;

/// A language install that reads a manifest (all its dependencies).
pub fn install_seconds(m: Manager) -> f64 {
    match m {
        Manager::Pip | Manager::Pipenv | Manager::Poetry => 40.0,
        Manager::Uv => 8.0,
        Manager::Npm | Manager::Yarn => 45.0,
        Manager::Pnpm => 20.0,
        Manager::Go => 20.0,
        Manager::Cargo => 30.0,
        Manager::Maven | Manager::Gradle => 60.0,
        Manager::Bundler | Manager::Gem => 45.0,
        Manager::Composer => 25.0,
        Manager::Dotnet => 30.0,
        Manager::Apt | Manager::Apk | Manager::Dnf | Manager::Yum | Manager::Microdnf => 20.0,
    }
}

/// Compiling or bundling the project.
pub fn build_seconds(m: Manager) -> f64 {
    match m {
        Manager::Cargo => 120.0,
        Manager::Maven | Manager::Gradle => 50.0,
        Manager::Go => 25.0,
        Manager::Dotnet => 35.0,
        Manager::Npm | Manager::Yarn | Manager::Pnpm => 30.0,
        _ => 10.0,
    }
}

/// Estimated seconds of one package operation, and whether it downloads
/// (so a cache mount helps).
pub fn op_seconds(op: &PackageOp) -> (f64, bool) {
    let n = op.packages.len() as f64;
    match (op.manager, op.action) {
        (Manager::Apk, Action::Update) => (1.0, true),
        (_, Action::Update) => (6.0, true),
        (Manager::Apt, Action::Install) => {
            let base = 4.0 + 2.0 * n.max(1.0);
            let recommends = if op.has_flag("--no-install-recommends") {
                1.0
            } else {
                1.5
            };
            (base * recommends, true)
        }
        (Manager::Apk, Action::Install) => (1.0 + 0.5 * n.max(1.0), true),
        (Manager::Dnf | Manager::Yum | Manager::Microdnf, Action::Install) => {
            (5.0 + 2.0 * n.max(1.0), true)
        }
        (_, Action::Install) if op.manifests.is_empty() => (3.0 + 2.0 * n.max(1.0), true),
        (m, Action::Install) => (install_seconds(m), true),
        (m, Action::Build) => (
            build_seconds(m),
            matches!(
                m,
                Manager::Cargo | Manager::Go | Manager::Maven | Manager::Gradle | Manager::Dotnet
            ),
        ),
        (_, Action::Other) => (OTHER_RUN_SECONDS, false),
    }
}

/// The churn class of a RUN, from what it does.
pub fn run_churn(ops: &[PackageOp]) -> Churn {
    if ops
        .iter()
        .any(|o| o.action == Action::Build || o.reads_source)
    {
        Churn::SourceCode
    } else if ops
        .iter()
        .any(|o| o.action == Action::Install && !o.manager.is_system())
    {
        Churn::Dependencies
    } else if ops.iter().any(|o| o.manager.is_system()) {
        Churn::SystemPackages
    } else {
        Churn::Configuration
    }
}

/// Dependency inputs no manager's spec names: requirement files, other
/// lockfiles and project files, wrappers, toolchain pins (file names, `*`
/// allowed). With the specs' manifests they are [`manifests`].
pub const OTHER_MANIFESTS: &[&str] = &[
    "requirements*.txt",
    "requirements/*.txt",
    "constraints*.txt",
    "npm-shrinkwrap.json",
    "pnpm-workspace.yaml",
    ".npmrc",
    ".yarnrc",
    ".yarn",
    "recipe.json",
    "gradle",
    "gradlew",
    "mvnw",
    ".mvn",
    "*.gemspec",
    "*.fsproj",
    "*.sln",
    "packages.lock.json",
    "nuget.config",
    "NuGet.Config",
    "Directory.*.props",
    "*.slnx",
    "*.vbproj",
    "global.json",
    "*Gemfile",
    "gems.rb",
    "gems.locked",
    "*.lock",
    "bun.lockb",
    "mix.exs",
    "go.work",
    "go.work.sum",
    "deno.json",
    "deno.jsonc",
    "requirements*.in",
    "environment.yml",
    "rust-toolchain",
    "rust-toolchain.toml",
    ".python-version",
    ".ruby-version",
    ".nvmrc",
    ".node-version",
    ".tool-versions",
];

/// Well-known dependency manifests (file names, `*` allowed): every
/// manager's ([`super::packages::spec_manifests`]) and [`OTHER_MANIFESTS`].
pub fn manifests() -> impl Iterator<Item = &'static str> {
    super::packages::spec_manifests().chain(OTHER_MANIFESTS.iter().copied())
}

/// Folders of dependency inputs, not of the project's code: patches an
/// install applies (pnpm's `patchedDependencies`, patch-package), vendored
/// dependencies, and the build tools' own folders (the Maven and Gradle
/// wrappers, yarn's releases and plugins, cargo's config). A copy of one,
/// or of anything inside one, reads no source.
pub const DEPENDENCY_DIRS: &[&str] = &["patches", "vendor", ".mvn", "gradle", ".yarn", ".cargo"];

/// Whether a context path (a COPY source) names a dependency manifest or
/// dependency input: a file of [`manifests`], a pattern that names them
/// (`Gemfile*`, `package*.json`), or a path in a [`DEPENDENCY_DIRS`] folder.
pub fn is_manifest(path: &str) -> bool {
    let name = path.trim_start_matches("./").trim_end_matches('/');
    let name = name.strip_suffix("/.").unwrap_or(name);
    let base = name.rsplit('/').next().unwrap_or(name);
    let first = name.split('/').next().unwrap_or(name);
    if DEPENDENCY_DIRS.contains(&first) {
        return true;
    }
    let named = |base: &str| {
        manifests().any(|m| {
            if m.contains('/') {
                crate::glob::matches(m, name)
            } else {
                crate::glob::matches(m, base)
            }
        })
    };
    if named(base) {
        return true;
    }
    // A pattern with a literal start that selects manifests (`Gemfile*`,
    // `package*.json`, `requirements-*.txt`): a bare `*` or `*.json`
    // selects more than manifests.
    let wild = base.find(['*', '?', '[']);
    wild.is_some_and(|at| at > 0)
        && manifests()
            .filter(|m| !m.contains(['*', '/']))
            .any(|m| crate::glob::matches(base, m))
}

/// Whether a COPY source is a tree of the project's code: a directory or
/// the whole context (see [`is_dir_like`]), not a dependency input
/// ([`is_manifest`]).
pub fn is_source_tree(path: &str) -> bool {
    !is_manifest(path) && is_dir_like(path)
}

/// Whether a COPY source names a folder (its contents are copied) rather
/// than a file: `.`, a trailing `/` or `/.`, a [`DEPENDENCY_DIRS`] folder,
/// or a name without an extension ([`super::is_tree`]) that is not one of
/// the extension-less files projects keep at the top (`Makefile`,
/// `Gemfile`, `Procfile`, `LICENSE`, `mvnw`, `gradlew`).
pub fn is_dir_like(path: &str) -> bool {
    let name = path.trim_start_matches("./");
    if name.ends_with('/') || name.ends_with("/.") {
        return true;
    }
    let trimmed = name.trim_end_matches('/');
    if DEPENDENCY_DIRS.contains(&trimmed) {
        return true;
    }
    if !super::is_tree(path) {
        return false;
    }
    let base = trimmed.rsplit('/').next().unwrap_or(trimmed);
    let lower = base.to_ascii_lowercase();
    let file_like = lower.ends_with("file")
        || (base.len() > 1 && base.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        || matches!(lower.as_str(), "mvnw" | "gradlew" | "configure")
        || manifests().any(|m| m == base);
    !file_like
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_and_dependency_inputs() {
        for p in [
            "package.json",
            "./requirements/prod.txt",
            "Gemfile*",
            "package*.json",
            "UserGemfile",
            "Cargo.lock",
            "patches",
            "./patches/",
            "vendor",
            ".mvn/wrapper",
            "App.csproj",
            "*.csproj",
            "rust-toolchain.toml",
            "BTCPayServer/BTCPayServer.csproj",
        ] {
            assert!(is_manifest(p), "{p}");
        }
        for p in ["src", ".", "*", "*.json", "app.py", "lib/", "packages/api"] {
            assert!(!is_manifest(p), "{p}");
        }
    }

    #[test]
    fn source_trees() {
        for p in [".", "./", "src", "src/", "code", "BTCPayServer.Common/.", "./server/graph_service"] {
            assert!(is_source_tree(p), "{p}");
        }
        for p in [
            "Makefile", "Procfile", "LICENSE", "mvnw", "gradlew", "Gemfile", "vendor", "patches", "app.py",
            ".git",
        ] {
            assert!(!is_source_tree(p), "{p}");
        }
        assert!(is_dir_like("gradle/") && is_dir_like(".mvn") && !is_dir_like("gradlew"));
    }
}
