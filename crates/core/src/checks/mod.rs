//! BuildKit's build checks (`docker build --check`), a group of its own
//! beside the five tips: one rule per file, each documented in its `//!`
//! comment (what it reports, why, a bad and a good example), with
//! BuildKit's rule name, message, URL and location (the line range of the
//! instruction, as `docker buildx build --call=check,format=json` reports
//! it). They follow `frontend/dockerfile/linter/ruleset.go` and the places
//! BuildKit runs them (`instructions/parse.go`, `dockerfile2llb/convert.go`).
//!
//! [`run`] is a separate entry point from [`crate::tips::check`]: the
//! playground does not call it yet, so its code is not in the wasm.
//!
//! The `# check=skip=<names|all>;error=true` directive is read as BuildKit
//! reads it; `experimental=<names|all>` turns experimental rules on (none of
//! the rules here is experimental). Parity with Docker 28.5 on the shared
//! corpora: `tests/build_checks_parity.rs`.

mod duplicate_stage_name;
mod from_as_casing;
mod from_platform_flag_const_disallowed;
mod invalid_default_arg_in_from;
mod json_args_recommended;
mod legacy_key_value_format;
mod maintainer_deprecated;
mod multiple_instructions_disallowed;
mod no_empty_continuation;
mod reference;
mod reserved_stage_name;
mod secrets_used_in_arg_or_env;
mod stage_name_casing;

use crate::syntax::{Dockerfile, Instruction, Position, Span};
use serde::Serialize;

/// The group name: `--select buildkit` selects every build check.
pub const GROUP: &str = "buildkit";

/// One BuildKit rule: its facts and its check.
pub struct Rule {
    /// BuildKit's name (`LegacyKeyValueFormat`).
    pub name: &'static str,
    /// BuildKit's description.
    pub description: &'static str,
    /// `https://docs.docker.com/go/dockerfile/rule/<kebab-name>/`.
    pub url: &'static str,
    /// Off unless the `# check=experimental=` directive names it.
    pub experimental: bool,
    pub check: fn(&mut Cx),
    /// The rule's file under `crates/core/src/checks/` (its documentation).
    pub file: &'static str,
}

macro_rules! rules {
    ($($module:ident),* $(,)?) => {
        /// Every build check, in BuildKit's order of `ruleset.go`.
        pub const RULES: &[Rule] = &[$(Rule {
            name: $module::NAME,
            description: $module::DESCRIPTION,
            url: $module::URL,
            experimental: false,
            check: $module::check,
            file: concat!(stringify!($module), ".rs"),
        }),*];
    };
}

rules!(
    stage_name_casing,
    from_as_casing,
    no_empty_continuation,
    duplicate_stage_name,
    reserved_stage_name,
    json_args_recommended,
    maintainer_deprecated,
    multiple_instructions_disallowed,
    legacy_key_value_format,
    secrets_used_in_arg_or_env,
    invalid_default_arg_in_from,
    from_platform_flag_const_disallowed,
);

/// One finding of a build check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildCheck {
    /// BuildKit's rule name.
    pub rule: &'static str,
    pub description: &'static str,
    pub url: &'static str,
    /// BuildKit's `detail`.
    pub message: String,
    /// The instruction's span and its first and last position (BuildKit
    /// reports lines only).
    pub span: Span,
    pub start: Position,
    pub end: Position,
    /// The `# check=error=true` directive makes every finding an error.
    pub error: bool,
}

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct ChecksOptions {
    /// Only these rules (names or `buildkit`); all when empty.
    pub select: Vec<String>,
    /// Never these rules (names or `buildkit`).
    pub ignore: Vec<String>,
}

/// The `# check=` directive: `skip=A,B|all`, `error=true`,
/// `experimental=A|all` (BuildKit's `parseCheckOptions`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckDirective {
    pub skip_all: bool,
    pub skip: Vec<String>,
    pub error: bool,
    pub experimental_all: bool,
    pub experimental: Vec<String>,
}

impl CheckDirective {
    /// Reads the first `# check=` directive of `df`.
    pub fn of(df: &Dockerfile) -> CheckDirective {
        let mut d = CheckDirective::default();
        let Some(dir) = df.directives.iter().find(|d| d.name.eq_ignore_ascii_case("check")) else {
            return d;
        };
        for part in dir.value.split(';') {
            let Some((k, v)) = part.split_once('=') else { continue };
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            let names = || v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
            match k.as_str() {
                "skip" if v.eq_ignore_ascii_case("all") => d.skip_all = true,
                "skip" => d.skip.extend(names()),
                "error" => d.error = v.eq_ignore_ascii_case("true"),
                "experimental" if v.eq_ignore_ascii_case("all") => d.experimental_all = true,
                "experimental" => d.experimental.extend(names()),
                _ => {}
            }
        }
        d
    }

    fn enabled(&self, rule: &Rule) -> bool {
        if rule.experimental {
            return self.experimental_all || self.experimental.iter().any(|n| n == rule.name);
        }
        !(self.skip_all || self.skip.iter().any(|n| n == rule.name))
    }
}

/// What a rule sees, and where it reports.
pub struct Cx<'a> {
    pub src: &'a str,
    pub df: &'a Dockerfile,
    rule: &'static Rule,
    out: Vec<BuildCheck>,
}

impl Cx<'_> {
    /// Reports at `ins`'s lines.
    pub fn report(&mut self, ins: &Instruction, message: String) {
        self.out.push(BuildCheck {
            rule: self.rule.name,
            description: self.rule.description,
            url: self.rule.url,
            message,
            span: ins.span,
            start: ins.start,
            end: ins.end,
            error: false,
        });
    }

    /// Reports at one line of `ins`: its first (`last == false`) or its
    /// last, where BuildKit reports some rules of a multi-line instruction.
    pub fn report_line(&mut self, ins: &Instruction, last: bool, message: String) {
        self.report(ins, message);
        let f = self.out.last_mut().expect("just reported");
        if last {
            f.start = Position { line: ins.end.line, column: 1 };
        } else {
            f.end = Position { line: ins.start.line, column: ins.start.column.max(f.end.column) };
            if ins.end.line != ins.start.line {
                f.end.column = ins.start.column;
            }
        }
    }

    /// The keyword of `ins` as written.
    pub fn keyword_text(&self, ins: &Instruction) -> &str {
        ins.keyword_span.text(self.src)
    }
}

fn selected(sel: &[String], rule: &Rule) -> bool {
    sel.iter().any(|s| {
        let s = s.trim();
        s.eq_ignore_ascii_case(GROUP) || s.eq_ignore_ascii_case(rule.name)
    })
}

/// Whether `s` names a build check or the group (for the CLI's selectors).
pub fn is_selector(s: &str) -> bool {
    let s = s.trim();
    s.eq_ignore_ascii_case(GROUP) || RULES.iter().any(|r| r.name.eq_ignore_ascii_case(s))
}

/// Runs the build checks on a parsed file, in source order (BuildKit's
/// order within one instruction: the rules' order here).
pub fn run(src: &str, df: &Dockerfile, opts: &ChecksOptions) -> Vec<BuildCheck> {
    let directive = CheckDirective::of(df);
    let mut all = Vec::new();
    for rule in RULES {
        if !directive.enabled(rule)
            || (!opts.select.is_empty() && !selected(&opts.select, rule))
            || selected(&opts.ignore, rule)
        {
            continue;
        }
        let mut cx = Cx {
            src,
            df,
            rule,
            out: Vec::new(),
        };
        (rule.check)(&mut cx);
        all.append(&mut cx.out);
    }
    for f in &mut all {
        f.error = directive.error;
    }
    crate::sort::sort_by_key(&mut all, |f| f.span.start);
    all
}

/// Parses `src` and runs the build checks.
pub fn check(src: &str, opts: &ChecksOptions) -> Vec<BuildCheck> {
    run(src, &crate::syntax::parse(src), opts)
}


#[cfg(test)]
mod tests {
    use super::*;

    fn rules(src: &str) -> Vec<(&'static str, u32, bool)> {
        check(src, &ChecksOptions::default()).into_iter().map(|f| (f.rule, f.start.line, f.error)).collect()
    }

    #[test]
    fn the_check_directive_skips_and_makes_errors() {
        let src = "FROM alpine as b\nENV A 1\n";
        assert_eq!(rules(src), [("FromAsCasing", 1, false), ("LegacyKeyValueFormat", 2, false)]);
        let skip = "# check=skip=FromAsCasing\n".to_string() + src;
        assert_eq!(rules(&skip), [("LegacyKeyValueFormat", 3, false)]);
        assert!(rules(&("# check=skip=all\n".to_string() + src)).is_empty());
        let err = "# check=skip=LegacyKeyValueFormat;error=true\n".to_string() + src;
        assert_eq!(rules(&err), [("FromAsCasing", 2, true)]);
    }

    #[test]
    fn select_and_ignore_by_name_or_group() {
        let src = "FROM alpine as b\nENV A 1\nMAINTAINER x\n";
        let only = |sel: &[&str], ign: &[&str]| {
            let o = ChecksOptions {
                select: sel.iter().map(|s| s.to_string()).collect(),
                ignore: ign.iter().map(|s| s.to_string()).collect(),
            };
            check(src, &o).len()
        };
        assert_eq!(only(&[], &[]), 3);
        assert_eq!(only(&["buildkit"], &[]), 3);
        assert_eq!(only(&["maintainerdeprecated"], &[]), 1);
        assert_eq!(only(&["LL301"], &[]), 0);
        assert_eq!(only(&[], &["buildkit"]), 0);
        assert_eq!(only(&[], &["FromAsCasing"]), 2);
        assert!(is_selector("BuildKit") && is_selector("JSONArgsRecommended") && !is_selector("LL301"));
    }

    #[test]
    fn every_rule_has_buildkit_s_url() {
        for r in RULES {
            let c: Vec<char> = r.name.chars().collect();
            let mut kebab = String::new();
            for (i, &ch) in c.iter().enumerate() {
                let after_lower = i > 0 && c[i - 1].is_ascii_lowercase();
                let word_start = i > 0 && c[i - 1].is_ascii_uppercase() && c.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
                if ch.is_ascii_uppercase() && (after_lower || word_start) {
                    kebab.push('-');
                }
                kebab.push(ch.to_ascii_lowercase());
            }
            assert_eq!(r.url, format!("https://docs.docker.com/go/dockerfile/rule/{kebab}/"), "{}", r.name);
            assert!(!r.experimental);
        }
    }
}
