//! `layerlab check --format sarif` validated against the SARIF 2.1.0 JSON
//! schema.
//!
//! The schema is Microsoft's published SARIF 2.1.0 schema
//! (`sarif-2.1.0-rtm.5.json`, JSON Schema draft-04) as shipped in the npm
//! package `@microsoft/jest-sarif`; the validator is Ajv 8 with its draft-04
//! support (`ajv-draft-04`) and `ajv-formats` (uri, date-time). All four are
//! installed with npm, pinned, into `target/tools/sarif/` on first use (no
//! third-party file is committed). Without node/npm the test says loudly that
//! it did not validate; under `CI=true` that is a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{layerlab, TempDir};
use layerlab_tests::{is_ci, root};

const PACKAGES: &[&str] = &[
    "@microsoft/jest-sarif@1.0.0-beta.0",
    "ajv@8.20.0",
    "ajv-draft-04@1.0.0",
    "ajv-formats@3.0.1",
];
const SCHEMA: &str = "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json";

/// Reads SARIF logs (file paths as arguments), prints one line per log:
/// `ok` or the schema errors; exits 1 when any log is invalid.
const VALIDATE_JS: &str = r#"
const fs = require("fs");
const Ajv = require("ajv-draft-04");
const addFormats = require("ajv-formats");
const schema = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
// unicodeRegExp: false: the rtm.5 schema's `language` pattern
// (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`) is no valid /u regex.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);
let bad = 0;
for (const f of process.argv.slice(3)) {
  const ok = validate(JSON.parse(fs.readFileSync(f, "utf8")));
  if (ok) console.log(`${f}: ok`);
  else { bad++; console.log(`${f}: INVALID ${ajv.errorsText(validate.errors, { separator: "; " })}`); }
}
process.exit(bad ? 1 : 0);
"#;

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The validator folder, installing it when missing; Err says why not.
fn validator() -> Result<PathBuf, String> {
    let dir = root().join("target/tools/sarif");
    let installed = |d: &Path| {
        d.join(SCHEMA).is_file()
            && d.join("node_modules/ajv-draft-04/package.json").is_file()
            && d.join("node_modules/ajv-formats/package.json").is_file()
    };
    if !have("node") {
        return Err("node is needed (Debian: apt-get install nodejs npm)".into());
    }
    if !installed(&dir) {
        eprintln!(
            "installing the SARIF schema and validator into {} (npm: {})",
            dir.display(),
            PACKAGES.join(" ")
        );
        layerlab_tests::npm::install(&dir, PACKAGES)?;
        if !installed(&dir) {
            return Err(format!(
                "npm install {} left no schema or validator",
                PACKAGES.join(" ")
            ));
        }
    }
    std::fs::write(dir.join("validate.js"), VALIDATE_JS).map_err(|e| e.to_string())?;
    Ok(dir)
}

/// Validates the logs; one `(name, valid, message)` per log.
fn validate(dir: &Path, logs: &[(&str, String)]) -> Vec<(String, bool, String)> {
    let work = dir.join(format!("run-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let files: Vec<PathBuf> = logs
        .iter()
        .map(|(name, text)| {
            let p = work.join(format!("{name}.sarif"));
            std::fs::write(&p, text).unwrap();
            p
        })
        .collect();
    let out = Command::new("node")
        .arg(dir.join("validate.js"))
        .arg(dir.join(SCHEMA))
        .args(&files)
        .output()
        .expect("node");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&work);
    logs.iter()
        .zip(&files)
        .map(|((name, _), f)| {
            let prefix = format!("{}: ", f.display());
            let line = text
                .lines()
                .find(|l| l.starts_with(&prefix))
                .map(|l| l[prefix.len()..].to_string())
                .unwrap_or_else(|| format!("no verdict: {text}"));
            (name.to_string(), line == "ok", line)
        })
        .collect()
}

#[test]
fn check_sarif_validates_against_the_sarif_2_1_0_schema() {
    let dir = match validator() {
        Ok(d) => d,
        Err(why) if is_ci() => panic!("SARIF schema validation cannot run under CI: {why}"),
        Err(why) => {
            eprintln!("\n\x1b[1;33m!!! SARIF schema validation NOT RUN: {why}\x1b[0m\n");
            return;
        }
    };
    let apps = root().join("tests/buildkit/apps");
    let app = |n: &str| {
        apps.join(n)
            .join("Dockerfile")
            .to_string_lossy()
            .into_owned()
    };
    let many = layerlab(
        &[
            "check",
            &app("python-pip"),
            &app("node-npm"),
            &app("rust-cargo"),
            "--format",
            "sarif",
        ],
        b"",
    );
    let stdin = layerlab(&["check", "-", "--format", "sarif"], b"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"flask\", \"run\", \"--reload\"]\n");
    let clean = layerlab(
        &["check", "-", "--format", "sarif"],
        b"# syntax=docker/dockerfile:1\nFROM scratch\nCOPY app /app\n",
    );
    let broken = layerlab(
        &["check", "-", "--format", "sarif"],
        b"FROM\nRUN --mount=type=nope x\nCOPY\n",
    );
    // A file that is not UTF-8 and one that does not exist, beside a valid
    // one: tool execution notifications of the invocation.
    let t = TempDir::new("sarif-unreadable");
    std::fs::write(t.join("Dockerfile"), b"FROM alpine\nRUN \xff\n").unwrap();
    let unreadable = layerlab(
        &[
            "check",
            &app("python-pip"),
            &t.arg("Dockerfile"),
            &t.arg("missing/Dockerfile"),
            "--format",
            "sarif",
        ],
        b"",
    );
    assert_eq!(unreadable.0, 2, "an unreadable file exits 2");
    for (name, (code, _, _)) in [("many files", &many), ("stdin", &stdin)] {
        assert_eq!(*code, 1, "{name}: findings exit 1");
    }
    assert_eq!(clean.0, 0, "clean input exits 0: {}", clean.1);
    // A control the schema must reject: proves the validator validates.
    let mut invalid: serde_json::Value = serde_json::from_str(&stdin.1).unwrap();
    invalid["runs"][0]["results"][0]["level"] = "fatal".into();
    invalid["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    let logs = [
        ("many", many.1),
        ("stdin", stdin.1),
        ("clean", clean.1),
        ("syntax-errors", broken.1),
        ("unreadable-files", unreadable.1),
        ("control-invalid", invalid.to_string()),
    ];
    let verdicts = validate(&dir, &logs);
    for (name, valid, message) in &verdicts {
        if name == "control-invalid" {
            assert!(
                !valid,
                "the validator accepted a log with level \"fatal\" and no message"
            );
            assert!(
                message.contains("level") || message.contains("message"),
                "{message}"
            );
        } else {
            assert!(valid, "{name}: {message}");
        }
    }
    eprintln!(
        "SARIF 2.1.0 schema: {} logs valid, the invalid control rejected",
        verdicts.len() - 1
    );
}
