//! `layerlab`: the command-line shell over `layerlab-core`.
//!
//! It reads files, calls the core, prints. All analysis lives in the core;
//! each command is one file under `commands/`.
//!
//! Invariant: the CLI gathers facts (files, the context's file list, the
//! `.dockerignore`) and the core decides with them; exit codes are 0 ok, 1
//! findings or syntax errors, 2 usage or IO errors; `fix --write` writes
//! all or nothing, never outside the context.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;
mod context;
mod input;
mod report;
mod write;

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
    Parse(commands::parse::Args),
    /// Simulate the next build after a change: which steps BuildKit rebuilds, why, and the cost.
    Simulate(commands::simulate::Args),
    /// Check Dockerfiles against the five tips. Exit code 0: clean, 1: findings, 2: usage or IO error.
    Check(commands::check::Args),
    /// Apply the fixes: print the optimized Dockerfile (or a diff, or write it).
    Fix(commands::fix::Args),
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
    let max = cli.max_size;
    let outcome = match cli.command {
        Command::Parse(args) => commands::parse::run(args, max),
        Command::Simulate(args) => commands::simulate::run(args, max),
        Command::Check(args) => commands::check::run(args, max),
        Command::Fix(args) => commands::fix::run(args, max),
    };
    match outcome {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("layerlab: {msg}");
            ExitCode::from(2)
        }
    }
}
