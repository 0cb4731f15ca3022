//! Package-manager operations recognized in RUN commands: which manager,
//! what it does, which packages it names and which manifests it reads.
//!
//! What Layerlab knows of each manager is one [`Spec`] in [`SPECS`]: the
//! programs that run it, its subcommands, the flags that take a value, the
//! manifests it reads, where it keeps its download cache and the
//! [`Ecosystem`] (with its source files) it belongs to. The managers whose
//! command lines need more than the table (`go`, `cargo`, `mvn`, `gradle`,
//! `pip`, `uv`, the node managers, …) each have a reading function named in
//! their spec.
//!
//! Invariant: a fact about a manager is stated once, in its spec, and read
//! from there: the model's costs and churn, the simulator (what a re-run
//! reads), [`super::cost::is_manifest`] and the rules ask
//! [`Manager::spec`] or [`recognize`], never a table of their own of the
//! same facts. `SPECS[m as usize].manager == m` for every manager (tested).

use serde::Serialize;

use super::shell::SimpleCommand;

/// The package managers and build tools Layerlab knows, in the order of
/// [`SPECS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Manager {
    Apt,
    Apk,
    Dnf,
    Yum,
    Microdnf,
    Pip,
    Pipenv,
    Poetry,
    Uv,
    Npm,
    Yarn,
    Pnpm,
    Go,
    Cargo,
    Maven,
    Gradle,
    Bundler,
    Gem,
    Composer,
    Dotnet,
}

/// A language ecosystem (or the system's packages).
#[derive(Debug)]
pub struct Ecosystem {
    /// `python`, `node`, …; `system` for the OS package managers.
    pub name: &'static str,
    /// Extensions of its source files, the main language's first: a build
    /// re-run makes new output when one of them changed.
    pub sources: &'static [&'static str],
}

pub const SYSTEM: Ecosystem = Ecosystem {
    name: "system",
    sources: &[],
};
pub const PYTHON: Ecosystem = Ecosystem {
    name: "python",
    sources: &[".py"],
};
pub const NODE: Ecosystem = Ecosystem {
    name: "node",
    sources: &[
        ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".json", ".css", ".scss", ".html", ".vue",
        ".svelte",
    ],
};
pub const GO: Ecosystem = Ecosystem {
    name: "go",
    sources: &[".go"],
};
pub const RUST: Ecosystem = Ecosystem {
    name: "rust",
    sources: &[".rs"],
};
pub const JAVA: Ecosystem = Ecosystem {
    name: "java",
    sources: &[
        ".java",
        ".kt",
        ".groovy",
        ".gradle",
        ".kts",
        ".xml",
        ".properties",
    ],
};
pub const RUBY: Ecosystem = Ecosystem {
    name: "ruby",
    sources: &[".rb", ".erb"],
};
pub const PHP: Ecosystem = Ecosystem {
    name: "php",
    sources: &[".php"],
};
pub const DOTNET: Ecosystem = Ecosystem {
    name: "dotnet",
    sources: &[".cs", ".fs", ".csproj", ".fsproj", ".razor", ".json"],
};

/// Everything Layerlab knows of one package manager.
pub struct Spec {
    pub manager: Manager,
    /// Program names that run it (`apt-get`, `apt`, `aptitude`).
    pub programs: &'static [&'static str],
    /// What a variable naming it starts with (`$PIP`, `${NPM_CMD}`).
    pub variables: &'static [&'static str],
    pub ecosystem: &'static Ecosystem,
    /// Subcommands that refresh the package index.
    pub update: &'static [&'static str],
    /// Subcommands that install.
    pub install: &'static [&'static str],
    /// Flags that take a value as the next word (so the value is not
    /// mistaken for a package name).
    pub value_flags: &'static [&'static str],
    /// The manifests an install from them reads (a local project's for
    /// pip; the default project file for dotnet).
    pub manifests: &'static [&'static str],
    /// The manager's own configuration an install reads too.
    pub config: &'static [&'static str],
    /// Where it keeps its download cache: the target of a
    /// `RUN --mount=type=cache` that makes a re-run cheaper.
    pub cache_targets: &'static [&'static str],
    /// Reads one command line of it (its arguments after the program).
    read: fn(&Spec, &SimpleCommand, &[String]) -> PackageOp,
}

const APT_VALUE_FLAGS: &[&str] = &["-o", "-t", "--target-release", "-c", "--option"];
const APK_VALUE_FLAGS: &[&str] = &[
    "-X",
    "--repository",
    "-t",
    "--virtual",
    "-p",
    "--root",
    "--arch",
];
const DNF_VALUE_FLAGS: &[&str] = &[
    "--setopt",
    "--enablerepo",
    "--disablerepo",
    "--installroot",
    "--releasever",
    "-x",
    "--exclude",
];
const DNF_INSTALL: &[&str] = &["install", "upgrade", "update", "groupinstall", "reinstall"];
const PIP_VALUE_FLAGS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "-f",
    "--find-links",
    "--python",
    "-p",
    "--only-binary",
    "--no-binary",
    "--trusted-host",
    "--group",
    "--extra",
    "--package",
];
const NODE_VALUE_FLAGS: &[&str] = &[
    "--omit",
    "--include",
    "--prefix",
    "-C",
    "--dir",
    "--filter",
    "-w",
    "--workspace",
    "--registry",
    "--cwd",
    "--network-timeout",
    "--network-concurrency",
    "--modules-folder",
    "--cache-folder",
    "--global-folder",
    "--mutex",
    "--loglevel",
    "--cache",
    "--userconfig",
    "--store-dir",
    "--virtual-store-dir",
    "--child-concurrency",
    "--reporter",
];
const RUBY_VALUE_FLAGS: &[&str] = &[
    "--without",
    "--with",
    "--path",
    "-j",
    "--jobs",
    "--gemfile",
    "-v",
    "--version",
    "--retry",
];
const RUBY_CACHE: &[&str] = &[
    "/usr/local/bundle/cache",
    "/root/.bundle/cache",
    "/root/.gem",
];

/// A spec with nothing but its manager, programs and ecosystem; the rest
/// is filled in field by field.
const fn spec(
    manager: Manager,
    programs: &'static [&'static str],
    ecosystem: &'static Ecosystem,
    read: fn(&Spec, &SimpleCommand, &[String]) -> PackageOp,
) -> Spec {
    Spec {
        manager,
        programs,
        variables: &[],
        ecosystem,
        update: &[],
        install: &[],
        value_flags: &[],
        manifests: &[],
        config: &[],
        cache_targets: &[],
        read,
    }
}

/// The one table: every manager's spec, in the order of [`Manager`].
pub static SPECS: &[Spec] = &[
    Spec {
        update: &["update"],
        install: &[
            "install",
            "upgrade",
            "dist-upgrade",
            "full-upgrade",
            "build-dep",
        ],
        value_flags: APT_VALUE_FLAGS,
        cache_targets: &["/var/cache/apt", "/var/lib/apt"],
        ..spec(
            Manager::Apt,
            &["apt-get", "apt", "aptitude"],
            &SYSTEM,
            system,
        )
    },
    Spec {
        update: &["update"],
        install: &["add", "upgrade"],
        value_flags: APK_VALUE_FLAGS,
        cache_targets: &["/var/cache/apk", "/etc/apk/cache"],
        ..spec(Manager::Apk, &["apk"], &SYSTEM, system)
    },
    Spec {
        update: &["makecache"],
        install: DNF_INSTALL,
        value_flags: DNF_VALUE_FLAGS,
        cache_targets: &["/var/cache/dnf"],
        ..spec(Manager::Dnf, &["dnf"], &SYSTEM, system)
    },
    Spec {
        update: &["makecache"],
        install: DNF_INSTALL,
        value_flags: DNF_VALUE_FLAGS,
        cache_targets: &["/var/cache/yum"],
        ..spec(Manager::Yum, &["yum"], &SYSTEM, system)
    },
    Spec {
        update: &["makecache"],
        install: &["install", "upgrade", "update"],
        value_flags: DNF_VALUE_FLAGS,
        cache_targets: &["/var/cache/dnf"],
        ..spec(Manager::Microdnf, &["microdnf"], &SYSTEM, system)
    },
    Spec {
        variables: &["pip", "pip3"],
        install: &["install"],
        value_flags: PIP_VALUE_FLAGS,
        manifests: &["pyproject.toml", "setup.py", "setup.cfg"],
        cache_targets: &["/root/.cache/pip"],
        ..spec(Manager::Pip, &["pip", "pip3"], &PYTHON, |s, c, a| {
            pip(s.manager, c, a)
        })
    },
    Spec {
        variables: &["pipenv"],
        install: &["install", "sync"],
        manifests: &["Pipfile", "Pipfile.lock"],
        cache_targets: &["/root/.cache/pipenv", "/root/.cache/pip"],
        ..spec(Manager::Pipenv, &["pipenv"], &PYTHON, manifest_op)
    },
    Spec {
        variables: &["poetry"],
        install: &["install", "sync"],
        value_flags: &[
            "--only",
            "--with",
            "--without",
            "-E",
            "--extras",
            "-C",
            "--directory",
        ],
        manifests: &["pyproject.toml", "poetry.lock"],
        cache_targets: &["/root/.cache/pypoetry"],
        ..spec(Manager::Poetry, &["poetry"], &PYTHON, poetry)
    },
    Spec {
        variables: &["uv"],
        value_flags: PIP_VALUE_FLAGS,
        manifests: &["pyproject.toml", "uv.lock"],
        cache_targets: &["/root/.cache/uv"],
        ..spec(Manager::Uv, &["uv"], &PYTHON, uv)
    },
    Spec {
        variables: &["npm"],
        install: &["ci", "install", "i", "clean-install", "add"],
        value_flags: NODE_VALUE_FLAGS,
        manifests: &["package.json", "package-lock.json"],
        cache_targets: &["/root/.npm"],
        ..spec(Manager::Npm, &["npm"], &NODE, node)
    },
    Spec {
        variables: &["yarn"],
        install: &["install", "add"],
        value_flags: NODE_VALUE_FLAGS,
        manifests: &["package.json", "yarn.lock"],
        config: &[".yarnrc.yml", ".yarn/releases"],
        cache_targets: &[
            "/usr/local/share/.cache/yarn",
            "/root/.yarn/berry/cache",
            "/root/.cache/yarn",
        ],
        ..spec(Manager::Yarn, &["yarn"], &NODE, node)
    },
    Spec {
        variables: &["pnpm"],
        install: &["install", "i", "add", "fetch"],
        value_flags: NODE_VALUE_FLAGS,
        manifests: &["package.json", "pnpm-lock.yaml"],
        cache_targets: &[
            "/pnpm/store",
            "/root/.local/share/pnpm/store",
            "/root/.pnpm-store",
        ],
        ..spec(Manager::Pnpm, &["pnpm"], &NODE, node)
    },
    Spec {
        value_flags: &["-o", "-ldflags", "-tags", "-gcflags", "-mod", "-C"],
        manifests: &["go.mod", "go.sum"],
        cache_targets: &["/go/pkg/mod", "/root/go/pkg/mod", "/root/.cache/go-build"],
        ..spec(Manager::Go, &["go"], &GO, go)
    },
    Spec {
        value_flags: &[
            "--target",
            "-p",
            "--package",
            "--bin",
            "--features",
            "-F",
            "--manifest-path",
            "--profile",
            "--root",
            "-j",
            "--path",
        ],
        manifests: &["Cargo.toml", "Cargo.lock"],
        cache_targets: &[
            "/usr/local/cargo/registry",
            "/usr/local/cargo/git",
            "/root/.cargo/registry",
        ],
        ..spec(Manager::Cargo, &["cargo"], &RUST, cargo)
    },
    Spec {
        variables: &["mvn"],
        value_flags: &["-f", "--file", "-s", "--settings", "-P", "-pl", "-T"],
        manifests: &["pom.xml"],
        cache_targets: &["/root/.m2"],
        ..spec(Manager::Maven, &["mvn", "mvnw"], &JAVA, maven)
    },
    Spec {
        variables: &["gradle"],
        value_flags: &["-p", "--project-dir", "-x", "--exclude-task", "-b"],
        manifests: &[
            "build.gradle",
            "build.gradle.kts",
            "settings.gradle",
            "settings.gradle.kts",
            "gradle.properties",
        ],
        cache_targets: &["/root/.gradle", "/home/gradle/.gradle"],
        ..spec(Manager::Gradle, &["gradle", "gradlew"], &JAVA, gradle)
    },
    Spec {
        variables: &["bundle"],
        install: &["install"],
        value_flags: RUBY_VALUE_FLAGS,
        manifests: &["Gemfile", "Gemfile.lock"],
        cache_targets: RUBY_CACHE,
        ..spec(Manager::Bundler, &["bundle", "bundler"], &RUBY, manifest_op)
    },
    Spec {
        install: &["install"],
        value_flags: RUBY_VALUE_FLAGS,
        cache_targets: RUBY_CACHE,
        ..spec(Manager::Gem, &["gem"], &RUBY, named_install)
    },
    Spec {
        variables: &["composer"],
        value_flags: &["-d", "--working-dir"],
        manifests: &["composer.json", "composer.lock"],
        cache_targets: &[
            "/tmp/cache",
            "/root/.composer/cache",
            "/root/.cache/composer",
        ],
        ..spec(
            Manager::Composer,
            &["composer", "composer.phar"],
            &PHP,
            composer,
        )
    },
    Spec {
        value_flags: &[
            "-c",
            "--configuration",
            "-o",
            "--output",
            "-r",
            "--runtime",
            "-f",
            "--framework",
            "-s",
            "--source",
            "-p",
        ],
        manifests: &["*.csproj"],
        cache_targets: &["/root/.nuget/packages"],
        ..spec(Manager::Dotnet, &["dotnet"], &DOTNET, dotnet)
    },
];

impl Manager {
    /// Its [`Spec`].
    pub fn spec(self) -> &'static Spec {
        &SPECS[self as usize]
    }

    /// System package managers install OS packages (churn: system packages).
    pub fn is_system(self) -> bool {
        self.spec().ecosystem.name == SYSTEM.name
    }

    /// The language ecosystem, for messages and examples.
    pub fn ecosystem(self) -> &'static str {
        self.spec().ecosystem.name
    }

    /// Extensions of the ecosystem's source files, the main language's first.
    pub fn source_extensions(self) -> &'static [&'static str] {
        self.spec().ecosystem.sources
    }

    /// Where the manager keeps its download cache: the target of a
    /// `RUN --mount=type=cache` that makes a re-run cheaper.
    pub fn cache_targets(self) -> &'static [&'static str] {
        self.spec().cache_targets
    }
}

/// Every manifest and configuration file a manager's spec names.
pub fn spec_manifests() -> impl Iterator<Item = &'static str> {
    SPECS
        .iter()
        .flat_map(|s| s.manifests.iter().chain(s.config))
        .copied()
}

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Refresh the package index (`apt-get update`, `apk update`).
    Update,
    /// Install packages or the dependencies a manifest lists.
    Install,
    /// Compile or bundle the project (`go build`, `npm run build`).
    Build,
    /// Anything else the manager does (`npm test`, `pip freeze`).
    Other,
}

/// One recognized package-manager invocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageOp {
    pub manager: Manager,
    pub action: Action,
    /// Packages named on the command line.
    pub packages: Vec<String>,
    /// Manifest files it reads, relative to the working directory.
    pub manifests: Vec<String>,
    /// Every flag, as written (`--no-install-recommends`, `-r`, …).
    pub flags: Vec<String>,
    /// Whether it also reads the project's source (`pip install .`, builds).
    pub reads_source: bool,
    /// The command, words joined by spaces.
    pub command: String,
}

impl PackageOp {
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| {
            f.strip_prefix(flag)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
        })
    }
}

fn op(manager: Manager, action: Action, cmd: &SimpleCommand) -> PackageOp {
    PackageOp {
        manager,
        action,
        packages: Vec::new(),
        manifests: Vec::new(),
        flags: cmd
            .args()
            .iter()
            .filter(|a| a.starts_with('-'))
            .cloned()
            .collect(),
        reads_source: action == Action::Build,
        command: cmd.text(),
    }
}

/// Whether `flag` takes a value as the next word for `manager`.
fn takes_value(manager: Manager, flag: &str) -> bool {
    !flag.contains('=') && manager.spec().value_flags.contains(&flag)
}

/// Positional words after the subcommand (flags and their values skipped).
pub fn positionals(manager: Manager, args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        if a.starts_with('-') {
            skip = takes_value(manager, a);
            continue;
        }
        out.push(a.clone());
    }
    out
}

/// The value of `flag` (`-r x` or `-r=x` / `--requirement=x`), every time it appears.
fn flag_values(args: &[String], names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if names.contains(&a.as_str()) {
            if let Some(v) = args.get(i + 1) {
                out.push(v.clone());
            }
            i += 2;
            continue;
        }
        for n in names {
            if let Some(v) = a.strip_prefix(n).and_then(|r| r.strip_prefix('=')) {
                out.push(v.to_string());
            }
        }
        i += 1;
    }
    out
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Recognizes a package-manager operation in one simple command: a wrapper
/// is seen through (`indirect`, `python -m`), then the spec whose program
/// it runs reads it.
pub fn recognize(cmd: &SimpleCommand) -> Option<PackageOp> {
    if let Some(inner) = indirect(cmd) {
        let mut o = recognize(&inner)?;
        o.command = cmd.text();
        return Some(o);
    }
    let name = cmd.program_name();
    let args = cmd.args();
    if name.starts_with("python") && args.first().map(String::as_str) == Some("-m") {
        return python_module(args);
    }
    let spec = SPECS.iter().find(|s| s.programs.contains(&name))?;
    Some((spec.read)(spec, cmd, args))
}

/// `python -m pip …` (and `-m pipenv`, `-m poetry`, `-m uv`).
fn python_module(args: &[String]) -> Option<PackageOp> {
    let inner = SimpleCommand {
        words: args[1..].to_vec(),
        assignments: Vec::new(),
    };
    match args.get(1).map(String::as_str).unwrap_or("") {
        "pip" => Some(pip(Manager::Pip, &inner, &args[2..])),
        "pipenv" | "poetry" | "uv" => recognize(&inner),
        _ => None,
    }
}

/// The subcommand: the first positional word. Every manager's is found
/// skipping flags as npm's take values (as it always was: the table is the
/// largest, and a subcommand comes before most flags).
fn subcommand(args: &[String]) -> String {
    positionals(Manager::Npm, args)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// The command a wrapper runs, when it is a package manager in disguise:
/// `php composer.phar install`, or a program named by a variable after a
/// manager (`$PIP install …`, `$UV_CMD sync`, `${NPM} ci`).
fn indirect(cmd: &SimpleCommand) -> Option<SimpleCommand> {
    let prog = cmd.program();
    let name = cmd.program_name();
    if name == "php" {
        let script = cmd.args().first()?;
        let base = script.rsplit('/').next().unwrap_or(script);
        return Manager::Composer
            .spec()
            .programs
            .contains(&base)
            .then(|| SimpleCommand {
                words: cmd.words[1..].to_vec(),
                assignments: Vec::new(),
            });
    }
    let var = prog.strip_prefix('$')?;
    let var = var
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .unwrap_or(var)
        .to_ascii_lowercase();
    let head = var.split(['_', '-']).next().unwrap_or("");
    let named = SPECS.iter().any(|s| s.variables.contains(&head));
    if !named || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let mut words = cmd.words.clone();
    words[0] = head.to_string();
    Some(SimpleCommand {
        words,
        assignments: Vec::new(),
    })
}

fn with_manifests(mut o: PackageOp, manifests: &[&str]) -> PackageOp {
    o.manifests = strs(manifests);
    o
}

/// apt, apk, dnf, yum, microdnf: an update or install subcommand, packages
/// named after it.
fn system(spec: &Spec, cmd: &SimpleCommand, args: &[String]) -> PackageOp {
    let manager = spec.manager;
    let pos = positionals(manager, args);
    let sub = pos.first().map(String::as_str).unwrap_or("");
    let action = if spec.update.contains(&sub) {
        Action::Update
    } else if spec.install.contains(&sub) {
        Action::Install
    } else {
        Action::Other
    };
    let mut o = op(manager, action, cmd);
    if action == Action::Install {
        o.packages = pos.into_iter().skip(1).collect();
    }
    // `apk add --update`/`--update-cache` refreshes the index too.
    o
}

/// pipenv, bundler: an install subcommand reads the spec's manifests (a
/// bare `bundle` installs).
fn manifest_op(spec: &Spec, cmd: &SimpleCommand, args: &[String]) -> PackageOp {
    let first = subcommand(args);
    let manager = spec.manager;
    let implicit_install = first.is_empty() && manager == Manager::Bundler;
    if spec.install.contains(&first.as_str()) || implicit_install {
        with_manifests(op(manager, Action::Install, cmd), spec.manifests)
    } else {
        op(manager, Action::Other, cmd)
    }
}

/// poetry: as [`manifest_op`]; `--only main` still installs the project,
/// only `--no-root` does not.
fn poetry(spec: &Spec, cmd: &SimpleCommand, args: &[String]) -> PackageOp {
    let mut o = manifest_op(spec, cmd, args);
    if o.action == Action::Install && !o.has_flag("--no-root") {
        o.reads_source = true;
    }
    o
}

/// gem: `gem install NAME…`, packages by name.
fn named_install(spec: &Spec, cmd: &SimpleCommand, args: &[String]) -> PackageOp {
    if !spec.install.contains(&subcommand(args).as_str()) {
        return op(spec.manager, Action::Other, cmd);
    }
    let mut o = op(spec.manager, Action::Install, cmd);
    o.packages = positionals(spec.manager, args)
        .into_iter()
        .skip(1)
        .collect();
    o
}

/// go: `mod download` and `get` install, `install pkg@version` installs a
/// tool, `build`/`install`/`generate`/`test`/`vet` build.
fn go(spec: &Spec, cmd: &SimpleCommand, args: &[String]) -> PackageOp {
    let go = Manager::Go;
    let named = || -> Vec<String> { positionals(go, args).into_iter().skip(1).collect() };
    match subcommand(args).as_str() {
        "mod" if args.iter().any(|a| a == "download") => {
            with_manifests(op(go, Action::Install, cmd), spec.manifests)
        }
        "get" => {
            let mut o = op(go, Action::Install, cmd);
            o.packages = named();
            with_manifests(o, spec.manifests)
        }
        "install" if named().iter().any(|p| p.contains('@')) => {
            // `go install golang.org/x/tools/gopls@latest`: a tool, not the project.
            let mut o = op(go, Action::Install, cmd);
            o.reads_source = false;
            o.packages = named();
            o
        }
        "build" | "install" | "generate" | "test" | "vet" => {
            with_manifests(op(go, Action::Build, cmd), spec.manifests)
        }
        _ => op(go, Action::Other, cmd),
    }
}

/// cargo: `fetch`/`vendor` install; `install NAME` installs a tool from
/// crates.io; `chef cook` installs from cargo-chef's recipe; the rest of
/// `build`/`install`/`test`/`check`/`chef` builds.
fn cargo(spec: &Spec, cmd: &SimpleCommand, args: &[String]) -> PackageOp {
    let cargo = Manager::Cargo;
    let first = subcommand(args);
    match first.as_str() {
        "fetch" | "vendor" => with_manifests(op(cargo, Action::Install, cmd), spec.manifests),
        "install" if !args.iter().any(|a| a == "--path") => {
            // `cargo install ripgrep`: a tool from crates.io, not the project.
            let mut o = op(cargo, Action::Install, cmd);
            o.reads_source = false;
            o.packages = positionals(cargo, args).into_iter().skip(1).collect();
            o
        }
        "chef" if args.iter().any(|a| a == "cook") => {
            let mut o = op(cargo, Action::Install, cmd);
            o.reads_source = false;
            with_manifests(o, &["recipe.json"])
        }
        "build" | "install" | "test" | "check" | "chef" => {
            with_manifests(op(cargo, Action::Build, cmd), spec.manifests)
        }
        _ => op(cargo, Action::Other, cmd),
    }
}

/// mvn: a lifecycle phase that packages builds, a dependency goal installs.
fn maven(spec: &Spec, cmd: &SimpleCommand, args: &[String]) -> PackageOp {
    let goals: Vec<String> = positionals(Manager::Maven, args);
    // `dependency:go-offline`, `dependency:resolve-plugins`, and the
    // go-offline plugin (`de.qaware.maven:go-offline-maven-plugin:resolve-dependencies`).
    let resolve = goals.iter().any(|g| {
        g.starts_with("dependency:")
            || g.contains("go-offline")
            || g.ends_with(":resolve-dependencies")
    });
    let build = goals.iter().any(|g| {
        matches!(
            g.as_str(),
            "package" | "install" | "verify" | "compile" | "deploy"
        ) || g.contains("spring-boot:")
    });
    goal_op(spec, cmd, build, resolve)
}

/// A build tool's goals or tasks read from the manifests: a build when one
/// builds, else an install when one fetches dependencies.
fn goal_op(spec: &Spec, cmd: &SimpleCommand, build: bool, deps: bool) -> PackageOp {
    let action = match (build, deps) {
        (true, _) => Action::Build,
        (false, true) => Action::Install,
        (false, false) => Action::Other,
    };
    with_manifests(op(spec.manager, action, cmd), spec.manifests)
}

/// gradle: a task that compiles or packages builds, `dependencies`
/// installs.
fn gradle(spec: &Spec, cmd: &SimpleCommand, args: &[String]) -> PackageOp {
    let tasks: Vec<String> = positionals(Manager::Gradle, args);
    // `:app:shadowJar` runs `shadowJar` in project `app`.
    let build = tasks.iter().any(|t| {
        matches!(
            t.rsplit(':').next().unwrap_or(t),
            "build"
                | "assemble"
                | "bootJar"
                | "bootWar"
                | "jar"
                | "war"
                | "installDist"
                | "distTar"
                | "distZip"
                | "shadowJar"
                | "test"
                | "check"
                | "classes"
                | "compileJava"
                | "compileKotlin"
                | "nativeCompile"
                | "buildPlugin"
        )
    });
    let deps = tasks
        .iter()
        .any(|t| t == "dependencies" || t == "downloadDependencies")
        || args.iter().any(|a| a == "--refresh-dependencies");
    goal_op(spec, cmd, build, deps)
}

/// composer: `install` from the manifests, `require NAME…`, `dump-autoload`
/// builds.
fn composer(spec: &Spec, cmd: &SimpleCommand, args: &[String]) -> PackageOp {
    let composer = Manager::Composer;
    match subcommand(args).as_str() {
        "install" => with_manifests(op(composer, Action::Install, cmd), spec.manifests),
        "require" => {
            let mut o = op(composer, Action::Install, cmd);
            o.packages = positionals(composer, args).into_iter().skip(1).collect();
            with_manifests(o, spec.manifests)
        }
        "dump-autoload" | "dumpautoload" => op(composer, Action::Build, cmd),
        _ => op(composer, Action::Other, cmd),
    }
}

/// dotnet: `restore` reads the project files it names (every `*.csproj`
/// when none), `build`/`publish`/`test`/`pack` build.
fn dotnet(spec: &Spec, cmd: &SimpleCommand, args: &[String]) -> PackageOp {
    let dotnet = Manager::Dotnet;
    match subcommand(args).as_str() {
        "restore" => {
            let mut o = op(dotnet, Action::Install, cmd);
            o.manifests = positionals(dotnet, args).into_iter().skip(1).collect();
            if o.manifests.is_empty() {
                o.manifests = strs(spec.manifests);
            }
            o
        }
        "build" | "publish" | "test" | "pack" => op(dotnet, Action::Build, cmd),
        _ => op(dotnet, Action::Other, cmd),
    }
}

/// pip (and `uv pip`): `install` of requirement files, packages by name, or
/// the local project (its manifests, and its source).
fn pip(manager: Manager, cmd: &SimpleCommand, args: &[String]) -> PackageOp {
    let pos = positionals(manager, args);
    if pos.first().map(String::as_str) != Some("install") {
        return op(manager, Action::Other, cmd);
    }
    let mut o = op(manager, Action::Install, cmd);
    o.manifests = flag_values(args, &["-r", "--requirement", "-c", "--constraint"]);
    let editable = flag_values(args, &["-e", "--editable"]);
    for p in pos.into_iter().skip(1).chain(editable) {
        // `.[server]`, `./lib[extra]`: a local path with extras.
        let path = p.split('[').next().unwrap_or(&p);
        let archive = path.ends_with(".whl") || path.ends_with(".tar.gz") || path.ends_with(".zip");
        if path == "." || path.starts_with("./") || path.starts_with('/') || archive {
            if path == "." || (path.starts_with("./") && !archive) {
                o.reads_source = true;
                o.manifests.extend(strs(Manager::Pip.spec().manifests));
            } else if archive && !path.starts_with('/') {
                // `pip install dist/*.whl`: a package built from the source here.
                o.reads_source = true;
            }
        } else {
            o.packages.push(p);
        }
    }
    o
}

/// uv: `pip …` as pip, `pip sync FILE…`, `sync` and `add` from the
/// project's manifests.
fn uv(spec: &Spec, cmd: &SimpleCommand, args: &[String]) -> PackageOp {
    let uv = Manager::Uv;
    let pos = positionals(uv, args);
    match pos.first().map(String::as_str) {
        Some("pip") => {
            let inner: Vec<String> = args
                .iter()
                .skip_while(|a| *a != "pip")
                .skip(1)
                .cloned()
                .collect();
            let sub = inner
                .iter()
                .find(|a| !a.starts_with('-'))
                .cloned()
                .unwrap_or_default();
            if sub == "sync" {
                let mut o = op(uv, Action::Install, cmd);
                o.manifests = positionals(uv, &inner).into_iter().skip(1).collect();
                return o;
            }
            pip(uv, cmd, &inner)
        }
        Some("sync") => {
            let mut o = with_manifests(op(uv, Action::Install, cmd), spec.manifests);
            o.reads_source = !o.has_flag("--no-install-project");
            o
        }
        Some("add") => {
            let mut o = with_manifests(op(uv, Action::Install, cmd), spec.manifests);
            o.packages = pos.into_iter().skip(1).collect();
            o
        }
        _ => op(uv, Action::Other, cmd),
    }
}

/// npm, yarn, pnpm: an install subcommand (a bare `yarn`), a package script
/// that installs, or one that builds.
fn node(spec: &Spec, cmd: &SimpleCommand, args: &[String]) -> PackageOp {
    let manager = spec.manager;
    let first = subcommand(args);
    let first = first.as_str();
    let pos = positionals(manager, args);
    // A bare `yarn` installs; `yarn --version`, `yarn -v`, `yarn --help` do not.
    let informational = args
        .iter()
        .any(|a| matches!(a.as_str(), "--version" | "-v" | "-V" | "--help" | "-h"));
    if (manager == Manager::Yarn && first.is_empty() && !informational)
        || spec.install.contains(&first)
    {
        let mut o = op(manager, Action::Install, cmd);
        o.packages = pos.into_iter().skip(1).collect();
        if o.has_flag("-g") || o.has_flag("--global") {
            // `npm install -g pnpm`: a tool, whatever the project's manifests say.
            return o;
        }
        o.manifests = strs(spec.manifests);
        o.manifests.extend(strs(spec.config));
        if manager == Manager::Pnpm && first == "fetch" {
            // `pnpm fetch` reads the lockfile alone.
            o.manifests = strs(&spec.manifests[1..]);
        }
        return o;
    }
    let script = if first == "run" || first == "run-script" {
        pos.get(1).map(String::as_str).unwrap_or("")
    } else {
        first
    };
    if script
        .split([':', '-'])
        .any(|part| matches!(part, "install" | "deps"))
    {
        // A package script that installs (`yarn webui:install`,
        // `npm run install:all`): it reads the manifests, and whatever
        // else the script touches.
        let mut o = op(manager, Action::Install, cmd);
        o.manifests = strs(spec.manifests);
        o.reads_source = true;
        return o;
    }
    let action = if matches!(
        script,
        "build" | "compile" | "bundle" | "generate" | "prepare"
    ) || script.starts_with("build:")
    {
        Action::Build
    } else {
        Action::Other
    };
    let mut o = op(manager, action, cmd);
    if action == Action::Build {
        // A bundle includes the dependencies the manifests pin.
        o.manifests = strs(spec.manifests);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::super::shell::commands;
    use super::*;

    #[test]
    fn specs_are_in_the_order_of_manager() {
        for (i, s) in SPECS.iter().enumerate() {
            assert_eq!(s.manager as usize, i, "{:?}", s.manager);
            assert_eq!(s.manager.spec().manager, s.manager);
        }
        assert_eq!(SPECS.len(), Manager::Dotnet as usize + 1);
    }

    fn ops(s: &str) -> Vec<PackageOp> {
        commands(s).iter().filter_map(recognize).collect()
    }

    /// A pass vector: (command, manager, action, packages, manifests).
    type Case = (
        &'static str,
        Manager,
        Action,
        &'static [&'static str],
        &'static [&'static str],
    );

    #[test]
    fn recognizes_every_ecosystem() {
        let cases: &[Case] = &[
            (
                "apt-get install -y --no-install-recommends -o Dpkg::Options::=x curl git",
                Manager::Apt,
                Action::Install,
                &["curl", "git"],
                &[],
            ),
            ("apt-get update", Manager::Apt, Action::Update, &[], &[]),
            (
                "apk add --no-cache --virtual .deps gcc",
                Manager::Apk,
                Action::Install,
                &["gcc"],
                &[],
            ),
            (
                "dnf install -y --setopt=install_weak_deps=False make",
                Manager::Dnf,
                Action::Install,
                &["make"],
                &[],
            ),
            (
                "yum -y install httpd",
                Manager::Yum,
                Action::Install,
                &["httpd"],
                &[],
            ),
            (
                "microdnf install shadow-utils",
                Manager::Microdnf,
                Action::Install,
                &["shadow-utils"],
                &[],
            ),
            (
                "pip install --no-cache-dir -r requirements.txt",
                Manager::Pip,
                Action::Install,
                &[],
                &["requirements.txt"],
            ),
            (
                "python3 -m pip install flask==3.0 gunicorn",
                Manager::Pip,
                Action::Install,
                &["flask==3.0", "gunicorn"],
                &[],
            ),
            (
                "pipenv install --deploy --system",
                Manager::Pipenv,
                Action::Install,
                &[],
                &["Pipfile", "Pipfile.lock"],
            ),
            (
                "poetry install --only main --no-root",
                Manager::Poetry,
                Action::Install,
                &[],
                &["pyproject.toml", "poetry.lock"],
            ),
            (
                "uv sync --frozen --no-install-project",
                Manager::Uv,
                Action::Install,
                &[],
                &["pyproject.toml", "uv.lock"],
            ),
            (
                "uv pip install -r requirements.txt",
                Manager::Uv,
                Action::Install,
                &[],
                &["requirements.txt"],
            ),
            (
                "npm ci --omit=dev",
                Manager::Npm,
                Action::Install,
                &[],
                &["package.json", "package-lock.json"],
            ),
            (
                "npm run build",
                Manager::Npm,
                Action::Build,
                &[],
                &["package.json", "package-lock.json"],
            ),
            (
                "yarn install --frozen-lockfile",
                Manager::Yarn,
                Action::Install,
                &[],
                &["package.json", "yarn.lock", ".yarnrc.yml", ".yarn/releases"],
            ),
            (
                "pnpm install --frozen-lockfile",
                Manager::Pnpm,
                Action::Install,
                &[],
                &["package.json", "pnpm-lock.yaml"],
            ),
            (
                "go mod download",
                Manager::Go,
                Action::Install,
                &[],
                &["go.mod", "go.sum"],
            ),
            (
                "CGO_ENABLED=0 go build -o /bin/app ./cmd/app",
                Manager::Go,
                Action::Build,
                &[],
                &["go.mod", "go.sum"],
            ),
            (
                "cargo build --release --locked",
                Manager::Cargo,
                Action::Build,
                &[],
                &["Cargo.toml", "Cargo.lock"],
            ),
            (
                "./mvnw -B dependency:go-offline",
                Manager::Maven,
                Action::Install,
                &[],
                &["pom.xml"],
            ),
            (
                "mvn -q package -DskipTests",
                Manager::Maven,
                Action::Build,
                &[],
                &["pom.xml"],
            ),
            (
                "./gradlew bootJar --no-daemon",
                Manager::Gradle,
                Action::Build,
                &[],
                &[
                    "build.gradle",
                    "build.gradle.kts",
                    "settings.gradle",
                    "settings.gradle.kts",
                    "gradle.properties",
                ],
            ),
            (
                "bundle install --jobs 4",
                Manager::Bundler,
                Action::Install,
                &[],
                &["Gemfile", "Gemfile.lock"],
            ),
            (
                "composer install --no-dev --no-scripts",
                Manager::Composer,
                Action::Install,
                &[],
                &["composer.json", "composer.lock"],
            ),
            (
                "dotnet restore App.csproj",
                Manager::Dotnet,
                Action::Install,
                &[],
                &["App.csproj"],
            ),
            (
                "dotnet publish -c Release -o /out",
                Manager::Dotnet,
                Action::Build,
                &[],
                &[],
            ),
        ];
        for (cmd, manager, action, packages, manifests) in cases {
            let found = ops(cmd);
            assert_eq!(found.len(), 1, "{cmd}");
            let o = &found[0];
            assert_eq!((o.manager, o.action), (*manager, *action), "{cmd}");
            assert_eq!(o.packages, strs(packages), "{cmd}");
            assert_eq!(o.manifests, strs(manifests), "{cmd}");
        }
    }

    // Fail vectors: informational yarn calls install nothing.
    #[test]
    fn yarn_version_and_help_are_no_install() {
        for c in ["yarn --version", "yarn -v", "yarn --help"] {
            assert!(
                ops(c).iter().all(|o| o.action != Action::Install),
                "{c}: {:?}",
                ops(c)
            );
        }
        assert_eq!(ops("yarn")[0].action, Action::Install);
        assert_eq!(ops("yarn --frozen-lockfile")[0].action, Action::Install);
    }

    #[test]
    fn finds_several_ops_in_one_run() {
        let found = ops("apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*; pip install .");
        let kinds: Vec<_> = found.iter().map(|o| (o.manager, o.action)).collect();
        assert_eq!(
            kinds,
            [
                (Manager::Apt, Action::Update),
                (Manager::Apt, Action::Install),
                (Manager::Pip, Action::Install)
            ]
        );
        assert!(found[2].reads_source);
        assert!(found[1].has_flag("-y"));
    }

    // Wrappers, tools by name, and flags with values.
    #[test]
    fn recognizes_wrappers_tools_and_flag_values() {
        let o = &ops("php /bin/composer.phar install -o")[0];
        assert_eq!((o.manager, o.action), (Manager::Composer, Action::Install));
        assert_eq!(o.command, "php /bin/composer.phar install -o");
        let o = &ops("$UV_CMD sync --frozen --no-dev")[0];
        assert_eq!((o.manager, o.action, o.reads_source), (Manager::Uv, Action::Install, true));
        assert_eq!(o.command, "$UV_CMD sync --frozen --no-dev");
        assert!(ops("$HOME/bin/x install").is_empty() && ops("$CMD run").is_empty());
        let o = &ops("go install golang.org/x/tools/gopls@latest")[0];
        assert_eq!((o.action, o.reads_source), (Action::Install, false));
        assert!(o.manifests.is_empty());
        assert_eq!(ops("go install ./cmd/app")[0].action, Action::Build);
        assert!(ops("npm install -g pnpm")[0].manifests.is_empty());
        let o = &ops("yarn webui:install --production")[0];
        assert_eq!((o.action, o.reads_source), (Action::Install, true));
        assert_eq!(ops("./gradlew :app:shadowJar")[0].action, Action::Build);
        assert_eq!(
            ops("./mvnw -B de.qaware.maven:go-offline-maven-plugin:resolve-dependencies")[0].action,
            Action::Install
        );
        assert!(ops("pip install --editable .[server]")[0].reads_source);
        assert!(ops("pip install dist/*.whl")[0].reads_source);
        assert!(!ops("pip install /wheels/app.whl")[0].reads_source);
        assert!(ops("yarn install --network-timeout 100000")[0].packages.is_empty());
        // `--only main` still installs the project.
        assert!(ops("poetry install --only main")[0].reads_source);
        assert!(!ops("poetry install --no-root")[0].reads_source);
    }

    // Fail vectors: not package managers.
    #[test]
    fn ignores_other_commands() {
        assert!(ops("echo apt-get install x; ls -la; python app.py").is_empty());
    }
}
