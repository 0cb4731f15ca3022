//! Build-check parity with Docker 28.5: for every file of `../shared/corpus`
//! and `../shared/corpus-apps` recorded in `tests/buildkit/checks-expected.tsv`
//! (BuildKit's `docker buildx build --call=check,format=json` findings,
//! recorded once by `tests/tests/record_build_checks.rs`), Layerlab's build
//! checks (`layerlab_core::checks`) must give the same findings for the
//! rules it implements: same rule, same line range, same message. Any other
//! difference fails, unless it is listed in [`KNOWN`] with its reason.
//!
//! A missing corpus is reported loudly and passes, except under `CI=true`.

use layerlab_core::checks::{self, ChecksOptions};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Kept differences: (file, rule, why). A listed difference that no longer
/// occurs fails too, so the list stays true.
///
/// Not compared (BuildKit's rules Layerlab does not implement, counted in
/// the report): UndefinedVar and WorkdirRelativePath read the base image's
/// config (its ENV and WORKDIR), which Layerlab does not have, and the
/// recording's stub image has other ones than the real images (its 8
/// UndefinedVar are `$JAVA_HOME`, `$GOPATH`, … that the real images set);
/// InvalidBaseImagePlatform compares the pulled image's platform with the
/// build's, image metadata again.
const KNOWN: &[(&str, &str, &str)] = &[];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shout(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// (rule, start, end, message)
type Key = (String, u32, u32, String);

#[test]
fn build_checks_match_buildkit() {
    let shared = root().join("../shared");
    if !shared.join("corpus/MANIFEST.tsv").is_file() || !shared.join("corpus-apps/SOURCES.tsv").is_file() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("../shared/corpus or ../shared/corpus-apps missing and CI=true: the build-check parity suite must run in CI");
        }
        shout("\n!!!!!!!!\n!!! ../shared corpora not found: the build-check parity suite was NOT run\n!!!!!!!!\n");
        return;
    }
    let expected = std::fs::read_to_string(root().join("tests/buildkit/checks-expected.tsv"))
        .expect("tests/buildkit/checks-expected.tsv");
    // (corpus, file) → BuildKit's findings, in file order.
    let mut files: BTreeMap<(String, String), Vec<Key>> = BTreeMap::new();
    for l in expected.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let c: Vec<&str> = l.splitn(6, '\t').collect();
        assert_eq!(c.len(), 6, "bad line: {l}");
        let e = files.entry((c[0].to_string(), c[1].to_string())).or_default();
        if c[2] != "-" {
            e.push((c[2].to_string(), c[3].parse().unwrap(), c[4].parse().unwrap(), unescape(c[5])));
        }
    }
    assert!(files.len() > 300, "only {} files recorded", files.len());
    let implemented = |r: &str| checks::RULES.iter().any(|x| x.name == r);
    // (rule, corpus) → (equal, BuildKit's, Layerlab's)
    let mut per_rule: BTreeMap<(String, String), [usize; 3]> = BTreeMap::new();
    let mut not_implemented: BTreeMap<String, usize> = BTreeMap::new();
    let mut diffs = Vec::new();
    let mut known_seen = vec![false; KNOWN.len()];
    // Files where BuildKit stopped before it dispatched the instructions:
    // at a syntax error, or at `FROM $X` with no default (`base name ($X)
    // should not be blank`). BuildKit reports only what it found before
    // (which Layerlab must find too); Layerlab goes on through the whole
    // file, so its further findings there are no difference.
    let stopped: std::collections::BTreeSet<(String, String)> = expected
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.splitn(6, '\t').collect::<Vec<_>>())
        .filter(|c| {
            c.len() == 6
                && c[2] == "-"
                && (c[5].starts_with("dockerfile parse error")
                    || c[5].contains("should not be blank")
                    || c[5].starts_with("the Dockerfile cannot be empty"))
        })
        .map(|c| (c[0].to_string(), c[1].to_string()))
        .collect();
    let mut stopped_extra = 0;
    for ((corpus, file), want) in &files {
        let path = shared.join(corpus).join(file);
        let src = String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
            .into_owned();
        // The recording blanked `# syntax=` lines (keeping line numbers);
        // no build check reads them, so the file is checked as it is.
        let got: Vec<Key> = checks::check(&src, &ChecksOptions::default())
            .into_iter()
            .map(|f| (f.rule.to_string(), f.start.line, f.end.line, f.message))
            .collect();
        let mut got_left = got.clone();
        for w in want {
            if !implemented(&w.0) {
                *not_implemented.entry(w.0.clone()).or_default() += 1;
                continue;
            }
            let e = per_rule.entry((w.0.clone(), corpus.clone())).or_default();
            e[1] += 1;
            if let Some(i) = got_left.iter().position(|g| g == w) {
                got_left.remove(i);
                e[0] += 1;
            } else {
                diffs.push((corpus.clone(), file.clone(), w.0.clone(), format!("BuildKit only: {}-{} {}", w.1, w.2, w.3)));
            }
        }
        for g in &got {
            per_rule.entry((g.0.clone(), corpus.clone())).or_default()[2] += 1;
        }
        if stopped.contains(&(corpus.clone(), file.clone())) {
            stopped_extra += got_left.len();
            continue;
        }
        for g in got_left {
            diffs.push((corpus.clone(), file.clone(), g.0.clone(), format!("Layerlab only: {}-{} {}", g.1, g.2, g.3)));
        }
    }
    let mut report = String::from("\nbuild-check parity with Docker 28.5 (equal / BuildKit's / Layerlab's findings):\n");
    for ((rule, corpus), [eq, bk, ll]) in &per_rule {
        report.push_str(&format!("    {rule} on {corpus}: {eq}/{bk} ({ll} by Layerlab)\n"));
    }
    report.push_str(&format!(
        "    {} files where BuildKit stopped before dispatching (syntax error, or a FROM ARG without default): {stopped_extra} more findings by Layerlab there, not compared\n",
        stopped.len()
    ));
    for (rule, n) in &not_implemented {
        report.push_str(&format!("    {rule}: {n} by BuildKit, not implemented\n"));
    }
    let mut unknown = Vec::new();
    for (corpus, file, rule, what) in &diffs {
        match KNOWN.iter().position(|(f, r, _)| f == file && r == rule) {
            Some(i) => {
                known_seen[i] = true;
                report.push_str(&format!("    kept: {corpus}/{file} {rule}: {what} ({})\n", KNOWN[i].2));
            }
            None => unknown.push(format!("{corpus}/{file} {rule}: {what}")),
        }
    }
    for (i, seen) in known_seen.iter().enumerate() {
        if !seen {
            unknown.push(format!("{} {}: listed in KNOWN but agrees now", KNOWN[i].0, KNOWN[i].1));
        }
    }
    shout(&report);
    assert!(unknown.is_empty(), "{} differences:\n{}", unknown.len(), unknown.join("\n"));
}
