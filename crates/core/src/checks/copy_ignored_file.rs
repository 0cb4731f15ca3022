//! CopyIgnoredFile (experimental): a COPY or ADD of a path that
//! `.dockerignore` leaves out of the build context.
//!
//! ## What it reports
//!
//! Each source of a COPY or ADD from the build context (not `--from`, not
//! a URL or a heredoc) that the context's `.dockerignore` excludes, or
//! whose parent folder it excludes, once per source (BuildKit's
//! `validateCopySourcePath`). Off unless `# check=experimental=
//! CopyIgnoredFile` (or `all`) turns it on, and only when the context has
//! a `.dockerignore`. The source is matched as written, as Docker 28.5
//! does: `./app.log` is not matched by `*.log`, `node_modules/` is (through
//! its folder). The CLI reads the context's `.dockerignore`; the
//! playground has none.
//!
//! ## Why
//!
//! The file is not in the context, so the build fails with "not found", or
//! a wildcard quietly copies less than the line says.
//!
//! ## Example
//!
//! With a `.dockerignore` of:
//!
//! ```dockerignore
//! node_modules
//! ```
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! # check=experimental=CopyIgnoredFile
//! FROM node:22
//! COPY node_modules/ /app/node_modules/
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! # check=experimental=CopyIgnoredFile
//! FROM node:22
//! COPY package.json package-lock.json /app/
//! RUN npm ci
//! ```

use super::Cx;
use crate::simulate::DockerIgnore;
use crate::syntax::Command;

pub const NAME: &str = "CopyIgnoredFile";
pub const DESCRIPTION: &str = "Attempting to Copy file that is excluded by .dockerignore";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/copy-ignored-file/";

/// Go's `filepath.Dir` of a `/`-separated path ("." when it has no folder).
fn go_dir(path: &str) -> String {
    match path.rfind('/') {
        None => ".".into(),
        Some(0) => "/".into(),
        Some(i) => {
            let cleaned = crate::glob::clean(&path[..i]);
            match (path.starts_with('/'), cleaned.is_empty()) {
                (true, _) => format!("/{cleaned}"),
                (false, true) => ".".into(),
                (false, false) => cleaned,
            }
        }
    }
}

/// moby's `PatternMatcher.MatchesOrParentMatches` on the source as written
/// (Docker 28.5 does not clean it: `./app.log` is not matched by `*.log`,
/// `node_modules/` is, through its folder): each pattern in order, on the
/// path or one of the folders of its `Dir`.
fn ignored(ignore: &DockerIgnore, raw: &str) -> bool {
    let dir = go_dir(raw);
    let parts: Vec<&str> = dir.split('/').collect();
    let mut matched = false;
    for (pat, exception) in &ignore.patterns {
        if *exception != matched {
            continue;
        }
        let hit = crate::glob::matches(pat, raw)
            || (dir != "." && (1..=parts.len()).any(|i| crate::glob::matches(pat, &parts[..i].join("/"))));
        if hit {
            matched = !exception;
        }
    }
    matched
}

pub fn check(cx: &mut Cx) {
    let Some(text) = cx.dockerignore else { return };
    let ignore = DockerIgnore::parse(text);
    if ignore.patterns.is_empty() {
        return;
    }
    let df = cx.df;
    for ins in &df.instructions {
        let (args, cmd) = match &ins.command {
            Command::Copy(c) => (c, "Copy"),
            Command::Add(c) => (c, "Add"),
            _ => continue,
        };
        if args.from.is_some() {
            continue;
        }
        for src in &args.sources {
            if src.contains("://") || src.starts_with("git@") || src.contains('$') {
                continue;
            }
            if ignored(&ignore, src) {
                cx.report(ins, format!("Attempting to {cmd} file {} that is excluded by .dockerignore", crate::syntax::dump::go_quote(src)));
            }
        }
    }
}
