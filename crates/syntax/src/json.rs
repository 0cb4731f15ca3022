//! The JSON (exec) form: `["a", "b"]`.
//!
//! BuildKit (`frontend/dockerfile/parser/line_parsers.go`, `parseJSON`) trims
//! leading whitespace, requires a leading `[`, and hands the rest to Go's
//! `encoding/json` into `[]any`. So: the whole text must be one valid JSON value
//! (any nesting, trailing whitespace allowed); if it is valid but an element is
//! not a string, the instruction is an error (`errDockerfileNotStringArray`);
//! if it is not valid JSON, the line falls back to the shell form.

/// Outcome of trying the JSON form.
#[derive(Debug, PartialEq)]
pub enum JsonArray {
    /// Valid array of strings: decoded values with their byte ranges
    /// (quotes included) relative to the input.
    Strings(Vec<(String, usize, usize)>),
    /// Valid JSON array, but an element is not a string.
    NotStringArray,
    /// Not a JSON array at all: use the shell form.
    NotJson,
}

const WS: &[u8] = b" \t\n\r";

/// Parses `s` as BuildKit's `parseJSON` would.
pub fn parse_array(s: &str) -> JsonArray {
    let b = s.as_bytes();
    let mut p = Parser { b, pos: 0 };
    p.ws();
    if p.peek() != Some(b'[') {
        return JsonArray::NotJson;
    }
    p.pos += 1;
    let mut out = Vec::new();
    let mut all_strings = true;
    p.ws();
    if p.peek() == Some(b']') {
        p.pos += 1;
    } else {
        loop {
            p.ws();
            let start = p.pos;
            if p.peek() == Some(b'"') {
                match p.string() {
                    Some(v) => out.push((v, start, p.pos)),
                    None => return JsonArray::NotJson,
                }
            } else {
                all_strings = false;
                if p.value(0).is_none() {
                    return JsonArray::NotJson;
                }
            }
            p.ws();
            match p.peek() {
                Some(b',') => p.pos += 1,
                Some(b']') => {
                    p.pos += 1;
                    break;
                }
                _ => return JsonArray::NotJson,
            }
        }
    }
    p.ws();
    if p.pos != b.len() {
        return JsonArray::NotJson;
    }
    if all_strings {
        JsonArray::Strings(out)
    } else {
        JsonArray::NotStringArray
    }
}

struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }
    fn ws(&mut self) {
        while self.peek().is_some_and(|c| WS.contains(&c)) {
            self.pos += 1;
        }
    }
    /// Validates any JSON value. Depth is bounded (Go's decoder stops at 10000).
    fn value(&mut self, depth: u32) -> Option<()> {
        if depth > 10_000 {
            return None;
        }
        self.ws();
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'[' | b'{' => {
                let obj = self.peek() == Some(b'{');
                let close = if obj { b'}' } else { b']' };
                self.pos += 1;
                self.ws();
                if self.peek() == Some(close) {
                    self.pos += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    if obj {
                        if self.peek() != Some(b'"') {
                            return None;
                        }
                        self.string()?;
                        self.ws();
                        if self.peek() != Some(b':') {
                            return None;
                        }
                        self.pos += 1;
                    }
                    self.value(depth + 1)?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        c if c == close => {
                            self.pos += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b't' => self.lit(b"true"),
            b'f' => self.lit(b"false"),
            b'n' => self.lit(b"null"),
            _ => self.number(),
        }
    }
    fn lit(&mut self, l: &[u8]) -> Option<()> {
        if self.b[self.pos..].starts_with(l) {
            self.pos += l.len();
            Some(())
        } else {
            None
        }
    }
    fn digits(&mut self) -> usize {
        let s = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - s
    }
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(())
    }
    fn hex4(&mut self) -> Option<u32> {
        let h = self.b.get(self.pos..self.pos + 4)?;
        let v = super::parse_uint(core::str::from_utf8(h).ok()?, 16)? as u32;
        self.pos += 4;
        Some(v)
    }
    /// Decodes a string the way Go's `encoding/json` does (lone surrogates
    /// become U+FFFD). Raw control characters are invalid.
    fn string(&mut self) -> Option<String> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // `b` came from a &str and we stopped on ASCII, so this is valid UTF-8.
            out.push_str(core::str::from_utf8(&self.b[start..self.pos]).ok()?);
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.pos += 1;
                    let e = self.peek()?;
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let u = self.hex4()?;
                            if (0xD800..0xDC00).contains(&u) {
                                // try a following low surrogate
                                let save = self.pos;
                                if self.b[self.pos..].starts_with(b"\\u") {
                                    self.pos += 2;
                                    if let Some(l) = self.hex4() {
                                        if (0xDC00..0xE000).contains(&l) {
                                            let c = 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00);
                                            out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                                            continue;
                                        }
                                    }
                                }
                                self.pos = save;
                                out.push('\u{FFFD}');
                            } else {
                                out.push(char::from_u32(u).unwrap_or('\u{FFFD}'));
                            }
                        }
                        _ => return None,
                    }
                }
                _ => return None, // control character
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &str) -> Vec<String> {
        match parse_array(s) {
            JsonArray::Strings(v) => v.into_iter().map(|x| x.0).collect(),
            other => panic!("{s:?}: {other:?}"),
        }
    }

    #[test]
    fn pass() {
        assert_eq!(strings("[]"), Vec::<String>::new());
        assert_eq!(strings(" [ \"a\" , \"b\" ] "), ["a", "b"]);
        assert_eq!(
            strings(r#"["\" \\ \/ \b \f \n \r \t \u0000"]"#),
            ["\" \\ / \u{8} \u{c} \n \r \t \0"]
        );
        assert_eq!(strings(r#"["\ud83d\ude00", "\ud800"]"#), ["😀", "\u{FFFD}"]);
        assert_eq!(parse_array(r#"["a", ["b"]]"#), JsonArray::NotStringArray);
        assert_eq!(
            parse_array(r#"["a", {"b": [1, 2.5e3, true, null]}]"#),
            JsonArray::NotStringArray
        );
    }

    #[test]
    fn fail() {
        for s in [
            "",
            "a",
            "[",
            "[\"a\"",
            "['a']",
            "[\"a\",]",
            "[\"a\"] x",
            "[\"\t\"]",
            "[01]",
            "[\"\\x\"]",
        ] {
            assert_eq!(parse_array(s), JsonArray::NotJson, "{s:?}");
        }
    }

    #[test]
    fn ranges_cover_quotes() {
        let JsonArray::Strings(v) = parse_array(r#"[ "ab", "c" ]"#) else {
            panic!()
        };
        assert_eq!((v[0].1, v[0].2), (2, 6));
        assert_eq!((v[1].1, v[1].2), (8, 11));
    }
}
