//! Rendering check reports: text with source snippets, and SARIF 2.1.0.

use layerlab_core::fix::Applicability;
use layerlab_core::tips::{registry::RULES, Level, Report};
use serde_json::{json, Value};

/// ruff-style text: `file:line:col: CODE [tip N] message`, the source lines
/// with the span underlined, then the fix and what it saves.
pub fn text(file: &str, src: &str, report: &Report) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = src.split('\n').collect();
    for d in &report.diagnostics {
        let sev = if d.severity == layerlab_core::Severity::Error {
            "error"
        } else {
            "warning"
        };
        out.push_str(&format!(
            "{file}:{}:{}: syntax {sev}: {}\n",
            d.start.line, d.start.column, d.message
        ));
    }
    for f in &report.findings {
        out.push_str(&format!(
            "{file}:{}:{}: {} [tip {}] {}\n",
            f.start.line, f.start.column, f.code, f.tip, f.message
        ));
        let (l0, l1) = (
            f.start.line as usize,
            (f.end.line as usize).min(f.start.line as usize + 4),
        );
        let width = l1.to_string().len();
        out.push_str(&format!("{:width$} |\n", ""));
        for ln in l0..=l1 {
            let Some(text) = lines.get(ln - 1) else { break };
            let text = text.trim_end_matches('\r');
            out.push_str(&format!("{ln:>width$} | {text}\n"));
            let start_col = if ln == l0 { f.start.column as usize } else { 1 };
            let end_col = if ln == f.end.line as usize {
                f.end.column as usize
            } else {
                utf16_len(text) + 1
            };
            let marks = end_col.saturating_sub(start_col).max(1);
            out.push_str(&format!(
                "{:width$} | {}{}\n",
                "",
                " ".repeat(start_col.saturating_sub(1)),
                "^".repeat(marks)
            ));
        }
        for l in &f.labels {
            let line = src[..(l.span.start as usize).min(src.len())]
                .matches('\n')
                .count()
                + 1;
            out.push_str(&format!("{:width$} = line {line}: {}\n", "", l.message));
        }
        if let Some(fix) = &f.fix {
            let kind = if fix.applicability == Applicability::Safe {
                "safe"
            } else {
                "unsafe"
            };
            out.push_str(&format!("{:width$} = fix ({kind}): {}", "", fix.title));
            if let Some(s) = f.saved {
                if s.source_edit >= 0.5 || s.dependency_bump >= 0.5 {
                    out.push_str(&format!(" · saves ~{:.0} s per source edit, ~{:.0} s per dependency bump (estimated)", s.source_edit, s.dependency_bump));
                }
            }
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// A SARIF 2.1.0 log for the reports (columns in UTF-16 code units, SARIF's
/// default `columnKind`).
pub fn sarif(reports: &[(&str, &str, &Report)]) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.meta.code,
                "name": r.meta.name,
                "shortDescription": { "text": r.meta.summary },
                "helpUri": format!("https://layerlab.dev/#/rules/{}", r.meta.code),
                "properties": { "tip": r.meta.tip },
            })
        })
        .collect();
    let mut results = Vec::new();
    for (file, src, report) in reports {
        let uri = if *file == "-" { "stdin" } else { file };
        for f in &report.findings {
            let index = RULES
                .iter()
                .position(|r| r.meta.code == f.code)
                .unwrap_or(0);
            let mut result = json!({
                "ruleId": f.code,
                "ruleIndex": index,
                "level": if f.level == Level::Warning { "warning" } else { "note" },
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": {
                            "startLine": f.start.line,
                            "startColumn": f.start.column,
                            "endLine": f.end.line,
                            "endColumn": f.end.column,
                            "charOffset": char_offset(src, f.span.start as usize),
                            "charLength": char_offset(src, f.span.end as usize) - char_offset(src, f.span.start as usize),
                        }
                    }
                }],
                "properties": { "tip": f.tip },
            });
            if let Some(fix) = &f.fix {
                if !fix.edits.is_empty() {
                    let replacements: Vec<Value> = fix
                        .edits
                        .iter()
                        .map(|e| {
                            let (s, t) = (char_offset(src, e.span.start as usize), char_offset(src, e.span.end as usize));
                            json!({ "deletedRegion": { "charOffset": s, "charLength": t - s }, "insertedContent": { "text": e.replacement } })
                        })
                        .collect();
                    result["fixes"] = json!([{ "description": { "text": fix.title }, "artifactChanges": [{ "artifactLocation": { "uri": uri }, "replacements": replacements }] }]);
                }
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "layerlab", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://layerlab.dev", "rules": rules } },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    })
}

/// SARIF counts `charOffset` in characters (UTF-16 code units for text).
fn char_offset(src: &str, byte: usize) -> usize {
    src[..byte.min(src.len())]
        .chars()
        .map(char::len_utf16)
        .sum()
}
