//! The bundle-size report: gzip size of every file in `dist/`, checked
//! against the one budget kept in `size-budget.toml`.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::util::root;

/// Reads `total_gzip_kb` from size-budget.toml.
pub fn budget_bytes() -> Result<u64, String> {
    let path = root().join("size-budget.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    for line in text.lines() {
        if let Some(v) = line.trim().strip_prefix("total_gzip_kb") {
            let v = v.trim().trim_start_matches('=').trim();
            let kb: u64 = v
                .parse()
                .map_err(|_| format!("size-budget.toml: bad total_gzip_kb `{v}`"))?;
            return Ok(kb * 1024);
        }
    }
    Err("size-budget.toml has no total_gzip_kb".into())
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

pub fn gzip_len(bytes: &[u8]) -> u64 {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes).expect("in-memory gzip");
    enc.finish().expect("in-memory gzip").len() as u64
}

/// Prints the table and fails when the total is over budget.
pub fn report_and_check() -> Result<(), String> {
    let dist = root().join("dist");
    let mut list = Vec::new();
    files(&dist, &mut list).map_err(|e| format!("{}: {e}", dist.display()))?;
    list.sort();
    let (mut raw_total, mut gz_total) = (0u64, 0u64);
    println!("{:<52} {:>10} {:>10}", "file", "bytes", "gzip");
    for path in &list {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let gz = gzip_len(&bytes);
        raw_total += bytes.len() as u64;
        gz_total += gz;
        let name = path
            .strip_prefix(&dist)
            .unwrap_or(path)
            .display()
            .to_string();
        println!("{name:<52} {:>10} {:>10}", bytes.len(), gz);
    }
    let budget = budget_bytes()?;
    println!(
        "{:<52} {:>10} {:>10}   budget {} ({:.1} KB of {:.0} KB gzip)",
        "total",
        raw_total,
        gz_total,
        budget,
        gz_total as f64 / 1024.0,
        budget as f64 / 1024.0
    );
    if gz_total > budget {
        return Err(format!(
            "dist/ is {gz_total} bytes gzip, over the budget of {budget} in size-budget.toml"
        ));
    }
    Ok(())
}
