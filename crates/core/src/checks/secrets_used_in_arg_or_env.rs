//! SecretsUsedInArgOrEnv: an ARG or ENV whose name says it holds a secret.
//!
//! ## What it reports
//!
//! An ARG or ENV key with one of the words `apikey`, `auth`, `credential(s)`,
//! `key`, `password`, `pword`, `passwd`, `secret` or `token` (any case) as
//! the whole name or as an `_`-separated part, and without the word `public`
//! (BuildKit's `validateNoSecretKey`).
//!
//! ## Why
//!
//! ARG and ENV values are kept in the image's history and config, readable by
//! anyone with the image; a secret belongs in a secret mount (`RUN
//! --mount=type=secret`).
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! FROM node:22
//! ARG GITHUB_TOKEN
//! RUN GITHUB_TOKEN=$GITHUB_TOKEN npm ci
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! FROM node:22
//! RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN npm ci
//! ```

use super::Cx;
use crate::syntax::Command;

pub const NAME: &str = "SecretsUsedInArgOrEnv";
pub const DESCRIPTION: &str = "Sensitive data should not be used in the ARG or ENV commands";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/secrets-used-in-arg-or-env/";

const DENY: &[&str] = &[
    "apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret",
    "token",
];

/// `(?i)(?:_|^)(?:word)(?:_|$)` for any of `words`.
fn has_word(key: &str, words: &[&str]) -> bool {
    let k = key.as_bytes();
    words.iter().any(|w| {
        let n = w.len();
        (0..k.len().saturating_sub(n - 1)).any(|i| {
            (i == 0 || k[i - 1] == b'_')
                && (i + n == k.len() || k[i + n] == b'_')
                && k[i..i + n].eq_ignore_ascii_case(w.as_bytes())
        })
    })
}

/// Whether BuildKit takes `key` for a secret's name.
pub fn is_secret_key(key: &str) -> bool {
    has_word(key, DENY) && !has_word(key, &["public"])
}

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    for ins in &df.instructions {
        let keys: Vec<&str> = match &ins.command {
            Command::Env { pairs } => pairs.iter().map(|p| p.key.as_str()).collect(),
            Command::Arg { args } => args.iter().map(|a| a.name.as_str()).collect(),
            _ => continue,
        };
        let kind = if matches!(ins.command, Command::Env { .. }) { "ENV" } else { "ARG" };
        for key in keys {
            if is_secret_key(key) {
                let msg = format!(
                    "Do not use ARG or ENV instructions for sensitive data ({kind} {})",
                    crate::syntax::dump::go_quote(key)
                );
                cx.report(ins, msg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_secret_key;

    #[test]
    fn words() {
        for k in ["GITHUB_TOKEN", "api_key", "AUTH", "secret_MESSAGE", "DB_PASSWORD"] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in ["TOKENS", "keyboard", "PUBLIC_KEY", "MONKEY", "PASSWORDLESS"] {
            assert!(!is_secret_key(k), "{k}");
        }
    }
}
