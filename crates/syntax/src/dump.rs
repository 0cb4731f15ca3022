//! BuildKit's `result` dump format (`Node.Dump` in
//! `frontend/dockerfile/parser/parser.go`, printed by
//! `frontend/dockerfile/parser/dumper/main.go` and compared byte for byte by
//! `parser_test.go` against `testfiles/*/result`).

use super::node::{Next, RawNode};
use super::Dockerfile;
use core::fmt::Write;

/// Go's `strconv.Quote`: double-quoted, with Go escapes for non-printables.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint` (letters, marks, numbers,
/// punctuation, symbols and U+0020): control, format, separator (other than
/// space), private-use, surrogate and unassigned-looking code points are not.
fn is_go_printable(c: char) -> bool {
    let u = c as u32;
    !(matches!(u, 0x80..=0xA0 | 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x2000..=0x200F
        | 0x2028..=0x202F | 0x205F..=0x206F | 0x3000 | 0xD800..=0xF8FF | 0xFEFF | 0xFFF9..=0xFFFB
        | 0xFFFE | 0xFFFF | 0xF0000..=0x10FFFF)
        || c == '\u{1680}')
}

/// `Node.Dump` for one node: the command in lower case, the flags as
/// BuildKit rebuilt them (`--name=value`) in brackets, then the values or
/// the ONBUILD trigger in parentheses.
fn dump_parts<'a>(
    s: &mut String,
    cmd: &str,
    flags: &[String],
    values: impl Iterator<Item = &'a str>,
    sub: Option<&RawNode>,
) {
    let start = s.len();
    s.push_str(&cmd.to_lowercase());
    if !flags.is_empty() {
        s.push_str(" [");
        for (i, f) in flags.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&go_quote(f));
        }
        s.push(']');
    }
    for v in values {
        s.push(' ');
        s.push_str(&go_quote(v));
    }
    // The ONBUILD value node has one child: " " + "(" + child + ")\n", trimmed.
    if let Some(child) = sub {
        s.push_str(" (");
        s.push_str(&dump_node(child));
        s.push(')');
    }
    let trimmed = s[start..].trim();
    let (lead, len) = (
        s[start..].len() - s[start..].trim_start().len(),
        trimmed.len(),
    );
    s.drain(start..start + lead);
    s.truncate(start + len);
}

/// `Node.Dump` for one raw node.
pub fn dump_node(n: &RawNode) -> String {
    let flags: Vec<String> = n.flags.iter().map(|f| f.text.clone()).collect();
    let (values, sub): (&[_], _) = match &n.next {
        Next::Values(v) => (v, None),
        Next::Sub(child) => (&[], Some(&**child)),
    };
    let mut s = String::new();
    dump_parts(
        &mut s,
        &n.cmd.text,
        &flags,
        values.iter().map(|v| v.text.as_str()),
        sub,
    );
    s
}

/// The whole-file dump, one `(…)` line per instruction, as `parser_test.go`
/// compares it (with a trailing newline). Instructions that failed to parse
/// are skipped (BuildKit would have rejected the file).
pub fn dump(df: &Dockerfile) -> String {
    let mut out = String::new();
    for i in df.instructions.iter().filter(|i| i.parsed) {
        let flags: Vec<String> = i
            .flags
            .iter()
            .map(|f| match &f.value {
                Some(v) => super::cat(&["--", &f.name, "=", v]),
                None => super::cat(&["--", &f.name]),
            })
            .collect();
        out.push('(');
        dump_parts(
            &mut out,
            &i.keyword,
            &flags,
            i.arguments.iter().map(|a| a.value.as_str()),
            i.sub.as_deref(),
        );
        out.push_str(")\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_like_go() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("\u{0}\u{7f}\n"), r#""\x00\x7f\n""#);
        assert_eq!(go_quote("♥☃"), "\"♥☃\"");
        assert_eq!(go_quote("\u{ad}\u{feff}"), r#""\u00ad\ufeff""#);
    }
}
