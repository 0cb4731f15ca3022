//! Syntax colouring for the editor overlay (not a component): one line in,
//! classed text segments out. Segments become text nodes inside `<span>`s,
//! never HTML.

/// One run of text with its token class and whether a finding underlines it.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub class: &'static str,
    pub diag: bool,
    pub text: String,
}

const PLAIN: u8 = 0;
const KW: u8 = 1;
const FLAG: u8 = 2;
const STR: u8 = 3;
const VAR: u8 = 4;
const CMT: u8 = 5;

fn class_name(c: u8) -> &'static str {
    ["", "t-kw", "t-flag", "t-str", "t-var", "t-cmt"][c as usize]
}

/// Whether `line` continues on the next one (ends with a backslash).
pub fn continues(line: &str) -> bool {
    line.trim_end().ends_with('\\')
}

/// Segments of `line` (without its line ending). `continued`: the previous
/// line ended with a continuation. `diag`: byte ranges within the line that
/// a finding covers.
pub fn segments(line: &str, continued: bool, diag: &[(usize, usize)]) -> Vec<Segment> {
    let b = line.as_bytes();
    let mut class = vec![PLAIN; b.len()];
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    if b.get(start) == Some(&b'#') {
        class[start..].fill(CMT);
    } else {
        let mut i = start;
        if !continued {
            while i < b.len() && b[i].is_ascii_alphabetic() {
                class[i] = KW;
                i += 1;
            }
        }
        while i < b.len() {
            let c = b[i];
            let word_start = i == 0 || b[i - 1].is_ascii_whitespace();
            if c == b'-' && word_start && b.get(i + 1) == Some(&b'-') {
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' {
                    class[i] = FLAG;
                    i += 1;
                }
            } else if c == b'"' || c == b'\'' {
                class[i] = STR;
                i += 1;
                while i < b.len() {
                    class[i] = STR;
                    if b[i] == b'\\' && c == b'"' && i + 1 < b.len() {
                        class[i + 1] = STR;
                        i += 2;
                        continue;
                    }
                    i += 1;
                    if b[i - 1] == c {
                        break;
                    }
                }
            } else if c == b'$'
                && i + 1 < b.len()
                && (b[i + 1] == b'{' || b[i + 1] == b'_' || b[i + 1].is_ascii_alphabetic())
            {
                class[i] = VAR;
                i += 1;
                if b[i] == b'{' {
                    while i < b.len() {
                        class[i] = VAR;
                        i += 1;
                        if b[i - 1] == b'}' {
                            break;
                        }
                    }
                } else {
                    while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric()) {
                        class[i] = VAR;
                        i += 1;
                    }
                }
            } else {
                i += 1;
            }
        }
    }
    let mut marked = vec![false; b.len()];
    for &(s, e) in diag {
        marked[s.min(b.len())..e.min(b.len())].fill(true);
    }
    let mut out: Vec<Segment> = Vec::new();
    let mut run = 0;
    for i in 1..=b.len() {
        let boundary = i == b.len() || class[i] != class[run] || marked[i] != marked[run];
        if boundary && line.is_char_boundary(i) {
            out.push(Segment {
                class: class_name(class[run]),
                diag: marked[run],
                text: line[run..i].to_string(),
            });
            run = i;
        }
    }
    out
}
