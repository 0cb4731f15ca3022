//! The shared corpus (`../shared/corpus` from the workspace root), for the
//! bench and the profiling example (`#[path]`-included by both).

use std::path::PathBuf;

/// The Dockerfiles of the corpus (MANIFEST kinds dockerfile and
/// dockerfile-extracted), or `None` when the corpus is missing.
pub fn corpus_files() -> Option<Vec<String>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let Ok(manifest) = std::fs::read_to_string(root.join("MANIFEST.tsv")) else {
        eprintln!("!!! corpus not found at {}", root.display());
        return None;
    };
    Some(
        manifest
            .lines()
            .skip(1)
            .filter_map(|l| {
                let c: Vec<&str> = l.split('\t').collect();
                matches!(
                    c.get(5),
                    Some(&"dockerfile") | Some(&"dockerfile-extracted")
                )
                .then(|| std::fs::read_to_string(root.join(c[3])).ok())
                .flatten()
            })
            .collect(),
    )
}
