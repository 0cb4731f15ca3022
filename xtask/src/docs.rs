//! `cargo xtask docs`: writes the rule pages (`docs/tips/*.md`) and the
//! playground's rule table from each rule's doc comment.

use crate::util::root;

/// Reads a rule file under `crates/core/src/tips/`.
pub fn read_rule(path: &str) -> String {
    let p = root().join("crates/core/src/tips").join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn run() -> Result<(), String> {
    let files = layerlab_core::tips::docs::generated_files(&read_rule);
    std::fs::create_dir_all(root().join("docs/tips")).map_err(|e| e.to_string())?;
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
