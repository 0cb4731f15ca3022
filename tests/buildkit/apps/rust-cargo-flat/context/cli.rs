use clap::Parser;

#[derive(Parser)]
pub struct Args {
    pub input: String,
}

pub fn parse() -> Args {
    Args::parse()
}
