//! Maps the steps of a `--progress=plain` build log to the model's steps, so
//! real durations and CACHED states replace the estimates.
//!
//! A log step is named `[stage i/n]` (or `[i/n]` for an unnamed stage); the
//! stage name BuildKit prints is the stage's `AS` name, or `stage-K` for an
//! unnamed stage K when there are several. We match on the stage and the
//! `i/n` numbering the model computes the same way.

use serde::Serialize;

use crate::buildlog::BuildLog;
use crate::model::BuildModel;

/// One log step matched to a model step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogMatch {
    /// Index into `BuildModel::steps`.
    pub step: usize,
    pub instruction: usize,
    pub cached: bool,
    pub seconds: Option<f64>,
}

/// The name BuildKit prints for stage `i`, when it prints one.
pub fn printed_stage_name(model: &BuildModel, i: usize) -> Option<String> {
    match &model.stages[i].name {
        Some(n) => Some(n.clone()),
        None if model.stages.len() > 1 => Some(format!("stage-{i}")),
        None => None,
    }
}

/// Matches every log step it can; unmatched log steps are left out.
pub fn match_log(model: &BuildModel, log: &BuildLog) -> Vec<LogMatch> {
    let mut out = Vec::new();
    for ls in &log.steps {
        let stage = (0..model.stages.len()).find(|&i| {
            let printed = printed_stage_name(model, i);
            match (&ls.stage, printed) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(&b),
                (None, None) => true,
                // A single unnamed stage in a multi-stage file prints no name
                // in some versions: accept when the count matches.
                (None, Some(_)) => {
                    model.stages[i].name.is_none()
                        && model
                            .stage_steps(i)
                            .any(|s| s.number.map(|n| n.1) == Some(ls.count as usize))
                }
                _ => false,
            }
        });
        let Some(stage) = stage else { continue };
        let found = model.stages[stage]
            .steps
            .iter()
            .copied()
            .find(|&s| model.steps[s].number == Some((ls.index as usize, ls.count as usize)));
        if let Some(s) = found {
            if !out.iter().any(|m: &LogMatch| m.step == s) {
                out.push(LogMatch {
                    step: s,
                    instruction: model.steps[s].instruction,
                    cached: ls.cached,
                    seconds: ls.seconds,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_named_unnamed_and_single_stages() {
        let src = "FROM scratch AS s\nCOPY a.txt /a\nFROM python:3.12-slim\nCOPY --from=s /a /b\nADD a.txt /c\nRUN true\nRUN false\n";
        let df = crate::parse(src);
        let m = crate::model::build(&df, src);
        let log = crate::buildlog::parse(include_str!("../buildlog/docker20-multistage.log"));
        let matches = match_log(&m, &log);
        let lines: Vec<u32> = matches.iter().map(|x| m.steps[x.step].line).collect();
        assert!(lines.contains(&2), "[s 1/1] COPY maps to line 2: {lines:?}");
        assert!(
            lines.contains(&3),
            "[stage-1 1/5] FROM maps to line 3: {lines:?}"
        );
        assert!(lines.contains(&4), "{lines:?}");

        let single = "FROM alpine\nWORKDIR /x\nRUN a\n";
        let df = crate::parse(single);
        let m = crate::model::build(&df, single);
        let log = crate::buildlog::parse(
            "#5 [2/3] WORKDIR /x\n#5 CACHED\n\n#6 [3/3] RUN a\n#6 DONE 2.5s\n",
        );
        let matches = match_log(&m, &log);
        assert_eq!(matches.len(), 2);
        assert!(matches[0].cached);
        assert_eq!(matches[1].seconds, Some(2.5));
        assert_eq!(m.steps[matches[1].step].line, 3);
    }
}
