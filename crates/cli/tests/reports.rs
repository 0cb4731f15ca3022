//! `check` reports: every file of a multi-file run is reported (a file that
//! cannot be read is a per-file error), and a finding's snippet is bounded
//! whatever the size of its instruction.

mod common;

use common::{layerlab, TempDir};

const SLOW: &str = "FROM python:3.12-slim\nWORKDIR /code\nCOPY . /code\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n";

/// A folder with a Dockerfile that has findings, one that is not UTF-8, and
/// the path of one that does not exist: `[good, bad, missing]`.
fn three_files(t: &TempDir) -> [String; 3] {
    t.write("good/Dockerfile", SLOW);
    t.write("bad/Dockerfile", "");
    std::fs::write(t.join("bad/Dockerfile"), b"FROM alpine\nRUN \xff\n").unwrap();
    ["good/Dockerfile", "bad/Dockerfile", "missing/Dockerfile"].map(|f| t.arg(f))
}

#[test]
fn check_json_reports_every_file_and_exits_2_when_one_failed() {
    let t = TempDir::new("reports-json");
    let [good, bad, missing] = three_files(&t);
    let (code, out, err) = layerlab(&["check", &good, &bad, &missing, "--format", "json"], b"");
    assert_eq!(code, 2, "{err}");
    assert_eq!(err, "", "json carries the errors");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let entries = v.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["file"], good.as_str());
    assert!(!entries[0]["findings"].as_array().unwrap().is_empty());
    assert!(entries[0].get("error").is_none());
    assert_eq!(
        entries[1],
        serde_json::json!({ "file": bad, "error": format!("{bad}:2:5: not UTF-8 text: invalid byte 0xff at byte offset 16") })
    );
    assert_eq!(entries[2]["file"], missing.as_str());
    assert_eq!(
        entries[2]["error"],
        format!("{missing}: No such file or directory (os error 2)")
    );
    assert!(entries[2].get("findings").is_none());
}

#[test]
fn check_sarif_reports_unreadable_files_as_tool_notifications() {
    let t = TempDir::new("reports-sarif");
    let [good, bad, missing] = three_files(&t);
    let (code, out, _) = layerlab(&["check", &good, &bad, &missing, "--format", "sarif"], b"");
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &v["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty(), "the valid file's results are there");
    assert!(results.iter().all(
        |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == good.as_str()
    ));
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    for (note, file) in notes.iter().zip([&bad, &missing]) {
        assert_eq!(note["level"], "error");
        assert_eq!(
            note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            file.as_str()
        );
        assert!(
            note["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{file}:")),
            "{note}"
        );
    }
    // A run where every file was read says so.
    let (code, out, _) = layerlab(&["check", &good, "--format", "sarif"], b"");
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["runs"][0]["invocations"],
        serde_json::json!([{ "executionSuccessful": true }])
    );
}

#[test]
fn check_text_prints_each_error_and_goes_on() {
    let t = TempDir::new("reports-text");
    let [good, bad, missing] = three_files(&t);
    let (code, out, err) = layerlab(&["check", &bad, &good, &missing], b"");
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "layerlab: {bad}:2:5: not UTF-8 text: invalid byte 0xff at byte offset 16\nlayerlab: {missing}: No such file or directory (os error 2)\n"
        )
    );
    assert!(out.contains(&format!("{good}:3:1: LL301 [tip 3]")), "{out}");
    assert!(
        out.trim_end().ends_with("; 2 files could not be checked"),
        "{out}"
    );
}

/// One RUN of hundreds of `&&`-joined installs on one line: before, each of
/// its findings printed the whole line (8,000 installs: a 2.67 GB report).
/// Now each snippet line is at most 200 characters, and the underline sits
/// under its span even far into the line.
#[test]
fn snippets_are_cut_to_a_line_width() {
    let installs: Vec<String> = (0..400)
        .map(|i| format!("apt-get install -y p{i}"))
        .collect();
    let src = format!("FROM debian\nRUN {}\n", installs.join(" && "));
    let (code, out, _) = layerlab(&["check", "-", "--select", "LL401"], src.as_bytes());
    assert_eq!(code, 1);
    let findings = out.matches(": LL401 [tip 4]").count();
    assert_eq!(findings, 400, "one per install");
    for l in out.lines().filter(|l| !l.starts_with("<stdin>:")) {
        assert!(
            l.chars().count() <= 210,
            "{} chars: {}…",
            l.chars().count(),
            &l[..80]
        );
    }
    assert!(
        out.len() < findings * 700,
        "{} bytes for {findings} findings",
        out.len()
    );
    // Finding 300, some 7,500 columns in: its install is in view, underlined.
    let at = out.find("`apt-get install -y p300`").unwrap();
    let block: Vec<&str> = out[at..].lines().skip(2).take(2).collect();
    let (line, marks) = (block[0], block[1]);
    assert!(line.starts_with("2 | …") && line.ends_with('…'), "{line}");
    // Columns are chars: the leading `…` is one.
    let caret = marks.find('^').unwrap();
    let under: String = line.chars().skip(caret).collect();
    assert!(
        under.starts_with("apt-get install -y p300 "),
        "{line}\n{marks}"
    );
    assert_eq!(
        marks[4..].trim(),
        "^".repeat("apt-get install".len()),
        "{marks}"
    );
}

/// A span of many lines shows the first six and says how many more.
#[test]
fn snippets_show_at_most_six_lines() {
    let mut src = String::from("FROM debian\nRUN apt-get update && \\\n  apt-get install -y --no-install-recommends a \\\n");
    for p in 0..20 {
        src.push_str(&format!("  p{p} \\\n"));
    }
    src.push_str("  z\n");
    let (code, out, _) = layerlab(&["check", "-", "--select", "LL502"], src.as_bytes());
    assert_eq!(code, 1, "{out}");
    let snippet: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.contains("LL502"))
        .skip(1)
        .take_while(|l| !l.contains("= fix"))
        .collect();
    assert_eq!(snippet.len(), 1 + 6 * 2 + 1, "{out}");
    assert_eq!(snippet[1], "2 | RUN apt-get update && \\");
    assert_eq!(snippet[11], "7 |   p3 \\");
    assert_eq!(snippet[13], "  | … 17 more lines");
}

/// A reader that stops early (`layerlab check … | head`) ends the run
/// quietly: no panic message from a failed print.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_report_without_a_panic() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let t = TempDir::new("reports-pipe");
    let run: Vec<String> = (0..3000).map(|i| format!("apt-get install -y p{i}")).collect();
    t.write("Dockerfile", &format!("FROM debian\nRUN {}\n", run.join(" && ")));
    let mut child = Command::new(common::BIN)
        .args(["check", &t.arg("Dockerfile")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then dropped
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(13), "ended by SIGPIPE: {:?}", out.status);
}
