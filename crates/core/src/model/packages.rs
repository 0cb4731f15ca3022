//! Package-manager operations recognized in RUN commands: which manager,
//! what it does, which packages it names and which manifests it reads.

use serde::Serialize;

use super::shell::SimpleCommand;

/// The package managers and build tools Layerlab knows.
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

impl Manager {
    /// System package managers install OS packages (churn: system packages).
    pub fn is_system(self) -> bool {
        matches!(
            self,
            Manager::Apt | Manager::Apk | Manager::Dnf | Manager::Yum | Manager::Microdnf
        )
    }

    /// The language ecosystem, for messages and examples.
    pub fn ecosystem(self) -> &'static str {
        match self {
            Manager::Apt | Manager::Apk | Manager::Dnf | Manager::Yum | Manager::Microdnf => {
                "system"
            }
            Manager::Pip | Manager::Pipenv | Manager::Poetry | Manager::Uv => "python",
            Manager::Npm | Manager::Yarn | Manager::Pnpm => "node",
            Manager::Go => "go",
            Manager::Cargo => "rust",
            Manager::Maven | Manager::Gradle => "java",
            Manager::Bundler | Manager::Gem => "ruby",
            Manager::Composer => "php",
            Manager::Dotnet => "dotnet",
        }
    }

    /// Where the manager keeps its download cache: the target of a
    /// `RUN --mount=type=cache` that makes a re-run cheaper.
    pub fn cache_targets(self) -> &'static [&'static str] {
        match self {
            Manager::Apt => &["/var/cache/apt", "/var/lib/apt"],
            Manager::Apk => &["/var/cache/apk", "/etc/apk/cache"],
            Manager::Dnf | Manager::Microdnf => &["/var/cache/dnf"],
            Manager::Yum => &["/var/cache/yum"],
            Manager::Pip => &["/root/.cache/pip"],
            Manager::Pipenv => &["/root/.cache/pipenv", "/root/.cache/pip"],
            Manager::Poetry => &["/root/.cache/pypoetry"],
            Manager::Uv => &["/root/.cache/uv"],
            Manager::Npm => &["/root/.npm"],
            Manager::Yarn => &[
                "/usr/local/share/.cache/yarn",
                "/root/.yarn/berry/cache",
                "/root/.cache/yarn",
            ],
            Manager::Pnpm => &[
                "/pnpm/store",
                "/root/.local/share/pnpm/store",
                "/root/.pnpm-store",
            ],
            Manager::Go => &["/go/pkg/mod", "/root/go/pkg/mod", "/root/.cache/go-build"],
            Manager::Cargo => &[
                "/usr/local/cargo/registry",
                "/usr/local/cargo/git",
                "/root/.cargo/registry",
            ],
            Manager::Maven => &["/root/.m2"],
            Manager::Gradle => &["/root/.gradle", "/home/gradle/.gradle"],
            Manager::Bundler | Manager::Gem => &[
                "/usr/local/bundle/cache",
                "/root/.bundle/cache",
                "/root/.gem",
            ],
            Manager::Composer => &[
                "/tmp/cache",
                "/root/.composer/cache",
                "/root/.cache/composer",
            ],
            Manager::Dotnet => &["/root/.nuget/packages"],
        }
    }
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

/// Flags that take a value as the next word, per manager (so the value is
/// not mistaken for a package name).
fn takes_value(manager: Manager, flag: &str) -> bool {
    if flag.contains('=') {
        return false;
    }
    match manager {
        Manager::Apt => matches!(flag, "-o" | "-t" | "--target-release" | "-c" | "--option"),
        Manager::Apk => matches!(
            flag,
            "-X" | "--repository" | "-t" | "--virtual" | "-p" | "--root" | "--arch"
        ),
        Manager::Dnf | Manager::Yum | Manager::Microdnf => {
            matches!(
                flag,
                "--setopt"
                    | "--enablerepo"
                    | "--disablerepo"
                    | "--installroot"
                    | "--releasever"
                    | "-x"
                    | "--exclude"
            )
        }
        Manager::Pip | Manager::Uv => matches!(
            flag,
            "-r" | "--requirement"
                | "-c"
                | "--constraint"
                | "-e"
                | "--editable"
                | "-i"
                | "--index-url"
                | "--extra-index-url"
                | "-t"
                | "--target"
                | "--prefix"
                | "--root"
                | "-f"
                | "--find-links"
                | "--python"
                | "-p"
                | "--only-binary"
                | "--no-binary"
                | "--trusted-host"
                | "--group"
                | "--extra"
                | "--package"
        ),
        Manager::Poetry => matches!(
            flag,
            "--only" | "--with" | "--without" | "-E" | "--extras" | "-C" | "--directory"
        ),
        Manager::Npm | Manager::Pnpm | Manager::Yarn => {
            matches!(
                flag,
                "--omit"
                    | "--include"
                    | "--prefix"
                    | "-C"
                    | "--dir"
                    | "--filter"
                    | "-w"
                    | "--workspace"
                    | "--registry"
                    | "--cwd"
                    | "--network-timeout"
                    | "--network-concurrency"
                    | "--modules-folder"
                    | "--cache-folder"
                    | "--global-folder"
                    | "--mutex"
                    | "--loglevel"
                    | "--cache"
                    | "--userconfig"
                    | "--store-dir"
                    | "--virtual-store-dir"
                    | "--child-concurrency"
                    | "--reporter"
            )
        }
        Manager::Go => matches!(
            flag,
            "-o" | "-ldflags" | "-tags" | "-gcflags" | "-mod" | "-C"
        ),
        Manager::Cargo => matches!(
            flag,
            "--target"
                | "-p"
                | "--package"
                | "--bin"
                | "--features"
                | "-F"
                | "--manifest-path"
                | "--profile"
                | "--root"
                | "-j"
                | "--path"
        ),
        Manager::Maven => matches!(
            flag,
            "-f" | "--file" | "-s" | "--settings" | "-P" | "-pl" | "-T"
        ),
        Manager::Gradle => matches!(
            flag,
            "-p" | "--project-dir" | "-x" | "--exclude-task" | "-b"
        ),
        Manager::Bundler | Manager::Gem => matches!(
            flag,
            "--without"
                | "--with"
                | "--path"
                | "-j"
                | "--jobs"
                | "--gemfile"
                | "-v"
                | "--version"
                | "--retry"
        ),
        Manager::Composer => matches!(flag, "-d" | "--working-dir"),
        Manager::Dotnet => matches!(
            flag,
            "-c" | "--configuration"
                | "-o"
                | "--output"
                | "-r"
                | "--runtime"
                | "-f"
                | "--framework"
                | "-s"
                | "--source"
                | "-p"
        ),
        Manager::Pipenv => false,
    }
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

/// Recognizes a package-manager operation in one simple command.
pub fn recognize(cmd: &SimpleCommand) -> Option<PackageOp> {
    let name = cmd.program_name();
    let args = cmd.args();
    if let Some(inner) = indirect(cmd) {
        let mut o = recognize(&inner)?;
        o.command = cmd.text();
        return Some(o);
    }
    const KNOWN: &[&str] = &[
        "apt-get",
        "apt",
        "aptitude",
        "apk",
        "dnf",
        "yum",
        "microdnf",
        "pip",
        "pip3",
        "pipenv",
        "poetry",
        "uv",
        "npm",
        "yarn",
        "pnpm",
        "go",
        "cargo",
        "mvn",
        "mvnw",
        "gradle",
        "gradlew",
        "bundle",
        "bundler",
        "gem",
        "composer",
        "composer.phar",
        "dotnet",
    ];
    let python_m = name.starts_with("python") && args.first().map(String::as_str) == Some("-m");
    if !(KNOWN.contains(&name) || python_m) {
        return None;
    }
    // The first positional word (the subcommand), flags skipped.
    let first = positionals(Manager::Npm, args)
        .into_iter()
        .next()
        .unwrap_or_default();
    match name {
        "apt-get" | "apt" | "aptitude" => Some(system(
            Manager::Apt,
            cmd,
            &["update"],
            &[
                "install",
                "upgrade",
                "dist-upgrade",
                "full-upgrade",
                "build-dep",
            ],
        )),
        "apk" => Some(system(Manager::Apk, cmd, &["update"], &["add", "upgrade"])),
        "dnf" => Some(system(
            Manager::Dnf,
            cmd,
            &["makecache"],
            &["install", "upgrade", "update", "groupinstall", "reinstall"],
        )),
        "yum" => Some(system(
            Manager::Yum,
            cmd,
            &["makecache"],
            &["install", "upgrade", "update", "groupinstall", "reinstall"],
        )),
        "microdnf" => Some(system(
            Manager::Microdnf,
            cmd,
            &["makecache"],
            &["install", "upgrade", "update"],
        )),
        "pip" | "pip3" => Some(pip(Manager::Pip, cmd, args)),
        n if n.starts_with("python") && args.first().map(String::as_str) == Some("-m") => {
            let module = args.get(1).map(String::as_str).unwrap_or("");
            let inner = SimpleCommand {
                words: args[1..].to_vec(),
                assignments: Vec::new(),
            };
            match module {
                "pip" => Some(pip(Manager::Pip, &inner, &args[2..])),
                "pipenv" | "poetry" | "uv" => recognize(&inner),
                _ => None,
            }
        }
        "pipenv" => Some(manifest_op(
            Manager::Pipenv,
            cmd,
            &first,
            &["install", "sync"],
            &["Pipfile", "Pipfile.lock"],
        )),
        "poetry" => {
            let mut o = manifest_op(
                Manager::Poetry,
                cmd,
                &first,
                &["install", "sync"],
                &["pyproject.toml", "poetry.lock"],
            );
            // `--only main` still installs the project; only `--no-root` does not.
            if o.action == Action::Install && !o.has_flag("--no-root") {
                o.reads_source = true;
            }
            Some(o)
        }
        "uv" => Some(uv(cmd, args)),
        "npm" => Some(node(
            Manager::Npm,
            cmd,
            &first,
            &["package.json", "package-lock.json"],
        )),
        "yarn" => Some(node(
            Manager::Yarn,
            cmd,
            &first,
            &["package.json", "yarn.lock"],
        )),
        "pnpm" => Some(node(
            Manager::Pnpm,
            cmd,
            &first,
            &["package.json", "pnpm-lock.yaml"],
        )),
        "go" => Some(match first.as_str() {
            "mod" if args.iter().any(|a| a == "download") => {
                with_manifests(op(Manager::Go, Action::Install, cmd), &["go.mod", "go.sum"])
            }
            "get" => {
                let mut o = op(Manager::Go, Action::Install, cmd);
                o.packages = positionals(Manager::Go, args).into_iter().skip(1).collect();
                with_manifests(o, &["go.mod", "go.sum"])
            }
            "install"
                if positionals(Manager::Go, args)
                    .iter()
                    .skip(1)
                    .any(|p| p.contains('@')) =>
            {
                // `go install golang.org/x/tools/gopls@latest`: a tool, not the project.
                let mut o = op(Manager::Go, Action::Install, cmd);
                o.reads_source = false;
                o.packages = positionals(Manager::Go, args).into_iter().skip(1).collect();
                o
            }
            "build" | "install" | "generate" | "test" | "vet" => {
                with_manifests(op(Manager::Go, Action::Build, cmd), &["go.mod", "go.sum"])
            }
            _ => op(Manager::Go, Action::Other, cmd),
        }),
        "cargo" => Some(match first.as_str() {
            "fetch" | "vendor" => with_manifests(
                op(Manager::Cargo, Action::Install, cmd),
                &["Cargo.toml", "Cargo.lock"],
            ),
            "build" | "install" | "test" | "check" | "chef" => {
                let mut o = op(Manager::Cargo, Action::Build, cmd);
                if first == "install" && !args.iter().any(|a| a == "--path") {
                    // `cargo install ripgrep`: a tool from crates.io, not the project.
                    o.action = Action::Install;
                    o.reads_source = false;
                    o.packages = positionals(Manager::Cargo, args)
                        .into_iter()
                        .skip(1)
                        .collect();
                    return Some(o);
                }
                if first == "chef" && args.iter().any(|a| a == "cook") {
                    o.action = Action::Install;
                    o.reads_source = false;
                    return Some(with_manifests(o, &["recipe.json"]));
                }
                with_manifests(o, &["Cargo.toml", "Cargo.lock"])
            }
            _ => op(Manager::Cargo, Action::Other, cmd),
        }),
        "mvn" | "mvnw" => {
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
            let action = if build {
                Action::Build
            } else if resolve {
                Action::Install
            } else {
                Action::Other
            };
            Some(with_manifests(
                op(Manager::Maven, action, cmd),
                &["pom.xml"],
            ))
        }
        "gradle" | "gradlew" => {
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
            let action = if build {
                Action::Build
            } else if deps {
                Action::Install
            } else {
                Action::Other
            };
            Some(with_manifests(
                op(Manager::Gradle, action, cmd),
                &[
                    "build.gradle",
                    "build.gradle.kts",
                    "settings.gradle",
                    "settings.gradle.kts",
                    "gradle.properties",
                ],
            ))
        }
        "bundle" | "bundler" => Some(manifest_op(
            Manager::Bundler,
            cmd,
            &first,
            &["install"],
            &["Gemfile", "Gemfile.lock"],
        )),
        "gem" => Some(if first == "install" {
            let mut o = op(Manager::Gem, Action::Install, cmd);
            o.packages = positionals(Manager::Gem, args)
                .into_iter()
                .skip(1)
                .collect();
            o
        } else {
            op(Manager::Gem, Action::Other, cmd)
        }),
        "composer" | "composer.phar" => Some(match first.as_str() {
            "install" => with_manifests(
                op(Manager::Composer, Action::Install, cmd),
                &["composer.json", "composer.lock"],
            ),
            "require" => {
                let mut o = op(Manager::Composer, Action::Install, cmd);
                o.packages = positionals(Manager::Composer, args)
                    .into_iter()
                    .skip(1)
                    .collect();
                with_manifests(o, &["composer.json", "composer.lock"])
            }
            "dump-autoload" | "dumpautoload" => op(Manager::Composer, Action::Build, cmd),
            _ => op(Manager::Composer, Action::Other, cmd),
        }),
        "dotnet" => Some(match first.as_str() {
            "restore" => {
                let mut o = op(Manager::Dotnet, Action::Install, cmd);
                o.manifests = positionals(Manager::Dotnet, args)
                    .into_iter()
                    .skip(1)
                    .collect();
                if o.manifests.is_empty() {
                    o.manifests = strs(&["*.csproj"]);
                }
                o
            }
            "build" | "publish" | "test" | "pack" => op(Manager::Dotnet, Action::Build, cmd),
            _ => op(Manager::Dotnet, Action::Other, cmd),
        }),
        _ => None,
    }
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
        return matches!(base, "composer" | "composer.phar").then(|| SimpleCommand {
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
    const MANAGERS: &[&str] = &[
        "pip", "pip3", "pipenv", "poetry", "uv", "npm", "yarn", "pnpm", "mvn", "gradle", "bundle",
        "composer",
    ];
    if !MANAGERS.contains(&head) || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
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

fn system(manager: Manager, cmd: &SimpleCommand, update: &[&str], install: &[&str]) -> PackageOp {
    let pos = positionals(manager, cmd.args());
    let sub = pos.first().map(String::as_str).unwrap_or("");
    let action = if update.contains(&sub) {
        Action::Update
    } else if install.contains(&sub) {
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

fn manifest_op(
    manager: Manager,
    cmd: &SimpleCommand,
    first: &str,
    install: &[&str],
    manifests: &[&str],
) -> PackageOp {
    let implicit_install = first.is_empty() && manager == Manager::Bundler;
    if install.contains(&first) || implicit_install {
        with_manifests(op(manager, Action::Install, cmd), manifests)
    } else {
        op(manager, Action::Other, cmd)
    }
}

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
                o.manifests
                    .extend(strs(&["pyproject.toml", "setup.py", "setup.cfg"]));
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

fn uv(cmd: &SimpleCommand, args: &[String]) -> PackageOp {
    let pos = positionals(Manager::Uv, args);
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
                let mut o = op(Manager::Uv, Action::Install, cmd);
                o.manifests = positionals(Manager::Uv, &inner)
                    .into_iter()
                    .skip(1)
                    .collect();
                return o;
            }
            let mut o = pip(Manager::Uv, cmd, &inner);
            o.manager = Manager::Uv;
            o
        }
        Some("sync") => {
            let mut o = with_manifests(
                op(Manager::Uv, Action::Install, cmd),
                &["pyproject.toml", "uv.lock"],
            );
            o.reads_source = !o.has_flag("--no-install-project");
            o
        }
        Some("add") => {
            let mut o = with_manifests(
                op(Manager::Uv, Action::Install, cmd),
                &["pyproject.toml", "uv.lock"],
            );
            o.packages = pos.into_iter().skip(1).collect();
            o
        }
        _ => op(Manager::Uv, Action::Other, cmd),
    }
}

fn node(manager: Manager, cmd: &SimpleCommand, first: &str, manifests: &[&str]) -> PackageOp {
    let args = cmd.args();
    let pos = positionals(manager, args);
    let install_words: &[&str] = match manager {
        Manager::Npm => &["ci", "install", "i", "clean-install", "add"],
        Manager::Yarn => &["install", "add"],
        _ => &["install", "i", "add", "fetch"],
    };
    // A bare `yarn` installs; `yarn --version`, `yarn -v`, `yarn --help` do not.
    let informational = args
        .iter()
        .any(|a| matches!(a.as_str(), "--version" | "-v" | "-V" | "--help" | "-h"));
    if (manager == Manager::Yarn && first.is_empty() && !informational)
        || install_words.contains(&first)
    {
        let mut o = op(manager, Action::Install, cmd);
        o.packages = pos.into_iter().skip(1).collect();
        if o.has_flag("-g") || o.has_flag("--global") {
            // `npm install -g pnpm`: a tool, whatever the project's manifests say.
            return o;
        }
        o.manifests = strs(manifests);
        if manager == Manager::Yarn {
            o.manifests.extend(strs(&[".yarnrc.yml", ".yarn/releases"]));
        }
        if manager == Manager::Pnpm && first == "fetch" {
            o.manifests = strs(&["pnpm-lock.yaml"]);
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
        o.manifests = strs(manifests);
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
        o.manifests = strs(manifests);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::super::shell::commands;
    use super::*;

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
