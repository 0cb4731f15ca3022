//! Shell-style word processing and variable expansion, after BuildKit's
//! `frontend/dockerfile/shell/lex.go` (`Lex.process`, `processStopOn`,
//! `processSingleQuote`, `processDoubleQuote`, `processDollar`, `processName`).
//!
//! Two uses: the parser needs `ProcessWords` with `RawQuotes`, `RawEscapes` and
//! `SkipUnsetEnv` to find heredoc markers (`parser.go`, `heredocsFromLine`), and
//! callers get [`expand`] / [`expand_words`] with BuildKit's `$v`, `${v}`,
//! `${v:-w}`, `${v:+w}`, `${v:?w}`, `${v#p}`, `${v%p}` and `${v/p/r}` semantics.
//!
//! Expansion is where a small file can ask for unbounded work: each line of
//! `ENV A1=${A0}${A0}`, `ENV A2=${A1}${A1}`, … doubles the value, so 26
//! such lines would make 640 MiB. [`expand_limited`] is the bounded form the
//! model uses: one word's expansion stops at [`MAX_EXPANSION`] bytes, and
//! all the expansions of a file share one budget of work,
//! [`EXPANSION_BUDGET`], which also bounds the pattern matching of
//! `${v#p}`, `${v%p}` and `${v/p/r}` (quadratic and worse in the value's
//! length).
//!
//! Invariant: the model expands only through [`expand_limited`], so no
//! file makes it do more than [`EXPANSION_BUDGET`] of work; a value cut at
//! a bound is flagged (`truncated`), which the model makes a diagnostic.

/// The most bytes one expanded word may hold: 1 MiB, far above any real
/// value (a `PATH` is a few hundred bytes). Past it the expansion stops and
/// keeps what it has, a prefix of the full value.
pub const MAX_EXPANSION: usize = 1 << 20;

/// The work all the expansions of one file may do together: 64 Mi units,
/// one per byte a variable adds to a word or is read for (`${v:+w}` reads
/// `v` without adding it) and one per step of pattern matching. The cap per
/// word alone would still let n lines of a doubling chain cost n MiB each;
/// with the budget a file's expansions cost at most about 64 MiB of copying,
/// well under a second. When it is spent, every later expansion stops at
/// its first variable.
pub const EXPANSION_BUDGET: usize = 1 << 26;

/// The bounds one [`expand_limited`] call works within.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Variables stop adding to a word that holds this many bytes (its
    /// literal text is never refused).
    pub max_len: usize,
    /// What is left of the file's budget; the call takes its work out of it.
    pub budget: usize,
}

impl Limits {
    /// No bounds: the parser's own lexing, whose output is its input.
    const NONE: Limits = Limits {
        max_len: usize::MAX,
        budget: usize::MAX,
    };
}

/// Options mirroring the fields of BuildKit's `shell.Lex`.
#[derive(Debug, Clone, Copy)]
pub struct LexOptions {
    /// The escape character: `\` or `` ` `` (the `# escape=` directive).
    pub escape: char,
    /// Keep quote characters in the output.
    pub raw_quotes: bool,
    /// Keep escape characters in the output.
    pub raw_escapes: bool,
    /// Leave `$unset` references as written instead of expanding to "".
    pub skip_unset_env: bool,
    /// Treat `<<` plus following blanks as part of a word (heredoc markers,
    /// `processPossibleHeredoc` in newer `lex.go`).
    pub heredoc_words: bool,
}

impl Default for LexOptions {
    fn default() -> Self {
        LexOptions {
            escape: '\\',
            raw_quotes: false,
            raw_escapes: false,
            skip_unset_env: false,
            heredoc_words: false,
        }
    }
}

/// The result of processing one word: the joined text and the split words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Processed {
    pub result: String,
    pub words: Vec<String>,
}

/// Expands variables and removes quotes in `word` (BuildKit `ProcessWord`).
/// `env` looks a name up; `None` means unset.
pub fn expand(
    word: &str,
    escape: char,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let opts = LexOptions {
        escape,
        ..LexOptions::default()
    };
    process(word, opts, env).map(|p| p.result)
}

/// Like [`expand`], within `limits`: the value and whether it was truncated
/// (cut at `limits.max_len` bytes, or where the budget ran out). Truncation
/// is not an error: the value is then the prefix of the full expansion that
/// fits, and the caller reports it. `limits.budget` keeps what is left.
pub fn expand_limited(
    word: &str,
    escape: char,
    env: &dyn Fn(&str) -> Option<String>,
    limits: &mut Limits,
) -> Result<(String, bool), String> {
    let opts = LexOptions {
        escape,
        ..LexOptions::default()
    };
    let mut sw = ShellWord::new(word, opts, env, *limits);
    sw.want_words = false;
    let r = sw.process_stop_on(None, false);
    limits.budget = sw.limits.budget;
    r.map(|(result, _)| (result, sw.truncated))
}

/// Like [`expand`] but split into words on unquoted whitespace (`ProcessWords`).
pub fn expand_words(
    word: &str,
    escape: char,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<String>, String> {
    let opts = LexOptions {
        escape,
        ..LexOptions::default()
    };
    process(word, opts, env).map(|p| p.words)
}

/// Runs the lexer over `word` with the given options.
pub fn process(
    word: &str,
    opts: LexOptions,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Processed, String> {
    let mut sw = ShellWord::new(word, opts, env, Limits::NONE);
    let (result, words) = sw.process_stop_on(None, opts.raw_escapes)?;
    Ok(Processed { result, words })
}

/// `wordsStruct` in lex.go: accumulates whitespace-separated words.
#[derive(Default)]
struct Words {
    word: String,
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, ch: char) {
        if ch.is_whitespace() && self.in_word {
            if !self.word.is_empty() {
                self.words.push(core::mem::take(&mut self.word));
                self.in_word = false;
            }
        } else if !ch.is_whitespace() {
            self.add_raw_char(ch);
        }
    }
    fn add_raw_char(&mut self, ch: char) {
        self.word.push(ch);
        self.in_word = true;
    }
    fn add_string(&mut self, s: &str) {
        s.chars().for_each(|c| self.add_char(c));
    }
    fn add_raw_string(&mut self, s: &str) {
        self.word.push_str(s);
        self.in_word = true;
    }
    fn get_words(mut self) -> Vec<String> {
        if !self.word.is_empty() {
            self.words.push(self.word);
        }
        self.words
    }
}

struct ShellWord<'a> {
    chars: Vec<char>,
    pos: usize,
    opts: LexOptions,
    env: &'a dyn Fn(&str) -> Option<String>,
    depth: u32,
    limits: Limits,
    /// The expansion stopped at a limit: the rest of the word is dropped.
    truncated: bool,
    /// Whether the split words are needed ([`expand_limited`] only wants
    /// the joined text).
    want_words: bool,
}

impl<'a> ShellWord<'a> {
    fn new(
        word: &str,
        opts: LexOptions,
        env: &'a dyn Fn(&str) -> Option<String>,
        limits: Limits,
    ) -> Self {
        ShellWord {
            chars: word.chars().collect(),
            pos: 0,
            opts,
            env,
            depth: 0,
            limits,
            truncated: false,
            want_words: true,
        }
    }

    /// The part of `piece` that may join a text of `have` bytes: within the
    /// word's cap and the budget, cut at a char boundary. Dropping any of it
    /// truncates the word.
    fn fit<'p>(&mut self, have: usize, piece: &'p str) -> &'p str {
        let room = self.limits.max_len.saturating_sub(have);
        let mut n = piece.len().min(room).min(self.limits.budget);
        while !piece.is_char_boundary(n) {
            n -= 1;
        }
        if n < piece.len() {
            self.truncated = true;
        }
        self.limits.budget -= n;
        &piece[..n]
    }

    /// Looks a variable up, paying for the bytes read. Once the budget is
    /// spent the word is truncated and nothing more is looked up (a lookup
    /// copies the value).
    fn lookup(&mut self, name: &str) -> Option<String> {
        if self.limits.budget == 0 {
            self.truncated = true;
            return Some(String::new());
        }
        let v = (self.env)(name)?;
        match self.limits.budget.checked_sub(v.len()) {
            Some(left) => self.limits.budget = left,
            None => {
                self.limits.budget = 0;
                self.truncated = true;
                return Some(String::new());
            }
        }
        Some(v)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// `processStopOn`: process until `stop` (or the end when `None`).
    fn process_stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Result<(String, Vec<String>), String> {
        // Nested `${…}` recursion is bounded so hostile input cannot blow the stack.
        self.depth += 1;
        if self.depth > 200 {
            return Err("syntax error: nesting too deep".into());
        }
        let saved = self.opts.raw_escapes;
        self.opts.raw_escapes = raw_escapes;
        let r = self.stop_on_inner(stop);
        self.opts.raw_escapes = saved;
        self.depth -= 1;
        r
    }

    fn stop_on_inner(&mut self, stop: Option<char>) -> Result<(String, Vec<String>), String> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(ch) = self.peek() {
            if self.truncated {
                return Ok((result, words.get_words()));
            }
            if Some(ch) == stop {
                self.pos += 1;
                return Ok((result, words.get_words()));
            }
            let special = match ch {
                '$' => Some(self.process_dollar()?),
                '\'' => Some(self.process_single_quote()?),
                '"' => Some(self.process_double_quote()?),
                '<' if self.opts.heredoc_words => Some(self.process_possible_heredoc()),
                _ => None,
            };
            if let Some(tmp) = special {
                let tmp = self.fit(result.len(), &tmp);
                result.push_str(tmp);
                if !self.want_words {
                    continue;
                }
                if ch == '$' {
                    words.add_string(tmp);
                } else {
                    words.add_raw_string(tmp);
                }
                continue;
            }
            let mut ch = self.next().unwrap_or(ch);
            if ch == self.opts.escape {
                if self.opts.raw_escapes {
                    words.add_raw_char(ch);
                    result.push(ch);
                }
                // the escape escapes the next char, except at the end
                match self.next() {
                    None => break,
                    Some(c) => ch = c,
                }
                words.add_raw_char(ch);
            } else {
                words.add_char(ch);
            }
            result.push(ch);
        }
        if let Some(s) = stop {
            let mut buf = [0u8; 4];
            return Err(super::cat(&[
                "unexpected end of statement while looking for matching ",
                s.encode_utf8(&mut buf),
            ]));
        }
        Ok((result, words.get_words()))
    }

    fn process_possible_heredoc(&mut self) -> String {
        self.pos += 1;
        if self.peek() != Some('<') {
            return "<".into();
        }
        self.pos += 1;
        let mut s = String::from("<<");
        while let Some(c) = self.peek().filter(|c| *c == ' ' || *c == '\t') {
            s.push(c);
            self.pos += 1;
        }
        s
    }

    fn process_single_quote(&mut self) -> Result<String, String> {
        let mut result = String::new();
        let q = self.next().unwrap_or('\'');
        if self.opts.raw_quotes {
            result.push(q);
        }
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .into(),
                    )
                }
                Some('\'') => {
                    if self.opts.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn process_double_quote(&mut self) -> Result<String, String> {
        let mut result = String::new();
        let q = self.next().unwrap_or('"');
        if self.opts.raw_quotes {
            result.push(q);
        }
        loop {
            if self.truncated {
                return Ok(result);
            }
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    )
                }
                Some('"') => {
                    self.pos += 1;
                    if self.opts.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let v = self.process_dollar()?;
                    let v = self.fit(result.len(), &v);
                    result.push_str(v);
                }
                Some(_) => {
                    let mut ch = self.next().unwrap_or('\0');
                    if ch == self.opts.escape {
                        if self.opts.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some(c) if c == '"' || c == '$' || c == self.opts.escape => {
                                ch = c;
                                self.pos += 1;
                            }
                            _ => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    /// `processName`: an alphanumeric/underscore name, a run of digits, or one
    /// special parameter.
    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && ch.is_numeric() {
                while let Some(d) = self.peek().filter(|c| c.is_numeric()) {
                    name.push(d);
                    self.pos += 1;
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.pos += 1;
                return ch.to_string();
            }
            if !ch.is_alphabetic() && !ch.is_numeric() && ch != '_' {
                break;
            }
            name.push(ch);
            self.pos += 1;
        }
        name
    }

    fn process_dollar(&mut self) -> Result<String, String> {
        self.pos += 1;
        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".into());
            }
            return Ok(match self.lookup(&name) {
                Some(v) => v,
                None if self.opts.skip_unset_env => super::cat(&["$", &name]),
                None => String::new(),
            });
        }
        self.pos += 1;
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            _ => {}
        }
        let name = self.process_name();
        let mut ch = self.next();
        let mut chs: String = ch.map(String::from).unwrap_or_default();
        let mut null_is_unset = false;
        match ch {
            Some('}') => {
                return Ok(match self.lookup(&name) {
                    Some(v) => v,
                    None if self.opts.skip_unset_env => super::cat(&["${", &name, "}"]),
                    None => String::new(),
                })
            }
            Some(':') => {
                null_is_unset = true;
                ch = self.next();
                if let Some(c) = ch {
                    chs.push(c);
                }
            }
            Some('/') => return self.process_replace(&name),
            _ => {}
        }
        match ch {
            Some(m @ ('+' | '-' | '?' | '#' | '%')) => {
                let raw = m == '#' || m == '%';
                let word = match self.process_stop_on(Some('}'), raw) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        return Err(if self.peek().is_none() {
                            "syntax error: missing '}'".into()
                        } else {
                            e
                        })
                    }
                };
                if self.truncated {
                    return Ok(String::new());
                }
                let value = self.lookup(&name);
                if self.opts.skip_unset_env && value.is_none() {
                    return Ok(super::cat(&["${", &name, &chs, &word, "}"]));
                }
                let empty = value
                    .as_deref()
                    .is_none_or(|v| null_is_unset && v.is_empty());
                match m {
                    '-' => Ok(if empty {
                        word
                    } else {
                        value.unwrap_or_default()
                    }),
                    '+' => Ok(if empty { String::new() } else { word }),
                    '?' => match value {
                        None => Err(super::cat(&[
                            &name,
                            ": ",
                            if word.is_empty() {
                                "is not allowed to be unset"
                            } else {
                                &word
                            },
                        ])),
                        Some(v) if null_is_unset && v.is_empty() => Err(super::cat(&[
                            &name,
                            ": ",
                            if word.is_empty() {
                                "is not allowed to be empty"
                            } else {
                                &word
                            },
                        ])),
                        Some(v) => Ok(v),
                    },
                    _ => {
                        let value = value.unwrap_or_default();
                        let (greedy, pat) = match word.strip_prefix(m) {
                            Some(p) => (true, p.to_string()),
                            None => (false, word),
                        };
                        let work = &mut self.limits.budget;
                        let cut = if m == '#' {
                            trim_prefix(&pat, &value, greedy, work)
                        } else {
                            trim_suffix(&pat, &value, greedy, work)
                        };
                        self.truncated |= *work == 0;
                        Ok(cut)
                    }
                }
            }
            _ => Err(super::cat(&[
                "unsupported modifier (",
                &chs,
                ") in substitution",
            ])),
        }
    }

    fn process_replace(&mut self, name: &str) -> Result<String, String> {
        let all = self.peek() == Some('/');
        if all {
            self.pos += 1;
        }
        let pattern = match self.process_stop_on(Some('/'), true) {
            Ok((p, _)) => p,
            Err(e) => {
                return Err(if self.peek().is_none() {
                    "syntax error: missing '/' in ${}".into()
                } else {
                    e
                })
            }
        };
        let repl = match self.process_stop_on(Some('}'), true) {
            Ok((r, _)) => r,
            Err(e) => {
                return Err(if self.peek().is_none() {
                    "syntax error: missing '}'".into()
                } else {
                    e
                })
            }
        };
        if self.truncated {
            return Ok(String::new());
        }
        let Some(value) = self.lookup(name) else {
            return Ok(if self.opts.skip_unset_env {
                super::cat(&["${", name, "/", &pattern, "/", &repl, "}"])
            } else {
                String::new()
            });
        };
        let pat = compile_glob(&pattern);
        // Without a `*` a match is exactly as many chars as the pattern has
        // tokens: one candidate end per position instead of all of them.
        let fixed = (!pat.contains(&Tok::Star)).then_some(pat.len());
        let mut out = String::new();
        let mut i = 0;
        while i <= value.len() {
            // leftmost, longest match at i
            let rest = &value[i..];
            let m = match fixed {
                Some(k) => rest
                    .char_indices()
                    .map(|(j, _)| i + j)
                    .chain(Some(value.len()))
                    .nth(k)
                    .filter(|e| glob_match(&pat, &value[i..*e], &mut self.limits.budget)),
                None => (i..=value.len())
                    .rev()
                    .filter(|e| value.is_char_boundary(*e))
                    .find(|e| glob_match(&pat, &value[i..*e], &mut self.limits.budget)),
            };
            if self.limits.budget == 0 {
                self.truncated = true;
                return Ok(out);
            }
            let next = match m {
                Some(e) if e > i || !pattern.is_empty() => {
                    let r = self.fit(out.len(), &repl);
                    out.push_str(r);
                    if !all {
                        out.push_str(&value[e..]);
                        return Ok(out);
                    }
                    if e > i {
                        i = e;
                        continue;
                    }
                    // an empty match: copy one char and move on
                    rest.chars().next()
                }
                _ => rest.chars().next(),
            };
            match next {
                Some(c) => {
                    out.push(c);
                    i += c.len_utf8();
                }
                None => break,
            }
        }
        Ok(out)
    }
}

/// A compiled shell pattern: `*`, `?`, and literal chars (`\` escapes).
#[derive(Debug, PartialEq)]
enum Tok {
    Star,
    Any,
    Lit(char),
}

fn compile_glob(p: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut it = p.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '*' => out.push(Tok::Star),
            '?' => out.push(Tok::Any),
            '\\' => match it.next() {
                Some(n) => out.push(Tok::Lit(n)),
                None => out.push(Tok::Lit('\\')),
            },
            c => out.push(Tok::Lit(c)),
        }
    }
    out
}

/// Whole-string glob match, iterative with single-star backtracking. Each
/// step takes one unit of `work`; when none is left it answers no, and the
/// caller sees `*work == 0`.
fn glob_match(p: &[Tok], s: &str, work: &mut usize) -> bool {
    // `si` and the star's restart point are byte offsets into `s`.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while let Some(c) = s[si..].chars().next() {
        if *work == 0 {
            return false;
        }
        *work -= 1;
        match p.get(pi) {
            Some(Tok::Any) => {
                pi += 1;
                si += c.len_utf8();
            }
            Some(Tok::Lit(l)) if *l == c => {
                pi += 1;
                si += c.len_utf8();
            }
            Some(Tok::Star) => {
                star = Some((pi, si));
                pi += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    // the star takes one more char
                    let ss = ss + s[ss..].chars().next().map_or(1, char::len_utf8);
                    pi = sp + 1;
                    si = ss;
                    star = Some((sp, ss));
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|t| *t == Tok::Star)
}

fn boundaries(v: &str) -> impl DoubleEndedIterator<Item = usize> + '_ {
    (0..=v.len()).filter(move |i| v.is_char_boundary(*i))
}

/// `${v#p}` / `${v##p}`: remove the shortest / longest matching prefix.
fn trim_prefix(pat: &str, value: &str, greedy: bool, work: &mut usize) -> String {
    let p = compile_glob(pat);
    let mut matches = |e: &usize| glob_match(&p, &value[..*e], work);
    let cut = if greedy {
        boundaries(value).rev().find(&mut matches)
    } else {
        boundaries(value).find(&mut matches)
    };
    cut.map_or_else(|| value.to_string(), |e| value[e..].to_string())
}

/// `${v%p}` / `${v%%p}`: remove the shortest / longest matching suffix.
fn trim_suffix(pat: &str, value: &str, greedy: bool, work: &mut usize) -> String {
    let p = compile_glob(pat);
    let mut matches = |s: &usize| glob_match(&p, &value[*s..], work);
    let cut = if greedy {
        boundaries(value).find(&mut matches)
    } else {
        boundaries(value).rev().find(&mut matches)
    };
    cut.map_or_else(|| value.to_string(), |s| value[..s].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "v" => Some("value".into()),
            "e" => Some(String::new()),
            "p" => Some("/usr/local/bin".into()),
            _ => None,
        }
    }

    #[test]
    fn pass() {
        let cases = [
            ("$v", "value"),
            ("${v}", "value"),
            ("a${v}b", "avalueb"),
            ("$unset", ""),
            ("${unset:-w}", "w"),
            ("${e:-w}", "w"),
            ("${e-w}", ""),
            ("${v:-w}", "value"),
            ("${v:+w}", "w"),
            ("${unset:+w}", ""),
            ("${e+w}", "w"),
            ("'$v'", "$v"),
            ("\"$v\"", "value"),
            ("\\$v", "$v"),
            ("$", "$"),
            ("${p#*/}", "usr/local/bin"),
            ("${p##*/}", "bin"),
            ("${p%/*}", "/usr/local"),
            ("${p%%/*}", ""),
            ("${p/local/opt}", "/usr/opt/bin"),
            ("${p//\\//:}", ":usr:local:bin"),
        ];
        for (input, want) in cases {
            assert_eq!(expand(input, '\\', &env).as_deref(), Ok(want), "{input}");
        }
        assert_eq!(expand("`$v", '`', &env).as_deref(), Ok("$v"));
        assert_eq!(
            expand_words("a \"b c\" $v", '\\', &env).unwrap(),
            ["a", "b c", "value"]
        );
    }

    #[test]
    fn fail() {
        for input in [
            "${",
            "${}",
            "${:x}",
            "${v",
            "'abc",
            "\"abc",
            "${e:?}",
            "${unset?msg}",
            "${v!x}",
        ] {
            assert!(expand(input, '\\', &env).is_err(), "{input}");
        }
    }

    /// [`expand_limited`] with `A` = `abcdef` and `E` = `ééé` (6 bytes):
    /// the value, whether it was truncated, and the budget left.
    fn limited(word: &str, max_len: usize, budget: usize) -> (String, bool, usize) {
        let env = |n: &str| match n {
            "A" => Some("abcdef".to_string()),
            "E" => Some("ééé".to_string()),
            _ => None,
        };
        let mut limits = Limits { max_len, budget };
        let (v, t) = expand_limited(word, '\\', &env, &mut limits).unwrap();
        (v, t, limits.budget)
    }

    #[test]
    fn limited_pass() {
        // (word, max_len, budget) → (value, truncated, budget left)
        let cases = [
            (("${A}x", 8, 100), ("abcdefx", false, 88)),
            (("${A}${A}", 12, 100), ("abcdefabcdef", false, 76)),
            // cut at the cap, and the rest of the word dropped
            (("${A}${A}", 8, 100), ("abcdefab", true, 80)),
            (("${A}${A}xyz", 8, 100), ("abcdefab", true, 80)),
            (("x${A}", 4, 100), ("xabc", true, 91)),
            (("\"${A}${A}\"", 8, 100), ("abcdefab", true, 72)),
            (("${A}${A}${A}", 8, 100), ("abcdefab", true, 80)),
            // never inside a char
            (("${E}${E}", 9, 100), ("éééé", true, 80)),
            // the budget: 6 read, 4 added
            (("${A}${A}", 100, 10), ("abcd", true, 0)),
            (("${A}", 100, 12), ("abcdef", false, 0)),
            (("x${A}y", 100, 0), ("x", true, 0)),
            // reading a value costs even when it adds nothing
            (("${A:+w}${A:+w}${A:+w}", 100, 13), ("w", true, 0)),
            // pattern matching costs one unit a step (9 for `*c` here)
            (("${A#*c}", 100, 100), ("def", false, 82)),
            (("${A#*c}", 100, 9), ("", true, 0)),
            (("${A//c/XY}", 100, 100), ("abXYdef", false, 79)),
            (("${A//?/-}", 100, 100), ("------", false, 76)),
            (("${A/b*/Z}", 100, 100), ("aZ", false, 79)),
            // a truncated replacement ends the word where it stands
            (("${A//c/${A}${A}}", 10, 100), ("", true, 78)),
        ];
        for ((word, max_len, budget), (value, truncated, left)) in cases {
            assert_eq!(
                limited(word, max_len, budget),
                (value.to_string(), truncated, left),
                "{word} within {max_len} bytes, budget {budget}"
            );
        }
    }

    #[test]
    fn limited_fail() {
        let env = |n: &str| (n == "A").then(|| "abcdef".to_string());
        for word in ["${A", "x${", "'abc", "${A!x}", "${Z:?unset}"] {
            let mut limits = Limits {
                max_len: 4,
                budget: 100,
            };
            assert!(
                expand_limited(word, '\\', &env, &mut limits).is_err(),
                "{word}"
            );
        }
        // The parser's expansions are not bounded: their output is their input.
        let big = "x".repeat(MAX_EXPANSION);
        let v = expand("${B}${B}", '\\', &|_| Some(big.clone())).unwrap();
        assert_eq!(v.len(), 2 * MAX_EXPANSION);
    }

    #[test]
    fn heredoc_word_mode() {
        let opts = LexOptions {
            raw_quotes: true,
            raw_escapes: true,
            skip_unset_env: true,
            heredoc_words: true,
            ..Default::default()
        };
        let p = process("RUN <<  EOF  > foo $X '<<Q'", opts, &|_| None).unwrap();
        assert_eq!(p.words, ["RUN", "<<  EOF", ">", "foo", "$X", "'<<Q'"]);
    }
}
