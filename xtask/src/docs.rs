//! `cargo xtask docs`: writes the rule pages (`docs/tips/*.md`,
//! `docs/checks/*.md`) and the playground's rule tables from each rule's doc
//! comment.

use crate::util::root;

/// Reads a rule file under `crates/tips/src/`.
pub fn read_rule(path: &str) -> String {
    let p = root().join("crates/tips/src").join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Reads a build check's file under `crates/core/src/checks/`.
pub fn read_check(path: &str) -> String {
    let p = root().join("crates/core/src/checks").join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn run() -> Result<(), String> {
    let mut files = layerlab_core::tips::docs::generated_files(&read_rule);
    files.extend(layerlab_core::checks::docs::generated_files(&read_check));
    for dir in ["docs/tips", "docs/checks"] {
        std::fs::create_dir_all(root().join(dir)).map_err(|e| e.to_string())?;
    }
    let mut changed = 0;
    for (path, content) in &files {
        let p = root().join(path);
        if std::fs::read_to_string(&p).ok().as_deref() != Some(content.as_str()) {
            std::fs::write(&p, content).map_err(|e| format!("{}: {e}", p.display()))?;
            changed += 1;
            println!("wrote {path}");
        }
    }
    println!("{} files, {changed} changed", files.len());
    Ok(())
}
