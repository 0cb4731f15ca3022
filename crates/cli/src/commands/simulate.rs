//! `layerlab simulate`: the next build after the given changes, step by
//! step (cached, rebuilt or skipped, and why), as text or JSON.

use std::path::Path;
use std::process::ExitCode;

use layerlab_core::model::BuildModel;
use layerlab_core::simulate::{self, BuildContext, Change, Options, Reason, Simulation, Status};

use super::{json, Format};
use crate::context;
use crate::input::read_source;

#[derive(clap::Args)]
pub struct Args {
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
}

pub fn run(args: Args, max: u64) -> Result<ExitCode, String> {
    let src = read_source(&args.file, max)?;
    let df = layerlab_core::parse(&src);
    let model = layerlab_core::model::build(&df, &src);
    let list = changes(&args)?;
    let ctx = match &args.context {
        Some(dir) => context::read(Path::new(dir), max)?,
        None => BuildContext::default(),
    };
    let previous = match &args.previous {
        Some(p) => Some(read_source(p, max)?),
        None => None,
    };
    let seconds = match &args.log {
        Some(path) => log_seconds(&model, &read_source(path, max)?),
        None => Vec::new(),
    };
    if let Some(t) = &args.target {
        if model.stage_by_ref(t).is_none() {
            return Err(format!("--target {t}: no such stage"));
        }
    }
    let opts = Options {
        target: args.target,
        cold: args.cold,
        seconds,
        previous,
        uncached_stages: Vec::new(),
    };
    let sim = simulate::simulate(&df, &model, &list, &ctx, &opts);
    match args.format {
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
            println!("{}", json!(json)?);
        }
        Format::Text => print_text(&model, &sim),
    }
    Ok(ExitCode::SUCCESS)
}

/// The changes named on the command line, in the order the simulator
/// has always been given them: edits, touches, args, base update, secrets.
fn changes(args: &Args) -> Result<Vec<Change>, String> {
    let mut list: Vec<Change> = args
        .changes
        .iter()
        .map(|path| Change::Edit { path: path.clone() })
        .collect();
    list.extend(args.touches.iter().map(|path| Change::Touch { path: path.clone() }));
    for a in &args.args {
        let (name, value) = a
            .split_once('=')
            .ok_or_else(|| format!("--arg {a}: expected NAME=VALUE"))?;
        list.push(Change::Arg {
            name: name.to_string(),
            value: value.to_string(),
        });
    }
    if let Some(image) = &args.base_update {
        list.push(Change::BaseUpdate {
            image: (!image.is_empty()).then(|| image.clone()),
        });
    }
    list.extend(args.secrets.iter().map(|id| Change::Secret { id: id.clone() }));
    Ok(list)
}

/// The real seconds of each instruction a `--progress=plain` log shows.
fn log_seconds(model: &BuildModel, log: &str) -> Vec<(usize, f64)> {
    let parsed = layerlab_core::buildlog::parse(log);
    simulate::log::match_log(model, &parsed)
        .into_iter()
        .filter_map(|m| Some((m.instruction, m.seconds?)))
        .collect()
}

fn print_text(model: &BuildModel, sim: &Simulation) {
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
        if o.status != Status::Cached || o.reason != Reason::Unchanged {
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
