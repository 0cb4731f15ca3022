//! The commands, one a file: each has its clap `Args` and a `run` that
//! reads the inputs, calls the core and prints, returning the exit code
//! (an `Err` is printed by `main` and exits 2).

pub mod check;
pub mod fix;
pub mod parse;
pub mod simulate;

use clap::ValueEnum;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Pretty-printed JSON of a serializable value, its error as a message.
macro_rules! json {
    ($value:expr) => {
        serde_json::to_string_pretty(&$value).map_err(|e| e.to_string())
    };
}
pub(crate) use json;
