//! Reads buildx's `--progress=rawjson` (one BuildKit `SolveStatus` a line)
//! into the oracle's [`BuildLog`], vertex by vertex.
//!
//! The current engine's builds are read this way because plain progress
//! shows a `COPY --link` as one step made of two vertices: the copy onto
//! scratch (named `[stage i/n] COPY --link …`) and the MergeOp that puts it
//! on the stage (named `[stage i/n] LINK COPY --link …`, printed as
//! `merging`), and `DONE` whether or not the copy was reused. Here each
//! vertex carries BuildKit's own `cached` flag: a step is cached when its
//! named vertex is; the `LINK` merge is not the step (it reruns whenever the
//! layers below change, and costs no copy).

use layerlab_core::buildlog::{BuildLog, LogStep};
use serde_json::Value;

#[derive(Default)]
struct Vertex {
    name: String,
    cached: bool,
    started: Option<f64>,
    completed: Option<f64>,
    error: Option<String>,
}

/// Seconds since the epoch of an RFC 3339 UTC time (`2026-12-02T00:53:21.33Z`).
fn seconds(t: &str) -> Option<f64> {
    let (date, time) = t.split_once('T')?;
    let mut d = date.split('-').map(|x| x.parse::<i64>());
    let (y, m, day) = (d.next()?.ok()?, d.next()?.ok()?, d.next()?.ok()?);
    let time = time.trim_end_matches('Z');
    let time = time.split(['+']).next()?;
    let mut h = time.split(':');
    let (hh, mm, ss) = (
        h.next()?.parse::<f64>().ok()?,
        h.next()?.parse::<f64>().ok()?,
        h.next()?.parse::<f64>().ok()?,
    );
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    Some(days as f64 * 86400.0 + hh * 3600.0 + mm * 60.0 + ss)
}

/// `[stage 2/5] RUN x` → (Some("stage"), 2, 5, "RUN x"); `[2/5] RUN x` → (None, …).
/// A platform before the stage (`[linux/amd64 build 2/5]`) is dropped.
fn step_name(name: &str) -> Option<(Option<String>, u32, u32, String)> {
    let rest = name.strip_prefix('[')?;
    let (inside, instruction) = rest.split_once("] ")?;
    let mut words: Vec<&str> = inside.split_whitespace().collect();
    let frac = words.pop()?;
    let (i, n) = frac.split_once('/')?;
    let (i, n) = (i.parse().ok()?, n.parse().ok()?);
    let stage = words.last().map(|s| s.to_string());
    Some((stage, i, n, instruction.to_string()))
}

/// Parses a rawjson log. Lines that are not JSON are ignored; an `ERROR`
/// line outside the stream (the client's own) becomes the build error.
pub fn parse(text: &str) -> BuildLog {
    let mut order: Vec<String> = Vec::new();
    let mut vertices: std::collections::HashMap<String, Vertex> = Default::default();
    let mut outer_error = None;
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            let t = line.trim();
            if outer_error.is_none() && (t.starts_with("ERROR:") || t.starts_with("error:")) {
                outer_error = t.split_once(':').map(|(_, e)| e.trim().to_string());
            }
            continue;
        };
        let Some(list) = v.get("vertexes").and_then(Value::as_array) else {
            continue;
        };
        for x in list {
            let Some(digest) = x.get("digest").and_then(Value::as_str) else {
                continue;
            };
            let e = vertices.entry(digest.to_string()).or_insert_with(|| {
                order.push(digest.to_string());
                Vertex::default()
            });
            if let Some(n) = x.get("name").and_then(Value::as_str) {
                e.name = n.to_string();
            }
            if x.get("cached").and_then(Value::as_bool) == Some(true) {
                e.cached = true;
            }
            if let Some(s) = x.get("started").and_then(Value::as_str).and_then(seconds) {
                e.started = Some(e.started.map_or(s, |o: f64| o.min(s)));
            }
            if let Some(c) = x.get("completed").and_then(Value::as_str).and_then(seconds) {
                e.completed = Some(e.completed.map_or(c, |o: f64| o.max(c)));
            }
            if let Some(err) = x.get("error").and_then(Value::as_str) {
                if !err.is_empty() {
                    e.error = Some(err.to_string());
                }
            }
        }
    }
    let mut log = BuildLog::default();
    for (n, digest) in order.iter().enumerate() {
        let v = &vertices[digest];
        let Some((stage, index, count, instruction)) = step_name(&v.name) else {
            continue;
        };
        if instruction.starts_with("LINK ") {
            continue; // the MergeOp of a COPY --link, not the step
        }
        if log
            .steps
            .iter()
            .any(|s: &LogStep| s.stage == stage && s.index == index)
        {
            continue;
        }
        log.steps.push(LogStep {
            vertex: n as u32 + 1,
            platform: None,
            stage,
            index,
            count,
            instruction,
            cached: v.cached,
            seconds: match (v.cached, v.started, v.completed) {
                (false, Some(s), Some(c)) => Some(c - s),
                _ => None,
            },
            error: v.error.clone(),
            canceled: false,
        });
    }
    log.error = outer_error.or_else(|| log.steps.iter().find_map(|s| s.error.clone()));
    log
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linked_copy_is_its_copy_vertex() {
        // Shortened from a real 28.5 build (containerd image store) after a
        // change above `COPY --link`: the copy is cached, its merge runs.
        let log = r#"{"vertexes":[{"digest":"sha256:a","name":"[base 2/4] WORKDIR /app","started":"2026-12-02T00:53:21.000Z","completed":"2026-12-02T00:53:21.000Z","cached":true}]}
{"vertexes":[{"digest":"sha256:b","inputs":["sha256:a"],"name":"[base 3/4] RUN <<EOT (echo five...)","started":"2026-12-02T00:53:21.100Z"}]}
{"vertexes":[{"digest":"sha256:b","inputs":["sha256:a"],"name":"[base 3/4] RUN <<EOT (echo five...)","started":"2026-12-02T00:53:21.100Z","completed":"2026-12-02T00:53:21.350Z"}]}
{"vertexes":[{"digest":"sha256:c","inputs":["sha256:ctx"],"name":"[base 4/4] COPY --link a.txt /a.txt","started":"2026-12-02T00:53:21.400Z","completed":"2026-12-02T00:53:21.400Z","cached":true}]}
{"vertexes":[{"digest":"sha256:d","inputs":["sha256:b","sha256:c"],"name":"[base 4/4] LINK COPY --link a.txt /a.txt","started":"2026-12-02T00:53:21.400Z","completed":"2026-12-02T00:53:21.450Z"}]}
not json
ERROR: failed to build: something
"#;
        let l = parse(log);
        let got: Vec<(u32, bool, &str)> = l
            .steps
            .iter()
            .map(|s| (s.index, s.cached, s.instruction.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, true, "WORKDIR /app"),
                (3, false, "RUN <<EOT (echo five...)"),
                (4, true, "COPY --link a.txt /a.txt"),
            ]
        );
        assert!((l.steps[1].seconds.unwrap() - 0.25).abs() < 1e-6);
        assert_eq!(l.steps[0].stage.as_deref(), Some("base"));
        assert_eq!(l.error.as_deref(), Some("failed to build: something"));
        assert_eq!(
            step_name("[linux/amd64 build 2/5] RUN x")
                .unwrap()
                .0
                .as_deref(),
            Some("build")
        );
        assert_eq!(
            step_name("[2/5] RUN x").unwrap(),
            (None, 2, 5, "RUN x".into())
        );
    }
}
