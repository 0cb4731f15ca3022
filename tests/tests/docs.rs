//! The generated rule docs (`docs/tips/*.md`, `docs/checks/*.md`, the
//! playground's rule tables)
//! must match the rules' doc comments: run `cargo xtask docs` when this fails.

#[test]
fn generated_docs_are_up_to_date() {
    let root = layerlab_tests::root();
    let read = |p: &str| {
        std::fs::read_to_string(root.join("crates/tips/src").join(p)).expect("rule file")
    };
    let mut files = layerlab_core::tips::docs::generated_files(&read);
    assert!(files.len() >= 17);
    let read_check = |p: &str| {
        std::fs::read_to_string(root.join("crates/core/src/checks").join(p)).expect("check file")
    };
    let checks = layerlab_core::checks::docs::generated_files(&read_check);
    assert_eq!(checks.len(), layerlab_core::checks::RULES.len() + 2);
    files.extend(checks);
    let mut stale = Vec::new();
    for (path, content) in &files {
        if std::fs::read_to_string(root.join(path)).ok().as_deref() != Some(content.as_str()) {
            stale.push(path.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated docs (run `cargo xtask docs`): {stale:?}"
    );
}
