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
            let items = layerlab_core::outline(&src);
            match format {
                Format::Text => {
                    for item in &items {
                        println!("{:>4}  {} {}", item.line, item.keyword, item.text);
                    }
                }
                Format::Json => {
                    let json = serde_json::to_string_pretty(&items).map_err(|e| e.to_string())?;
                    println!("{json}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
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
