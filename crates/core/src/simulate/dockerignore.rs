//! `.dockerignore`, as moby/patternmatcher reads it: one pattern a line,
//! `#` comments, `!` exceptions, the last matching line wins, patterns are
//! cleaned paths relative to the context root, and a pattern that matches a
//! directory excludes everything in it.

use super::glob;

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
}
