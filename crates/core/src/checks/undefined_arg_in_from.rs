//! UndefinedArgInFrom: a FROM that uses an ARG no global ARG declares.
//!
//! ## What it reports
//!
//! A variable in a FROM's image or `--platform` that no ARG before the
//! first FROM declares (with or without a default) and that is not one of
//! BuildKit's platform ARGs, once per variable, with the closest declared
//! name as a suggestion when one is within two edits (BuildKit's
//! `reportUnusedFromArgs`). `${X:-alpine}` counts as a use of `X`.
//!
//! ## Why
//!
//! FROM sees only the global ARGs: an ARG declared inside a stage, or a
//! misspelled one, expands to nothing there, and the build pulls the wrong
//! image or fails.
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! ARG VERSION=3.20
//! FROM alpine:${VERSON}
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! ARG VERSION=3.20
//! FROM alpine:${VERSION}
//! ```

use std::cell::RefCell;

use super::invalid_default_arg_in_from::{global_defaults, PLATFORM_ARGS};
use super::Cx;
use crate::syntax::shell::{expand_limited, Limits};
use crate::syntax::Command;

pub const NAME: &str = "UndefinedArgInFrom";
pub const DESCRIPTION: &str = "FROM command must use declared ARGs";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/undefined-arg-in-from/";

/// Levenshtein distance (insert, delete, substitute: 1 each), by chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// BuildKit's `suggest.Search`: the first name closer than 3 edits, the
/// closest winning (BuildKit's order among equally close names is a Go
/// map's; here, declaration order).
fn suggest<'a>(name: &str, names: &[&'a str]) -> Option<&'a str> {
    let mut best = (3, None);
    for &n in names {
        let d = distance(name, n);
        if d < best.0 {
            best = (d, Some(n));
        }
    }
    best.1
}

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    let env = global_defaults(cx);
    let declared: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    let missed = RefCell::new(Vec::<String>::new());
    let look = |n: &str| match env.iter().rev().find(|(k, _)| k == n) {
        Some((_, v)) => v.clone(),
        None => {
            let mut m = missed.borrow_mut();
            if !m.iter().any(|x| x == n) {
                m.push(n.to_string());
            }
            None
        }
    };
    let mut limits = Limits {
        max_len: 1 << 20,
        budget: 1 << 24,
    };
    for st in &df.stages {
        let ins = &df.instructions[st.from];
        let Command::From { image, platform, .. } = &ins.command else { continue };
        for word in std::iter::once(image).chain(platform) {
            missed.borrow_mut().clear();
            let _ = expand_limited(word, df.escape, &look, &mut limits);
            let names = std::mem::take(&mut *missed.borrow_mut());
            for n in names.iter().filter(|n| !PLATFORM_ARGS.iter().any(|(k, _)| k == n)) {
                let msg = match suggest(n, &declared) {
                    Some(s) => format!("FROM argument '{n}' is not declared (did you mean {s}?)"),
                    None => format!("FROM argument '{n}' is not declared"),
                };
                cx.report(ins, msg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_and_suggestions() {
        assert_eq!(distance("VERSON", "VERSION"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(suggest("VERSON", &["TARGETOS", "VERSION"]), Some("VERSION"));
        assert_eq!(suggest("TAG", &["VERSION"]), None);
    }
}
