mod cli;

fn main() -> anyhow::Result<()> {
    let args = cli::parse();
    let mut reader = csv::Reader::from_path(&args.input)?;
    println!("{} rows", reader.records().count());
    Ok(())
}
