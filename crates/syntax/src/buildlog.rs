//! Reader for `docker build --progress=plain` output: text in, steps out.
//!
//! The CLI (`--log build.log`), the playground (pasted logs) and the BuildKit
//! oracle in `layerlab-tests` all read build logs through [`parse`]. It does no
//! IO and never fails: lines it does not understand are ignored.
//!
//! Invariant: no IO, never fails, and the real logs in `buildlog/` (Docker
//! 20.10 and newer BuildKit) are its test vectors.
//!
//! # The format
//!
//! BuildKit's plain progress writer prints one group of lines per *vertex*
//! (an LLB operation), every line prefixed with `#N`, the vertex number
//! (source: `moby/buildkit` `util/progress/progressui/printer.go`):
//!
//! ```text
//! #7 [base 3/5] COPY a.txt .            <- header: the vertex name
//! #7 sha256:9a0abca71a8c…               <- digest (Docker 20.10 only)
//! #7 0.130 some output                  <- log line, with a timestamp
//! #7 CACHED                             <- cache hit
//! #7 DONE 0.4s                          <- finished, with its duration
//! #7 ERROR: executor failed running …   <- failed
//! #7 CANCELED                           <- stopped because another failed
//! ```
//!
//! A vertex's group may be printed more than once (the header repeats), and
//! groups interleave; everything is keyed by the vertex number.
//!
//! Dockerfile steps are the vertices whose name starts with a bracket of the
//! form `[stage i/n]` (the Dockerfile frontend's `prefixCommand` in
//! `frontend/dockerfile/dockerfile2llb/convert.go`): `[2/4]` for an unnamed
//! single stage, `[build 2/4]` or `[stage-1 2/4]` for a stage, and
//! `[linux/arm64 build 2/4]` when a platform is shown. `[internal] …`,
//! `[auth] …`, `exporting to image` and the like are not steps and are
//! skipped. Only instructions that make an LLB operation are steps: `FROM`
//! an image (step 1, absent when the stage starts `FROM` another stage or
//! `scratch`), `RUN`, `COPY`, `ADD` and `WORKDIR`; `ARG`, `ENV`, `LABEL`,
//! `USER`, `CMD` and the other metadata instructions never appear.
//!
//! Both Docker 20.10's built-in BuildKit (digest lines, error text
//! `executor failed running […]`) and newer BuildKit/buildx (a leading
//! `#0 building with "default" instance`, `FROM image@sha256:…` names,
//! `ERROR: process "…" did not complete successfully`, a final
//! `ERROR: failed to solve: …`) are read the same way. The instruction text is
//! kept as printed: BuildKit prints it after ARG/ENV expansion in some
//! versions, so map steps to Dockerfile lines by stage and index, not text.

use std::borrow::Cow;

use serde::Serialize;

/// One Dockerfile build step as the log reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogStep {
    /// The vertex number (`#N`).
    pub vertex: u32,
    /// The platform shown before the stage (`linux/arm64`), if any.
    pub platform: Option<String>,
    /// The stage name as printed (`build`, `stage-1`); `None` for `[2/4]`.
    pub stage: Option<String>,
    /// 1-based step index within the stage.
    pub index: u32,
    /// Number of steps in the stage.
    pub count: u32,
    /// The instruction as printed, e.g. `RUN pip install -r requirements.txt`.
    pub instruction: String,
    /// The log said `CACHED`.
    pub cached: bool,
    /// The duration from its last `DONE` line; `None` when cached or unfinished.
    pub seconds: Option<f64>,
    /// The text after `ERROR:` on the vertex, if it failed.
    pub error: Option<String>,
    /// The vertex was `CANCELED` (another step failed first).
    pub canceled: bool,
}

/// A parsed build log.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct BuildLog {
    /// The Dockerfile steps in order of first appearance.
    pub steps: Vec<LogStep>,
    /// The build's overall error: the first line starting `ERROR:` (or
    /// `error:`) outside any vertex, or else the first step error.
    pub error: Option<String>,
}

impl BuildLog {
    /// The step of a stage (as printed) with this 1-based index.
    pub fn step(&self, stage: Option<&str>, index: u32) -> Option<&LogStep> {
        self.steps
            .iter()
            .find(|s| s.stage.as_deref() == stage && s.index == index)
    }
}

/// Reads plain progress output. Never fails; unknown lines are ignored.
/// O(n log n) in the lines: each vertex's lines are found by a sort, not a
/// scan per line (a log of 200,000 vertices took minutes).
pub fn parse(text: &str) -> BuildLog {
    let mut log = BuildLog::default();
    let mut outer_error: Option<String> = None;
    // The vertex lines, in order: (vertex, the line without ANSI escapes).
    let mut lines: Vec<(u32, Cow<'_, str>)> = Vec::new();
    for raw in text.lines() {
        let line = match strip_ansi(raw.trim_end_matches('\r')) {
            Cow::Borrowed(l) => Cow::Borrowed(l.trim_end()),
            Cow::Owned(l) => Cow::Owned(l.trim_end().to_string()),
        };
        match vertex_line(&line) {
            Some((vertex, _)) => lines.push((vertex, line)),
            None => {
                let t = line.trim_start();
                if outer_error.is_none() {
                    if let Some(e) = t
                        .strip_prefix("ERROR:")
                        .or_else(|| t.strip_prefix("error:"))
                    {
                        outer_error = Some(e.trim().to_string());
                    }
                }
            }
        }
    }
    // The first line of a vertex is its name. Sorting the lines by vertex
    // (stably) puts each vertex's lines together, first one first: `head[i]`
    // is the first line of line i's vertex.
    let mut order: Vec<usize> = (0..lines.len()).collect();
    crate::sort::sort_by_key(&mut order, |&i| lines[i].0);
    let mut head: Vec<usize> = (0..lines.len()).collect();
    for w in order.windows(2) {
        if lines[w[0]].0 == lines[w[1]].0 {
            head[w[1]] = head[w[0]];
        }
    }
    // For a first line that names a step: the step's index in `log.steps`.
    let mut step_of: Vec<Option<usize>> = vec![None; lines.len()];
    for (i, (vertex, line)) in lines.iter().enumerate() {
        let rest = vertex_line(line).map_or("", |(_, r)| r);
        if head[i] == i {
            if let Some(step) = step_header(*vertex, rest) {
                step_of[i] = Some(log.steps.len());
                log.steps.push(step);
            }
            continue;
        }
        let Some(step) = step_of[head[i]].map(|k| &mut log.steps[k]) else {
            continue;
        };
        if rest == "CACHED" {
            step.cached = true;
            step.seconds = None;
        } else if rest == "CANCELED" || rest.starts_with("CANCELED ") {
            step.canceled = true;
        } else if let Some(d) = rest.strip_prefix("DONE") {
            if !step.cached {
                step.seconds = d
                    .trim()
                    .strip_suffix('s')
                    .and_then(crate::num::parse_decimal);
            }
        } else if let Some(e) = rest
            .strip_prefix("ERROR:")
            .or_else(|| rest.strip_prefix("ERROR"))
        {
            step.error = Some(e.trim().to_string());
        }
    }
    log.error = outer_error.or_else(|| log.steps.iter().find_map(|s| s.error.clone()));
    log
}

/// `#12 rest` → (12, "rest"). The rest may be empty.
fn vertex_line(line: &str) -> Option<(u32, &str)> {
    let after = line.strip_prefix('#')?;
    let digits = after.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let n = after[..digits].parse().ok()?;
    let rest = &after[digits..];
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((n, rest.trim_start()))
}

/// `[stage 2/4] RUN …` → a step; anything else (`[internal] …`) → None.
fn step_header(vertex: u32, name: &str) -> Option<LogStep> {
    let inner_end = name.find(']')?;
    let inner = name.strip_prefix('[')?.get(..inner_end - 1)?;
    let instruction = name[inner_end + 1..].trim().to_string();
    let mut words: Vec<&str> = inner.split_whitespace().collect();
    let (index, count) = words.pop()?.split_once('/')?;
    let (index, count): (u32, u32) = (index.parse().ok()?, count.parse().ok()?);
    if index == 0 || index > count {
        return None;
    }
    let platform = match words.first() {
        Some(w) if w.contains('/') => Some(words.remove(0).to_string()),
        _ => None,
    };
    let stage = if words.is_empty() {
        None
    } else {
        Some(words.join(" "))
    };
    Some(LogStep {
        vertex,
        platform,
        stage,
        index,
        count,
        instruction,
        cached: false,
        seconds: None,
        error: None,
        canceled: false,
    })
}

/// Removes ANSI escape sequences (`ESC [ … letter`), which pasted logs may carry.
fn strip_ansi(s: &str) -> Cow<'_, str> {
    if !s.contains('\u{1b}') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (stage, index, count, cached, seconds, instruction) of a step.
    type Summary<'a> = (Option<&'a str>, u32, u32, bool, Option<f64>, &'a str);

    fn summary(log: &BuildLog) -> Vec<Summary<'_>> {
        log.steps
            .iter()
            .map(|s| {
                (
                    s.stage.as_deref(),
                    s.index,
                    s.count,
                    s.cached,
                    s.seconds,
                    s.instruction.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn docker_20_10_first_build_runs_every_step() {
        let log = parse(include_str!("buildlog/docker20-cold.log"));
        assert_eq!(
            summary(&log),
            vec![
                (
                    Some("base"),
                    1,
                    5,
                    false,
                    Some(0.1),
                    "FROM docker.io/library/python:3.12-slim"
                ),
                (Some("base"), 2, 5, false, Some(0.2), "WORKDIR /app"),
                (Some("base"), 3, 5, false, Some(0.0), "COPY a.txt ."),
                // Printed after ARG expansion: the Dockerfile says `echo $V`.
                (
                    Some("base"),
                    4,
                    5,
                    false,
                    Some(0.4),
                    "RUN echo 1 && sleep 0.3"
                ),
                (
                    Some("base"),
                    5,
                    5,
                    false,
                    Some(0.2),
                    "RUN --mount=type=cache,target=/root/.cache echo hi"
                ),
            ]
        );
        assert_eq!(log.error, None);
        assert_eq!(log.steps[3].vertex, 8);
    }

    #[test]
    fn docker_20_10_cached_steps_out_of_order_and_an_error() {
        let log = parse(include_str!("buildlog/docker20-cached-error.log"));
        let s = summary(&log);
        // Order of first appearance, as printed (BuildKit interleaves).
        assert_eq!(
            s,
            vec![
                // A local base image's FROM is never reported CACHED by 20.10.
                (
                    Some("base"),
                    1,
                    5,
                    false,
                    Some(0.0),
                    "FROM docker.io/library/python:3.12-slim"
                ),
                (Some("base"), 3, 5, true, None, "COPY a.txt ."),
                (Some("base"), 4, 5, true, None, "RUN echo 1 && sleep 0.3"),
                (Some("base"), 2, 5, true, None, "WORKDIR /app"),
                (
                    Some("base"),
                    5,
                    5,
                    true,
                    None,
                    "RUN --mount=type=cache,target=/root/.cache echo hi"
                ),
                (Some("final"), 1, 1, false, None, "RUN false"),
            ]
        );
        let failed = log.step(Some("final"), 1).unwrap();
        assert_eq!(
            failed.error.as_deref(),
            Some("executor failed running [/bin/sh -c false]: exit code: 1")
        );
        assert_eq!(log.error, failed.error);
    }

    #[test]
    fn docker_20_10_multi_stage_scratch_secret_and_from_mount() {
        let log = parse(include_str!("buildlog/docker20-multistage.log"));
        assert_eq!(
            summary(&log),
            vec![
                (
                    Some("stage-1"),
                    1,
                    5,
                    false,
                    Some(0.0),
                    "FROM docker.io/library/python:3.12-slim"
                ),
                (Some("s"), 1, 1, true, None, "COPY a.txt /a"),
                (
                    Some("stage-1"),
                    2,
                    5,
                    false,
                    Some(0.0),
                    "COPY --from=s /a /b"
                ),
                (Some("stage-1"), 3, 5, false, Some(0.0), "ADD a.txt /c"),
                (
                    Some("stage-1"),
                    4,
                    5,
                    false,
                    Some(0.1),
                    "RUN --mount=type=secret,id=x cat /run/secrets/x"
                ),
                (
                    Some("stage-1"),
                    5,
                    5,
                    false,
                    Some(0.2),
                    "RUN --mount=from=s,target=/m cat /m/a"
                ),
            ]
        );
    }

    #[test]
    fn newer_buildkit_format() {
        // Written by hand in the format of BuildKit 0.12+ (docker buildx 0.11+);
        // this machine's Docker 20.10 cannot produce it.
        let log = parse(include_str!("buildlog/buildx-error.log"));
        assert_eq!(
            summary(&log),
            vec![
                (None, 1, 5, false, Some(2.1), "FROM docker.io/library/python:3.12-slim@sha256:2b0079146a74e23bf4ae8f6a28e1b484c6292f6fb904cbb51825b4a19812fcd8"),
                (None, 2, 5, true, None, "WORKDIR /app"),
                (None, 3, 5, true, None, "COPY requirements.txt ."),
                (None, 4, 5, false, Some(3.1), "RUN pip install -r requirements.txt"),
                (None, 5, 5, false, None, "RUN python -m compileall -q ."),
            ]
        );
        let last = &log.steps[4];
        assert_eq!(
            last.error.as_deref(),
            Some("process \"/bin/sh -c python -m compileall -q .\" did not complete successfully: exit code: 1")
        );
        assert_eq!(
            log.error.as_deref(),
            Some("failed to solve: process \"/bin/sh -c python -m compileall -q .\" did not complete successfully: exit code: 1")
        );
    }

    #[test]
    fn platform_prefix_canceled_crlf_and_colors() {
        let text = "#0 building with \"default\" instance using docker driver\r\n\
                    #7 [linux/arm64 build 2/3] RUN go build ./...\r\n\
                    #8 [linux/amd64 build 2/3] RUN go build ./...\r\n\
                    #8 \u{1b}[31mERROR: boom\u{1b}[0m\r\n\
                    #7 CANCELED\r\n";
        let log = parse(text);
        assert_eq!(log.steps.len(), 2);
        assert_eq!(log.steps[0].platform.as_deref(), Some("linux/arm64"));
        assert_eq!(log.steps[0].stage.as_deref(), Some("build"));
        assert!(log.steps[0].canceled);
        assert_eq!(log.steps[1].error.as_deref(), Some("boom"));
    }

    #[test]
    fn not_a_log_gives_no_steps() {
        for text in [
            "",
            "hello\nworld",
            "#x [1/2] RUN a",
            "#3",
            "#3 [1/0] RUN a",
            "#3 [internal] load .dockerignore",
            "# [1/2] RUN",
        ] {
            assert_eq!(parse(text).steps, vec![], "{text:?}");
        }
    }

    #[test]
    fn serializes_to_json() {
        let log = parse("#5 [2/2] COPY . .\n#5 CACHED\n");
        let json = serde_json::to_value(&log).unwrap();
        assert_eq!(json["steps"][0]["cached"], true);
        assert_eq!(json["steps"][0]["stage"], serde_json::Value::Null);
        assert_eq!(json["steps"][0]["instruction"], "COPY . .");
    }
}
