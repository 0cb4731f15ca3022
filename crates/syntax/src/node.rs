//! BuildKit's first layer: one logical line becomes one `Node`.
//!
//! Mirrors `frontend/dockerfile/parser/split_command.go` (`splitCommand`,
//! `extractBuilderFlags`) and `frontend/dockerfile/parser/line_parsers.go`
//! (`parseWords`, `parseNameVal`, `parseNameOrNameVal`,
//! `parseStringsWhitespaceDelimited`, `parseString`, `parseJSON`,
//! `parseMaybeJSON`, `parseMaybeJSONToList`, `parseHealthConfig`,
//! `parseSubCommand`, `parseIgnore`). All positions here are byte offsets into
//! the logical line; the caller maps them back to the source.

use super::cat;
use super::json::{self, JsonArray};

/// One value of the node's `Next` chain, with its logical range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Val {
    pub text: String,
    pub lo: usize,
    pub hi: usize,
}

/// The arguments after the command and flags.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Plain values (`Next` chain of leaf nodes).
    Values(Vec<Val>),
    /// `ONBUILD`: a node whose only child is the trigger instruction.
    Sub(Box<RawNode>),
}

/// A BuildKit `parser.Node` for one instruction.
#[derive(Debug, Clone, PartialEq)]
pub struct RawNode {
    /// The command as written (`Value`); dispatch is case-insensitive.
    pub cmd: Val,
    /// Builder flags as BuildKit reconstructs them (`--name=value`).
    pub flags: Vec<Val>,
    pub next: Next,
    /// `Attributes["json"]`.
    pub json: bool,
    /// Logical range of the argument text after the flags.
    pub args_lo: usize,
    pub args_hi: usize,
}

/// Go's `unicode.IsSpace` applied to a single byte (`rune(line[pos])`), as the
/// byte-wise loops in `split_command.go` and `parseHealthConfig` do.
pub(crate) fn is_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xA0)
}

/// `reWhitespace` / `tokenWhitespace` = `[\t\v\f\r ]+`.
fn is_re_ws(b: u8) -> bool {
    matches!(b, b'\t' | 0x0b | 0x0c | b'\r' | b' ')
}

/// `strings.TrimSpace` on `line[lo..hi]`, returning the trimmed range.
pub(crate) fn trim_range(line: &str, lo: usize, hi: usize) -> (usize, usize) {
    let s = &line[lo..hi];
    let start = lo + (s.len() - s.trim_start().len());
    let end = lo + s.trim_end().len();
    (start, end.max(start))
}

/// Advances `i` to the next char boundary (Go happily slices mid-rune; we
/// cannot, so a cut inside a rune moves forward to the next rune).
fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Longer than any instruction keyword (`healthcheck`, 11 bytes).
pub(crate) const KW_MAX: usize = 12;

/// `kw` in ASCII lower case, in `buf`, without allocating; `" "` (which no
/// keyword matches) when too long to be a keyword.
pub(crate) fn lower_keyword<'b>(kw: &str, buf: &'b mut [u8; KW_MAX]) -> &'b str {
    let Some(dst) = buf.get_mut(..kw.len()) else {
        return " ";
    };
    dst.copy_from_slice(kw.as_bytes());
    dst.make_ascii_lowercase();
    core::str::from_utf8(dst).unwrap_or("")
}

/// `newNodeFromLine` on `line[lo..hi]`; `escape` is the directive's token.
pub fn node_from_line(line: &str, lo: usize, hi: usize, escape: char) -> Result<RawNode, String> {
    // splitCommand: TrimSpace, then split once on tokenWhitespace.
    let (lo, hi) = trim_range(line, lo, hi);
    let b = line.as_bytes();
    let mut cmd_end = lo;
    while cmd_end < hi && !is_re_ws(b[cmd_end]) {
        cmd_end += 1;
    }
    let cmd = Val {
        text: line[lo..cmd_end].to_string(),
        lo,
        hi: cmd_end,
    };
    let mut rest = cmd_end;
    while rest < hi && is_re_ws(b[rest]) {
        rest += 1;
    }
    let (flags, args_lo) = if cmd_end < hi {
        extract_builder_flags(line, rest, hi)
    } else {
        (Vec::new(), hi)
    };
    let (args_lo, args_hi) = trim_range(line, args_lo, hi);
    let args = &line[args_lo..args_hi];
    let mut buf = [0u8; KW_MAX];
    let (next, json) = match lower_keyword(&cmd.text, &mut buf) {
        "add" | "copy" | "volume" => parse_maybe_json_to_list(args, args_lo)?,
        "arg" => (Next::Values(parse_words(args, args_lo, escape)), false),
        "cmd" | "entrypoint" | "run" | "shell" => parse_maybe_json(args, args_lo)?,
        "env" => (
            Next::Values(parse_name_val(args, args_lo, "ENV", escape)?),
            false,
        ),
        "label" => (
            Next::Values(parse_name_val(args, args_lo, "LABEL", escape)?),
            false,
        ),
        "expose" | "from" => (Next::Values(split_ws(args, args_lo)), false),
        "healthcheck" => parse_health_config(args, args_lo)?,
        "maintainer" | "stopsignal" | "user" | "workdir" => {
            (Next::Values(parse_string(args, args_lo)), false)
        }
        "onbuild" => {
            if args.is_empty() {
                (Next::Values(Vec::new()), false)
            } else {
                (
                    Next::Sub(Box::new(node_from_line(line, args_lo, args_hi, escape)?)),
                    false,
                )
            }
        }
        // parseIgnore: unknown instructions keep one empty value node.
        _ => (
            Next::Values(vec![Val {
                text: String::new(),
                lo: args_lo,
                hi: args_lo,
            }]),
            false,
        ),
    };
    Ok(RawNode {
        cmd,
        flags,
        next,
        json,
        args_lo,
        args_hi,
    })
}

/// `extractBuilderFlags`: leading `--flag[=value]` words (quotes and `\`
/// handled byte-wise, exactly like Go's loop). Returns the flags and the
/// offset where the arguments start.
fn extract_builder_flags(line: &str, lo: usize, hi: usize) -> (Vec<Val>, usize) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let b = line.as_bytes();
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut word_lo = lo;
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = lo;
    while pos <= hi {
        let ch = if pos < hi { b[pos] } else { 0 };
        if phase == Phase::Spaces {
            if pos == hi {
                break;
            }
            if is_space_byte(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || pos + 1 == hi || b[pos + 1] != b'-' {
                return (words, ceil_boundary(line, pos));
            }
            phase = Phase::Word;
            word_lo = pos;
        }
        if pos == hi {
            if word != "--" && (blank_ok || !word.is_empty()) {
                words.push(Val {
                    text: word,
                    lo: word_lo,
                    hi,
                });
            }
            break;
        }
        if phase == Phase::Word {
            if is_space_byte(ch) {
                phase = Phase::Spaces;
                if word == "--" {
                    return (words, ceil_boundary(line, pos));
                }
                if blank_ok || !word.is_empty() {
                    // Go splits on a space *byte*, which may sit inside a
                    // rune (`Ņ` is C5 85); the span ends after that rune.
                    words.push(Val {
                        text: core::mem::take(&mut word),
                        lo: word_lo,
                        hi: ceil_boundary(line, pos),
                    });
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
        } else if ch == quote {
            // Phase::Quote
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        // Shared by both phases: `\` escapes the next byte; a trailing `\`
        // is dropped (and ends a quote).
        let mut ch = ch;
        if ch == b'\\' {
            if pos + 1 == hi {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            ch = b[pos];
        }
        // Go appends `string(rune(byte))`: each byte becomes a Latin-1 char.
        word.push(ch as char);
        pos += 1;
    }
    (words, hi)
}

/// `parseWords`: split on whitespace keeping quotes, honouring the escape token.
pub fn parse_words(rest: &str, base: usize, escape: char) -> Vec<Val> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut sb = String::new();
    let mut start = 0;
    let mut pos = 0;
    // The char at `pos` and the offset just past it.
    let at = |pos: usize| rest[pos..].chars().next().map(|c| (c, pos + c.len_utf8()));
    loop {
        let cur = at(pos);
        if phase == Phase::Spaces {
            let Some((ch, next)) = cur else { break };
            if ch.is_whitespace() {
                pos = next;
                continue;
            }
            phase = Phase::Word;
            start = pos;
        }
        let Some((ch, next)) = cur else {
            if blank_ok || !sb.is_empty() {
                words.push(Val {
                    text: core::mem::take(&mut sb),
                    lo: base + start,
                    hi: base + pos,
                });
            }
            break;
        };
        if phase == Phase::Word {
            if ch.is_whitespace() {
                phase = Phase::Spaces;
                if blank_ok || !sb.is_empty() {
                    words.push(Val {
                        text: core::mem::take(&mut sb),
                        lo: base + start,
                        hi: base + pos,
                    });
                }
                blank_ok = false;
                pos = next;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
        } else if ch == quote {
            // Phase::Quote
            phase = Phase::Word;
        }
        pos = next;
        if ch == escape && (phase == Phase::Word || quote != '\'') {
            // An escape token at the end of the line is dropped (and ends a quote).
            let Some((escaped, after)) = at(pos) else {
                phase = Phase::Word;
                continue;
            };
            sb.push(ch);
            sb.push(escaped);
            pos = after;
            continue;
        }
        sb.push(ch);
    }
    words
}

/// `parseNameVal` (ENV, LABEL): `KEY value` (legacy) or `k=v k2=v2`.
/// Produces BuildKit's key/value/separator triples.
fn parse_name_val(rest: &str, base: usize, key: &str, escape: char) -> Result<Vec<Val>, String> {
    let words = parse_words(rest, base, escape);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    if !words[0].text.contains('=') {
        // reWhitespace.Split(rest, 2)
        let b = rest.as_bytes();
        let Some(ws) = b.iter().position(|c| is_re_ws(*c)) else {
            return Err(cat(&[key, " must have two arguments"]));
        };
        let mut v = ws;
        while v < b.len() && is_re_ws(b[v]) {
            v += 1;
        }
        let end = base + rest.len();
        return Ok(vec![
            Val {
                text: rest[..ws].to_string(),
                lo: base,
                hi: base + ws,
            },
            Val {
                text: rest[v..].to_string(),
                lo: base + v,
                hi: end,
            },
            Val {
                text: String::new(),
                lo: end,
                hi: end,
            },
        ]);
    }
    let mut out = Vec::with_capacity(words.len() * 3);
    for w in words {
        let Some((k, v)) = w.text.split_once('=') else {
            let q = super::dump::go_quote(&w.text);
            return Err(cat(&[
                "Syntax error - can't find = in ",
                &q,
                ". Must be of the form: name=value",
            ]));
        };
        out.push(Val {
            text: k.to_string(),
            lo: w.lo,
            hi: w.hi,
        });
        out.push(Val {
            text: v.to_string(),
            lo: w.lo,
            hi: w.hi,
        });
        out.push(Val {
            text: "=".to_string(),
            lo: w.lo,
            hi: w.hi,
        });
    }
    Ok(out)
}

/// `parseStringsWhitespaceDelimited`.
fn split_ws(rest: &str, base: usize) -> Vec<Val> {
    let b = rest.as_bytes();
    let mut out = Vec::new();
    if rest.is_empty() {
        return out;
    }
    let mut i = 0;
    loop {
        let s = i;
        while i < b.len() && !is_re_ws(b[i]) {
            i += 1;
        }
        out.push(Val {
            text: rest[s..i].to_string(),
            lo: base + s,
            hi: base + i,
        });
        if i >= b.len() {
            break;
        }
        while i < b.len() && is_re_ws(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            // regexp.Split yields a trailing empty string; BuildKit keeps it
            out.push(Val {
                text: String::new(),
                lo: base + i,
                hi: base + i,
            });
            break;
        }
    }
    out
}

/// `parseString`.
fn parse_string(rest: &str, base: usize) -> Vec<Val> {
    if rest.is_empty() {
        return Vec::new();
    }
    vec![Val {
        text: rest.to_string(),
        lo: base,
        hi: base + rest.len(),
    }]
}

const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// `parseJSON`; `Ok(None)` means "not JSON, fall back".
fn parse_json(rest: &str, base: usize) -> Result<Option<Vec<Val>>, String> {
    let trimmed = rest.trim_start();
    if !trimmed.starts_with('[') {
        return Ok(None);
    }
    let off = base + rest.len() - trimmed.len();
    match json::parse_array(trimmed) {
        JsonArray::Strings(v) => Ok(Some(
            v.into_iter()
                .map(|(text, a, b)| Val {
                    text,
                    lo: off + a,
                    hi: off + b,
                })
                .collect(),
        )),
        JsonArray::NotStringArray => Err(NOT_STRING_ARRAY.to_string()),
        JsonArray::NotJson => Ok(None),
    }
}

/// `parseMaybeJSON`.
fn parse_maybe_json(rest: &str, base: usize) -> Result<(Next, bool), String> {
    if rest.is_empty() {
        return Ok((Next::Values(Vec::new()), false));
    }
    Ok(match parse_json(rest, base)? {
        Some(v) => (Next::Values(v), true),
        None => (Next::Values(parse_string(rest, base)), false),
    })
}

/// `parseMaybeJSONToList`.
fn parse_maybe_json_to_list(rest: &str, base: usize) -> Result<(Next, bool), String> {
    Ok(match parse_json(rest, base)? {
        Some(v) => (Next::Values(v), true),
        None => (Next::Values(split_ws(rest, base)), false),
    })
}

/// `parseHealthConfig`: a type word, then `parseMaybeJSON` of the rest.
fn parse_health_config(rest: &str, base: usize) -> Result<(Next, bool), String> {
    let b = rest.as_bytes();
    let mut sep = 0;
    while sep < b.len() && !is_space_byte(b[sep]) {
        sep += 1;
    }
    let mut next = sep;
    while next < b.len() && is_space_byte(b[next]) {
        next += 1;
    }
    if sep == 0 {
        return Ok((Next::Values(Vec::new()), false));
    }
    let sep_c = ceil_boundary(rest, sep);
    let next_c = ceil_boundary(rest, next);
    let mut vals = vec![Val {
        text: rest[..sep_c].to_string(),
        lo: base,
        hi: base + sep_c,
    }];
    let (cmd, json) = parse_maybe_json(&rest[next_c..], base + next_c)?;
    if let Next::Values(v) = cmd {
        vals.extend(v);
    }
    Ok((Next::Values(vals), json))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(v: &[Val]) -> Vec<&str> {
        v.iter().map(|v| v.text.as_str()).collect()
    }

    #[test]
    fn flags_pass() {
        let line = "COPY --from=build --chown='a b' -- src dst";
        let n = node_from_line(line, 0, line.len(), '\\').unwrap();
        assert_eq!(texts(&n.flags), ["--from=build", "--chown=a b"]);
        assert_eq!(&line[n.flags[1].lo..n.flags[1].hi], "--chown='a b'");
        let Next::Values(v) = &n.next else { panic!() };
        assert_eq!(texts(v), ["src", "dst"]);
    }

    #[test]
    fn words_pass() {
        let w = parse_words(r#"a="b c" d\ e 'f\'"#, 0, '\\');
        assert_eq!(texts(&w), [r#"a="b c""#, r"d\ e", r"'f\'"]);
    }

    #[test]
    fn name_val_fail() {
        assert_eq!(
            parse_name_val("PATH", 0, "ENV", '\\').unwrap_err(),
            "ENV must have two arguments"
        );
        assert!(parse_name_val("a=b c", 0, "ENV", '\\')
            .unwrap_err()
            .contains("can't find = in \"c\""));
    }

    #[test]
    fn json_fail() {
        let line = r#"CMD [ "echo", [ "nested json" ] ]"#;
        assert_eq!(
            node_from_line(line, 0, line.len(), '\\').unwrap_err(),
            NOT_STRING_ARRAY
        );
    }
}
