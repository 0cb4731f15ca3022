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
