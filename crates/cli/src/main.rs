//! `layerlab`: the command-line shell over `layerlab-core`.
//!
//! It reads files, calls the core, prints. All analysis lives in the core.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

use clap::{Parser, Subcommand, ValueEnum};
use layerlab_core::simulate::BuildContext;

mod context;
mod input;
mod report;
mod write;

use input::read_source;

#[derive(Parser)]
#[command(
    name = "layerlab",
    version,
    about = "Why is your docker build slow? Layer analysis for Dockerfiles."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The largest input read (each Dockerfile, --log, --previous and .dockerignore file):
    /// bytes, or with a unit: 512K, 16M, 1G (powers of 1024).
    #[arg(long, global = true, value_name = "BYTES", value_parser = input::parse_size, default_value = "16M")]
    max_size: u64,
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
        /// Write the result back to FILE and create the files fixes add (such as .dockerignore) in
        /// the build context: all or nothing, never outside the context or through a symlink.
        #[arg(long)]
        write: bool,
        /// Rules whose fixes are not applied, comma-separated.
        #[arg(long, value_delimiter = ',')]
        disable: Vec<String>,
        /// The build context (default: the Dockerfile's folder); --write creates new files there.
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
    // A closed pipe (`layerlab check … | head`) ends the process quietly, as
    // for other Unix tools, instead of a panic in println!.
    #[cfg(unix)]
    // SAFETY: called first thing, before any thread exists; SIG_DFL is a
    // valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
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
    let max = cli.max_size;
    match cli.command {
        Command::Parse { file, format } => {
            let src = read_source(&file, max)?;
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
            // Every file is reported: one that cannot be read (or whose
            // folder cannot) becomes an error entry and the others go on.
            let mut contexts = Contexts::default();
            let mut reports = Vec::new();
            for file in &files {
                let outcome = read_source(file, max).and_then(|src| {
                    let ctx = if no_context {
                        Rc::default()
                    } else {
                        contexts.get(file, context.as_deref(), max)?
                    };
                    let report = layerlab_core::tips::check(&src, &ctx, &opts);
                    Ok((src, report))
                });
                if let (Err(e), CheckFormat::Text) = (&outcome, format) {
                    eprintln!("layerlab: {e}");
                }
                reports.push(report::FileReport {
                    file: file.clone(),
                    outcome,
                });
            }
            let checked = || reports.iter().filter_map(|r| r.outcome.as_ref().ok());
            let failed = reports.iter().filter(|r| r.outcome.is_err()).count();
            let findings: usize = checked().map(|(_, r)| r.findings.len()).sum();
            match format {
                CheckFormat::Text => {
                    for r in &reports {
                        if let Ok((src, report)) = &r.outcome {
                            print!("{}", report::text(&r.file, src, report));
                        }
                    }
                    let files_n = reports.len() - failed;
                    let failed_note = if failed == 0 {
                        String::new()
                    } else {
                        format!(
                            "; {failed} file{} could not be checked",
                            if failed == 1 { "" } else { "s" }
                        )
                    };
                    if findings == 0 {
                        println!(
                            "no findings in {files_n} file{}{failed_note}",
                            if files_n == 1 { "" } else { "s" }
                        );
                    } else {
                        let fixable = checked()
                            .flat_map(|(_, r)| &r.findings)
                            .filter(|f| f.fix.is_some())
                            .count();
                        println!(
                            "{findings} finding{} ({fixable} with a fix: run `layerlab fix`){failed_note}",
                            if findings == 1 { "" } else { "s" }
                        );
                    }
                }
                CheckFormat::Json => {
                    let v: Vec<serde_json::Value> = reports
                        .iter()
                        .map(|r| match &r.outcome {
                            Ok((_, rep)) => serde_json::json!({ "file": r.file, "findings": rep.findings, "diagnostics": rep.diagnostics }),
                            Err(e) => serde_json::json!({ "file": r.file, "error": e }),
                        })
                        .collect();
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
                    );
                }
                CheckFormat::Sarif => {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&report::sarif(&reports))
                            .map_err(|e| e.to_string())?
                    );
                }
            }
            Ok(if failed > 0 {
                ExitCode::from(2)
            } else if findings > 0 {
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
            let src = read_source(&file, max)?;
            // New files (.dockerignore, compose.yaml) go to the build
            // context, where `check` and `docker build` look for them.
            let ctx_dir = context::dir_for(&file, context.as_deref());
            let ctx = match &ctx_dir {
                Some(dir) => context::read(dir, max)?,
                None => Default::default(),
            };
            let existing: Vec<String> = [
                "compose.yaml",
                "compose.yml",
                "docker-compose.yml",
                "docker-compose.yaml",
                ".dockerignore",
            ]
            .iter()
            .filter(|f| ctx_dir.as_ref().is_some_and(|d| d.join(f).exists()))
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
                    unsafe_codes: Vec::new(),
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
            if let (true, Some(dir)) = (write && file != "-", &ctx_dir) {
                // All or nothing: every path is checked, then every file
                // written to a temporary file, before any is replaced.
                let mut plan = Vec::new();
                for nf in &o.files {
                    plan.extend(write::create(dir, &nf.path, &nf.content)?);
                }
                if o.text != src {
                    plan.push(write::rewrite(&file, o.text.clone())?);
                }
                write::commit(&plan)?;
                for p in plan.iter().filter(|p| p.is_new()) {
                    eprintln!("created {}", p.shown());
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
                for r in &o.rejected {
                    eprintln!(
                        "not applied {} (line {}): {}: it would add a diagnostic ({}); please report this",
                        r.fix.code, r.fix.line, r.fix.title, r.reason
                    );
                }
                if let Some(why) = &o.stopped {
                    eprintln!("warning: {why}");
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
            use layerlab_core::simulate::{self, Change, Options};
            let src = read_source(&file, max)?;
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
                Some(dir) => context::read(std::path::Path::new(&dir), max)?,
                None => BuildContext::default(),
            };
            let previous = match previous {
                Some(p) => Some(read_source(&p, max)?),
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
                let text = read_source(&path, max)?;
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

/// The build contexts `check` has read, by folder: files of one folder
/// share one walk of it (and its error).
#[derive(Default)]
struct Contexts(HashMap<PathBuf, Result<Rc<BuildContext>, String>>);

impl Contexts {
    /// The context for `file`: `--context`, else the file's folder (none
    /// for stdin).
    fn get(
        &mut self,
        file: &str,
        context: Option<&str>,
        max: u64,
    ) -> Result<Rc<BuildContext>, String> {
        let Some(dir) = context::dir_for(file, context) else {
            return Ok(Rc::default());
        };
        self.0
            .entry(dir)
            .or_insert_with_key(|dir| context::read(dir, max).map(Rc::new))
            .clone()
    }
}
