//! Workshop lessons: a small text format a teacher can write, and the goals
//! the analyzer measures live as the learner edits.
//!
//! ```text
//! title: Copy only what the next step needs
//! tip: 3
//! goal: source-edit <= 5
//! goal: no-findings tip3
//! hint: Which files does `pip install -r requirements.txt` read?
//! --- explanation
//! Markdown, in our own words.
//! --- starter
//! FROM python:3.12-slim
//! …
//! --- solution
//! FROM python:3.12-slim
//! …
//! ```
//!
//! Header lines are `key: value` (`title`, `tip`, `goal` and `hint`
//! repeatable) until the first `--- section` line. Goals:
//! - `source-edit <= N`, `dependency-bump <= N`, `base-update <= N`: the
//!   simulated rebuild (critical path, seconds) in that standard scenario;
//! - `no-findings CODE|tipN|all`: no finding of that rule, tip, or at all;
//! - `has-finding CODE`: the rule fires (for "spot the problem" lessons);
//! - `cache-mount`: every package install has a cache mount;
//! - `stages >= N`: at least N build stages (multi-stage builds).
//!
//! The source-edit and dependency-bump scenarios are taken from the
//! *starter* file, so a learner cannot meet a goal by renaming files.
//!
//! Invariant: a goal is measured, never matched as text: with the
//! simulator (in the starter's scenarios) and the rules, on whatever the
//! learner wrote.

use serde::Serialize;

use crate::simulate::BuildContext;
use crate::tips::scenarios::{self, Scenarios};
use crate::tips::{run_rules, CheckOptions};

/// A parsed lesson.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Lesson {
    pub title: String,
    pub tip: u8,
    pub goals: Vec<Goal>,
    pub hints: Vec<String>,
    pub explanation: String,
    pub starter: String,
    pub solution: String,
}

/// A measurable goal.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Goal {
    SourceEditAtMost { seconds: f64 },
    DependencyBumpAtMost { seconds: f64 },
    BaseUpdateAtMost { seconds: f64 },
    NoFindings { selector: String },
    HasFinding { code: String },
    CacheMount,
    StagesAtLeast { count: usize },
}

impl Goal {
    /// The goal in words, for the lesson panel.
    pub fn describe(&self) -> String {
        match self {
            Goal::SourceEditAtMost { seconds } => format!(
                "A source edit rebuilds in ≤ {} s (simulated)",
                crate::num::F1(*seconds)
            ),
            Goal::DependencyBumpAtMost { seconds } => format!(
                "A dependency bump rebuilds in ≤ {} s (simulated)",
                crate::num::F1(*seconds)
            ),
            Goal::BaseUpdateAtMost { seconds } => format!(
                "A base-image update rebuilds in ≤ {} s (simulated)",
                crate::num::F1(*seconds)
            ),
            Goal::NoFindings { selector } if selector == "all" => "No findings at all".into(),
            Goal::NoFindings { selector } => format!("No {selector} findings"),
            Goal::HasFinding { code } => format!("{code} fires"),
            Goal::CacheMount => "Every package install uses a cache mount".into(),
            Goal::StagesAtLeast { count } => format!("At least {count} build stages"),
        }
    }
}

/// A lesson file that could not be read, with the 1-based line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LessonError {
    pub line: usize,
    pub message: String,
}

fn err(line: usize, message: impl Into<String>) -> LessonError {
    LessonError {
        line,
        message: message.into(),
    }
}

fn parse_goal(v: &str, line: usize) -> Result<Goal, LessonError> {
    let words: Vec<&str> = v.split_whitespace().collect();
    let num = |i: usize| -> Result<f64, LessonError> {
        words
            .get(i)
            .and_then(|w| crate::num::parse_decimal(w))
            .ok_or_else(|| err(line, format!("goal `{v}`: expected a number")))
    };
    match words.as_slice() {
        ["source-edit", "<=", ..] => Ok(Goal::SourceEditAtMost { seconds: num(2)? }),
        ["dependency-bump", "<=", ..] => Ok(Goal::DependencyBumpAtMost { seconds: num(2)? }),
        ["base-update", "<=", ..] => Ok(Goal::BaseUpdateAtMost { seconds: num(2)? }),
        ["no-findings", sel] => Ok(Goal::NoFindings {
            selector: sel.to_string(),
        }),
        ["has-finding", code] => Ok(Goal::HasFinding {
            code: code.to_string(),
        }),
        ["cache-mount"] => Ok(Goal::CacheMount),
        ["stages", ">=", _] => Ok(Goal::StagesAtLeast {
            count: num(2)? as usize,
        }),
        _ => Err(err(line, format!("unknown goal `{v}`"))),
    }
}

/// Reads a lesson file.
pub fn parse(text: &str) -> Result<Lesson, LessonError> {
    let mut l = Lesson::default();
    let mut section: Option<String> = None;
    let mut body = String::new();
    let flush = |l: &mut Lesson,
                 section: &Option<String>,
                 body: &mut String,
                 line: usize|
     -> Result<(), LessonError> {
        let text = std::mem::take(body);
        match section.as_deref() {
            None => Ok(()),
            Some("explanation") => {
                l.explanation = text.trim().to_string();
                Ok(())
            }
            Some("starter") => {
                l.starter = text;
                Ok(())
            }
            Some("solution") => {
                l.solution = text;
                Ok(())
            }
            Some(other) => Err(err(line, format!("unknown section `--- {other}`"))),
        }
    };
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        if let Some(name) = raw.strip_prefix("--- ") {
            flush(&mut l, &section, &mut body, n)?;
            section = Some(name.trim().to_string());
            continue;
        }
        if section.is_some() {
            body.push_str(raw);
            body.push('\n');
            continue;
        }
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (k, v) = line
            .split_once(':')
            .ok_or_else(|| err(n, "expected `key: value` or a `--- section` line"))?;
        let v = v.trim();
        match k.trim() {
            "title" => l.title = v.to_string(),
            "tip" => {
                l.tip = v
                    .parse()
                    .ok()
                    .filter(|t| (1..=5).contains(t))
                    .ok_or_else(|| err(n, "tip must be 1 to 5"))?
            }
            "goal" => l.goals.push(parse_goal(v, n)?),
            "hint" => l.hints.push(v.to_string()),
            other => return Err(err(n, format!("unknown key `{other}`"))),
        }
    }
    flush(&mut l, &section, &mut body, text.lines().count())?;
    if l.title.is_empty()
        || l.starter.trim().is_empty()
        || l.solution.trim().is_empty()
        || l.goals.is_empty()
    {
        return Err(err(
            1,
            "a lesson needs a title, at least one goal, a starter and a solution",
        ));
    }
    Ok(l)
}

/// One goal's state for a learner's text.
#[derive(Debug, Clone, Serialize)]
pub struct GoalState {
    pub goal: Goal,
    pub text: String,
    pub met: bool,
    /// What was measured ("3.0 s", "2 findings").
    pub measured: String,
}

impl Lesson {
    /// The scenarios goals are measured in: the starter's.
    pub fn scenarios(&self) -> Scenarios {
        let df = crate::syntax::parse(&self.starter);
        let model = crate::model::build(&df, &self.starter);
        scenarios::scenarios(&df, &model, &BuildContext::default())
    }

    /// Measures every goal on `src`.
    pub fn evaluate(&self, src: &str) -> Vec<GoalState> {
        let df = crate::syntax::parse(src);
        let model = crate::model::build(&df, src);
        let findings = run_rules(
            src,
            &df,
            &model,
            &BuildContext::default(),
            &CheckOptions::default(),
        );
        self.evaluate_parsed(&self.scenarios(), &df, &model, &findings)
    }

    /// Measures every goal on a text already parsed (`df`), modelled and
    /// checked, in the starter's scenarios `sc` (`Lesson::scenarios`,
    /// computed once per lesson: the playground measures on every keystroke).
    pub fn evaluate_parsed(
        &self,
        sc: &Scenarios,
        df: &crate::syntax::Dockerfile,
        model: &crate::model::BuildModel,
        findings: &[crate::tips::Finding],
    ) -> Vec<GoalState> {
        let ctx = BuildContext::default();
        let times = scenarios::times_of(df, model, &ctx, sc);
        let parse_ok = df.errors().next().is_none();
        self.goals
            .iter()
            .map(|g| {
                let (met, measured) = match g {
                    Goal::SourceEditAtMost { seconds } => (
                        times.source_edit <= *seconds,
                        format!("{} s", crate::num::F1(times.source_edit)),
                    ),
                    Goal::DependencyBumpAtMost { seconds } => (
                        times.dependency_bump <= *seconds,
                        format!("{} s", crate::num::F1(times.dependency_bump)),
                    ),
                    Goal::BaseUpdateAtMost { seconds } => (
                        times.base_update <= *seconds,
                        format!("{} s", crate::num::F1(times.base_update)),
                    ),
                    Goal::NoFindings { selector } => {
                        let n = findings
                            .iter()
                            .filter(|f| {
                                selector == "all"
                                    || f.code.eq_ignore_ascii_case(selector)
                                    || selector.trim_start_matches("tip").parse::<u8>().ok()
                                        == Some(f.tip)
                            })
                            .count();
                        (
                            n == 0,
                            format!("{n} finding{}", if n == 1 { "" } else { "s" }),
                        )
                    }
                    Goal::HasFinding { code } => {
                        let n = findings
                            .iter()
                            .filter(|f| f.code.eq_ignore_ascii_case(code))
                            .count();
                        (
                            n > 0,
                            format!("{n} finding{}", if n == 1 { "" } else { "s" }),
                        )
                    }
                    Goal::CacheMount => {
                        let n = findings
                            .iter()
                            .filter(|f| f.code == crate::tips::registry::Code::LL502)
                            .count();
                        (
                            n == 0,
                            format!("{n} install{} without", if n == 1 { "" } else { "s" }),
                        )
                    }
                    Goal::StagesAtLeast { count } => (
                        model.stages.len() >= *count,
                        format!("{} stages", model.stages.len()),
                    ),
                };
                GoalState {
                    goal: g.clone(),
                    text: g.describe(),
                    met: met && parse_ok,
                    measured,
                }
            })
            .collect()
    }

    /// Whether `src` meets every goal.
    pub fn complete(&self, src: &str) -> bool {
        self.evaluate(src).iter().all(|g| g.met)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: &str = "title: T\ntip: 3\ngoal: source-edit <= 5\ngoal: no-findings LL301\nhint: h1\n--- explanation\nWhy.\n--- starter\nFROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n--- solution\nFROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n";

    #[test]
    fn parses_and_measures() {
        let l = parse(L).unwrap();
        assert_eq!((l.tip, l.goals.len(), l.hints.len()), (3, 2, 1));
        assert!(!l.complete(&l.starter));
        assert!(l.complete(&l.solution));
        let states = l.evaluate(&l.starter);
        assert!(!states[0].met && states[0].measured.ends_with(" s"));
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(parse("title: x\ngoal: fly <= 3\n").unwrap_err().line, 2);
        assert_eq!(parse("title: x\ntip: 9\n").unwrap_err().line, 2);
        assert_eq!(parse("nonsense\n").unwrap_err().line, 1);
        assert!(
            parse("title: x\n--- starter\nFROM a\n").is_err(),
            "no goal, no solution"
        );
        assert!(parse(
            "title: x\ngoal: cache-mount\n--- starter\nFROM a\n--- solution\nFROM a\n--- oops\n"
        )
        .is_err());
    }

    #[test]
    fn a_broken_file_meets_no_goal() {
        let l = parse(L).unwrap();
        assert!(!l.complete("FROM python:3.12\nENV\n"));
    }
}
