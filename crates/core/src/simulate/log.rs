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

/// Matches every log step it can; unmatched log steps are left out. Linear
/// in the log and the model (plus a sort of the stage names): a log of
/// 200,000 vertices is matched without a scan per line.
pub fn match_log(model: &BuildModel, log: &BuildLog) -> Vec<LogMatch> {
    // Each stage's numbered steps, in order: step `[i/n]` is the i-th.
    let mut numbered: Vec<Vec<usize>> = vec![Vec::new(); model.stages.len()];
    for (s, step) in model.steps.iter().enumerate() {
        if step.number.is_some() {
            numbered[step.stage].push(s);
        }
    }
    // The `n` of a stage's `[i/n]`.
    let count = |stage: usize| {
        let first = numbered[stage].first()?;
        model.steps[*first].number.map(|n| n.1)
    };
    // The printed stage names (lower-cased) and the unnamed stages' step
    // counts, each sorted stably (the first stage of a name or count comes
    // first) and binary-searched.
    let mut printed: Vec<(String, usize)> = (0..model.stages.len())
        .filter_map(|i| Some((printed_stage_name(model, i)?.to_ascii_lowercase(), i)))
        .collect();
    crate::sort::sort_by(&mut printed, |a, b| a.0.cmp(&b.0));
    let mut unnamed: Vec<(usize, usize)> = (0..model.stages.len())
        .filter(|&i| model.stages[i].name.is_none())
        .filter_map(|i| Some((count(i)?, i)))
        .collect();
    crate::sort::sort_by_key(&mut unnamed, |p| p.0);
    let mut seen = vec![false; model.steps.len()];
    let mut out = Vec::new();
    for ls in &log.steps {
        let stage = match &ls.stage {
            Some(a) => {
                let a = a.to_ascii_lowercase();
                let at = printed.partition_point(|p| p.0 < a);
                printed.get(at).filter(|p| p.0 == a).map(|p| p.1)
            }
            // One stage without a name prints none.
            None if printed.is_empty() => (!model.stages.is_empty()).then_some(0),
            // A single unnamed stage in a multi-stage file prints no name
            // in some versions: accept when the count matches.
            None => {
                let n = ls.count as usize;
                let at = unnamed.partition_point(|p| p.0 < n);
                unnamed.get(at).filter(|p| p.0 == n).map(|p| p.1)
            }
        };
        let Some(stage) = stage else { continue };
        let found = (ls.index as usize)
            .checked_sub(1)
            .and_then(|k| numbered[stage].get(k).copied())
            .filter(|&s| model.steps[s].number == Some((ls.index as usize, ls.count as usize)));
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
