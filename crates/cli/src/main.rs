//! `layerlab`: the command-line shell over `layerlab-core`.
//!
//! It reads files, calls the core, prints. All analysis lives in the core.

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod report;

#[derive(Parser)]
#[command(
    name = "layerlab",
    version,
    about = "Why is your docker build slow? Layer analysis for Dockerfiles."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse a Dockerfile and print its instructions.
    Parse {
        /// The Dockerfile to read, or `-` for standard input.
        file: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Simulate the next build after a change: which steps BuildKit rebuilds, why, and the cost.
    Simulate {
        /// The Dockerfile to read, or `-` for standard input.
        file: String,
        /// A context path whose content changed (repeatable), e.g. src/app.py.
        #[arg(long = "change", value_name = "PATH")]
        changes: Vec<String>,
        /// A path whose modification time changed but not its content (repeatable).
        #[arg(long = "touch", value_name = "PATH")]
        touches: Vec<String>,
        /// A build arg with a new value (repeatable).
        #[arg(long = "arg", value_name = "K=V")]
        args: Vec<String>,
        /// The base image(s) were updated upstream; optionally only IMAGE.
        #[arg(long = "base-update", value_name = "IMAGE", num_args = 0..=1, default_missing_value = "")]
        base_update: Option<String>,
        /// A secret whose contents changed (repeatable).
        #[arg(long = "secret", value_name = "ID")]
        secrets: Vec<String>,
        /// Simulate a first build (nothing cached).
        #[arg(long)]
        cold: bool,
        /// The build context: its .dockerignore and file list are used.
        #[arg(long, value_name = "DIR")]
        context: Option<String>,
        /// A `docker build --progress=plain` log: its real durations replace the estimates.
        #[arg(long, value_name = "FILE")]
        log: Option<String>,
        /// The target stage (default: the last).
        #[arg(long)]
        target: Option<String>,
        /// The Dockerfile of the cached build, when the Dockerfile itself changed.
        #[arg(long, value_name = "FILE")]
        previous: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Check Dockerfiles against the five tips. Exit code 0: clean, 1: findings, 2: usage or IO error.
    Check {
        /// Dockerfiles to check (`-` for standard input).
        #[arg(required = true)]
        files: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Only these rules: codes (LL301), names, or tips (tip3), comma-separated.
        #[arg(long, value_delimiter = ',')]
        select: Vec<String>,
        /// Never these rules: codes, names, or tips, comma-separated.
        #[arg(long, value_delimiter = ',')]
        ignore: Vec<String>,
        /// The build context (default: the Dockerfile's folder); its .dockerignore and files are used.
        #[arg(long, value_name = "DIR")]
        context: Option<String>,
        /// Do not read a build context.
        #[arg(long)]
        no_context: bool,
    },
    /// Apply the fixes: print the optimized Dockerfile (or a diff, or write it).
    Fix {
        /// The Dockerfile (`-` for standard input).
        file: String,
        /// Print a unified diff instead of the new text.
        #[arg(long)]
        diff: bool,
        /// Also apply unsafe fixes.
        #[arg(long = "unsafe")]
        unsafe_fixes: bool,
        /// Write the result back to FILE (and create the files fixes add, such as .dockerignore).
        #[arg(long)]
        write: bool,
        /// Rules whose fixes are not applied, comma-separated.
        #[arg(long, value_delimiter = ',')]
        disable: Vec<String>,
        /// The build context (default: the Dockerfile's folder).
        #[arg(long, value_name = "DIR")]
        context: Option<String>,
        /// Output format for the report (text goes to stderr; json prints everything to stdout).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum CheckFormat {
    Text,
    Json,
    Sarif,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("layerlab: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Parse { file, format } => {
            let src = read_source(&file)?;
            let df = layerlab_core::parse(&src);
            match format {
                Format::Text => {
                    for item in layerlab_core::outline(&src) {
                        println!("{:>4}  {} {}", item.line, item.keyword, item.text);
                    }
                    let name = if file == "-" {
                        "<stdin>"
                    } else {
                        file.as_str()
                    };
                    for d in &df.diagnostics {
                        let sev = if d.severity == layerlab_core::Severity::Error {
                            "error"
                        } else {
                            "warning"
                        };
                        eprintln!(
                            "{name}:{}:{}: {sev}: {}",
                            d.start.line, d.start.column, d.message
                        );
                    }
                }
                Format::Json => {
                    let json = serde_json::to_string_pretty(&df).map_err(|e| e.to_string())?;
                    println!("{json}");
                }
            }
            Ok(if df.errors().next().is_some() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Check {
            files,
            format,
            select,
            ignore,
            context,
            no_context,
        } => {
            let opts = layerlab_core::tips::CheckOptions {
                select,
                ignore,
                no_savings: false,
            };
            let mut reports = Vec::new();
            for file in &files {
                let src = read_source(file)?;
                let ctx = context_for(file, &context, no_context)?;
                let report = layerlab_core::tips::check(&src, &ctx, &opts);
                reports.push((file.clone(), src, report));
            }
            let findings: usize = reports.iter().map(|(_, _, r)| r.findings.len()).sum();
            match format {
                CheckFormat::Text => {
                    for (file, src, report) in &reports {
                        print!("{}", report::text(file, src, report));
                    }
                    let files_n = reports.len();
                    if findings == 0 {
                        println!(
                            "no findings in {files_n} file{}",
                            if files_n == 1 { "" } else { "s" }
                        );
                    } else {
                        let fixable = reports
                            .iter()
                            .flat_map(|(_, _, r)| &r.findings)
                            .filter(|f| f.fix.is_some())
                            .count();
                        println!(
                            "{findings} finding{} ({fixable} with a fix: run `layerlab fix`)",
                            if findings == 1 { "" } else { "s" }
                        );
                    }
                }
                CheckFormat::Json => {
                    let v: Vec<serde_json::Value> = reports
                        .iter()
                        .map(|(file, _, r)| serde_json::json!({ "file": file, "findings": r.findings, "diagnostics": r.diagnostics }))
                        .collect();
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
                    );
                }
                CheckFormat::Sarif => {
                    let refs: Vec<(&str, &str, &layerlab_core::tips::Report)> = reports
                        .iter()
                        .map(|(f, s, r)| (f.as_str(), s.as_str(), r))
                        .collect();
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&report::sarif(&refs))
                            .map_err(|e| e.to_string())?
                    );
                }
            }
            Ok(if findings > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Fix {
            file,
            diff,
            unsafe_fixes,
            write,
            disable,
            context,
            format,
        } => {
            use layerlab_core::fix::optimize::{optimize, OptimizeOptions};
            let src = read_source(&file)?;
            let ctx = context_for(&file, &context, false)?;
            let dir = std::path::Path::new(&file)
                .parent()
                .map(|p| p.to_path_buf())
                .unwrap_or_default();
            let existing: Vec<String> = [
                "compose.yaml",
                "compose.yml",
                "docker-compose.yml",
                "docker-compose.yaml",
                ".dockerignore",
            ]
            .iter()
            .filter(|f| file != "-" && dir.join(f).exists())
            .map(|f| {
                if f.starts_with("compose") || f.starts_with("docker-compose") {
                    "compose.yaml".to_string()
                } else {
                    f.to_string()
                }
            })
            .collect();
            let o = optimize(
                &src,
                &ctx,
                &OptimizeOptions {
                    unsafe_fixes,
                    disabled: disable,
                    existing_files: existing,
                },
            );
            if let Format::Json = format {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&o).map_err(|e| e.to_string())?
                );
            } else if diff {
                print!("{}", o.diff);
            } else if !write {
                print!("{}", o.text);
            }
            if write && file != "-" && o.text != src {
                std::fs::write(&file, &o.text).map_err(|e| format!("{file}: {e}"))?;
            }
            if write && file != "-" {
                for nf in &o.files {
                    let p = dir.join(&nf.path);
                    if !p.exists() {
                        std::fs::write(&p, &nf.content)
                            .map_err(|e| format!("{}: {e}", p.display()))?;
                        eprintln!("created {}", p.display());
                    }
                }
            }
            if let Format::Text = format {
                for a in &o.applied {
                    eprintln!(
                        "fixed {} (tip {}, {}): {}",
                        a.code,
                        a.tip,
                        if a.applicability == layerlab_core::fix::Applicability::Safe {
                            "safe"
                        } else {
                            "unsafe"
                        },
                        a.title
                    );
                }
                for nf in &o.files {
                    if !write {
                        eprintln!("would create {} (use --write)", nf.path);
                    }
                }
                eprintln!(
                    "rebuild after a source edit: {:.1}s -> {:.1}s; dependency bump: {:.1}s -> {:.1}s; base image update: {:.1}s -> {:.1}s (estimated)",
                    o.before.source_edit, o.after.source_edit, o.before.dependency_bump, o.after.dependency_bump, o.before.base_update, o.after.base_update
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulate {
            file,
            changes,
            touches,
            args,
            base_update,
            secrets,
            cold,
            context,
            log,
            target,
            previous,
            format,
        } => {
            use layerlab_core::simulate::{self, BuildContext, Change, Options};
            let src = read_source(&file)?;
            let df = layerlab_core::parse(&src);
            let model = layerlab_core::model::build(&df, &src);
            let mut list: Vec<Change> = changes
                .into_iter()
                .map(|path| Change::Edit { path })
                .collect();
            list.extend(touches.into_iter().map(|path| Change::Touch { path }));
            for a in args {
                let (name, value) = a
                    .split_once('=')
                    .ok_or_else(|| format!("--arg {a}: expected NAME=VALUE"))?;
                list.push(Change::Arg {
                    name: name.to_string(),
                    value: value.to_string(),
                });
            }
            if let Some(image) = base_update {
                list.push(Change::BaseUpdate {
                    image: (!image.is_empty()).then_some(image),
                });
            }
            list.extend(secrets.into_iter().map(|id| Change::Secret { id }));
            let ctx = match context {
                Some(dir) => read_context(&dir)?,
                None => BuildContext::default(),
            };
            let previous = match previous {
                Some(p) => Some(read_source(&p)?),
                None => None,
            };
            let mut opts = Options {
                target,
                cold,
                seconds: Vec::new(),
                previous,
                uncached_stages: Vec::new(),
            };
            if let Some(path) = log {
                let text = read_source(&path)?;
                let parsed = layerlab_core::buildlog::parse(&text);
                for m in simulate::log::match_log(&model, &parsed) {
                    if let Some(secs) = m.seconds {
                        opts.seconds.push((m.instruction, secs));
                    }
                }
            }
            if opts
                .target
                .as_deref()
                .is_some_and(|t| model.stage_by_ref(t).is_none())
            {
                return Err(format!(
                    "--target {}: no such stage",
                    opts.target.unwrap_or_default()
                ));
            }
            let sim = simulate::simulate(&df, &model, &list, &ctx, &opts);
            match format {
                Format::Json => {
                    let json = serde_json::json!({
                        "changes": list,
                        "target": sim.target,
                        "steps": sim.steps,
                        "total_seconds": sim.total_seconds,
                        "critical_path_seconds": sim.critical_path_seconds,
                        "notes": sim.notes,
                        "diagnostics": df.diagnostics,
                    });
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?
                    );
                }
                Format::Text => print_simulation(&model, &sim),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_simulation(
    model: &layerlab_core::model::BuildModel,
    sim: &layerlab_core::simulate::Simulation,
) {
    use layerlab_core::simulate::Status;
    let mut last_stage = usize::MAX;
    for o in &sim.steps {
        if o.stage != last_stage {
            last_stage = o.stage;
            let name = model.stages[o.stage]
                .name
                .clone()
                .unwrap_or_else(|| format!("#{}", o.stage));
            println!("stage {name}");
        }
        let status = match o.status {
            Status::Cached => "cached ",
            Status::Rebuilt => "REBUILT",
            Status::Skipped => "skipped",
        };
        let num = if o.index > 0 {
            format!("[{}/{}]", o.index, o.count)
        } else {
            "     ".to_string()
        };
        println!(
            "  {:>4}  {num:<7} {status}  {:>7.1}s  {}",
            o.line, o.seconds, o.text
        );
        if o.status != Status::Cached || !o.reason.starts_with("inputs unchanged") {
            println!("{:>27}{}", "", o.reason);
        }
    }
    for n in &sim.notes {
        println!("note: {n}");
    }
    let rebuilt = sim.rebuilt().count();
    println!(
        "{rebuilt} of {} steps rebuilt: {:.1}s in all, {:.1}s on the critical path (estimated)",
        sim.steps
            .iter()
            .filter(|s| s.status != Status::Skipped)
            .count(),
        sim.total_seconds,
        sim.critical_path_seconds
    );
}

/// The context for `file`: `--context`, else the file's folder (none for stdin).
fn context_for(
    file: &str,
    context: &Option<String>,
    none: bool,
) -> Result<layerlab_core::simulate::BuildContext, String> {
    if none {
        return Ok(Default::default());
    }
    match context {
        Some(dir) => read_context(dir),
        None if file == "-" => Ok(Default::default()),
        None => {
            let dir = std::path::Path::new(file).parent().map(|p| {
                if p.as_os_str().is_empty() {
                    std::path::Path::new(".")
                } else {
                    p
                }
            });
            match dir {
                Some(d) => read_context(&d.to_string_lossy()),
                None => Ok(Default::default()),
            }
        }
    }
}

/// Reads a build context directory: its .dockerignore and its file list.
fn read_context(dir: &str) -> Result<layerlab_core::simulate::BuildContext, String> {
    let root = std::path::Path::new(dir);
    if !root.is_dir() {
        return Err(format!("--context {dir}: not a directory"));
    }
    let dockerignore = match std::fs::read(root.join(".dockerignore")) {
        Ok(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        Err(_) => None,
    };
    let mut files = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(d) = todo.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for e in entries.flatten() {
            let p = e.path();
            if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                todo.push(p);
            } else if let Ok(rel) = p.strip_prefix(root) {
                files.push(rel.to_string_lossy().replace('\\', "/"));
            }
            if files.len() > 500_000 {
                return Err(format!("--context {dir}: more than 500,000 files"));
            }
        }
    }
    files.sort();
    Ok(layerlab_core::simulate::BuildContext {
        files: Some(files),
        dockerignore,
    })
}

/// Reads `path` (or stdin for `-`) as UTF-8, naming the first bad byte's
/// offset, line and column when it is not.
fn read_source(path: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("<stdin>: {e}"))?;
    } else {
        bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    }
    let name = if path == "-" { "<stdin>" } else { path };
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = offset
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1)
            + 1;
        format!(
            "{name}:{line}:{col}: not UTF-8 text: invalid byte 0x{:02x} at byte offset {offset}",
            e.as_bytes()[offset]
        )
    })
}
