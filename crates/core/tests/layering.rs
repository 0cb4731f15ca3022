//! The core's pipeline, enforced. The stages are crates (typst's layout),
//! so Cargo forbids a back edge between them: `layerlab-syntax` <
//! `layerlab-model` < `layerlab-simulate` < `layerlab-tips` <
//! `layerlab-core`, and [`each_crate_depends_only_on_crates_below_it`]
//! checks that their `[dependencies]` follow that order. Inside a crate a
//! module may use only modules of a lower layer (`use crate::…` and
//! `crate::…` paths in its non-test code). The layers, lowest first, as
//! ARCHITECTURE.md draws them, with the crate each is in:
//!
//! 0. `num`, `sort`: small utilities; `glob` (Docker's path patterns and
//!    path cleaning, which the parser's mount-target check uses)
//!    (`layerlab-syntax`).
//! 1. `syntax` (the parser), `buildlog` (BuildKit's progress log)
//!    (`layerlab-syntax`).
//! 2. `edit`: text edits and the fix types the rules build (`layerlab-model`).
//! 3. `model`: what each step reads, runs and costs (`layerlab-model`).
//! 4. `simulate`: BuildKit's cache rules (`layerlab-simulate`).
//! 5. `tips`: the rules (they ask the simulator what a change reruns)
//!    (`layerlab-tips`).
//! 6. `fix` (the optimizer, which runs the rules), `checks` (BuildKit's
//!    build checks), `outline` (`layerlab-core`).
//! 7. `lessons`: the workshop's goals, measured with all of the above
//!    (`layerlab-core`).
//!
//! Each crate's root imports the stages below under these names
//! (`use layerlab_syntax::{self as syntax, …}`), so `crate::syntax::…` reads
//! the same in every crate.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const LAYERS: &[&[&str]] = &[
    &["num", "sort", "glob"],
    &["syntax", "buildlog"],
    &["edit"],
    &["model"],
    &["simulate"],
    &["tips"],
    &["fix", "checks", "outline"],
    &["lessons"],
];

/// The stage crates, lowest first: (folder under `crates/`, the module its
/// root and other files are, the modules of their own folder or file).
const CRATES: &[(&str, Option<&str>, &[&str])] = &[
    ("syntax", Some("syntax"), &["num", "sort", "glob", "buildlog"]),
    ("model", Some("model"), &["edit"]),
    ("simulate", Some("simulate"), &[]),
    ("tips", Some("tips"), &[]),
    ("core", None, &["fix", "checks", "outline", "lessons"]),
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// `crate::X` names that a crate root re-exports from a module.
fn reexported_from(name: &str) -> Option<&'static str> {
    const SYNTAX: &[&str] = &[
        "parse", "Command", "Diagnostic", "Directive", "Dockerfile", "Flag", "Heredoc",
        "Instruction", "LineIndex", "Position", "Severity", "Span", "Spanned", "Stage",
    ];
    if SYNTAX.contains(&name) {
        Some("syntax")
    } else if name == "outline" || name == "OutlineItem" {
        Some("outline")
    } else {
        None
    }
}

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level modules `code` names through `crate::`.
fn used_modules(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        // `$crate::` in a macro, or a path such as `layerlab_crate::`.
        if code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a::b, c}`: the first name of each item.
            let mut depth = 0;
            let mut item_start = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        out.insert(ident(&group[k..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out
}

#[test]
fn no_module_uses_one_above_it() {
    let mut violations = Vec::new();
    let mut edges = BTreeSet::new();
    let mut seen = 0;
    for &(dir, main, modules) in CRATES {
        let src = crates_dir().join(dir).join("src");
        let mut all = Vec::new();
        files(&src, &mut all);
        all.sort();
        for path in &all {
            let rel = path.strip_prefix(&src).unwrap();
            let first = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string();
            if rel.file_name().is_some_and(|n| n == "tests.rs") || (main.is_none() && first == "lib") {
                continue;
            }
            let module = match main {
                _ if modules.contains(&first.as_str()) => first.clone(),
                Some(m) => m.to_string(),
                None => first.clone(),
            };
            seen += 1;
            let text = std::fs::read_to_string(path).unwrap();
            // Test code may reach anything in its crate: cut the file at
            // its test module. Comments (docs may point up the pipeline)
            // are not edges.
            let code: String = text
                .split("\n#[cfg(test)]\n")
                .next()
                .unwrap_or("")
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            let shown = Path::new(dir).join(rel);
            let Some(own) = layer(&module) else {
                violations.push(format!("{}: module `{module}` has no layer in LAYERS", shown.display()));
                continue;
            };
            for used in used_modules(&code) {
                // A name that is no module of the layers is an item of this
                // crate's own module (a submodule, a type of its root).
                let used = reexported_from(&used)
                    .map(str::to_string)
                    .or_else(|| layer(&used).map(|_| used.clone()))
                    .or_else(|| main.map(str::to_string))
                    .unwrap_or(used);
                if used == module {
                    continue;
                }
                edges.insert(format!("{module} -> {used}"));
                match layer(&used) {
                    None => violations.push(format!("{}: uses `crate::{used}`, which has no layer", shown.display())),
                    Some(l) if l >= own => violations.push(format!(
                        "{}: `{module}` (layer {own}) uses `{used}` (layer {l})",
                        shown.display()
                    )),
                    _ => {}
                }
            }
        }
    }
    assert!(seen > 60, "read only {seen} files");
    assert!(
        violations.is_empty(),
        "the pipeline has back edges:\n  {}\nedges: {edges:?}",
        violations.join("\n  ")
    );
}

/// The `layerlab-*` crates a `Cargo.toml` names under `[dependencies]`.
fn stage_dependencies(manifest: &str) -> Vec<String> {
    let mut section = "";
    let mut out = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if section == "[dependencies]" {
            if let Some(name) = line.split(['=', ' ', '.']).next().filter(|n| n.starts_with("layerlab-")) {
                out.push(name.trim_start_matches("layerlab-").to_string());
            }
        }
    }
    out
}

#[test]
fn each_crate_depends_only_on_crates_below_it() {
    let order: Vec<&str> = CRATES.iter().map(|c| c.0).collect();
    let mut wrong = Vec::new();
    for (i, dir) in order.iter().enumerate() {
        let manifest = std::fs::read_to_string(crates_dir().join(dir).join("Cargo.toml")).unwrap();
        for dep in stage_dependencies(&manifest) {
            match order.iter().position(|d| *d == dep) {
                Some(j) if j < i => {}
                _ => wrong.push(format!("layerlab-{dir} depends on layerlab-{dep}")),
            }
        }
    }
    assert!(wrong.is_empty(), "stage crates out of order: {wrong:?}");
    // The reader itself.
    assert_eq!(
        stage_dependencies("[dependencies]\nserde = 1\nlayerlab-syntax = { workspace = true }\nlayerlab-model.workspace = true\n[dev-dependencies]\nlayerlab-tips = 1\n"),
        ["syntax", "model"]
    );
}

#[test]
fn the_reader_sees_grouped_and_plain_paths() {
    let code = "use crate::{model::Step, syntax::{Span, Command}};\nfn f() { crate::sort::sort_by(); $crate::x; other_crate::y; }";
    let got: Vec<String> = used_modules(code).into_iter().collect();
    assert_eq!(got, ["model", "sort", "syntax"]);
}

/// The playground and the CLI use the core's public API: `layerlab_core::X`
/// or a module's own re-exports, `layerlab_core::module::X`, never a path
/// into a module's inner modules (`layerlab_core::fix::optimize::…`), so
/// the core can move its files without breaking them.
#[test]
fn the_playground_and_cli_use_no_deep_paths() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut deep = Vec::new();
    for dir in ["playground/src", "cli/src"] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("source folder").flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).expect("source file");
                    for (n, line) in text.lines().enumerate() {
                        let mut rest = line;
                        while let Some(i) = rest.find("layerlab_core::") {
                            let path: String = rest[i..]
                                .chars()
                                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                                .collect();
                            // `layerlab_core::a::b::…`: a third segment after a module.
                            let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
                            if segs.len() > 3 || (segs.len() == 3 && path.ends_with("::")) {
                                deep.push(format!("{}:{}: {path}", p.display(), n + 1));
                            }
                            rest = &rest[i + path.len().max(1)..];
                        }
                    }
                }
            }
        }
    }
    assert!(deep.is_empty(), "deep paths into the core (re-export them from the module): {deep:#?}");
}
