//! `.dockerignore`, as moby/patternmatcher reads it: one pattern a line,
//! `#` comments, `!` exceptions, the last matching line wins, patterns are
//! cleaned paths relative to the context root, and a pattern that matches a
//! directory excludes everything in it.
//!
//! Invariant: the last matching line decides, as in moby/patternmatcher, and
//! [`DockerIgnore::folder`] skips an excluded folder only when no exception
//! may re-include something in it (moby's own test, plus any `**`
//! exception), so the CLI's context walk sees what `docker build` sends.

use crate::glob;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DockerIgnore {
    /// (pattern, is_exception), in file order.
    pub patterns: Vec<(String, bool)>,
}

impl DockerIgnore {
    pub fn parse(text: &str) -> DockerIgnore {
        let mut patterns = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (exception, pat) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let cleaned = glob::clean(pat);
            if cleaned.is_empty() {
                continue;
            }
            patterns.push((cleaned, exception));
        }
        DockerIgnore { patterns }
    }

    /// Whether `path` (relative to the context) is left out of the context.
    pub fn excludes(&self, path: &str) -> bool {
        let path = glob::clean(path);
        let mut excluded = false;
        for (pat, exception) in &self.patterns {
            if glob::selects(pat, &path) {
                excluded = !exception;
            }
        }
        excluded
    }

    /// How `docker build` treats the context folder `dir` (relative,
    /// `/`-separated) when it walks the context: an excluded folder is
    /// entered only when an exception may re-include something in it
    /// (moby's test: the exception starts with `dir/`; and any exception
    /// starting with `**`, to be safe).
    pub fn folder(&self, dir: &str) -> Folder {
        if !self.excludes(dir) {
            return Folder::Sent;
        }
        let prefix = format!("{dir}/");
        let reincluded = self.patterns.iter().any(|(pat, exception)| {
            *exception && (format!("{pat}/").starts_with(&prefix) || pat.starts_with("**"))
        });
        if reincluded {
            Folder::Excluded
        } else {
            Folder::Skipped
        }
    }
}

/// A context folder as the walk of [`DockerIgnore::folder`] sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// Sent to the builder: walked, and a read error is an error.
    Sent,
    /// Excluded, but walked for the exceptions that may re-include a file
    /// in it; a folder that cannot be read is skipped.
    Excluded,
    /// Excluded with nothing to re-include: not walked.
    Skipped,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_match_wins_and_dirs_exclude_contents() {
        let di = DockerIgnore::parse(
            "# comment\n.git\nnode_modules/\n*.md\n!README.md\n**/__pycache__\n",
        );
        assert!(di.excludes(".git/HEAD"));
        assert!(di.excludes("node_modules/left-pad/index.js"));
        assert!(di.excludes("CHANGELOG.md"));
        assert!(!di.excludes("README.md"));
        assert!(di.excludes("app/__pycache__/x.pyc"));
        assert!(!di.excludes("src/app.py"));
        assert!(
            !di.excludes("docs/guide.md"),
            "*.md only matches at the root"
        );
    }

    #[test]
    fn excluded_folders_are_walked_only_for_their_exceptions() {
        let di = DockerIgnore::parse("node_modules\nbuild\n!build/keep.txt\n");
        assert_eq!(di.folder("src"), Folder::Sent);
        assert_eq!(di.folder("node_modules"), Folder::Skipped);
        assert_eq!(di.folder("build"), Folder::Excluded);
        let any = DockerIgnore::parse("vendor\n!**/LICENSE\n");
        assert_eq!(any.folder("vendor"), Folder::Excluded);
    }
}
