//! Rendering check reports: text with source snippets, and SARIF 2.1.0.

use layerlab_core::fix::Applicability;
use layerlab_core::checks::{self, BuildCheck};
use layerlab_core::tips::{registry::RULES, Level, Report};
use serde_json::{json, Value};

/// At most this many lines of a finding's source are printed ...
const SNIPPET_LINES: usize = 6;
/// ... each cut to this many characters ...
const SNIPPET_WIDTH: usize = 200;
/// ... and a span that starts further right than that is shown from this
/// many characters before it.
const SNIPPET_LEAD: usize = 40;

/// One file `check` was given: its text and report, or why it could not be
/// read (the other files are still reported).
pub struct FileReport {
    pub file: String,
    pub outcome: Result<(String, Report), String>,
    /// BuildKit's build checks of the file (`layerlab_core::checks`).
    pub checks: Vec<BuildCheck>,
    /// BuildKit's error when the check options (the `# check=` directive or
    /// `BUILDKIT_DOCKERFILE_CHECK`) are invalid: the build would fail.
    pub checks_error: Option<String>,
}

/// The build checks as text, after the tips' findings:
/// `file:line:col: RuleName [buildkit] message`, the rule's URL below.
pub fn checks_text(file: &str, checks: &[BuildCheck]) -> String {
    let mut out = String::new();
    for c in checks {
        let lines = if c.start.line == c.end.line {
            format!("line {}", c.start.line)
        } else {
            format!("lines {}-{}", c.start.line, c.end.line)
        };
        let sev = if c.error { " error" } else { "" };
        out.push_str(&format!(
            "{file}:{}:{}: {} [buildkit{sev}] {}\n  = {lines}: {}\n  = {}\n\n",
            c.start.line, c.start.column, c.rule, c.message, c.description, c.url
        ));
    }
    out
}

/// `docker buildx build --call=check,format=json`'s shape for one file:
/// `warnings` (ruleName, description, url, detail, location.ranges with
/// lines) and `sources` (filename, language, data in base64).
/// An invalid check option is BuildKit's `buildError` (no warnings).
pub fn buildkit_json(file: &str, src: &str, checks: &[BuildCheck], error: Option<&str>) -> Value {
    let warnings: Vec<Value> = checks
        .iter()
        .map(|c| {
            json!({
                "ruleName": c.rule,
                "description": c.description,
                "url": c.url,
                "detail": c.message,
                "location": { "ranges": [{ "start": { "line": c.start.line }, "end": { "line": c.end.line } }] },
            })
        })
        .collect();
    let mut out = json!({
        "warnings": warnings,
        "sources": [{ "filename": file, "data": base64(src.as_bytes()), "language": "Dockerfile" }],
    });
    if let Some(e) = error {
        out["buildError"] = json!({ "message": e });
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for ch in bytes.chunks(3) {
        let n = (u32::from(ch[0]) << 16)
            | (u32::from(*ch.get(1).unwrap_or(&0)) << 8)
            | u32::from(*ch.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= ch.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// ruff-style text: `file:line:col: CODE [tip N] message`, the source lines
/// with the span underlined, then the fix and what it saves. A snippet shows
/// at most [`SNIPPET_LINES`] lines of [`SNIPPET_WIDTH`] characters, so the
/// report grows with the number of findings, not with their size (one RUN
/// of 8,000 `&&`-joined installs printed the whole RUN per finding: 2.67 GB).
pub fn text(file: &str, src: &str, report: &Report) -> String {
    let mut out = String::new();
    let map = SourceMap::new(src);
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
        let (start, end) = (map.boundary(f.span.start), map.boundary(f.span.end));
        let first = map.line_of(start);
        let mut last = map.line_of(end);
        if last > first && map.line_start(last) == end {
            // The span ends with its line's newline: the next line is not in it.
            last -= 1;
        }
        let shown = last.min(first + SNIPPET_LINES - 1);
        let width = shown.to_string().len();
        out.push_str(&format!("{:width$} |\n", ""));
        for ln in first..=shown {
            let line_start = map.line_start(ln);
            let text = map.line(ln);
            let from = if ln == first { start - line_start } else { 0 };
            let to = if ln == last {
                (end - line_start).min(text.len())
            } else {
                text.len()
            };
            let (line, marks) = snippet_line(text, from, to.max(from));
            out.push_str(&format!("{ln:>width$} | {line}\n"));
            out.push_str(&format!("{:width$} | {marks}\n", ""));
        }
        if last > shown {
            let more = last - shown;
            out.push_str(&format!(
                "{:width$} | … {more} more line{}\n",
                "",
                if more == 1 { "" } else { "s" }
            ));
        }
        for l in &f.labels {
            let line = map.line_of(map.boundary(l.span.start));
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
        } else if let Some(why) = &f.no_fix {
            out.push_str(&format!("{:width$} = no fix: {why}\n", ""));
        }
        out.push('\n');
    }
    out
}

/// One source line as the snippet shows it, with the underline of bytes
/// `from..to` (char boundaries): at most [`SNIPPET_WIDTH`] characters, `…`
/// where it is cut, starting [`SNIPPET_LEAD`] characters before `from` when
/// `from` is further right. Costs O(width), whatever the line's length.
fn snippet_line(text: &str, from: usize, to: usize) -> (String, String) {
    // Far right: no more than 4 bytes a char, so a short prefix is counted.
    let far =
        from > 4 * SNIPPET_WIDTH || text[..from].chars().count() > SNIPPET_WIDTH - SNIPPET_LEAD;
    let begin = if far {
        text[..from]
            .char_indices()
            .rev()
            .nth(SNIPPET_LEAD - 1)
            .map_or(0, |(i, _)| i)
    } else {
        0
    };
    let end = text[begin..]
        .char_indices()
        .nth(SNIPPET_WIDTH)
        .map_or(text.len(), |(i, _)| begin + i);
    let (open, close) = (
        if begin > 0 { "…" } else { "" },
        if end < text.len() { "…" } else { "" },
    );
    let line = format!("{open}{}{close}", &text[begin..end]);
    // Columns in UTF-16 units, as the positions are; `…` is one.
    let col = |byte: usize| utf16_len(&text[begin..byte.clamp(begin, end)]) + open.len().min(1);
    let (a, mut b) = (col(from), col(to));
    if to > end {
        b += 1; // the span goes on past the cut: underline the `…` too
    }
    let marks = format!(
        "{}{}",
        " ".repeat(a),
        "^".repeat(b.saturating_sub(a).max(1))
    );
    (line, marks)
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Line starts and UTF-16 offsets of one source, built once (O(n)) so that
/// each finding costs a binary search, not a scan of the file: with
/// thousands of findings on a long line, per-finding scans were quadratic.
/// (The core's `LineIndex` also counts the column, O(line length).)
struct SourceMap<'a> {
    src: &'a str,
    /// The byte offset where each line starts.
    lines: Vec<usize>,
    /// (byte, UTF-16 offset) pairs at char boundaries about every 64 bytes;
    /// empty for ASCII text, where the two are the same.
    marks: Vec<(usize, usize)>,
}

impl<'a> SourceMap<'a> {
    fn new(src: &'a str) -> SourceMap<'a> {
        let mut lines = vec![0];
        lines.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        let mut marks = Vec::new();
        if !src.is_ascii() {
            let mut units = 0;
            for (i, c) in src.char_indices() {
                if i >= marks.last().map_or(0, |&(b, _)| b + 64) {
                    marks.push((i, units));
                }
                units += c.len_utf16();
            }
        }
        SourceMap { src, lines, marks }
    }

    /// `byte` clamped to the source and moved back to a char boundary.
    fn boundary(&self, byte: u32) -> usize {
        let mut b = (byte as usize).min(self.src.len());
        while !self.src.is_char_boundary(b) {
            b -= 1;
        }
        b
    }

    /// The 1-based line of byte offset `byte`.
    fn line_of(&self, byte: usize) -> usize {
        self.lines.partition_point(|&s| s <= byte)
    }

    fn line_start(&self, line: usize) -> usize {
        self.lines[line - 1]
    }

    /// The text of 1-based `line`, without its line ending.
    fn line(&self, line: usize) -> &'a str {
        let end = self.lines.get(line).map_or(self.src.len(), |&s| s - 1);
        let text = &self.src[self.line_start(line)..end];
        text.strip_suffix('\r').unwrap_or(text)
    }

    /// SARIF's `charOffset` of byte offset `byte`: UTF-16 code units before it.
    fn utf16(&self, byte: u32) -> usize {
        let byte = self.boundary(byte);
        if self.marks.is_empty() {
            return byte;
        }
        let i = self.marks.partition_point(|&(b, _)| b <= byte) - 1;
        let (b, units) = self.marks[i];
        units + utf16_len(&self.src[b..byte])
    }
}

/// A SARIF location: the file and the region of `span`.
fn location(map: &SourceMap, uri: &str, span: layerlab_core::Span, from: layerlab_core::Position, to: layerlab_core::Position) -> Value {
    let (start, end) = (map.utf16(span.start), map.utf16(span.end));
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri },
            "region": {
                "startLine": from.line,
                "startColumn": from.column,
                "endLine": to.line,
                "endColumn": to.column,
                "charOffset": start,
                "charLength": end - start,
            }
        }
    })
}

/// A SARIF 2.1.0 log for the reports (columns in UTF-16 code units, SARIF's
/// default `columnKind`). A file that could not be read is an error
/// notification of the run's invocation, with its artifact location, and
/// the invocation is then not `executionSuccessful`.
pub fn sarif(reports: &[FileReport]) -> Value {
    let mut rules: Vec<Value> = RULES
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
    let mut notifications = Vec::new();
    // Build-check rules follow the tips' rules, only those reported (so a
    // log without build checks is what it was before they existed).
    let mut build_rules: Vec<&'static str> = Vec::new();
    for FileReport { file, outcome, checks, checks_error } in reports {
        let uri = if file == "-" { "stdin" } else { file.as_str() };
        if let Some(message) = checks_error {
            notifications.push(json!({
                "level": "error",
                "message": { "text": format!("build checks: {message}") },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri } } }],
            }));
        }
        let (src, report) = match outcome {
            Ok((src, report)) => (src, report),
            Err(message) => {
                notifications.push(json!({
                    "level": "error",
                    "message": { "text": message },
                    "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri } } }],
                }));
                continue;
            }
        };
        let map = SourceMap::new(src);
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
                "locations": [location(&map, uri, f.span, f.start, f.end)],
                "properties": { "tip": f.tip },
            });
            if let Some(why) = &f.no_fix {
                result["properties"]["noFix"] = json!(why);
            }
            if let Some(fix) = &f.fix {
                if !fix.edits.is_empty() {
                    let replacements: Vec<Value> = fix
                        .edits
                        .iter()
                        .map(|e| {
                            let (s, t) = (map.utf16(e.span.start), map.utf16(e.span.end));
                            json!({ "deletedRegion": { "charOffset": s, "charLength": t - s }, "insertedContent": { "text": e.replacement } })
                        })
                        .collect();
                    result["fixes"] = json!([{ "description": { "text": fix.title }, "artifactChanges": [{ "artifactLocation": { "uri": uri }, "replacements": replacements }] }]);
                }
            }
            results.push(result);
        }
        for c in checks {
            let index = match build_rules.iter().position(|r| *r == c.rule) {
                Some(i) => i,
                None => {
                    build_rules.push(c.rule);
                    build_rules.len() - 1
                }
            };
            results.push(json!({
                "ruleId": c.rule,
                "ruleIndex": RULES.len() + index,
                "level": if c.error { "error" } else { "warning" },
                "message": { "text": c.message },
                "locations": [location(&map, uri, c.span, c.start, c.end)],
                "properties": { "group": checks::GROUP },
            }));
        }
    }
    for name in build_rules {
        if let Some(r) = checks::RULES.iter().find(|r| r.name == name) {
            rules.push(json!({
                "id": r.name,
                "name": r.name,
                "shortDescription": { "text": r.description },
                "helpUri": r.url,
                "properties": { "group": checks::GROUP },
            }));
        }
    }
    let mut invocation = json!({ "executionSuccessful": notifications.is_empty() });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(notifications);
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "layerlab", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://layerlab.dev", "rules": rules } },
            "invocations": [invocation],
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_match_a_count_from_the_start() {
        let src = "FROM a\nRUN echo \"h\u{e9}llo w\u{1f600}rld\"\r\n".repeat(20);
        let map = SourceMap::new(&src);
        for (i, _) in src.char_indices().chain([(src.len(), ' ')]) {
            let naive: usize = src[..i].chars().map(char::len_utf16).sum();
            assert_eq!(map.utf16(i as u32), naive, "at byte {i}");
        }
        let ascii = SourceMap::new("FROM a\nRUN b\n");
        assert_eq!(ascii.utf16(9), 9);
        assert_eq!(
            (map.line_of(0), map.line_of(7), map.line(2)),
            (1, 2, "RUN echo \"h\u{e9}llo w\u{1f600}rld\"")
        );
    }

    #[test]
    fn a_short_line_is_shown_whole_and_a_long_one_cut_around_its_span() {
        assert_eq!(
            snippet_line("COPY . /code", 0, 12),
            ("COPY . /code".to_string(), "^".repeat(12))
        );
        assert_eq!(snippet_line("", 0, 0), (String::new(), "^".to_string()));
        let long = "x".repeat(1000) + "SPAN" + &"y".repeat(1000);
        let (line, marks) = snippet_line(&long, 1000, 1004);
        assert_eq!(line.chars().count(), 1 + SNIPPET_WIDTH + 1, "{line}");
        assert!(line.starts_with('…') && line.ends_with('…'));
        assert_eq!(marks, format!("{}^^^^", " ".repeat(1 + SNIPPET_LEAD)));
        let under: String = line.chars().skip(1 + SNIPPET_LEAD).take(4).collect();
        assert_eq!(under, "SPAN");
        // A span running past the cut underlines the `…` too.
        let (line, marks) = snippet_line(&long, 0, 2004);
        assert_eq!(line.chars().count(), SNIPPET_WIDTH + 1);
        assert_eq!(marks, "^".repeat(SNIPPET_WIDTH + 1));
    }
}
