//! `layerlab check`: the findings of every file, as text, JSON or SARIF.
//! Every file is reported: one that cannot be read (or whose build context
//! cannot) becomes an error entry and the others go on. Exit code 2 when a
//! file could not be checked, else 1 when there are findings.

use std::process::ExitCode;
use std::rc::Rc;

use clap::ValueEnum;
use layerlab_core::checks::{self, ChecksOptions};
use layerlab_core::tips::{self, CheckOptions};

use super::json;
use crate::context::Contexts;
use crate::input::read_source;
use crate::report::{self, FileReport};

#[derive(clap::Args)]
pub struct Args {
    /// Dockerfiles to check (`-` for standard input).
    #[arg(required = true)]
    files: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Only these rules: codes (LL301), names, tips (tip3), BuildKit's build checks by name (FromAsCasing) or all of them (buildkit), comma-separated.
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Never these rules: codes, names, tips, build checks or buildkit, comma-separated.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// The build context (default: the Dockerfile's folder); its .dockerignore and files are used.
    #[arg(long, value_name = "DIR")]
    context: Option<String>,
    /// Do not read a build context.
    #[arg(long)]
    no_context: bool,
    /// A build argument, as `docker build --build-arg`: only
    /// `BUILDKIT_DOCKERFILE_CHECK=<options>` changes the checks (it replaces
    /// the `# check=` directive, as in BuildKit).
    #[arg(long = "build-arg", value_name = "NAME=VALUE", value_parser = build_check_arg)]
    build_arg: Vec<String>,
}

/// `--build-arg`: only `BUILDKIT_DOCKERFILE_CHECK=…` is read by `check`.
fn build_check_arg(s: &str) -> Result<String, String> {
    match s.split_once('=') {
        Some(("BUILDKIT_DOCKERFILE_CHECK", v)) => Ok(v.to_string()),
        _ => Err(format!(
            "`check` reads one build argument, BUILDKIT_DOCKERFILE_CHECK=<options> (got {s:?})"
        )),
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum CheckFormat {
    Text,
    Json,
    Sarif,
    /// BuildKit's build checks only, in the shape of `docker buildx build --call=check,format=json`.
    BuildkitJson,
}

pub fn run(args: Args, max: u64) -> Result<ExitCode, String> {
    let build_opts = ChecksOptions {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        build_arg: args.build_arg.last().cloned(),
        dockerignore: None,
    };
    // An invalid BUILDKIT_DOCKERFILE_CHECK fails Docker's whole request,
    // before any file: here too (exit code 2).
    if build_opts.build_arg.is_some() {
        if let Some(e) = checks::options_error(&layerlab_core::parse(""), &build_opts) {
            return Err(e);
        }
    }
    let opts = CheckOptions {
        select: args.select,
        ignore: args.ignore,
        no_savings: false,
    };
    let mut contexts = Contexts::default();
    let mut reports = Vec::new();
    for file in &args.files {
        let outcome = read_source(file, max).and_then(|src| {
            let ctx = if args.no_context {
                Rc::default()
            } else {
                contexts.get(file, args.context.as_deref(), max)?
            };
            let report = tips::check(&src, &ctx, &opts);
            Ok((src, report))
        });
        if let (Err(e), CheckFormat::Text | CheckFormat::BuildkitJson) = (&outcome, args.format) {
            eprintln!("layerlab: {e}");
        }
        let (checks, checks_error) = match &outcome {
            Ok((src, _)) => {
                // The context's .dockerignore, for CopyIgnoredFile.
                let dockerignore = match args.no_context {
                    true => None,
                    false => contexts.get(file, args.context.as_deref(), max).ok().and_then(|c| c.dockerignore.clone()),
                };
                let opts = ChecksOptions { dockerignore, ..build_opts.clone() };
                let df = layerlab_core::parse(src);
                (checks::run(src, &df, &opts), checks::options_error(&df, &opts))
            }
            Err(_) => (Vec::new(), None),
        };
        reports.push(FileReport {
            file: file.clone(),
            outcome,
            checks,
            checks_error,
        });
    }
    match args.format {
        CheckFormat::Text => print_text(&reports),
        CheckFormat::Json => println!("{}", json!(json_reports(&reports))?),
        CheckFormat::Sarif => println!("{}", json!(report::sarif(&reports))?),
        CheckFormat::BuildkitJson => {
            for r in &reports {
                if let Ok((src, _)) = &r.outcome {
                    let v = report::buildkit_json(&r.file, src, &r.checks, r.checks_error.as_deref());
                    println!("{}", json!(v)?);
                }
            }
        }
    }
    let build_n: usize = reports.iter().map(|r| r.checks.len() + r.checks_error.is_some() as usize).sum();
    let failed = reports.iter().any(|r| r.outcome.is_err());
    Ok(if failed {
        ExitCode::from(2)
    } else if findings(&reports).next().is_some() || build_n > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Every finding of the files that could be checked.
fn findings(reports: &[FileReport]) -> impl Iterator<Item = &tips::Finding> {
    reports
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .flat_map(|(_, r)| &r.findings)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Each file's findings, then one summary line.
fn print_text(reports: &[FileReport]) {
    for r in reports {
        if let Ok((src, report)) = &r.outcome {
            print!("{}", report::text(&r.file, src, report));
            print!("{}", report::checks_text(&r.file, &r.checks));
            if let Some(e) = &r.checks_error {
                println!("{}: build checks: error: {e} (the build fails)\n", r.file);
            }
        }
    }
    let failed = reports.iter().filter(|r| r.outcome.is_err()).count();
    let files_n = reports.len() - failed;
    let failed_note = if failed == 0 {
        String::new()
    } else {
        format!("; {failed} file{} could not be checked", plural(failed))
    };
    let findings_n = findings(reports).count();
    let build_n: usize = reports.iter().map(|r| r.checks.len()).sum();
    let build_note = match build_n {
        0 => String::new(),
        n => format!("; {n} BuildKit build check warning{}", plural(n)),
    };
    if findings_n == 0 && build_n > 0 {
        println!("no tip findings in {files_n} file{}{build_note}{failed_note}", plural(files_n));
    } else if findings_n == 0 {
        println!("no findings in {files_n} file{}{failed_note}", plural(files_n));
    } else {
        let fixable = findings(reports).filter(|f| f.fix.is_some()).count();
        println!(
            "{findings_n} finding{} ({fixable} with a fix: run `layerlab fix`){build_note}{failed_note}",
            plural(findings_n)
        );
    }
}

fn json_reports(reports: &[FileReport]) -> Vec<serde_json::Value> {
    reports
        .iter()
        .map(|r| match &r.outcome {
            Ok((_, rep)) if r.checks_error.is_some() => serde_json::json!({ "file": r.file, "findings": rep.findings, "diagnostics": rep.diagnostics, "buildChecks": r.checks, "buildChecksError": r.checks_error }),
            Ok((_, rep)) if r.checks.is_empty() => serde_json::json!({ "file": r.file, "findings": rep.findings, "diagnostics": rep.diagnostics }),
            Ok((_, rep)) => serde_json::json!({ "file": r.file, "findings": rep.findings, "diagnostics": rep.diagnostics, "buildChecks": r.checks }),
            Err(e) => serde_json::json!({ "file": r.file, "error": e }),
        })
        .collect()
}
