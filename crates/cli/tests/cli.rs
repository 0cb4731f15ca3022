//! Runs the built `layerlab` binary as a user would.

mod common;

use common::layerlab;

#[test]
fn parse_stdin_lists_instructions() {
    let (code, out, err) = layerlab(
        &["parse", "-"],
        b"FROM alpine\nRUN echo \\\n  hi\nCMD [\"sh\"]\n",
    );
    assert_eq!(code, 0, "stderr: {err}");
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].contains("FROM alpine"));
    assert!(lines[1].trim_start().starts_with("2  RUN echo"), "{out}");
}

#[test]
fn parse_json_is_valid_json() {
    let (code, out, _) = layerlab(
        &["parse", "-", "--format", "json"],
        b"FROM alpine\nRUN true\n",
    );
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
    let (code, out, _) = layerlab(
        &["parse", "-", "--format", "json"],
        b"FROM python:3.12 AS app\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n",
    );
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
    let (code, out, _) = layerlab(
        &[
            "simulate",
            "-",
            "--change",
            "src/app.py",
            "--format",
            "json",
        ],
        SLOW,
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let steps = v["steps"].as_array().unwrap();
    let cached: Vec<bool> = steps
        .iter()
        .map(|s| s["cached"].as_bool().unwrap())
        .collect();
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
    let (code, out, _) = layerlab(
        &[
            "simulate",
            "-",
            "--change",
            "docs/a.md",
            "--context",
            dir.to_str().unwrap(),
        ],
        SLOW,
    );
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

#[test]
fn check_reports_findings_with_snippets_and_exit_1() {
    let (code, out, err) = layerlab(&["check", "-"], SLOW);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("<stdin>:3:1: LL301 [tip 3]") || out.contains("-:3:1: LL301 [tip 3]"),
        "{out}"
    );
    assert!(out.contains("3 | COPY . /code\n  | ^^^^^^^^^^^^"), "{out}");
    assert!(out.contains("fix (safe)"), "{out}");
}

#[test]
fn check_clean_file_exits_0_and_select_ignore_work() {
    let clean = b"FROM alpine:3.20\nCMD [\"true\"]\n";
    let (code, out, _) = layerlab(&["check", "-"], clean);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no findings"));
    let (code, out, _) = layerlab(
        &["check", "-", "--select", "tip3", "--format", "json"],
        SLOW,
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = v[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.is_empty() && codes.iter().all(|c| c.starts_with("LL3")),
        "{codes:?}"
    );
    assert!(v[0]["findings"][0]["tip"].as_u64() == Some(3));
    let (code, _, _) = layerlab(
        &["check", "-", "--ignore", "tip1,tip2,tip3,tip4,tip5"],
        SLOW,
    );
    assert_eq!(code, 0);
}

#[test]
fn check_sarif_has_the_required_shape() {
    let (code, out, _) = layerlab(&["check", "-", "--format", "sarif"], SLOW);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "layerlab");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in run["results"].as_array().unwrap() {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(
            region["startLine"].as_u64().unwrap() >= 1
                && region["startColumn"].as_u64().unwrap() >= 1
        );
        assert!(matches!(r["level"].as_str(), Some("warning" | "note")));
    }
}

#[test]
fn fix_prints_text_diff_and_reaches_a_fixed_point() {
    let (code, fixed, err) = layerlab(&["fix", "-"], SLOW);
    assert_eq!(code, 0, "{err}");
    assert!(fixed.contains("COPY requirements.txt /code/\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\nCOPY . /code\n"), "{fixed}");
    assert!(err.contains("rebuild after a source edit"), "{err}");
    let (_, again, _) = layerlab(&["fix", "-"], fixed.as_bytes());
    assert_eq!(again, fixed, "fixing twice changes nothing");
    let (_, diff, _) = layerlab(&["fix", "-", "--diff"], SLOW);
    assert!(
        diff.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"),
        "{diff}"
    );
}

#[test]
fn fix_write_creates_files_next_to_the_dockerfile() {
    let dir = std::env::temp_dir().join(format!("layerlab-cli-fix-{}", std::process::id()));
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join(".git/HEAD"), "ref").unwrap();
    std::fs::write(dir.join("package.json"), "{}").unwrap();
    let df = dir.join("Dockerfile");
    std::fs::write(
        &df,
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"npm\", \"run\", \"dev\"]\n",
    )
    .unwrap();
    let (code, _, err) = layerlab(&["fix", df.to_str().unwrap(), "--write", "--unsafe"], b"");
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&df).unwrap();
    assert!(text.contains("COPY package.json"), "{text}");
    assert!(dir.join(".dockerignore").exists(), "{err}");
    assert!(dir.join("compose.yaml").exists(), "{err}");
    let compose = std::fs::read_to_string(dir.join("compose.yaml")).unwrap();
    assert!(
        compose.contains("develop:") && compose.contains("target: /app"),
        "{compose}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
