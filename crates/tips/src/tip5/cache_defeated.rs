//! ## What it does
//! Finds a `RUN` with a cache mount that also empties the cache it mounts:
//! `pip install --no-cache-dir`, `rm -rf /root/.cache/pip`, `pip cache
//! purge`, `npm cache clean`, `rm -rf /var/lib/apt/lists/*` or `apt-get clean` under an apt cache mount,
//! `apk add --no-cache` under an apk cache mount, `yarn cache clean`,
//! `go clean -modcache`.
//!
//! ## Why it slows the build
//! The cache mount exists to keep downloads between builds. Telling the
//! package manager not to cache, or deleting the cache at the end of the
//! command, leaves the mount empty: the next build downloads everything
//! again, exactly as without the mount.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM python:3.12-slim
//! RUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir flask
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM python:3.12-slim
//! RUN --mount=type=cache,target=/root/.cache/pip pip install flask
//! ```
//!
//! ## Fix safety
//! Safe: the fix removes the flag or the cleanup command; what is deleted
//! lives in the mount, not in the image. A cleanup that is not a command of
//! its own (in a pipeline, after `||`, in a control-flow body) is reported
//! without a fix, and the finding says why.

use super::super::util::{cache_targets, find_words};
use super::super::{Ctx, Finding, RuleMeta};
use crate::edit::{Applicability, CommandChanges, Fix, TextEdit};
use crate::model::paths_overlap;
use crate::syntax::{Command, Span};

pub const META: RuleMeta = RuleMeta {
    code: "LL503",
    name: "cache-mount-defeated",
    tip: 5,
    summary: "A cache mount is emptied by --no-cache-dir or a cache cleanup",
};

/// (words to find, cache path it defeats, is it a flag to drop).
const DEFEATERS: &[(&[&str], &str, bool)] = &[
    (&["--no-cache-dir"], "/root/.cache/pip", true),
    (&["--no-cache"], "/var/cache/apk", true),
    (
        &["rm", "-rf", "/var/lib/apt/lists/*"],
        "/var/lib/apt",
        false,
    ),
    (&["rm", "-rf", "/var/lib/apt/lists"], "/var/lib/apt", false),
    (&["apt-get", "clean"], "/var/cache/apt", false),
    (
        &["rm", "-rf", "/root/.cache/pip"],
        "/root/.cache/pip",
        false,
    ),
    (&["rm", "-rf", "~/.cache/pip"], "/root/.cache/pip", false),
    (&["pip", "cache", "purge"], "/root/.cache/pip", false),
    (&["pip", "cache", "remove"], "/root/.cache/pip", false),
    (&["npm", "cache", "clean", "--force"], "/root/.npm", false),
    (&["npm", "cache", "clean"], "/root/.npm", false),
    (
        &["yarn", "cache", "clean"],
        "/usr/local/share/.cache/yarn",
        false,
    ),
    (&["go", "clean", "-modcache"], "/go/pkg/mod", false),
    (&["rm", "-rf", "/var/cache/apk/*"], "/var/cache/apk", false),
];

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for ins in &cx.df.instructions {
        if !matches!(ins.command, Command::Run { .. }) {
            continue;
        }
        let targets = cache_targets(ins);
        if targets.is_empty() {
            continue;
        }
        let cmd = super::super::util::run_command_span(ins);
        let mut seen: Vec<Span> = Vec::new();
        for (words, path, is_flag) in DEFEATERS {
            if !targets.iter().any(|t| paths_overlap(t, path)) {
                continue;
            }
            let Some(s) = find_words(cx.src, cmd, words) else {
                continue;
            };
            if seen.iter().any(|x| x.start <= s.start && s.end <= x.end) {
                continue;
            }
            seen.push(s);
            let mut f = cx.finding(&META, s, format!("`{}` empties the cache mounted at {path}: the next build downloads everything again", words.join(" ")));
            let del = if *is_flag {
                widen_flag(cx.src, s).map(|d| (d, CommandChanges::flag(words[0])))
            } else {
                super::super::script::delete_command(cx.src, cmd, cx.df.escape, s)
                    .map(|d| (d.span, CommandChanges::removes(d.words.join(" "))))
            };
            let del = del.filter(|(d, commands)| {
                let edit = TextEdit::delete(*d);
                super::super::util::checked(cx, ins, edit, commands).is_some()
            });
            if let Some((del, commands)) = del {
                f.fix = Some(Fix {
                    title: format!("Remove `{}`", words.join(" ")),
                    applicability: Applicability::Safe,
                    edits: vec![TextEdit::delete(del)],
                    files: Vec::new(),
                    commands,
                });
            } else {
                f.no_fix = Some(format!(
                    "Layerlab removes `{}` only where it stands alone, joined by `&&` or `;`; here it is part of a longer command, a pipeline, an `||` or a control-flow body, or a comment is in the way: remove it by hand",
                    words.join(" ")
                ));
            }
            out.push(f);
        }
    }
    out
}

/// A flag plus the blank before it.
fn widen_flag(src: &str, s: Span) -> Option<Span> {
    let before = &src[..s.start as usize];
    let blanks = before.len() - before.trim_end_matches([' ', '\t']).len();
    (blanks > 0).then(|| Span::new(s.start as usize - blanks, s.end as usize))
}

