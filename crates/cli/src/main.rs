//! `layerlab`: the command-line shell over `layerlab-core`.
//!
//! It reads files, calls the core, prints. All analysis lives in the core.

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "layerlab", version, about = "Why is your docker build slow? Layer analysis for Dockerfiles.")]
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
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
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
                    let name = if file == "-" { "<stdin>" } else { file.as_str() };
                    for d in &df.diagnostics {
                        let sev = if d.severity == layerlab_core::Severity::Error { "error" } else { "warning" };
                        eprintln!("{name}:{}:{}: {sev}: {}", d.start.line, d.start.column, d.message);
                    }
                }
                Format::Json => {
                    let json = serde_json::to_string_pretty(&df).map_err(|e| e.to_string())?;
                    println!("{json}");
                }
            }
            Ok(if df.errors().next().is_some() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Simulate { file, changes, touches, args, base_update, secrets, cold, context, log, target, format } => {
            use layerlab_core::simulate::{self, BuildContext, Change, Options};
            let src = read_source(&file)?;
            let df = layerlab_core::parse(&src);
            let model = layerlab_core::model::build(&df, &src);
            let mut list: Vec<Change> = changes.into_iter().map(|path| Change::Edit { path }).collect();
            list.extend(touches.into_iter().map(|path| Change::Touch { path }));
            for a in args {
                let (name, value) = a.split_once('=').ok_or_else(|| format!("--arg {a}: expected NAME=VALUE"))?;
                list.push(Change::Arg { name: name.to_string(), value: value.to_string() });
            }
            if let Some(image) = base_update {
                list.push(Change::BaseUpdate { image: (!image.is_empty()).then_some(image) });
            }
            list.extend(secrets.into_iter().map(|id| Change::Secret { id }));
            let ctx = match context {
                Some(dir) => read_context(&dir)?,
                None => BuildContext::default(),
            };
            let mut opts = Options { target, cold, seconds: Vec::new() };
            if let Some(path) = log {
                let text = read_source(&path)?;
                let parsed = layerlab_core::buildlog::parse(&text);
                for m in simulate::log::match_log(&model, &parsed) {
                    if let Some(secs) = m.seconds {
                        opts.seconds.push((m.instruction, secs));
                    }
                }
            }
            if opts.target.as_deref().is_some_and(|t| model.stage_by_ref(t).is_none()) {
                return Err(format!("--target {}: no such stage", opts.target.unwrap_or_default()));
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
                    println!("{}", serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?);
                }
                Format::Text => print_simulation(&model, &sim),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_simulation(model: &layerlab_core::model::BuildModel, sim: &layerlab_core::simulate::Simulation) {
    use layerlab_core::simulate::Status;
    let mut last_stage = usize::MAX;
    for o in &sim.steps {
        if o.stage != last_stage {
            last_stage = o.stage;
            let name = model.stages[o.stage].name.clone().unwrap_or_else(|| format!("#{}", o.stage));
            println!("stage {name}");
        }
        let status = match o.status {
            Status::Cached => "cached ",
            Status::Rebuilt => "REBUILT",
            Status::Skipped => "skipped",
        };
        let num = if o.index > 0 { format!("[{}/{}]", o.index, o.count) } else { "     ".to_string() };
        println!("  {:>4}  {num:<7} {status}  {:>7.1}s  {}", o.line, o.seconds, o.text);
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
        sim.steps.iter().filter(|s| s.status != Status::Skipped).count(),
        sim.total_seconds,
        sim.critical_path_seconds
    );
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
    Ok(layerlab_core::simulate::BuildContext { files: Some(files), dockerignore })
}

/// Reads `path` (or stdin for `-`) as UTF-8, naming the first bad byte's
/// offset, line and column when it is not.
fn read_source(path: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| format!("<stdin>: {e}"))?;
    } else {
        bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    }
    let name = if path == "-" { "<stdin>" } else { path };
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = offset - before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        format!("{name}:{line}:{col}: not UTF-8 text: invalid byte 0x{:02x} at byte offset {offset}", e.as_bytes()[offset])
    })
}
