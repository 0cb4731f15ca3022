//! Runs the built `layerlab` binary as a user would.

use std::io::Write;
use std::process::{Command, Stdio};

fn layerlab(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn layerlab");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn parse_stdin_lists_instructions() {
    let (code, out, err) = layerlab(&["parse", "-"], b"FROM alpine\nRUN echo \\\n  hi\nCMD [\"sh\"]\n");
    assert_eq!(code, 0, "stderr: {err}");
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].contains("FROM alpine"));
    assert!(lines[1].trim_start().starts_with("2  RUN echo"), "{out}");
}

#[test]
fn parse_json_is_valid_json() {
    let (code, out, _) = layerlab(&["parse", "-", "--format", "json"], b"FROM alpine\nRUN true\n");
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(v.to_string().contains("alpine"));
}

#[test]
fn invalid_utf8_names_the_byte_offset() {
    let (code, _, err) = layerlab(&["parse", "-"], b"FROM alpine\nRUN \xff\xfe\n");
    assert_eq!(code, 2);
    assert!(err.contains("byte offset 16"), "{err}");
    assert!(err.contains("<stdin>:2:5"), "{err}");
}

#[test]
fn missing_file_is_a_usage_error() {
    let (code, _, err) = layerlab(&["parse", "/nonexistent/Dockerfile"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/Dockerfile"), "{err}");
}

#[test]
fn parse_reports_errors_with_position_and_exit_1() {
    let (code, _, err) = layerlab(&["parse", "-"], b"FROM alpine\nENV\nRUN true\n");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("<stdin>:2:"), "{err}");
}

#[test]
fn parse_json_has_stages_instructions_and_spans() {
    let (code, out, _) = layerlab(&["parse", "-", "--format", "json"], b"FROM python:3.12 AS app\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n");
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["stages"][0]["name"], "app");
    assert_eq!(v["instructions"][1]["keyword"], "RUN");
    assert!(v["instructions"][1]["span"]["start"].is_number());
}

const SLOW: &[u8] = b"FROM python:3.12-slim\nWORKDIR /code\nCOPY . /code\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n";

#[test]
fn simulate_text_names_the_first_miss_and_total() {
    let (code, out, err) = layerlab(&["simulate", "-", "--change", "src/app.py"], SLOW);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("COPY . /code: src/app.py changed"), "{out}");
    assert!(out.contains("2 of 4 steps rebuilt"), "{out}");
}

#[test]
fn simulate_json_lists_steps_with_cached_and_seconds() {
    let (code, out, _) = layerlab(&["simulate", "-", "--change", "src/app.py", "--format", "json"], SLOW);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let steps = v["steps"].as_array().unwrap();
    let cached: Vec<bool> = steps.iter().map(|s| s["cached"].as_bool().unwrap()).collect();
    assert_eq!(cached, [true, true, false, false]);
    assert_eq!(steps[3]["line"], 4);
    assert!(v["total_seconds"].as_f64().unwrap() > 10.0);
}

#[test]
fn simulate_reads_context_dockerignore() {
    let dir = std::env::temp_dir().join(format!("layerlab-cli-ctx-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    std::fs::write(dir.join(".dockerignore"), "docs\n").unwrap();
    std::fs::write(dir.join("docs/a.md"), "x").unwrap();
    let (code, out, _) = layerlab(&["simulate", "-", "--change", "docs/a.md", "--context", dir.to_str().unwrap()], SLOW);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 0);
    assert!(out.contains("0 of 4 steps rebuilt"), "{out}");
    assert!(out.contains("excluded by .dockerignore"), "{out}");
}

#[test]
fn simulate_rejects_bad_args() {
    let (code, _, err) = layerlab(&["simulate", "-", "--arg", "NOEQUALS"], SLOW);
    assert_eq!(code, 2);
    assert!(err.contains("NAME=VALUE"), "{err}");
    let (code, _, err) = layerlab(&["simulate", "-", "--target", "nope"], SLOW);
    assert_eq!(code, 2);
    assert!(err.contains("no such stage"), "{err}");
}
