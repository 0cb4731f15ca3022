//! Layerlab's build checks against Docker 28.5's, live (the recorded
//! parity, `crates/core/tests/build_checks_parity.rs`, re-verified on the
//! engine): every rule's documented ❌/✅ examples, cases of the
//! `# check=` directive and of the `BUILDKIT_DOCKERFILE_CHECK` build
//! argument (which replaces it), the rules that never fire in the corpora
//! (CopyIgnoredFile with a `.dockerignore` in the context),
//! and a fixed sample of the corpora (every 10th corpus file, every 5th
//! corpus-apps file). For each: the same findings (rule, lines, message) for
//! the rules Layerlab implements, and the same build error.
//!
//! Runs with `LAYERLAB_BUILDKIT=1` (as `cargo xtask test` sets it), on its
//! own Docker 28.5 daemon (suite `checks-live`), stopped on drop.

use layerlab_tests::buildkit::{apps, checks, parity, result_line, Engine, Oracle};
use std::process::ExitCode;

/// (name, Dockerfile, BUILDKIT_DOCKERFILE_CHECK)
const CASES: &[(&str, &str, Option<&str>)] = &[
    ("directive skips a rule", "# check=skip=FromAsCasing\nFROM alpine as b\nENV A 1\n", None),
    ("directive makes errors", "# check=error=true\nFROM alpine as b\n", None),
    ("build arg replaces the directive", "# check=skip=FromAsCasing\nFROM alpine as b\nENV A 1\n", Some("skip=LegacyKeyValueFormat")),
    ("build arg skips all", "# check=skip=FromAsCasing\nFROM alpine as b\nENV A 1\n", Some("skip=all")),
    ("build arg of two options", "FROM alpine as b\nENV A 1\n", Some("skip=FromAsCasing;error=true")),
    ("a third option keeps the rest", "FROM alpine as b\nENV A 1\n", Some("skip=FromAsCasing;error=false;experimental=X;Y")),
    ("invalid option", "FROM alpine as b\n", Some("oops")),
    ("option keys are case-sensitive", "FROM alpine as b\n", Some("Skip=all")),
    ("error takes Go's booleans", "FROM alpine as b\n", Some("error=T")),
    ("error is no bool", "FROM alpine as b\n", Some("error=yes")),
    ("invalid directive", "# check=skip=all;Error=true\nFROM alpine as b\n", None),
    ("casing: lower-case majority", "from alpine\nrun echo a\nRUN echo b\ncopy . /x\n", None),
    ("casing: a tie is upper case", "FROM alpine\nrun echo a\n", None),
    ("casing: a mixed-case keyword", "FROM alpine\nRun echo a\n", None),
    ("casing: global ARGs do not count", "arg X=1\narg Y=2\nFROM alpine\nRUN echo\n", None),
    ("casing: lower-case FROM counts", "from alpine AS a\nfrom alpine\nRUN echo\n", None),
    (
        "redundant target platform",
        "FROM --platform=$TARGETPLATFORM alpine\nFROM --platform=${TARGETPLATFORM} alpine AS b\nFROM --platform=$BUILDPLATFORM alpine\n",
        None,
    ),
    ("expose protocols", "FROM alpine\nEXPOSE 80/TCP 53/udp 443/Tcp 8080\n", None),
    ("expose in a stage no target needs", "FROM alpine AS x\nEXPOSE 80/TCP\nFROM alpine\nRUN echo\n", None),
    ("undefined arg in FROM", "FROM alpine:$TAG\n", None),
    ("undefined arg with a suggestion", "ARG VERSION=3.20\nFROM alpine:${VERSON}\n", None),
    ("undefined arg with a default", "FROM ${BASE:-alpine}\n", None),
    ("undefined arg in --platform", "FROM --platform=$PLAT alpine\n", None),
    ("arg declared only in a stage", "FROM alpine\nARG TAG=1\nFROM alpine:$TAG\n", None),
    ("declared without a default", "ARG TAG\nFROM alpine:$TAG\n", None),
    ("platform args need no ARG", "FROM alpine:$TARGETARCH\n", None),
    (
        "definition descriptions",
        "# check=experimental=InvalidDefinitionDescription\n\n# the version\nARG V=1\n# A1 and A2\nARG A1=1 A2=2\n# A1 first\nARG A1=1 A2=2\n\n# a comment, then a blank line\n\nARG B=1\n# build the app\nFROM alpine:3.20 AS build\n# runtime stage\n# second line\nFROM alpine:3.20 AS runtime\n# Mixed is the name\nFROM alpine:3.20 AS Mixed\n# mixed lower\nFROM alpine:3.20 AS mixed2\n",
        None,
    ),
    ("a directive right above an ARG", "# check=experimental=all\nARG V=1\nFROM alpine\n", None),
];

/// (name, Dockerfile, the context's .dockerignore): CopyIgnoredFile.
const IGNORE_CASES: &[(&str, &str, &str)] = &[
    (
        "copy of ignored files, folders and parents",
        "# check=experimental=CopyIgnoredFile\nFROM alpine\nCOPY node_modules/ ./app.log src /app/\nADD ./debug.log /x\nCOPY node_modules/x/y.js /z\n",
        "node_modules\n*.log\n",
    ),
    ("not from other stages", "# check=experimental=all\nFROM alpine AS b\nFROM alpine\nCOPY --from=b /node_modules /y\n", "node_modules\n"),
    ("off unless experimental", "FROM alpine\nCOPY node_modules /y\n", "node_modules\n"),
    ("an exception turns it off", "# check=experimental=CopyIgnoredFile\nFROM alpine\nCOPY node_modules /y\n", "node_modules\n!node_modules/keep\n"),
    ("wildcard sources as written", "# check=experimental=CopyIgnoredFile\nFROM alpine\nCOPY *.log /y/\nCOPY build/* /z/\n", "build\n*.log\n"),
];

fn main() -> ExitCode {
    if std::env::var("LAYERLAB_BUILDKIT").as_deref() != Ok("1") {
        println!("\n\x1b[1;33m!!! live build-check suite NOT RUN (set LAYERLAB_BUILDKIT=1; `cargo xtask test` does)\x1b[0m\n");
        result_line(0, 0, 1, 0);
        return ExitCode::SUCCESS;
    }
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let oracle = match Oracle::start_suite_on("checks-live", Engine::Current) {
        Ok(o) => o,
        Err(code) => return code,
    };
    println!("live build checks on {}", oracle.describe());
    let work = oracle.state.join("checks-live");
    let mut images = layerlab_tests::buildkit::images::BaseImages::new(oracle.state.join("images"));
    if let Err(e) = checks::import_stub(&oracle.daemon, &mut images) {
        eprintln!("\x1b[31mchecks-live: the stub image: {e}\x1b[0m");
        result_line(0, 1, 0, 0);
        return ExitCode::FAILURE;
    }
    // Every case: the crafted ones, each rule's documented examples, then
    // the corpus sample.
    // (name, Dockerfile, build arg, .dockerignore)
    type Case = (String, String, Option<String>, Option<String>);
    let mut cases: Vec<Case> =
        CASES.iter().map(|(n, s, a)| (n.to_string(), s.to_string(), a.map(str::to_string), None)).collect();
    cases.extend(IGNORE_CASES.iter().map(|(n, s, i)| (n.to_string(), s.to_string(), None, Some(i.to_string()))));
    let root = layerlab_tests::root();
    let read = |p: &str| std::fs::read_to_string(root.join("crates/core/src/checks").join(p)).expect("check file");
    for r in layerlab_core::checks::RULES {
        let d = layerlab_core::checks::docs::parse_doc(r, &read(r.file));
        cases.push((format!("{}: ❌ example", r.name), d.bad, None, d.dockerignore.clone()));
        cases.push((format!("{}: ✅ example", r.name), d.good, None, d.dockerignore));
    }
    match (parity::corpus_dir(), apps::corpus_dir()) {
        (Some(corpus), Some(corpus_apps)) => {
            for (name, dir, files, every) in [
                ("corpus", &corpus, parity::corpus_files(&corpus), 10),
                ("corpus-apps", &corpus_apps, apps::corpus_files(&corpus_apps), 5),
            ] {
                for rel in files.iter().step_by(every) {
                    let src = String::from_utf8_lossy(&std::fs::read(dir.join(rel)).expect("corpus file")).into_owned();
                    cases.push((format!("{name}/{rel}"), src, None, None));
                }
            }
        }
        _ if ci => {
            eprintln!("\x1b[31mchecks-live: ../shared/corpus or corpus-apps missing and CI=true\x1b[0m");
            result_line(0, 1, 0, 0);
            return ExitCode::FAILURE;
        }
        _ => println!("\n\x1b[1;33m!!! ../shared corpora not found: the corpus sample was NOT checked live\x1b[0m\n"),
    }
    let implemented = |r: &str| layerlab_core::checks::RULES.iter().any(|x| x.name == r);
    let (mut passed, mut failed) = (0, 0);
    let mut rules_seen = std::collections::BTreeMap::<String, usize>::new();
    for (name, src, arg, ignore) in &cases {
        let mine = checks::layerlab(src, arg.as_deref(), ignore.as_deref());
        let theirs = match checks::live(&oracle.daemon, &work, src, arg.as_deref(), ignore.as_deref()) {
            Ok(t) => t,
            // An invalid build argument fails Docker's whole request
            // (no JSON): its message must be Layerlab's.
            Err(e) if arg.is_some() && mine.1.as_ref().is_some_and(|m| e.ends_with(m.as_str())) => {
                passed += 1;
                continue;
            }
            Err(e) => {
                println!("test {name} ... FAILED ({e}; Layerlab: {:?})", mine.1);
                failed += 1;
                continue;
            }
        };
        let keep = |v: &Vec<checks::Finding>| {
            let mut v: Vec<_> = v.iter().filter(|f| implemented(&f.0)).cloned().collect();
            v.sort();
            v
        };
        let (t, m) = (keep(&theirs.0), keep(&mine.0));
        // A build error other than the check options' (a parse error, a
        // base image) is the parser parity suite's: compare options errors.
        let options_error = |e: &Option<String>| e.clone().filter(|e| e.contains("check option"));
        if t == m && options_error(&theirs.1) == mine.1 {
            for f in &t {
                *rules_seen.entry(f.0.clone()).or_default() += 1;
            }
            passed += 1;
        } else {
            println!("test {name} ... FAILED\n  BuildKit: {t:?} {:?}\n  Layerlab: {m:?} {:?}", theirs.1, mine.1);
            failed += 1;
        }
    }
    println!("live build checks: {passed} of {} cases agree; findings per rule: {rules_seen:?}", cases.len());
    drop(oracle);
    result_line(passed, failed, 0, 0);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
