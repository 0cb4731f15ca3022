//! A small shell reader for RUN commands: enough to find the simple commands
//! in `a && b; c | d`, with quotes, escapes, comments and `sh -c "…"`.
//!
//! It does not expand variables (the model works on the text as written) and
//! never fails: unterminated quotes run to the end of the text.
//!
//! Invariant: it never fails and never expands a variable: the words are
//! the text as written.

/// One simple command: its words with quotes removed, leading `VAR=value`
/// assignments and wrappers (`sudo`, `env`, `time`, `exec`, `nice`) dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    pub words: Vec<String>,
    /// `VAR=value` assignments written before the command (`DEBIAN_FRONTEND=…`).
    pub assignments: Vec<(String, String)>,
}

impl SimpleCommand {
    pub fn program(&self) -> &str {
        self.words.first().map(String::as_str).unwrap_or("")
    }
    /// The program's file name (`/usr/bin/pip3` → `pip3`, `./mvnw` → `mvnw`).
    pub fn program_name(&self) -> &str {
        let p = self.program();
        p.rsplit('/').next().unwrap_or(p)
    }
    pub fn args(&self) -> &[String] {
        self.words.get(1..).unwrap_or(&[])
    }
    pub fn text(&self) -> String {
        self.words.join(" ")
    }
}

/// Splits a shell script into simple commands, in order.
pub fn commands(script: &str) -> Vec<SimpleCommand> {
    let mut out = Vec::new();
    split_into(script, &mut out, 0);
    out
}

fn split_into(script: &str, out: &mut Vec<SimpleCommand>, depth: usize) {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = script.chars().peekable();
    let flush_word = |words: &mut Vec<String>, word: &mut String, in_word: &mut bool| {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(n) => {
                    word.push(n);
                    in_word = true;
                }
                None => {}
            },
            '\'' => {
                in_word = true;
                for n in chars.by_ref() {
                    if n == '\'' {
                        break;
                    }
                    word.push(n);
                }
            }
            '"' => {
                in_word = true;
                while let Some(n) = chars.next() {
                    match n {
                        '"' => break,
                        '\\' => match chars.peek() {
                            Some(&e @ ('"' | '\\' | '$' | '`')) => {
                                word.push(e);
                                chars.next();
                            }
                            Some('\n') => {
                                chars.next();
                            }
                            _ => word.push('\\'),
                        },
                        _ => word.push(n),
                    }
                }
            }
            '#' if !in_word => {
                // A comment runs to the end of the line.
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                flush_word(&mut words, &mut word, &mut in_word);
                finish(&mut words, out, depth);
            }
            ';' | '&' | '|' | '\n' | '(' | ')' | '{' | '}'
                if !(matches!(c, '{' | '}') && in_word) =>
            {
                flush_word(&mut words, &mut word, &mut in_word);
                // `2>&1`, `>&2`: a redirection, not a separator.
                if c == '&' && words.last().is_some_and(|w| w.ends_with('>')) {
                    if let Some(w) = words.last_mut() {
                        w.push('&');
                    }
                    continue;
                }
                finish(&mut words, out, depth);
            }
            ' ' | '\t' | '\r' => flush_word(&mut words, &mut word, &mut in_word),
            _ => {
                word.push(c);
                in_word = true;
            }
        }
    }
    flush_word(&mut words, &mut word, &mut in_word);
    finish(&mut words, out, depth);
}

const WRAPPERS: &[&str] = &[
    "sudo",
    "env",
    "time",
    "exec",
    "nice",
    "nohup",
    "command",
    "eatmydata",
    "then",
    "do",
    "else",
    "!",
];

fn finish(words: &mut Vec<String>, out: &mut Vec<SimpleCommand>, depth: usize) {
    let mut ws: Vec<String> = std::mem::take(words);
    // Drop redirections (`> file`, `2>/dev/null`, `>/dev/null`).
    let mut cleaned = Vec::with_capacity(ws.len());
    let mut skip_next = false;
    for w in ws.drain(..) {
        if skip_next {
            skip_next = false;
            continue;
        }
        let stripped = w.trim_start_matches(|c: char| c.is_ascii_digit());
        if stripped.starts_with('>') || stripped.starts_with('<') {
            if stripped.trim_start_matches(['>', '<', '&']).is_empty() {
                skip_next = true;
            }
            continue;
        }
        cleaned.push(w);
    }
    let mut assignments = Vec::new();
    let mut start = 0;
    while start < cleaned.len() {
        let w = &cleaned[start];
        if let Some((k, v)) = w.split_once('=') {
            if !k.is_empty()
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !k.starts_with(|c: char| c.is_ascii_digit())
            {
                assignments.push((k.to_string(), v.to_string()));
                start += 1;
                continue;
            }
        }
        if WRAPPERS.contains(&w.as_str())
            || (w.starts_with('-') && start > 0 && WRAPPERS.contains(&cleaned[start - 1].as_str()))
        {
            start += 1;
            continue;
        }
        break;
    }
    let rest: Vec<String> = cleaned.split_off(start.min(cleaned.len()));
    if rest.is_empty() {
        return;
    }
    // `sh -c "…"`, `bash -lc '…'`: read the inner script too.
    let name = rest[0].rsplit('/').next().unwrap_or("");
    if depth < 4 && matches!(name, "sh" | "bash" | "ash" | "dash" | "zsh") {
        if let Some(pos) = rest
            .iter()
            .position(|w| w.starts_with('-') && !w.starts_with("--") && w.contains('c'))
        {
            if let Some(script) = rest.get(pos + 1) {
                split_into(script, out, depth + 1);
                return;
            }
        }
    }
    out.push(SimpleCommand {
        words: rest,
        assignments,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progs(s: &str) -> Vec<String> {
        commands(s).iter().map(|c| c.text()).collect()
    }

    // Pass vectors: what the reader must split.
    #[test]
    fn splits_operators_quotes_and_wrappers() {
        assert_eq!(
            progs("apt-get update && apt-get install -y curl"),
            ["apt-get update", "apt-get install -y curl"]
        );
        assert_eq!(progs("a; b | c || d & e"), ["a", "b", "c", "d", "e"]);
        assert_eq!(
            progs("DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y 'libpq dev'"),
            ["apt-get install -y libpq dev"]
        );
        assert_eq!(
            progs("echo \"a && b\" && pip install x"),
            ["echo a && b", "pip install x"]
        );
        assert_eq!(
            progs("set -eux; \\\n  npm ci 2>&1 >/dev/null"),
            ["set -eux", "npm ci"]
        );
        assert_eq!(
            progs("sh -c 'go mod download && go build ./...'"),
            ["go mod download", "go build ./..."]
        );
        assert_eq!(
            progs("if [ -f x ]; then make; fi # done"),
            ["if [ -f x ]", "make", "fi"]
        );
        assert_eq!(progs("(cd web && yarn)"), ["cd web", "yarn"]);
    }

    // Fail vectors: malformed input still yields something, never panics.
    #[test]
    fn never_fails_on_broken_input() {
        assert_eq!(progs("echo 'unterminated && x"), ["echo unterminated && x"]);
        assert_eq!(progs("\\"), Vec::<String>::new());
        assert!(progs("\"\\").len() <= 1);
        assert_eq!(progs(""), Vec::<String>::new());
    }
}
