//! axe-core, the accessibility checker, injected into the page under test.
//!
//! It is installed by the suite itself with npm into `target/tools/npm`
//! (never committed, never global), the folder `cargo xtask tools` uses.

use std::path::PathBuf;

pub const AXE_VERSION: &str = "4.14.1";

/// The text of `axe.min.js`, installing axe-core first when it is missing.
pub fn source() -> String {
    let dir = crate::root().join("target/tools/npm");
    let file: PathBuf = dir.join("node_modules/axe-core/axe.min.js");
    if !file.is_file() {
        crate::npm::install(&dir, &[&format!("axe-core@{AXE_VERSION}")])
            .unwrap_or_else(|e| panic!("installing axe-core: {e}"));
    }
    std::fs::read_to_string(&file).expect("read axe.min.js")
}

/// Runs axe-core on the current page (shadow roots included: axe walks
/// open shadow DOM) and returns its violations as `[{id, help, nodes}]`.
pub fn violations(b: &crate::browser::Browser) -> serde_json::Value {
    b.session
        .execute(&source(), vec![])
        .expect("inject axe-core");
    b.session
        .execute_async(
            "const done = arguments[arguments.length - 1]; axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations.map(v => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })))).catch(e => done(String(e)));",
            vec![],
        )
        .expect("run axe")
}
