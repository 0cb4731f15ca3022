//! Parity with BuildKit on the shared corpus (`../shared/corpus` from the
//! workspace root; see its MANIFEST.tsv):
//! - `result` dumps of `frontend/dockerfile/parser/testfiles/*` byte for byte;
//! - `testfiles-negative/*` give error diagnostics;
//! - heredoc cases from BuildKit's heredoc tests give the expected bodies;
//! - every real-world Dockerfile gives zero error diagnostics.
//!
//! A missing corpus is reported loudly and passes, except under `CI=true`.

use layerlab_core::{parse, Heredoc};
use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if root.join("MANIFEST.tsv").is_file() {
        return Some(root);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "corpus missing at {} and CI=true: the corpus suite must run in CI",
            root.display()
        );
    }
    shout(&format!(
        "\n!!!!!!!!\n!!! corpus not found at {}: the BuildKit parity suite was NOT run\n!!!!!!!!\n",
        root.display()
    ));
    None
}

/// Writes straight to the process's stderr: libtest captures `println!` and
/// `eprintln!` of passing tests, and these lines must always be seen.
fn shout(line: &str) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

struct Entry {
    path: String,
    kind: String,
}

fn manifest(root: &PathBuf) -> Vec<Entry> {
    let text = std::fs::read_to_string(root.join("MANIFEST.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.len() >= 6).then(|| Entry {
                path: cols[3].to_string(),
                kind: cols[5].to_string(),
            })
        })
        .collect()
}

/// (name, content, expand, chomp, fd) for each heredoc, in file order.
type Want = &'static [(&'static str, &'static str, bool, bool, u32)];

/// Expected heredocs per case, transcribed from moby/buildkit
/// `frontend/dockerfile/parser/parser_heredoc_test.go`,
/// `frontend/dockerfile/instructions/parse_heredoc_test.go` and
/// `frontend/dockerfile/dockerfile_heredoc_test.go`.
fn heredoc_expectations(case: &str) -> Option<Want> {
    const T: bool = true;
    const F: bool = false;
    Some(match case {
        "parser/parser_heredoc_test.go/case-01.Dockerfile" => &[
            ("EMPTY", "", T, F, 0),
            ("EMPTY2", "", T, F, 3),
            ("INDENT", "\tfoo\n\tbar\n", T, F, 0),
            ("UNINDENT", "\tbaz\n\tquux\n", T, T, 0),
            ("UNINDENT2", "\tbaz\n\tquux\n", T, T, 0),
            ("EXPAND", "\texpand $NAME\n", T, T, 0),
            ("NOEXPAND", "\tdon't expand $NAME\n", F, T, 0),
            ("COPY", "echo hello world\necho foo bar\n", T, F, 0),
            ("COMMENT", "# internal comment\necho hello world\necho foo bar # trailing comment\n", T, F, 0),
            ("MOUNT", "echo hello\n", T, F, 0),
            ("FILE1", "content 1\n", T, F, 0),
            ("FILE2", "content 2\n", T, F, 0),
            ("EOF", "\"foo\"\n'bar'\n", T, F, 0),
            ("X", "Y\n", T, F, 0),
            ("Y", "X\n", T, F, 0),
            ("COMPLEX", "print('hello world')\n", T, F, 0),
            ("file.txt", "hello world\n", T, F, 0),
            ("eof", "echo foo\n", F, F, 0),
            ("eo'f", "echo foo\n", T, F, 0),
            ("eo'f", "echo foo\n", F, F, 0),
            ("one two", "echo bar\n", F, F, 0),
            ("$EOF", "", T, F, 0),
            ("EOF", "", T, F, 0),
            ("EOF", "", T, F, 0),
        ],
        "parser/parser_heredoc_test.go/case-02.Dockerfile" => &[],
        "parser/parser_heredoc_test.go/case-03.Dockerfile" => &[],
        "instructions/parse_heredoc_test.go/case-01.Dockerfile" => &[("EOF", "", T, F, 0)],
        "instructions/parse_heredoc_test.go/case-02.Dockerfile" => &[("EOF", "TESTING\n", T, F, 0)],
        "instructions/parse_heredoc_test.go/case-03.Dockerfile" => &[("EOF", "\tTESTING\n", T, T, 0)],
        "instructions/parse_heredoc_test.go/case-04.Dockerfile" => &[("EOF", "TESTING\n", F, F, 0)],
        "instructions/parse_heredoc_test.go/case-05.Dockerfile" => {
            &[("EOF1", "this is the first file\n", T, F, 0), ("EOF2", "this is the second file\n", T, F, 0)]
        }
        "instructions/parse_heredoc_test.go/case-06.Dockerfile" => &[("EOF", "this is inline\n", T, F, 0)],
        "instructions/parse_heredoc_test.go/case-07.Dockerfile" => &[("EOF", "\"quotes\"\n", T, F, 0)],
        "instructions/parse_heredoc_test.go/case-08.Dockerfile" => &[],
        "instructions/parse_heredoc_test.go/case-09.Dockerfile" => &[("EOF", "ls /\nwhoami\n", T, F, 0)],
        "instructions/parse_heredoc_test.go/case-10.Dockerfile" => {
            &[("EOF", "print(\"hello\")\nprint(\"world\")\n", F, F, 0)]
        }
        "instructions/parse_heredoc_test.go/case-11.Dockerfile" => &[("EOF", "\techo test\n", T, T, 0)],
        "dockerfile_heredoc_test.go/case-01.Dockerfile" => {
            &[("EOF", "single file\n", T, F, 0), ("EOF", "first file\n", T, F, 0), ("EOF2", "second file\n", T, F, 0)]
        }
        "dockerfile_heredoc_test.go/case-02.Dockerfile" => &[
            ("EOF", "\"quotes in file\"\n", T, F, 0),
            ("EOF", "\\\n", T, F, 0),
            ("EOF", "\\\\\n", T, F, 0),
            ("EOF", "\\$\n", T, F, 0),
            ("EOF", "\\\n", F, F, 0),
            ("EOF", "\\\\\n", F, F, 0),
            ("EOF", "\\$\n", F, F, 0),
        ],
        "dockerfile_heredoc_test.go/case-03.Dockerfile" => &[("EOF", "echo \"i am\" >> /dest\nwhoami >> /dest\n", T, F, 0)],
        "dockerfile_heredoc_test.go/case-04.Dockerfile" => &[("EOF", "(echo i am&echo done)> C:\\dest\n", T, F, 0)],
        "dockerfile_heredoc_test.go/case-05.Dockerfile" => &[("EOF", "BEGIN {\n\tprint \"foo\" > \"/dest\"\n}\n", T, F, 0)],
        "dockerfile_heredoc_test.go/case-06.Dockerfile" => &[("EOF", "echo foo> C:\\dest\n", T, F, 0)],
        "dockerfile_heredoc_test.go/case-07.Dockerfile" => &[
            ("EOF", "#!/bin/awk -f\nBEGIN {\n\tprint \"hello\" >> \"./out1\"\n\tprint \"world\" >> \"./out1\"\n}\n", T, F, 0),
            ("EOF", "\t#!/bin/awk -f\n\tBEGIN {\n\t\tprint \"hello\" >> \"./out2\"\n\t\tprint \"world\" >> \"./out2\"\n\t}\n", T, T, 0),
        ],
        "dockerfile_heredoc_test.go/case-08.Dockerfile" => &[
            ("EOF1", "hello WORLD\n", T, F, 0),
            ("EOF2", "HELLO world\n", T, F, 0),
            ("EOF", "BEGIN {\n\twhile ((getline line < \"/proc/self/fd/3\") > 0)\n\t\tprint tolower(line) > \"./fd3\"\n\twhile ((getline line < \"/proc/self/fd/4\") > 0)\n\t\tprint toupper(line) > \"./fd4\"\n}\n", T, F, 0),
            ("IN1", "hello WORLD\n", T, F, 3),
            ("IN2", "HELLO world\n", T, F, 4),
        ],
        "dockerfile_heredoc_test.go/case-09.Dockerfile" => &[
            ("EOF", "\tfoo\n", T, F, 0),
            ("EOF", "\tbar\n", T, T, 0),
            ("EOF", "echo \"\n\tfoo\" > /dest/foo-run\n", T, F, 0),
            ("EOF", "echo \"\n\tbar\" > /dest/bar-run\n", T, T, 0),
            ("EOF", "#!/bin/sh\necho \"\n\tfoo\" > /dest/foo2-run\n", T, F, 0),
            ("EOF", "#!/bin/sh\necho \"\n\tbar\" > /dest/bar2-run\n", T, T, 0),
            ("EOF", "echo \"\n\tfoo\"\n", T, F, 0),
            ("EOF", "echo \"\n\tbar\"\n", T, T, 0),
        ],
        "dockerfile_heredoc_test.go/case-10.Dockerfile" => &[("EOF", "\tfoo\n", T, F, 0), ("EOF", "\tbar\n", T, T, 0)],
        "dockerfile_heredoc_test.go/case-11.Dockerfile" => &[
            ("EOF", "Hello ${name}!\n", T, F, 0),
            ("EOF", "Hello ${name}!\n", F, F, 0),
            ("EOF", "Hello ${name}!\n", F, F, 0),
            ("EOF", "Hello '${name}'!\n", T, F, 0),
            ("EOF", "Hello \"${name}\"!\n", T, F, 0),
            ("EOF", "Hello '${name}'!\n", F, F, 0),
            ("EOF", "Hello \"${name}\"!\n", F, F, 0),
            ("EOF", "Hello '${name}'!\n", F, F, 0),
            ("EOF", "Hello \"${name}\"!\n", F, F, 0),
            ("EOF", "greeting=\"Hello\"\necho \"${greeting} ${name}!\" > /dest/r1\n", T, F, 0),
            ("EOF", "name=\"new world\"\necho \"Hello ${name}!\" > /dest/r2\n", T, F, 0),
        ],
        _ => return None,
    })
}

fn heredoc_tuple(h: &Heredoc) -> (String, String, bool, bool, u32) {
    (h.name.clone(), h.content.clone(), h.expand, h.chomp, h.fd)
}

#[test]
fn buildkit_parity() {
    let Some(root) = corpus() else { return };
    let entries = manifest(&root);
    let read =
        |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let mut failures = Vec::new();

    // 1. result dumps
    let (mut dumps_ok, mut dumps) = (0, 0);
    let mut dump_dirs = Vec::new();
    for e in entries.iter().filter(|e| e.kind == "result") {
        dumps += 1;
        let dir = e.path.trim_end_matches("result").to_string();
        let src = read(&format!("{dir}Dockerfile"));
        let want = read(&e.path).replace("\r\n", "\n");
        let df = parse(&src);
        let got = df.dump();
        let errors: Vec<_> = df.errors().map(|d| d.message.clone()).collect();
        // Only the dump is compared: the typed layer may reject parser
        // fixtures (e.g. `CMD --doit`), which BuildKit's parser test ignores.
        if got == want {
            dumps_ok += 1;
        } else {
            failures.push(format!(
                "dump {dir}:\n--- want\n{want}--- got\n{got}--- errors {errors:?}"
            ));
        }
        dump_dirs.push(dir);
    }

    // 2. negative files
    let (mut neg_ok, mut neg) = (0, 0);
    for e in entries.iter().filter(|e| e.kind == "negative") {
        neg += 1;
        let df = parse(&read(&e.path));
        if df.errors().next().is_some() {
            neg_ok += 1;
        } else {
            failures.push(format!("negative {} gave no error", e.path));
        }
    }

    // 3. heredoc cases
    let (mut here_ok, mut here) = (0, 0);
    for e in entries.iter().filter(|e| e.kind == "dockerfile-extracted") {
        here += 1;
        let case = e
            .path
            .split_once("frontend/dockerfile/")
            .map_or("", |x| x.1);
        let Some(want) = heredoc_expectations(case) else {
            failures.push(format!("heredoc {case}: no expectation recorded"));
            continue;
        };
        let df = parse(&read(&e.path));
        let got: Vec<_> = df
            .instructions
            .iter()
            .flat_map(|i| i.heredocs.iter().map(heredoc_tuple))
            .collect();
        let want: Vec<_> = want
            .iter()
            .map(|w| (w.0.to_string(), w.1.to_string(), w.2, w.3, w.4))
            .collect();
        // parser-level errors only: `USER <<INVALID` etc. are fine for the parser
        let parse_errors: Vec<_> = df
            .errors()
            .filter(|d| d.message.contains("heredoc"))
            .collect();
        if got == want && parse_errors.is_empty() {
            here_ok += 1;
        } else {
            failures.push(format!(
                "heredoc {case}:\n want {want:?}\n got  {got:?}\n errors {parse_errors:?}"
            ));
        }
    }

    // 4. real files: every other Dockerfile (not a parser fixture)
    let (mut real, mut real_errors) = (0, 0);
    for e in entries.iter().filter(|e| e.kind == "dockerfile") {
        if dump_dirs.iter().any(|d| e.path.starts_with(d.as_str())) {
            continue;
        }
        real += 1;
        let src = read(&e.path);
        let df = parse(&src);
        for d in df.errors() {
            real_errors += 1;
            failures.push(format!("real {}:{}: {}", e.path, d.start.line, d.message));
        }
    }

    shout(&format!(
        "buildkit parity: {dumps_ok}/{dumps} result dumps, {neg_ok}/{neg} negative, {here_ok}/{here} heredoc, {real_errors} errors on {real} real files"
    ));
    assert!(
        failures.is_empty(),
        "{} parity failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(dumps > 0 && neg > 0 && here > 0 && real > 0);
}
