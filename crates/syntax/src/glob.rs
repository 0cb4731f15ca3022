//! Path patterns as Docker uses them: Go's `filepath.Match` (`*`, `?`,
//! `[a-z]`, `[^a]`, `\` escapes; `*` never crosses `/`) plus `**` for any
//! number of directories (moby/patternmatcher, used by `.dockerignore`).
//!
//! Below the model in the pipeline: the model prices `COPY` globs with it,
//! the simulator and `.dockerignore` match paths with it.
//!
//! Invariant: no IO and no knowledge of the build: it matches strings, so
//! the model, the simulator and `.dockerignore` agree on what a pattern
//! selects.

/// Whether `pattern` matches the whole of `path`.
pub fn matches(pattern: &str, path: &str) -> bool {
    // Fast paths: no wildcard at all, or only single `*`s (the common cases:
    // `requirements.txt`, `package*.json`, `*.csproj`), without allocating.
    if !pattern.contains(['*', '?', '[', '\\']) {
        return pattern == path;
    }
    if !pattern.contains(['?', '[', '\\']) && !pattern.contains("**") {
        return star_match(pattern.as_bytes(), path.as_bytes());
    }
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = path.chars().collect();
    // Iterative matcher with memo to stay linear-ish on pathological input.
    let mut memo = vec![None; (p.len() + 1) * (s.len() + 1)];
    m(&p, 0, &s, 0, &mut memo)
}

/// `*`-only matching (a `*` never crosses `/`), by backtracking to the last
/// star: linear for one star, O(n·m) at worst.
fn star_match(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if pi < p.len() && p[pi] == s[si] {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            if s[ss] == b'/' {
                return false;
            }
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

fn m(p: &[char], pi: usize, s: &[char], si: usize, memo: &mut Vec<Option<bool>>) -> bool {
    let key = pi * (s.len() + 1) + si;
    if let Some(r) = memo[key] {
        return r;
    }
    let r = if pi == p.len() {
        si == s.len()
    } else if p[pi] == '*' && p.get(pi + 1) == Some(&'*') {
        // `**`: any run of characters, slashes included; `**/` may match nothing.
        let mut next = pi + 2;
        if p.get(next) == Some(&'/') {
            next += 1;
            if m(p, next, s, si, memo) {
                true
            } else {
                (si..s.len()).any(|k| s[k] == '/' && m(p, next, s, k + 1, memo))
            }
        } else {
            (si..=s.len()).any(|k| m(p, next, s, k, memo))
        }
    } else if p[pi] == '*' {
        let mut k = si;
        loop {
            if m(p, pi + 1, s, k, memo) {
                break true;
            }
            if k >= s.len() || s[k] == '/' {
                break false;
            }
            k += 1;
        }
    } else if si == s.len() {
        false
    } else if p[pi] == '?' {
        s[si] != '/' && m(p, pi + 1, s, si + 1, memo)
    } else if p[pi] == '[' {
        match class(p, pi, s[si]) {
            Some((true, end)) => m(p, end, s, si + 1, memo),
            Some((false, _)) => false,
            None => s[si] == '[' && m(p, pi + 1, s, si + 1, memo),
        }
    } else if p[pi] == '\\' && pi + 1 < p.len() {
        s[si] == p[pi + 1] && m(p, pi + 2, s, si + 1, memo)
    } else {
        s[si] == p[pi] && m(p, pi + 1, s, si + 1, memo)
    };
    memo[key] = Some(r);
    r
}

/// Matches a `[...]` class at `p[start]`; returns (matched, index after `]`).
fn class(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(p.get(i), Some('^') | Some('!'));
    if negate {
        i += 1;
    }
    let mut found = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == ']' && !first {
            return Some((found != negate && c != '/', i + 1));
        }
        first = false;
        let lo = if p[i] == '\\' && i + 1 < p.len() {
            i += 1;
            p[i]
        } else {
            p[i]
        };
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&h| h != ']') {
            let hi = p[i + 2];
            if lo <= c && c <= hi {
                found = true;
            }
            i += 3;
        } else {
            if lo == c {
                found = true;
            }
            i += 1;
        }
    }
    None
}

/// Cleans a context path the way Docker does: no leading `./` or `/`, no
/// trailing `/`, `.` segments dropped, `..` resolved within the context.
pub fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Whether a COPY source pattern selects `file` (a context path): the
/// pattern matches the file itself or one of its parent directories.
pub fn selects(pattern: &str, file: &str) -> bool {
    let pat = clean(pattern);
    let file = clean(file);
    if pat.is_empty() {
        return true; // `.` — the whole context
    }
    if matches(&pat, &file) {
        return true;
    }
    let mut prefix = String::new();
    for seg in file.split('/') {
        if !prefix.is_empty() {
            prefix.push('/');
        }
        prefix.push_str(seg);
        if prefix.len() < file.len() && matches(&pat, &prefix) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    // Pass vectors.
    #[test]
    fn go_match_semantics() {
        assert!(matches("*.py", "app.py"));
        assert!(!matches("*.py", "src/app.py"));
        assert!(matches("src/*.py", "src/app.py"));
        assert!(matches("package*.json", "package-lock.json"));
        assert!(matches("**/*.pyc", "a/b/c.pyc"));
        assert!(matches("**/*.pyc", "c.pyc"));
        assert!(matches("node_modules/**", "node_modules/x/y"));
        assert!(matches("file[0-9].txt", "file7.txt"));
        assert!(matches("file[^0-9].txt", "filex.txt"));
        assert!(matches("a?c", "abc"));
        assert!(matches("\\*lit", "*lit"));
        assert!(matches("*", ""));
        assert!(matches("a*b*c", "aXbYc"));
        assert!(matches("*.tar.gz", "x.tar.gz"));
    }

    // Fail vectors.
    #[test]
    fn go_match_rejects() {
        assert!(!matches("a?c", "a/c"));
        assert!(!matches("file[0-9].txt", "filex.txt"));
        assert!(!matches("[", "x"));
        assert!(!matches("*", "a/b"));
        assert!(!matches("a*c", "ab/c"));
        assert!(!matches("a*b*c", "aXbY"));
    }

    #[test]
    fn selects_files_and_dirs() {
        assert!(selects(".", "src/app.py"));
        assert!(selects("./src/", "src/app.py"));
        assert!(selects("src", "src/app.py"));
        assert!(!selects("src", "srcx/app.py"));
        assert!(selects("requirements.txt", "requirements.txt"));
        assert!(!selects("requirements.txt", "src/app.py"));
        assert!(selects("*.json", "package.json"));
    }
}
