//! `layerlab fix`: the optimized Dockerfile (or its diff, or JSON), the
//! applied fixes and the estimated rebuild times on stderr; `--write`
//! writes it back with the files the fixes add, all or nothing.

use std::path::Path;
use std::process::ExitCode;

use layerlab_core::fix::{self, OptimizeOptions, Optimized, CONTEXT_FILES};
use layerlab_core::fix::Applicability;

use super::{json, Format};
use crate::input::read_source;
use crate::{context, write};

#[derive(clap::Args)]
pub struct Args {
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
}

pub fn run(args: Args, max: u64) -> Result<ExitCode, String> {
    let src = read_source(&args.file, max)?;
    // New files (.dockerignore, compose.yaml) go to the build context,
    // where `check` and `docker build` look for them.
    let ctx_dir = context::dir_for(&args.file, args.context.as_deref());
    let ctx = match &ctx_dir {
        Some(dir) => context::read(dir, max)?,
        None => Default::default(),
    };
    // The core decides which fixes' files exist already; the CLI looks.
    let found = CONTEXT_FILES
        .into_iter()
        .filter(|f| ctx_dir.as_ref().is_some_and(|d| d.join(f).exists()));
    let o = fix::optimize(
        &src,
        &ctx,
        &OptimizeOptions {
            unsafe_fixes: args.unsafe_fixes,
            disabled: args.disable,
            existing_files: fix::existing_files(found),
            unsafe_codes: Vec::new(),
        },
    );
    if let Format::Json = args.format {
        println!("{}", json!(o)?);
    } else if args.diff {
        print!("{}", o.diff);
    } else if !args.write {
        print!("{}", o.text);
    }
    if let (true, Some(dir)) = (args.write && args.file != "-", &ctx_dir) {
        write_back(&args.file, dir, &src, &o)?;
    }
    if let Format::Text = args.format {
        print_report(&o, args.write);
    }
    Ok(ExitCode::SUCCESS)
}

/// All or nothing: every path is checked, then every file written to a
/// temporary file, before any is replaced.
fn write_back(file: &str, dir: &Path, src: &str, o: &Optimized) -> Result<(), String> {
    let mut plan = Vec::new();
    for nf in &o.files {
        plan.extend(write::create(dir, &nf.path, &nf.content)?);
    }
    if o.text != src {
        plan.push(write::rewrite(file, o.text.clone())?);
    }
    write::commit(&plan)?;
    for p in plan.iter().filter(|p| p.is_new()) {
        eprintln!("created {}", p.shown());
    }
    Ok(())
}

/// What was fixed, what was not, and the estimated rebuild times (stderr).
fn print_report(o: &Optimized, writing: bool) {
    for a in &o.applied {
        let safety = if a.applicability == Applicability::Safe {
            "safe"
        } else {
            "unsafe"
        };
        eprintln!("fixed {} (tip {}, {safety}): {}", a.code, a.tip, a.title);
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
        if !writing {
            eprintln!("would create {} (use --write)", nf.path);
        }
    }
    let (b, a) = (&o.before, &o.after);
    eprintln!(
        "rebuild after a source edit: {:.1}s -> {:.1}s; dependency bump: {:.1}s -> {:.1}s; base image update: {:.1}s -> {:.1}s (estimated)",
        b.source_edit, a.source_edit, b.dependency_bump, a.dependency_bump, b.base_update, a.base_update
    );
}
