//! Rule documentation, read from each rule file's `//!` comment.
//!
//! Pure: callers pass the file text in (`cargo xtask docs` reads the files;
//! tests, through the registry's `include_str!`s). The sections are fixed: `What it does`,
//! `Why it slows the build`, `Example` (a ❌ Bad and a ✅ Good fenced
//! block) and `Fix safety`.

use serde::Serialize;

use super::registry::Rule;

/// A rule's documentation, split into its sections.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct RuleDoc {
    pub code: String,
    pub name: String,
    pub tip: u8,
    pub summary: String,
    pub what: String,
    pub why: String,
    /// The `Example` section as written (markdown).
    pub example: String,
    pub fix_safety: String,
    /// Dockerfiles in ❌ Bad blocks.
    pub bad: Vec<String>,
    /// Dockerfiles in ✅ Good blocks.
    pub good: Vec<String>,
}

/// The `//!` lines of a Rust file, markers removed.
pub fn module_doc(file: &str) -> String {
    let mut out = String::new();
    for line in file.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("//!") {
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        } else if !t.is_empty() {
            break;
        }
    }
    out
}

/// A module doc's `## ` sections, as (heading, trimmed body); the text
/// before the first heading has the heading "".
pub fn sections(doc: &str) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), String::new())];
    for line in doc.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            out.push((h.trim().to_string(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    for (_, body) in &mut out {
        *body = body.trim().to_string();
    }
    out
}

/// The fenced blocks of an `Example` section: each `dockerfile` block after
/// a ❌ or a ✅ marker, and a `dockerignore` block (the context both assume).
#[derive(Debug, Default, PartialEq)]
pub struct Examples {
    pub bad: Vec<String>,
    pub good: Vec<String>,
    pub dockerignore: Option<String>,
}

pub fn examples(section: &str) -> Examples {
    let mut out = Examples::default();
    let mut mark: Option<bool> = None;
    // The block being read, and whether it is the `dockerignore` one.
    let mut block: Option<(String, bool)> = None;
    for line in section.lines() {
        let t = line.trim_start();
        match block.as_mut() {
            Some(_) if t.starts_with("```") => match (block.take(), mark) {
                (Some((b, true)), _) => out.dockerignore = Some(b),
                (Some((b, false)), Some(false)) => out.bad.push(b),
                (Some((b, false)), Some(true)) => out.good.push(b),
                _ => {}
            },
            Some((b, _)) => {
                b.push_str(line);
                b.push('\n');
            }
            None if line.contains('❌') => mark = Some(false),
            None if line.contains('✅') => mark = Some(true),
            None if t.starts_with("```dockerfile") => block = Some((String::new(), false)),
            None if t.starts_with("```dockerignore") => block = Some((String::new(), true)),
            None => {}
        }
    }
    out
}

/// The build context a rule's documented examples assume: the ❌ and ✅
/// examples of LL302 (no `.dockerignore`) are about the context, not the
/// Dockerfile; every other rule's examples need none.
pub fn example_context(code: &str, bad: bool) -> crate::simulate::BuildContext {
    if code == super::registry::Code::LL302 {
        crate::simulate::BuildContext {
            files: Some(vec![
                ".git/HEAD".into(),
                "node_modules/x/index.js".into(),
                "server.js".into(),
                "package.json".into(),
            ]),
            dockerignore: if bad {
                None
            } else {
                Some(".git\nnode_modules\n".into())
            },
        }
    } else {
        crate::simulate::BuildContext::default()
    }
}

/// Splits a rule's module doc into sections and examples.
pub fn parse_doc(rule: &Rule, file: &str) -> RuleDoc {
    let doc = module_doc(file);
    let mut d = RuleDoc {
        code: rule.meta.code.into(),
        name: rule.meta.name.into(),
        tip: rule.meta.tip,
        summary: rule.meta.summary.into(),
        ..RuleDoc::default()
    };
    for (section, text) in sections(&doc) {
        match section.as_str() {
            "What it does" => d.what = text,
            "Why it slows the build" => d.why = text,
            "Example" => d.example = text,
            "Fix safety" => d.fix_safety = text,
            _ => {}
        }
    }
    let ex = examples(&d.example);
    (d.bad, d.good) = (ex.bad, ex.good);
    d
}

/// The markdown page of a rule (`docs/tips/CODE.md`).
pub fn markdown(d: &RuleDoc) -> String {
    format!(
        "<!-- Generated by `cargo xtask docs` from crates/tips/src: do not edit. -->\n# {} {}\n\n**Tip {}: {}.** {}\n\n## What it does\n{}\n\n## Why it slows the build\n{}\n\n## Example\n{}\n\n## Fix safety\n{}\n",
        d.code,
        d.name,
        d.tip,
        tip_title(d.tip),
        d.summary,
        d.what,
        d.why,
        d.example,
        d.fix_safety
    )
}

/// The five tips' titles.
pub fn tip_title(tip: u8) -> &'static str {
    match tip {
        1 => "avoid rebuilding in development",
        2 => "order like an inverted pyramid",
        3 => "copy only what the next step needs",
        4 => "download less",
        5 => "use BuildKit cache mounts",
        _ => "",
    }
}

/// The index page (`docs/tips/README.md`).
pub fn index(docs: &[RuleDoc]) -> String {
    let mut s = String::from("<!-- Generated by `cargo xtask docs` from crates/tips/src: do not edit. -->\n# Layerlab rules\n\nEvery rule belongs to one of the five tips.\n");
    for tip in 1..=5u8 {
        s.push_str(&format!(
            "\n## Tip {tip}: {}\n\n| code | name | what it catches |\n|---|---|---|\n",
            tip_title(tip)
        ));
        for d in docs.iter().filter(|d| d.tip == tip) {
            s.push_str(&format!(
                "| [{}]({}.md) | {} | {} |\n",
                d.code,
                d.code,
                d.name,
                d.summary.replace('|', "\\|")
            ));
        }
    }
    s
}

/// Every generated documentation file, as (path from the workspace root,
/// content). `read` returns the text of a rule file given its path under
/// `crates/tips/src/`. Used by `cargo xtask docs` (which writes them)
/// and by the staleness test (which compares them with the files on disk).
pub fn generated_files(read: &dyn Fn(&str) -> String) -> Vec<(String, String)> {
    let docs: Vec<RuleDoc> = super::registry::RULES
        .iter()
        .map(|r| parse_doc(r, &read(r.file)))
        .collect();
    let mut out = vec![("docs/tips/README.md".to_string(), index(&docs))];
    for d in &docs {
        out.push((format!("docs/tips/{}.md", d.code), markdown(d)));
    }
    out.push((
        "crates/playground/src/generated_rules.rs".to_string(),
        rust_table(&docs),
    ));
    out
}

/// The rule reference the playground compiles in (no fetch at run time).
fn rust_table(docs: &[RuleDoc]) -> String {
    let mut s = String::from(
        "// Generated by `cargo xtask docs` from crates/tips/src: do not edit.\n\n/// One rule's documentation.\npub struct RuleDoc {\n    pub code: &'static str,\n    pub name: &'static str,\n    pub tip: u8,\n    pub summary: &'static str,\n    pub what: &'static str,\n    pub why: &'static str,\n    pub bad: &'static str,\n    pub good: &'static str,\n    pub fix_safety: &'static str,\n}\n\npub const RULE_DOCS: &[RuleDoc] = &[\n",
    );
    for d in docs {
        s.push_str(&format!(
            "    RuleDoc {{\n        code: {:?},\n        name: {:?},\n        tip: {},\n        summary: {:?},\n        what: {:?},\n        why: {:?},\n        bad: {:?},\n        good: {:?},\n        fix_safety: {:?},\n    }},\n",
            d.code,
            d.name,
            d.tip,
            d.summary,
            d.what,
            d.why,
            d.bad.first().map(String::as_str).unwrap_or(""),
            d.good.first().map(String::as_str).unwrap_or(""),
            d.fix_safety
        ));
    }
    s.push_str("];\n");
    s
}
