//! ## What it does
//! Finds a slow, rarely-changing step (system packages, dependencies) that
//! BuildKit re-runs although its own inputs did not change, because a step
//! above it changes more often: the project's code copied before it, a
//! configuration file, or a build arg whose value is new on most builds
//! (`VERSION`, `GIT_SHA`, `BUILD_DATE`, …) declared above it. Detection
//! follows the simulator: for a source edit and for a new value of each
//! such arg, every slow step re-run through the cache chain (or, for an
//! arg, through its environment) is a finding, fixable or not.
//!
//! ## Why it slows the build
//! BuildKit's cache is a chain: once a step misses, every later step in the
//! stage runs again. And every ARG declared with a value is in the
//! environment of every later `RUN`, so it is in their cache keys: a new
//! `VERSION` re-runs an `apt-get install` that never reads it, in its own
//! stage and in every stage built `FROM` it (current BuildKit keeps a
//! stage's build args in their environment too). Ordered like
//! an inverted pyramid (slow and stable at the top, fast and volatile at
//! the bottom, each ARG just above its first use), an edit only rebuilds
//! the cheap steps after it.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM python:3.12-slim
//! ARG VERSION
//! WORKDIR /app
//! COPY . .
//! RUN apt-get update && apt-get install -y --no-install-recommends libpq5
//! LABEL org.opencontainers.image.version=$VERSION
//! CMD ["python", "app.py"]
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM python:3.12-slim
//! WORKDIR /app
//! RUN apt-get update && apt-get install -y --no-install-recommends libpq5
//! COPY . .
//! ARG VERSION
//! LABEL org.opencontainers.image.version=$VERSION
//! CMD ["python", "app.py"]
//! ```
//!
//! ## Fix safety
//! Two fixes, each offered only when a conservative analysis proves it
//! cannot change what a step sees; otherwise the finding says why there is
//! no fix (a step between that it may depend on, a stage it builds on).
//!
//! Moving a slow step up (safe):
//! - the step is a `RUN` whose every command is a package install *by name*,
//!   an index update or cleanup (`apt-get`, `apk`, `dnf`, `pip install
//!   <name>`, `npm install -g <name>`, `rm -rf` of caches, `useradd`…): it
//!   reads no file of the build context, so no `COPY` it moves above can
//!   matter;
//! - nothing it moves above is a `RUN` (whose output it might use), an `ENV`,
//!   `ARG`, `WORKDIR`, `USER`, `SHELL` or `VOLUME` (which change its
//!   environment or working directory), a `COPY` into `/etc` (configuration
//!   a package manager reads), or a `COPY --from`/`ADD` of a remote source;
//! - it uses no bind mount of the context.
//!
//! Moving a volatile ARG down to just above its first use (or to the end of
//! its stage when nothing uses it): safe when every `RUN` it passes is a
//! package step, which cannot read the arg; unsafe when another `RUN` (a
//! script, `make`) lies between, since it may read the arg from its
//! environment. No fix when the ARG declares several variables.

use super::super::{Ctx, Finding, Label, RuleMeta};
use crate::edit::{line_range, Applicability, Fix};
use crate::model::{shell, Action, Churn, Source, Step, StepKind};
use crate::syntax::{Command, Instruction, MountType};

pub const META: RuleMeta = RuleMeta {
    code: "LL201",
    name: "volatile-before-stable",
    tip: 2,
    summary: "A slow, stable step comes after a step that changes often: move it up",
};

/// Commands a movable RUN may contain besides recognized installs.
const NEUTRAL: &[&str] = &[
    "rm",
    "apt-get",
    "apt",
    "apk",
    "dnf",
    "yum",
    "microdnf",
    "echo",
    "useradd",
    "groupadd",
    "adduser",
    "addgroup",
    "mkdir",
    "ln",
    "update-ca-certificates",
    "locale-gen",
    "true",
    "set",
    "export",
    "dpkg-reconfigure",
    "ldconfig",
    "chmod",
    "chown",
];

/// Whether `step` (a RUN) reads nothing from the context or earlier steps
/// beyond the base image: installs by name, index updates and cleanup only.
pub fn is_context_free_install(step: &Step, ins: &Instruction) -> bool {
    let Command::Run {
        command, mounts, ..
    } = &ins.command
    else {
        return false;
    };
    if mounts.iter().any(|m| m.kind == MountType::Bind) || !ins.heredocs.is_empty() {
        return false;
    }
    let cmds = shell::commands(&command.args.join(" "));
    if cmds.is_empty() || step.packages.is_empty() {
        return false;
    }
    let ops_ok = step.packages.iter().all(|o| match o.action {
        Action::Update => true,
        Action::Install => o.manifests.is_empty() && !o.reads_source && !o.packages.is_empty(),
        Action::Other => o.manager.is_system(),
        Action::Build => false,
    });
    let any_install = step.packages.iter().any(|o| o.action == Action::Install);
    let cmds_ok = cmds.iter().all(|c| {
        let name = c.program_name();
        let paths_ok = c.args().iter().all(|a| {
            !a.starts_with("./")
                && !a.starts_with("../")
                && !a.ends_with(".txt")
                && !a.ends_with(".json")
        });
        paths_ok && (crate::model::packages::recognize(c).is_some() || NEUTRAL.contains(&name))
    });
    ops_ok && any_install && cmds_ok
}

/// Why `between` blocks moving a step above it, if it does.
fn blocks(step: &Step, ins: &Instruction) -> Option<&'static str> {
    match &ins.command {
        Command::Run { .. } => Some("a RUN whose output it may use"),
        Command::Env { .. } => Some("an ENV that changes its environment"),
        Command::Arg { .. } => Some("an ARG that changes its environment"),
        Command::Workdir { .. } => Some("a WORKDIR that changes its directory"),
        Command::User { .. } => Some("a USER that changes who runs it"),
        Command::Shell { .. } => Some("a SHELL that changes how it runs"),
        Command::Volume { .. } => Some("a VOLUME"),
        Command::Onbuild { .. } => Some("an ONBUILD"),
        Command::Copy(c) | Command::Add(c)
            if ["/etc/", "/usr/share/keyrings", "/usr/local/etc/", "/root/."]
                .iter()
                .any(|d| c.dest.starts_with(d)) =>
        {
            // Package managers read their configuration (`/etc/apt/…`,
            // `/etc/pip.conf`, `~/.npmrc`): the install may depend on it.
            Some("a COPY of configuration it may read")
        }
        Command::Copy(c) | Command::Add(c) => {
            if c.from.is_some()
                || step
                    .inputs
                    .sources
                    .iter()
                    .any(|s| matches!(s, Source::Remote { .. }))
            {
                Some("a COPY --from or remote ADD")
            } else {
                None
            }
        }
        Command::From { .. } => Some("the FROM"),
        _ => None,
    }
}

/// Steps at least this slow (estimated seconds) are worth reordering for.
const SLOW: f64 = 5.0;

/// The same after a source edit, which happens many times a day: a package
/// install that re-runs on each one is worth moving even when it is short.
const EDIT_SLOW: f64 = 1.0;

/// Build args whose value BuildKit itself sets per platform, or keeps out
/// of the cache key (the proxies): a new value is no per-build change.
const CONSTANT_ARGS: &[&str] = &[
    "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS",
    "BUILDARCH", "BUILDVARIANT", "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY",
    "ALL_PROXY",
];

/// Name parts that mark a build arg whose value is new on every build (a
/// date, a commit, a build number) or every release.
const VOLATILE_PARTS: &[&str] = &[
    "DATE", "TIME", "BUILDTIME", "TIMESTAMP", "CREATED", "COMMIT", "SHA", "REVISION", "REV",
    "REF", "VCS", "GIT", "BRANCH", "TAG", "NUMBER", "BUILDNUMBER", "RELEASE",
];

/// Name parts of a build arg that configures the build (a proxy, a
/// platform, feature switches, ids): set once per setup, not per build.
const CONFIG_PARTS: &[&str] = &[
    "PROXY", "GOPROXY", "ARCH", "OS", "PLATFORM", "VARIANT", "FEATURES", "FLAGS", "ARGS",
    "OPTIONS", "OPTS", "SUFFIX", "PREFIX", "MODE", "ENV", "TEST", "SKIP", "DISABLE", "ENABLE",
    "UID", "GID", "USER", "GROUP", "PORT", "HOST", "URL", "MIRROR", "REGISTRY", "IMAGE", "BASE",
    "DIR", "PATH", "HOME", "NAME", "TYPE", "PROFILE", "TARGET", "CONFIGURATION", "LEVEL",
];

/// Whether a new value of build arg `name` (declared with `default`) is
/// likely on the next build: dates, commits, build numbers, the project's
/// own version; or no default at all (the value comes from the command
/// line on every build), unless its name says it configures the build
/// (`GOPROXY`, `TARGETARCH`, `FEATURES`). A pinned tool version
/// (`NODE_VERSION=20`) is not.
pub fn volatile_arg(name: &str, default: Option<&str>) -> bool {
    let upper = name.to_ascii_uppercase();
    if CONSTANT_ARGS.contains(&upper.as_str()) {
        return false;
    }
    let parts: Vec<&str> = upper.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()).collect();
    if parts.iter().any(|p| VOLATILE_PARTS.contains(p)) {
        return true;
    }
    let placeholder = default.is_none_or(|d| {
        matches!(
            d.trim_matches(['"', '\'']).to_ascii_lowercase().as_str(),
            "" | "dev" | "latest" | "unknown" | "local" | "snapshot" | "0.0.0" | "0.0.0-dev"
        )
    });
    if parts.contains(&"VERSION") {
        // `VERSION`, `BUILD_VERSION`, `APP_VERSION`: the project's own.
        let own = parts.len() == 1
            || parts.iter().any(|p| matches!(*p, "BUILD" | "APP" | "RUNTIME" | "IMAGE" | "PROJECT"));
        return own || (default.is_some() && placeholder);
    }
    default.is_none() && !parts.iter().any(|p| CONFIG_PARTS.contains(p))
}

/// A slow RUN that only installs or updates packages (and neutral
/// commands): it reads no variable from its environment beyond the package
/// managers' own, so a new value of another build arg cannot matter to it.
fn package_only(step: &Step, ins: &Instruction) -> bool {
    let Command::Run { command, .. } = &ins.command else {
        return false;
    };
    if step.kind != StepKind::Layer {
        return false;
    }
    let ops_ok = step.packages.iter().all(|o| o.action != Action::Build);
    let cmds = shell::commands(&command.args.join(" "));
    // An install script counts as an install when its path is absolute
    // (fetched or copied to a fixed place, not from the copied tree).
    let script = |c: &shell::SimpleCommand| {
        install_script(c) && c.words.iter().any(|w| w.starts_with('/') && w.ends_with(".sh"))
    };
    let cmds_ok = cmds.iter().all(|c| {
        crate::model::packages::recognize(c).is_some()
            || NEUTRAL.contains(&c.program_name())
            || script(c)
    });
    let installs = !step.packages.is_empty() || cmds.iter().any(script);
    ops_ok && cmds_ok && installs
}

/// A RUN whose commands are package operations (not builds) and plain file
/// commands (`mkdir`, `useradd`, …): none of them reads an arbitrary
/// variable such as `VERSION` from its environment, as a build script or
/// `make` may.
pub fn env_blind(ins: &Instruction) -> bool {
    let Command::Run { command, .. } = &ins.command else {
        return false;
    };
    if !ins.heredocs.is_empty() {
        return false;
    }
    let cmds = shell::commands(&command.args.join(" "));
    !cmds.is_empty()
        && cmds.iter().all(|c| {
            // Installs and index updates, and a system manager's other
            // commands (`apt-get clean`); not `npm run`/`exec` (scripts).
            crate::model::packages::recognize(c).is_some_and(|o| {
                matches!(o.action, Action::Install | Action::Update)
                    || (o.action == Action::Other && o.manager.is_system())
            }) || NEUTRAL.contains(&c.program_name())
                || ENV_BLIND.contains(&c.program_name())
                || read_only_pip(c)
                || install_script(c)
        })
}

/// File and text utilities that read no variable of their environment
/// beyond the locale and time zone: a RUN of them does not use a build arg
/// it is given. Not [`NEUTRAL`]: a RUN of them may read files an earlier
/// step wrote, so it does not move.
const ENV_BLIND: &[&str] = &["truncate", "touch", "cp", "mv", "cat", "ls", "sed", "grep", "sort", "uniq", "wc", "head", "tail"];

/// `pip freeze`, `pip list`, `pip show`, `pip check`: they print what is
/// installed.
fn read_only_pip(c: &shell::SimpleCommand) -> bool {
    matches!(c.program_name(), "pip" | "pip3")
        && c.args().iter().find(|a| !a.starts_with('-')).is_some_and(|a| matches!(a.as_str(), "freeze" | "list" | "show" | "check"))
}

/// A command that runs a script whose name says it installs dependencies
/// (`./install-deps.sh`, `sh install_devtools.sh`): treated as a package
/// install (it is one, by convention), costing at least an apt install.
fn install_script(c: &shell::SimpleCommand) -> bool {
    let script = match c.program_name() {
        "sh" | "bash" | "ash" => c.args().iter().find(|a| !a.starts_with('-')).map(String::as_str),
        _ => Some(c.program()),
    };
    script.is_some_and(|p| {
        let name = p.rsplit('/').next().unwrap_or(p).to_ascii_lowercase();
        name.ends_with(".sh")
            && ["install", "dependencies", "deps", "packages"]
                .iter()
                .any(|w| name.contains(w))
    })
}

/// What re-running step `s` costs: the simulator's estimate, or an apt
/// install's for a RUN of an install script (the model cannot see inside).
fn rerun_cost(cx: &Ctx, s: usize, estimated: f64) -> f64 {
    let ins = &cx.df.instructions[cx.model.steps[s].instruction];
    let Command::Run { command, .. } = &ins.command else {
        return estimated;
    };
    if shell::commands(&command.args.join(" ")).iter().any(install_script) {
        estimated.max(crate::model::cost::install_seconds(crate::model::Manager::Apt))
    } else {
        estimated
    }
}

/// Whether `step` reads nothing that the context COPY `copy` brings in: no
/// manifest it reads and none of the source it builds is selected by it.
fn independent_of_copy(step: &Step, ins: &Instruction, copy: &Step) -> bool {
    if is_context_free_install(step, ins) {
        return true;
    }
    if !package_only(step, ins) || step.packages.iter().any(|o| o.reads_source) {
        return false;
    }
    // A local file as an argument (`./local.deb`, `dist/*.whl`): it reads
    // what the COPY brought.
    let Command::Run { command, .. } = &ins.command else {
        return false;
    };
    let local = |a: &String| {
        a.starts_with("./")
            || a.starts_with("../")
            || (a.contains('*') && !a.starts_with('-'))
            || [".deb", ".rpm", ".whl", ".apk", ".jar", ".tgz", ".tar.gz", ".zip", ".gem"]
                .iter()
                .any(|x| a.ends_with(x))
    };
    if shell::commands(&command.args.join(" "))
        .iter()
        .any(|c| c.args().iter().any(local))
    {
        return false;
    }
    let sources: Vec<&str> = copy
        .inputs
        .sources
        .iter()
        .filter_map(|s| match s {
            Source::Context { path } => Some(path.as_str()),
            _ => None,
        })
        .collect();
    step.packages.iter().all(|o| {
        o.manifests.iter().all(|m| {
            let m = m.trim_end_matches('*');
            !sources.iter().any(|p| crate::simulate::glob::selects(p, m) || crate::model::is_tree(p))
        })
    })
}

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut reported = vec![false; cx.model.steps.len()];
    arg_findings(cx, &mut out, &mut reported);
    edit_findings(cx, &mut out, &mut reported);
    churn_findings(cx, &mut out, &mut reported);
    out
}

/// The step that first missed in `stage`'s chain in `sim`, following
/// `FROM <stage>` to the stage the miss came from.
fn root_miss(cx: &Ctx, sim: &crate::simulate::Simulation, stage: usize) -> Option<usize> {
    let mut si = stage;
    for _ in 0..cx.model.stages.len() {
        let first = cx.model.stages[si]
            .steps
            .iter()
            .copied()
            .find(|&s| rebuilt(sim, s))?;
        if cx.model.steps[first].kind != StepKind::Base {
            return Some(first);
        }
        si = cx.model.stages[si].base_stage?;
    }
    None
}

fn rebuilt(sim: &crate::simulate::Simulation, step: usize) -> bool {
    // Outcomes are in step order, one per step the simulator visits.
    sim.steps
        .binary_search_by_key(&step, |o| o.step)
        .is_ok_and(|i| sim.steps[i].status == crate::simulate::Status::Rebuilt)
}

/// Tip 2 through a build arg: for each declared ARG whose value is new on
/// most builds, the simulator's next build with a new value; every slow
/// package step it re-runs, though the step does not use the arg, is a
/// cost. The fix moves the ARG down to just above its first use.
fn arg_findings(cx: &Ctx, out: &mut Vec<Finding>, reported: &mut [bool]) {
    use crate::simulate::{simulate, Change, Options};
    for (ai, ins) in cx.df.instructions.iter().enumerate() {
        let (Command::Arg { args }, Some(stage)) = (&ins.command, ins.stage) else {
            continue;
        };
        let global = |n: &str| {
            cx.model
                .global_args
                .iter()
                .find(|(k, _)| k == n)
                .and_then(|(_, d)| d.as_deref())
        };
        let Some(def) = args
            .iter()
            .find(|a| volatile_arg(&a.name, a.default.as_deref().or_else(|| global(&a.name))))
        else {
            continue;
        };
        let change = [Change::Arg {
            name: def.name.clone(),
            value: "a-new-value".into(),
        }];
        let sim = simulate(cx.df, cx.model, &change, cx.context, &Options::default());
        let secs = |s: usize| {
            let est = sim
                .steps
                .binary_search_by_key(&s, |o| o.step)
                .map_or(0.0, |i| sim.steps[i].seconds);
            rerun_cost(cx, s, est)
        };
        // The steps re-run through this arg alone: from the first miss its
        // environment causes (a RUN that cannot read the arg: packages and
        // plain file commands) to the first step that really uses it.
        let mut victims: Vec<usize> = Vec::new();
        // Whether a stage built FROM the arg's stage (directly or not)
        // re-runs through it: BuildKit keeps a stage's build args in the
        // environment of the stages built on it (the simulator models it).
        let mut inherited = false;
        for st in &cx.model.stages {
            let Some(root) = root_miss(cx, &sim, st.index) else { continue };
            let rs = &cx.model.steps[root];
            let ri = &cx.df.instructions[rs.instruction];
            let from_arg_stage = st.index != stage && built_on(cx, st.index, stage);
            if rs.stage != st.index
                || rs.inputs.expands.contains(&def.name)
                || mentions(&rs.text, &def.name)
                || !(rs.inputs.env.iter().any(|v| *v == def.name) || from_arg_stage)
                || !env_blind(ri)
            {
                continue;
            }
            inherited |= from_arg_stage;
            for &s in st.steps.iter().skip_while(|&&s| s != root) {
                let step = &cx.model.steps[s];
                if step.inputs.expands.contains(&def.name) || mentions(&step.text, &def.name) {
                    break;
                }
                if rebuilt(&sim, s) && !reported[s] {
                    victims.push(s);
                }
            }
        }
        let total: f64 = victims.iter().map(|&v| secs(v)).sum();
        if total < SLOW {
            continue;
        }
        let Some(&first) = victims.first() else { continue };
        for &v in &victims {
            reported[v] = true;
        }
        let fs = &cx.model.steps[first];
        let more = if victims.len() > 1 {
            format!(" and the {} step(s) after it", victims.len() - 1)
        } else {
            String::new()
        };
        let base = cx.model.stages[stage].name.clone().unwrap_or_else(|| stage.to_string());
        let (whose, advice) = if inherited {
            (
                format!("and the stages built FROM `{base}` inherit it in the environment of their RUNs"),
                "Declare it in the stage that uses it, after its slow steps",
            )
        } else {
            ("and BuildKit puts it in the environment of every later RUN".to_string(), "Declare it just above its first use")
        };
        let mut f = cx.finding(
            &META,
            ins.span,
            format!(
                "build arg {} changes on most builds, {whose}: `{}` (line {}){more} re-run on each new value (~{} s) though they do not use it. {advice}",
                def.name,
                Short(&fs.text),
                fs.line,
                crate::num::F0(total)
            ),
        );
        // The slowest re-runs, at most five, as labels.
        let mut slow: Vec<usize> = victims.iter().copied().filter(|&v| secs(v) >= 1.0).collect();
        crate::sort::sort_by_key(&mut slow, |&v| (core::cmp::Reverse((secs(v) * 10.0) as u64), v));
        slow.truncate(5);
        crate::sort::sort_by_key(&mut slow, |&v| v);
        for v in slow {
            let vs = &cx.model.steps[v];
            f.labels.push(Label {
                span: cx.df.instructions[vs.instruction].span,
                message: format!("re-runs on every new {} (~{} s)", def.name, crate::num::F0(secs(v))),
            });
        }
        let fix = if inherited {
            Err(format!(
                "{} and what uses it would have to move out of stage `{base}`, which other stages are built FROM: Layerlab does not move instructions between stages",
                def.name
            ))
        } else {
            move_arg_down(cx, ai, stage, &def.name, args.len())
        };
        match fix {
            Ok(fix) => f.fix = Some(fix),
            Err(why) => f.no_fix = Some(why),
        }
        out.push(f);
    }
}

/// Whether stage `si` is built FROM stage `base`, directly or through
/// other stages.
fn built_on(cx: &Ctx, si: usize, base: usize) -> bool {
    let mut at = cx.model.stages[si].base_stage;
    for _ in 0..cx.model.stages.len() {
        match at {
            Some(b) if b == base => return true,
            Some(b) => at = cx.model.stages[b].base_stage,
            None => return false,
        }
    }
    false
}

/// Whether `text` expands variable `name` (`$NAME`, `${NAME…}`).
pub fn mentions(text: &str, name: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        let after = &rest[i + 1..];
        let after = after.strip_prefix('{').unwrap_or(after);
        if after.starts_with(name)
            && !after[name.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        {
            return true;
        }
        rest = &rest[i + 1..];
    }
    false
}

/// The fix for a volatile ARG: move its line to just above the first later
/// step of its stage that executes with it (a `RUN`, `COPY`, `WORKDIR` that
/// names it), or after the stage's last instruction when none does. The
/// `LABEL`s and `ENV`s between that name it move with it, in order, so they
/// keep its value. Safe when every RUN it passes is a package step (which
/// cannot read it); unsafe otherwise.
fn move_arg_down(cx: &Ctx, ai: usize, stage: usize, name: &str, names: usize) -> Result<Fix, String> {
    if names > 1 {
        return Err(format!(
            "this ARG declares {names} variables; split it and move {name} down to its first use"
        ));
    }
    let ins = &cx.df.instructions[ai];
    let later: Vec<(usize, &Instruction)> = cx
        .df
        .instructions
        .iter()
        .enumerate()
        .skip(ai + 1)
        .take_while(|(_, i)| i.stage == Some(stage))
        .collect();
    let Some(&(_, last)) = later.last() else {
        return Err("nothing follows it in its stage".into());
    };
    let metadata = |i: &Instruction| matches!(i.command, Command::Label { .. } | Command::Env { .. });
    let use_at = later
        .iter()
        .position(|(_, i)| !metadata(i) && mentions(i.span.text(cx.src), name));
    let between = &later[..use_at.unwrap_or(later.len())];
    let mut unsafe_reason = None;
    let mut carried: Vec<&Instruction> = vec![ins];
    for (k, i) in between {
        match &i.command {
            Command::Run { .. } => {
                let step = cx.model.steps.iter().find(|s| s.instruction == *k);
                if !step.is_some_and(|s| is_context_free_install(s, i)) && !env_blind(i) {
                    unsafe_reason.get_or_insert(format!("line {} may read {name} from its environment", i.start.line));
                }
            }
            Command::Onbuild { .. } => return Err(format!("an ONBUILD (line {}) follows it", i.start.line)),
            Command::Arg { args } if args.iter().any(|a| a.name == name) => {
                return Err(format!("{name} is declared again on line {}", i.start.line))
            }
            _ => {}
        }
        if metadata(i) && mentions(i.span.text(cx.src), name) {
            carried.push(i);
        }
    }
    if between.iter().all(|(_, i)| carried.iter().any(|c| std::ptr::eq(*c, *i))) {
        return Err(format!("{name} is already just above its first use"));
    }
    let nl = crate::edit::newline(cx.src);
    let mut block = String::new();
    let mut edits = Vec::new();
    for c in &carried {
        let r = line_range(cx.src, c.span);
        block.push_str(r.text(cx.src).trim_end_matches(['\r', '\n']));
        block.push_str(nl);
        edits.push(crate::edit::TextEdit::delete(r));
    }
    let (title, at) = match use_at {
        Some(u) => {
            let u = later[u].1;
            (
                format!("Move the ARG {name} down above line {}", u.start.line),
                line_range(cx.src, u.span).start as usize,
            )
        }
        None => {
            let end = line_range(cx.src, last.span).end as usize;
            if !cx.src[..end].ends_with('\n') {
                block.insert_str(0, nl); // the last line had no line ending
                block.truncate(block.len() - nl.len());
            }
            (format!("Move the ARG {name} to the end of its stage (no step uses it)"), end)
        }
    };
    edits.push(crate::edit::TextEdit::insert(at, block));
    Ok(Fix {
        title,
        applicability: if unsafe_reason.is_some() { Applicability::Unsafe } else { Applicability::Safe },
        edits,
        files: Vec::new(),
        commands: Default::default(),
    })
}

/// Tip 2 through a source edit: the simulator's next build after an edit
/// of a source file; every slow step it re-runs that reads nothing the
/// missed COPY brought in is a cost. Fixed by moving the step above the
/// COPY when that is provably safe; otherwise the finding says why not.
fn edit_findings(cx: &Ctx, out: &mut Vec<Finding>, reported: &mut [bool]) {
    use crate::simulate::{simulate, Change, Options};
    let ext = crate::scenarios::extension(cx.model);
    let ignore = cx.context.ignore();
    // One edit per source tree a COPY brings in: each may break a
    // different chain (a frontend folder, the backend's `COPY . .`).
    let mut edits: Vec<String> = Vec::new();
    for step in &cx.model.steps {
        for src in &step.inputs.sources {
            let Source::Context { path } = src else { continue };
            let clean = crate::simulate::glob::clean(path);
            if !crate::model::is_tree(path)
                || crate::model::cost::is_manifest(path)
                || clean.contains(['*', '?', '$', '['])
            {
                continue;
            }
            let dir = if clean.is_empty() { "src".to_string() } else { clean };
            let edit = format!("{dir}/main.{ext}");
            if !ignore.excludes(&edit) && !edits.contains(&edit) {
                edits.push(edit);
            }
        }
    }
    for edit in edits.iter().take(8) {
        let change = [Change::Edit { path: edit.clone() }];
        let sim = simulate(cx.df, cx.model, &change, cx.context, &Options::default());
        edit_victims(cx, &sim, out, reported);
    }
}

/// The findings of one source edit's simulation.
fn edit_victims(cx: &Ctx, sim: &crate::simulate::Simulation, out: &mut Vec<Finding>, reported: &mut [bool]) {
    for (si, st) in cx.model.stages.iter().enumerate() {
        let Some(root) = root_miss(cx, sim, si) else { continue };
        let rs = &cx.model.steps[root];
        let ri = &cx.df.instructions[rs.instruction];
        // A COPY of a source tree from the context (not `--from`, not a
        // single configuration file: those are tip 2's churn order below).
        let tree = rs.inputs.sources.iter().any(|x| matches!(x, Source::Context { path } if crate::model::is_tree(path) && !crate::model::cost::is_manifest(path)));
        if !matches!(ri.command, Command::Copy(_) | Command::Add(_)) || !tree {
            continue;
        }
        for &s in &st.steps {
            let step = &cx.model.steps[s];
            let ins = &cx.df.instructions[step.instruction];
            if s == root || reported[s] || !rebuilt(sim, s) || step.line <= rs.line && rs.stage == si {
                continue;
            }
            // Source edits are the most frequent change: any install that
            // re-runs on each of them is worth moving, even a short one.
            let cost = rerun_cost(cx, s, step.seconds);
            let installs = step.packages.iter().any(|o| o.action == Action::Install)
                || rerun_cost(cx, s, 0.0) > 0.0;
            if !installs || cost < EDIT_SLOW || !(is_context_free_install(step, ins) || independent_of_copy(step, ins, rs)) {
                continue;
            }
            reported[s] = true;
            let mut f = cx.finding(
                &META,
                ins.span,
                format!(
                    "this slow step (~{} s, {}) re-runs after every source edit, because line {} (`{}`) misses the cache before it, though it reads nothing that line copies; move it above line {}",
                    crate::num::F0(cost),
                    step.churn.label(),
                    rs.line,
                    Short(&rs.text),
                    rs.line
                ),
            );
            f.labels.push(Label {
                span: ri.span,
                message: "misses the cache on every source edit".into(),
            });
            if rs.stage != si {
                let name = cx.model.stages[rs.stage].name.clone().unwrap_or_else(|| rs.stage.to_string());
                f.no_fix = Some(format!(
                    "line {} is in stage {name}, which this stage builds on: install it in {name} above line {} (or in a stage both build on)",
                    rs.line, rs.line
                ));
            } else {
                match safe_move(cx, st, s, root) {
                    Ok(fix) => f.fix = Some(fix),
                    Err(why) => f.no_fix = Some(why),
                }
            }
            out.push(f);
        }
    }
}

/// The fix moving step `s` above step `to` in stage `st`, when nothing in
/// between can change what it sees; else why not.
fn safe_move(cx: &Ctx, st: &crate::model::StageModel, s: usize, to: usize) -> Result<Fix, String> {
    let step = &cx.model.steps[s];
    let ins = &cx.df.instructions[step.instruction];
    if !is_context_free_install(step, ins) {
        return Err("it may read files the build context brings in (a manifest, a script); moving it is not provably safe".into());
    }
    if ins.open_end {
        return Err(crate::open_end_reason(ins));
    }
    let (from, at) = (
        st.steps.iter().position(|&x| x == to).unwrap_or(0),
        st.steps.iter().position(|&x| x == s).unwrap_or(0),
    );
    for &k in &st.steps[from..at] {
        let sk = &cx.model.steps[k];
        if let Some(why) = blocks(sk, &cx.df.instructions[sk.instruction]) {
            return Err(format!("moving it above line {} would pass {why} (line {})", cx.model.steps[to].line, sk.line));
        }
    }
    let target = &cx.df.instructions[cx.model.steps[to].instruction];
    Ok(Fix {
        title: format!("Move line {} above line {}", step.line, cx.model.steps[to].line),
        applicability: Applicability::Safe,
        edits: crate::edit::move_lines(cx.src, line_range(cx.src, ins.span), line_range(cx.src, target.span).start as usize),
        files: Vec::new(),
        commands: Default::default(),
    })
}

/// A step's text in a message: at most 40 characters.
struct Short<'a>(&'a str);

impl core::fmt::Display for Short<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0.char_indices().nth(40) {
            Some((i, _)) => write!(f, "{}…", &self.0[..i]),
            None => f.write_str(self.0),
        }
    }
}

/// Tip 2 by churn: a slow, stable step after a more volatile, faster one
/// (configuration files, a dependency manifest), movable above it.
fn churn_findings(cx: &Ctx, out: &mut Vec<Finding>, reported: &mut [bool]) {
    for st in &cx.model.stages {
        let steps: Vec<&Step> = st.steps.iter().map(|&i| &cx.model.steps[i]).collect();
        for (j, sj) in steps.iter().enumerate() {
            if sj.kind != StepKind::Layer || sj.churn > Churn::Dependencies {
                continue;
            }
            let ij = &cx.df.instructions[sj.instruction];
            let sid = st.steps[j];
            if reported[sid] || sj.seconds < SLOW || !is_context_free_install(sj, ij) {
                continue;
            }
            // Walk up while nothing blocks; remember the highest volatile step passed.
            let mut target: Option<usize> = None;
            for k in (0..j).rev() {
                let sk = steps[k];
                let ik = &cx.df.instructions[sk.instruction];
                if blocks(sk, ik).is_some() {
                    break;
                }
                if sk.kind == StepKind::Layer && sk.churn > sj.churn && sk.seconds < sj.seconds {
                    target = Some(k);
                }
            }
            let Some(k) = target else { continue };
            reported[sid] = true;
            let volatile = steps[k];
            let iv = &cx.df.instructions[volatile.instruction];
            let mut f = cx.finding(
                &META,
                ij.span,
                format!(
                    "this slow step (~{} s, {}) re-runs whenever line {} ({}) changes; move it above line {}",
                    crate::num::F0(sj.seconds),
                    sj.churn.label(),
                    volatile.line,
                    volatile.churn.label(),
                    volatile.line
                ),
            );
            f.labels.push(Label {
                span: iv.span,
                message: format!("changes often ({})", volatile.churn.label()),
            });
            let moved = line_range(cx.src, ij.span);
            let at = line_range(cx.src, iv.span).start as usize;
            if ij.open_end {
                f.no_fix = Some(crate::open_end_reason(ij));
            } else {
                f.fix = Some(Fix {
                    title: format!("Move line {} above line {}", sj.line, volatile.line),
                    applicability: Applicability::Safe,
                    edits: crate::edit::move_lines(cx.src, moved, at),
                    files: Vec::new(),
                    commands: Default::default(),
                });
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::edit::Applicability;
    use crate::simulate::BuildContext;
    use crate::{check, CheckOptions, Finding};

    fn ll201(src: &str) -> Vec<Finding> {
        let opts = CheckOptions { no_savings: true, ..CheckOptions::default() };
        check(src, &BuildContext::default(), &opts)
            .findings
            .into_iter()
            .filter(|f| f.code == "LL201")
            .collect()
    }

    /// The text after LL201's fixes alone.
    fn fixed(src: &str, unsafe_fixes: bool) -> String {
        crate::testing::fixed_alone(src, "LL201", &BuildContext::default(), unsafe_fixes)
    }

    // Fail vectors (the rule fires), with the exact fixed text.
    #[test]
    fn a_volatile_arg_above_slow_packages_moves_to_its_first_use() {
        let src = "FROM debian:12\nARG GIT_SHA\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN echo $GIT_SHA > /sha\n";
        let f = ll201(src);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].start.line, 2);
        assert_eq!(f[0].message, "build arg GIT_SHA changes on most builds, and BuildKit puts it in the environment of every later RUN: `RUN apt-get update && apt-get install -y…` (line 3) re-run on each new value (~12 s) though they do not use it. Declare it just above its first use");
        let fix = f[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.title, "Move the ARG GIT_SHA down above line 4");
        assert_eq!(fix.applicability, Applicability::Safe);
        assert_eq!(
            fixed(src, false),
            "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nARG GIT_SHA\nRUN echo $GIT_SHA > /sha\n"
        );
    }

    #[test]
    fn passing_a_script_makes_the_arg_move_unsafe() {
        let src = "FROM debian:12\nARG BUILD_DATE\nRUN apt-get install -y --no-install-recommends curl\nRUN ./build.sh\nLABEL created=$BUILD_DATE\n";
        let f = ll201(src);
        let fix = f[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, Applicability::Unsafe);
        assert_eq!(fixed(src, false), src, "not applied without --unsafe");
        assert_eq!(
            fixed(src, true),
            "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\nRUN ./build.sh\nARG BUILD_DATE\nLABEL created=$BUILD_DATE\n"
        );
    }

    #[test]
    fn a_source_copy_in_the_stage_built_on_is_reported_without_a_fix() {
        let src = "FROM python:3.12-slim AS app\nWORKDIR /app\nCOPY . .\n\nFROM app AS prod\nRUN apt-get update && apt-get install -y --no-install-recommends chromium\n";
        let f = ll201(src);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].start.line, 6);
        assert!(f[0].fix.is_none());
        assert_eq!(
            f[0].no_fix.as_deref(),
            Some("line 3 is in stage app, which this stage builds on: install it in app above line 3 (or in a stage both build on)")
        );
    }

    // Pass vectors: no finding.
    #[test]
    fn stable_args_and_real_uses_are_no_finding() {
        for src in [
            // A pinned tool version is not volatile.
            "FROM node:20\nARG PNPM_VERSION=9.1.0\nRUN npm install -g pnpm@9.1.0\n",
            // Platform args are the same on every build of a platform.
            "FROM debian:12\nARG TARGETARCH\nRUN apt-get install -y --no-install-recommends curl\n",
            // The first step after it uses it.
            "FROM golang:1.22\nARG VERSION\nRUN go build -ldflags \"-X main.v=$VERSION\" ./...\n",
            // `make` may read it from its environment: not provably unused.
            "FROM golang:1.22\nARG VERSION\nRUN make release\n",
            // Only metadata follows.
            "FROM alpine\nARG BUILD_DATE\nLABEL created=$BUILD_DATE\n",
        ] {
            assert!(ll201(src).is_empty(), "{src}: {:?}", ll201(src));
        }
    }
}
