//! Maps the steps of a `--progress=plain` build log to the model's steps, so
//! real durations and CACHED states replace the estimates.
//!
//! A log step is named `[stage i/n]` (or `[i/n]` for an unnamed stage); the
//! stage name BuildKit prints is the stage's `AS` name, or `stage-K` for an
//! unnamed stage K when there are several. We match on the stage and the
//! `i/n` numbering the model computes the same way.
//!
//! Invariant: steps are matched by stage and index, never by their text
//! (some BuildKit versions print it after ARG/ENV expansion).

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

/// Matches every log step it can; unmatched log steps are left out. Linear
/// in the log and the model (plus a sort of the stage names): a log of
/// 200,000 vertices is matched without a scan per line.
pub fn match_log(model: &BuildModel, log: &BuildLog) -> Vec<LogMatch> {
    // The numbered steps, in order; a stage's are together, from `first`:
    // its step `[i/n]` is the i-th.
    let numbered: Vec<usize> = (0..model.steps.len())
        .filter(|&s| model.steps[s].number.is_some())
        .collect();
    let mut first = vec![usize::MAX; model.stages.len()];
    for (k, &s) in numbered.iter().enumerate().rev() {
        first[model.steps[s].stage] = k;
    }
    // The first unnamed stage of each step count.
    let mut unnamed = vec![usize::MAX; model.steps.len() + 1];
    for (i, &k) in first.iter().enumerate().rev() {
        if let (None, Some(&s)) = (&model.stages[i].name, numbered.get(k)) {
            let n = model.steps[s].number.map_or(0, |n| n.1);
            unnamed[n.min(model.steps.len())] = i;
        }
    }
    let mut seen = vec![false; model.steps.len()];
    let mut out = Vec::new();
    for ls in &log.steps {
        let stage = match &ls.stage {
            // The first stage that prints as `a`: named so, or unnamed
            // stage K printed `stage-K` (when there are several).
            Some(a) => {
                let a = a.to_ascii_lowercase();
                let k = a
                    .strip_prefix("stage-")
                    .filter(|k| k.bytes().all(|b| b.is_ascii_digit()))
                    .filter(|k| k.len() == 1 || !k.starts_with('0'))
                    .and_then(|k| k.parse::<usize>().ok())
                    .filter(|&k| {
                        model.stages.len() > 1
                            && model.stages.get(k).is_some_and(|s| s.name.is_none())
                    });
                [model.stage_named(&a), k].into_iter().flatten().min()
            }
            // One stage without a name prints none.
            None if model.stages.len() == 1 && model.stages[0].name.is_none() => Some(0),
            // A single unnamed stage in a multi-stage file prints no name
            // in some versions: accept when the count matches.
            None => unnamed
                .get(ls.count as usize)
                .copied()
                .filter(|&i| i != usize::MAX),
        };
        let Some(stage) = stage else { continue };
        let found = (ls.index as usize)
            .checked_sub(1)
            .and_then(|i| numbered.get(first[stage].checked_add(i)?))
            .copied()
            .filter(|&s| {
                model.steps[s].stage == stage
                    && model.steps[s].number == Some((ls.index as usize, ls.count as usize))
            });
        if let Some(s) = found.filter(|&s| !seen[s]) {
            seen[s] = true;
            out.push(LogMatch {
                step: s,
                instruction: model.steps[s].instruction,
                cached: ls.cached,
                seconds: ls.seconds,
            });
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
        let log = crate::buildlog::parse(include_str!("../../syntax/src/buildlog/docker20-multistage.log"));
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

    #[test]
    fn unnamed_stages_by_step_count_and_each_step_once() {
        let src = "FROM alpine\nRUN a\nFROM alpine\nRUN b\nRUN c\n";
        let df = crate::parse(src);
        let m = crate::model::build(&df, src);
        let log = crate::buildlog::parse(concat!(
            "#1 [1/3] FROM alpine\n#1 DONE 0.1s\n",
            "#2 [3/3] RUN c\n#2 DONE 3.0s\n",
            "#3 [2/2] RUN a\n#3 CACHED\n",
            "#4 [2/2] RUN a\n#4 DONE 9.0s\n",
            "#5 [4/4] RUN x\n#6 [nope 1/1] RUN y\n#7 [stage-1 2/3] RUN b\n",
        ));
        let got: Vec<(u32, bool, Option<f64>)> = match_log(&m, &log)
            .iter()
            .map(|x| (m.steps[x.step].line, x.cached, x.seconds))
            .collect();
        // [1/3] and [3/3] are the 3-step stage, [2/2] the other (its
        // second report ignored); no stage has 4 steps or is named `nope`.
        assert_eq!(
            got,
            [
                (3, false, Some(0.1)),
                (5, false, Some(3.0)),
                (2, true, None),
                (4, false, None)
            ]
        );
    }
}
