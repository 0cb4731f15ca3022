//! `layerlab parse`: the instructions one a line (diagnostics on stderr),
//! or the syntax tree as JSON. Exit code 1 when there is a syntax error.

use std::process::ExitCode;

use layerlab_core::{Dockerfile, Severity};

use super::{json, Format};
use crate::input::read_source;

#[derive(clap::Args)]
pub struct Args {
    /// The Dockerfile to read, or `-` for standard input.
    file: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: Args, max: u64) -> Result<ExitCode, String> {
    let src = read_source(&args.file, max)?;
    let df = layerlab_core::parse(&src);
    match args.format {
        Format::Text => print_text(&args.file, &src, &df),
        Format::Json => println!("{}", json!(df)?),
    }
    Ok(if df.errors().next().is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_text(file: &str, src: &str, df: &Dockerfile) {
    for item in layerlab_core::outline(src) {
        println!("{:>4}  {} {}", item.line, item.keyword, item.text);
    }
    let name = if file == "-" { "<stdin>" } else { file };
    for d in &df.diagnostics {
        let sev = if d.severity == Severity::Error {
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
