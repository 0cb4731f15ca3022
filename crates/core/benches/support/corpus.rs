//! The shared corpus (`../shared/corpus` from the workspace root), for the
//! bench and the profiling example (`#[path]`-included by both).

use std::path::PathBuf;

/// The Dockerfiles of the corpus (MANIFEST kinds dockerfile and
/// dockerfile-extracted), or `None` when the corpus is missing.
#[allow(dead_code)]
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

/// The real application Dockerfiles of `../shared/corpus-apps` (every
/// `*.Dockerfile`, sorted by name), or `None` when that folder is missing.
#[allow(dead_code)]
pub fn apps_files() -> Option<Vec<(String, String)>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus-apps");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".Dockerfile"))
        .collect();
    names.sort();
    Some(
        names
            .into_iter()
            .filter_map(|n| Some((std::fs::read_to_string(root.join(&n)).ok()?, n)))
            .map(|(text, n)| (n, text))
            .collect(),
    )
}
