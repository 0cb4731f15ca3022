//! BuildKit's build checks (`docker build --check`), a group of its own
//! beside the five tips: one rule per file, each documented in its `//!`
//! comment (what it reports, why, a bad and a good example), with
//! BuildKit's rule name, message, URL and location (the line range of the
//! instruction, as `docker buildx build --call=check,format=json` reports
//! it). They follow `frontend/dockerfile/linter/ruleset.go` and the places
//! BuildKit runs them (`instructions/parse.go`, `dockerfile2llb/convert.go`).
//!
//! [`run`] is a separate entry point from [`crate::tips::check`]; the CLI
//! and the playground call both. `docs` makes the rules' pages from their
//! doc comments (`docs/checks/`, the playground's rule reference).
//!
//! The `# check=skip=<names|all>;error=true` directive is read as BuildKit
//! reads it; `experimental=<names|all>` turns experimental rules on
//! (CopyIgnoredFile and InvalidDefinitionDescription are). Parity with Docker 28.5 on the shared
//! corpora: `tests/build_checks_parity.rs`.
//!
//! Invariant: a build check reports what Docker 28.5's `--check` reports,
//! with its rule name, message, URL and line range, and nothing it does
//! not (the recorded parity, `tests/buildkit/checks-expected.tsv`, and the
//! live re-check, `tests/tests/build_checks_live.rs`); the checks never
//! change the tips' findings nor take part in the optimizer (they have no
//! fixes), and a rule's documentation lives only in its own file.

mod consistent_instruction_casing;
mod copy_ignored_file;
pub mod docs;
mod duplicate_stage_name;
mod expose_proto_casing;
mod from_as_casing;
mod from_platform_flag_const_disallowed;
mod invalid_default_arg_in_from;
mod invalid_definition_description;
mod json_args_recommended;
mod legacy_key_value_format;
mod maintainer_deprecated;
mod multiple_instructions_disallowed;
mod no_empty_continuation;
mod redundant_target_platform;
mod reference;
mod reserved_stage_name;
mod secrets_used_in_arg_or_env;
mod stage_name_casing;
mod undefined_arg_in_from;

use crate::syntax::dump::go_quote;
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
    (@experimental) => { false };
    (@experimental experimental) => { true };
    ($($module:ident $(= $experimental:ident)?),* $(,)?) => {
        /// The rule files' text, in the order of [`RULES`] (for the docs
        /// tests, which read the doc comments: compiled in, the core does
        /// no IO).
        #[cfg(test)]
        pub(crate) const SOURCES: &[&str] = &[$(include_str!(concat!(stringify!($module), ".rs"))),*];

        /// Every build check, in BuildKit's order of `ruleset.go`.
        pub const RULES: &[Rule] = &[$(Rule {
            name: $module::NAME,
            description: $module::DESCRIPTION,
            url: $module::URL,
            experimental: rules!(@experimental $($experimental)?),
            check: $module::check,
            file: concat!(stringify!($module), ".rs"),
        }),*];
    };
}

rules!(
    stage_name_casing,
    from_as_casing,
    no_empty_continuation,
    consistent_instruction_casing,
    duplicate_stage_name,
    reserved_stage_name,
    json_args_recommended,
    maintainer_deprecated,
    undefined_arg_in_from,
    multiple_instructions_disallowed,
    legacy_key_value_format,
    redundant_target_platform,
    secrets_used_in_arg_or_env,
    invalid_default_arg_in_from,
    from_platform_flag_const_disallowed,
    copy_ignored_file = experimental,
    invalid_definition_description = experimental,
    expose_proto_casing,
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
    /// The `BUILDKIT_DOCKERFILE_CHECK` build argument: when set, BuildKit
    /// reads it instead of the file's `# check=` directive (not merged).
    pub build_arg: Option<String>,
    /// The build context's `.dockerignore`, for CopyIgnoredFile.
    pub dockerignore: Option<String>,
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
    /// Reads the first `# check=` directive of `df`, leniently (an invalid
    /// option is left out; [`options_error`] says what BuildKit says).
    pub fn of(df: &Dockerfile) -> CheckDirective {
        Self::parse(directive_value(df).unwrap_or_default()).unwrap_or_default()
    }

    /// BuildKit's `linter.ParseLintOptions`: up to three `;`-separated
    /// `key=value` options (a third keeps any further `;`), keys `skip`,
    /// `experimental` (a comma list or `all`) and `error` (Go's
    /// `strconv.ParseBool`), case-sensitive. The error is BuildKit's
    /// message, which fails the build.
    pub fn parse(value: &str) -> Result<CheckDirective, String> {
        let mut d = CheckDirective::default();
        let value = value.trim();
        if value.is_empty() {
            return Ok(d);
        }
        let list = |v: &str| v.split(',').map(|s| s.trim().to_string()).collect::<Vec<_>>();
        for part in value.splitn(3, ';') {
            let Some((k, v)) = part.split_once('=') else {
                return Err(format!("invalid check option {}", go_quote(part)));
            };
            let v = v.trim();
            match k.trim() {
                "skip" if v == "all" => d.skip_all = true,
                "skip" => d.skip = list(v),
                "experimental" if v == "all" => d.experimental_all = true,
                "experimental" => d.experimental = list(v),
                "error" => {
                    d.error = match v {
                        "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
                        "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
                        _ => {
                            return Err(format!(
                                "failed to parse check option {}: strconv.ParseBool: parsing {}: invalid syntax",
                                go_quote(part),
                                go_quote(v)
                            ))
                        }
                    }
                }
                k => return Err(format!("invalid check option {}", go_quote(k))),
            }
        }
        Ok(d)
    }

    fn enabled(&self, rule: &Rule) -> bool {
        if rule.experimental {
            return self.experimental_all || self.experimental.iter().any(|n| n == rule.name);
        }
        !(self.skip_all || self.skip.iter().any(|n| n == rule.name))
    }
}

/// The value of the first `# check=` directive, if any.
fn directive_value(df: &Dockerfile) -> Option<&str> {
    df.directives
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case("check"))
        .map(|d| d.value.as_str())
}

/// The check options BuildKit reads for `df`: the `BUILDKIT_DOCKERFILE_CHECK`
/// build argument when set, else the file's `# check=` directive.
/// The errors are BuildKit's (Docker 28.5, checked live): an invalid build
/// argument fails the whole request, before any Dockerfile is read; an
/// invalid directive is the file's `buildError`.
pub fn options(df: &Dockerfile, opts: &ChecksOptions) -> Result<CheckDirective, String> {
    match &opts.build_arg {
        Some(arg) => CheckDirective::parse(arg)
            .map_err(|e| format!("failed to parse build-arg:BUILDKIT_DOCKERFILE_CHECK: {e}")),
        None => CheckDirective::parse(directive_value(df).unwrap_or_default())
            .map_err(|e| format!("failed to parse check options: {e}")),
    }
}

/// BuildKit's error when the check options are invalid (its build, and
/// `docker build --check`, fail with it; [`run`] then reports nothing).
pub fn options_error(df: &Dockerfile, opts: &ChecksOptions) -> Option<String> {
    options(df, opts).err()
}

/// What a rule sees, and where it reports.
pub struct Cx<'a> {
    pub src: &'a str,
    pub df: &'a Dockerfile,
    /// The build context's `.dockerignore`, if known.
    pub dockerignore: Option<&'a str>,
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
    let Ok(directive) = options(df, opts) else {
        return Vec::new();
    };
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
            dockerignore: opts.dockerignore.as_deref(),
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

    fn with_arg(src: &str, arg: &str) -> (Vec<&'static str>, Option<String>) {
        let o = ChecksOptions { build_arg: Some(arg.into()), ..ChecksOptions::default() };
        let df = crate::syntax::parse(src);
        (run(src, &df, &o).into_iter().map(|f| f.rule).collect(), options_error(&df, &o))
    }

    #[test]
    fn the_build_arg_replaces_the_directive() {
        let src = "# check=skip=FromAsCasing\nFROM alpine as b\nENV A 1\n";
        assert_eq!(rules(src), [("LegacyKeyValueFormat", 3, false)]);
        assert_eq!(with_arg(src, "skip=LegacyKeyValueFormat"), (vec!["FromAsCasing"], None));
        assert_eq!(with_arg(src, ""), (vec!["FromAsCasing", "LegacyKeyValueFormat"], None));
        assert_eq!(with_arg(src, "skip=all"), (vec![], None));
        let errors = check(src, &ChecksOptions { build_arg: Some("error=1".into()), ..Default::default() });
        assert!(errors.len() == 2 && errors.iter().all(|f| f.error));
    }

    #[test]
    fn invalid_options_fail_with_buildkit_s_message() {
        let src = "FROM alpine as b\n";
        let err = |arg: &str| with_arg(src, arg);
        let arg = "failed to parse build-arg:BUILDKIT_DOCKERFILE_CHECK: ";
        assert_eq!(err("skip"), (vec![], Some(format!("{arg}invalid check option \"skip\""))));
        assert_eq!(err("Skip=all"), (vec![], Some(format!("{arg}invalid check option \"Skip\""))));
        assert_eq!(
            err("error=yes"),
            (vec![], Some(format!("{arg}failed to parse check option \"error=yes\": strconv.ParseBool: parsing \"yes\": invalid syntax")))
        );
        // A third option keeps the rest: `experimental=B;x` is one value,
        // and `error=true;x` is no bool.
        assert!(err("skip=A;error=true;experimental=B;x").1.is_none());
        assert!(err("skip=A;experimental=B;error=true;x").1.is_some());
        assert!(err("skip=A;skip=B;error=true;x").1.is_some());
        // The directive, when no build arg replaces it.
        let df = crate::syntax::parse("# check=oops\nFROM alpine\n");
        assert_eq!(options_error(&df, &ChecksOptions::default()).as_deref(), Some("failed to parse check options: invalid check option \"oops\""));
        assert!(options_error(&df, &ChecksOptions { build_arg: Some("skip=all".into()), ..Default::default() }).is_none());
    }

    #[test]
    fn select_and_ignore_by_name_or_group() {
        let src = "FROM alpine as b\nENV A 1\nMAINTAINER x\n";
        let only = |sel: &[&str], ign: &[&str]| {
            let o = ChecksOptions {
                select: sel.iter().map(|s| s.to_string()).collect(),
                ignore: ign.iter().map(|s| s.to_string()).collect(),
                ..ChecksOptions::default()
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
            let experimental = ["CopyIgnoredFile", "InvalidDefinitionDescription"];
            assert_eq!(r.experimental, experimental.contains(&r.name), "{}", r.name);
        }
    }
}
