//! `check` with BuildKit's build checks: shown after the tips, selected by
//! name or group, and printed in Docker's own JSON shape.

mod common;

use common::layerlab;

const SRC: &str = "FROM alpine as b\nENV A 1\nCMD [\"sh\"]\n";

#[test]
fn text_shows_build_checks_with_their_url() {
    let (code, out, _) = layerlab(&["check", "-", "--no-context", "--select", "buildkit"], SRC.as_bytes());
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("-:1:1: FromAsCasing [buildkit] 'as' and 'FROM' keywords' casing do not match\n"), "{out}");
    assert!(out.contains("  = https://docs.docker.com/go/dockerfile/rule/legacy-key-value-format/\n"), "{out}");
    assert!(out.ends_with("no tip findings in 1 file; 2 BuildKit build check warnings\n"), "{out}");
}

#[test]
fn ignore_by_group_or_name() {
    let (_, out, _) = layerlab(&["check", "-", "--no-context", "--ignore", "buildkit"], SRC.as_bytes());
    assert!(!out.contains("[buildkit]"), "{out}");
    let (_, out, _) = layerlab(&["check", "-", "--no-context", "--ignore", "FromAsCasing"], SRC.as_bytes());
    assert!(!out.contains("FromAsCasing") && out.contains("LegacyKeyValueFormat"), "{out}");
}

#[test]
fn buildkit_json_has_docker_s_shape() {
    let (code, out, _) = layerlab(&["check", "-", "--no-context", "--format", "buildkit-json"], SRC.as_bytes());
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let w = &v["warnings"][1];
    assert_eq!(w["ruleName"], "LegacyKeyValueFormat");
    assert_eq!(w["description"], "Legacy key/value format with whitespace separator should not be used");
    assert_eq!(w["url"], "https://docs.docker.com/go/dockerfile/rule/legacy-key-value-format/");
    assert_eq!(w["detail"], "\"ENV key=value\" should be used instead of legacy \"ENV key value\" format");
    assert_eq!(w["location"]["ranges"][0]["start"]["line"], 2);
    assert_eq!(w["location"]["ranges"][0]["end"]["line"], 2);
    // Docker's base64 of the same bytes.
    assert_eq!(v["sources"][0]["data"], "RlJPTSBhbHBpbmUgYXMgYgpFTlYgQSAxCkNNRCBbInNoIl0K");
    assert_eq!(v["sources"][0]["language"], "Dockerfile");
}

#[test]
fn sarif_carries_the_rule_url() {
    let (_, out, _) = layerlab(&["check", "-", "--no-context", "--format", "sarif"], SRC.as_bytes());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &v["runs"][0];
    let result = run["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "FromAsCasing").unwrap();
    let rule = &run["tool"]["driver"]["rules"][result["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "FromAsCasing");
    assert_eq!(rule["helpUri"], "https://docs.docker.com/go/dockerfile/rule/from-as-casing/");
}

#[test]
fn the_build_arg_replaces_the_check_directive() {
    let src = format!("# check=skip=FromAsCasing\n{SRC}");
    let (_, out, _) = layerlab(&["check", "-", "--no-context", "--select", "buildkit"], src.as_bytes());
    assert!(!out.contains("FromAsCasing") && out.contains("LegacyKeyValueFormat"), "{out}");
    let arg = "BUILDKIT_DOCKERFILE_CHECK=skip=LegacyKeyValueFormat;error=true";
    let (code, out, _) = layerlab(&["check", "-", "--no-context", "--select", "buildkit", "--build-arg", arg], src.as_bytes());
    assert_eq!(code, 1);
    assert!(out.starts_with("-:2:1: FromAsCasing [buildkit error] 'as' and 'FROM' keywords' casing do not match\n"), "{out}");
    assert!(!out.contains("LegacyKeyValueFormat"), "{out}");
    // An invalid one fails the whole run before any file, as Docker's.
    let (code, out, err) = layerlab(&["check", "-", "--build-arg", "BUILDKIT_DOCKERFILE_CHECK=error=yes"], SRC.as_bytes());
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("failed to parse build-arg:BUILDKIT_DOCKERFILE_CHECK: failed to parse check option \"error=yes\": strconv.ParseBool: parsing \"yes\": invalid syntax"), "{err}");
    // Any other build argument is refused: `check` would ignore it.
    let (code, _, err) = layerlab(&["check", "-", "--build-arg", "VERSION=2"], SRC.as_bytes());
    assert_eq!(code, 2);
    assert!(err.contains("`check` reads one build argument, BUILDKIT_DOCKERFILE_CHECK=<options> (got \"VERSION=2\")"), "{err}");
}

#[test]
fn invalid_check_options_are_buildkit_s_build_error() {
    let src = format!("# check=skip=all;Error=true\n{SRC}");
    let message = "failed to parse check options: invalid check option \"Error\"";
    let (code, out, _) = layerlab(&["check", "-", "--no-context", "--select", "buildkit"], src.as_bytes());
    assert_eq!(code, 1);
    assert!(out.contains(&format!("-: build checks: error: {message} (the build fails)\n")), "{out}");
    let (_, out, _) = layerlab(&["check", "-", "--no-context", "--format", "buildkit-json"], src.as_bytes());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["buildError"]["message"], message);
    assert_eq!(v["warnings"], serde_json::json!([]));
    let (_, out, _) = layerlab(&["check", "-", "--no-context", "--format", "json"], src.as_bytes());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["buildChecksError"], message);
    let (_, out, _) = layerlab(&["check", "-", "--no-context", "--format", "sarif"], src.as_bytes());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let n = &v["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(n["message"]["text"], format!("build checks: {message}"));
}

#[test]
fn copy_ignored_file_reads_the_context_s_dockerignore() {
    let dir = std::env::temp_dir().join(format!("layerlab-copy-ignored-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".dockerignore"), "node_modules\n*.log\n").unwrap();
    let df = dir.join("Dockerfile");
    std::fs::write(&df, "# check=experimental=CopyIgnoredFile\nFROM node:22\nCOPY node_modules/ ./app.log /app/\nADD debug.log /x\n").unwrap();
    let df = df.to_str().unwrap();
    let (_, out, _) = layerlab(&["check", df, "--select", "CopyIgnoredFile"], b"");
    let lines: Vec<&str> = out.lines().filter(|l| l.contains("[buildkit]")).collect();
    assert_eq!(
        lines,
        [
            format!("{df}:3:1: CopyIgnoredFile [buildkit] Attempting to Copy file \"node_modules/\" that is excluded by .dockerignore"),
            format!("{df}:4:1: CopyIgnoredFile [buildkit] Attempting to Add file \"debug.log\" that is excluded by .dockerignore"),
        ],
        "{out}"
    );
    // Without the context (or without the experimental switch): none.
    let (_, out, _) = layerlab(&["check", df, "--select", "CopyIgnoredFile", "--no-context"], b"");
    assert!(!out.contains("[buildkit]"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}
