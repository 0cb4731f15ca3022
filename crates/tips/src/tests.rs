//! Rule vectors: every documented ❌ example fires its rule and every ✅
//! example does not; the optimizer's runs of them are in `layerlab-core`
//! (`crates/core/tests/optimizer_on_rules.rs`).

use super::docs::{example_context, parse_doc};
use super::registry::RULES;
use super::*;

/// A rule's source file, by the path the registry gives (compiled in by
/// the registry, the one list of rule files).
fn rule_file(path: &str) -> &'static str {
    let i = RULES
        .iter()
        .position(|r| r.file == path)
        .unwrap_or_else(|| panic!("{path} is not in the registry"));
    super::registry::SOURCES[i]
}

fn codes(src: &str, ctx: &BuildContext) -> Vec<&'static str> {
    let r = check(
        src,
        ctx,
        &CheckOptions {
            no_savings: true,
            ..CheckOptions::default()
        },
    );
    r.findings.iter().map(|f| f.code).collect()
}

#[test]
fn every_rule_documents_all_sections() {
    let mut seen = Vec::new();
    for rule in RULES {
        let d = parse_doc(rule, rule_file(rule.file));
        assert!(
            !d.what.is_empty() && !d.why.is_empty() && !d.fix_safety.is_empty(),
            "{}: missing a section",
            rule.meta.code
        );
        assert!(
            !d.bad.is_empty() && !d.good.is_empty(),
            "{}: needs a ❌ and a ✅ example",
            rule.meta.code
        );
        assert!(
            rule.meta.code.starts_with(&format!("LL{}", rule.meta.tip)),
            "{}: code must start with its tip",
            rule.meta.code
        );
        assert!(
            !seen.contains(&rule.meta.code),
            "duplicate code {}",
            rule.meta.code
        );
        seen.push(rule.meta.code);
    }
}

#[test]
fn bad_examples_fire_and_good_examples_do_not() {
    for rule in RULES {
        let d = parse_doc(rule, rule_file(rule.file));
        for bad in &d.bad {
            let found = codes(bad, &example_context(rule.meta.code, true));
            assert!(
                found.contains(&rule.meta.code),
                "{}: ❌ example does not fire:\n{bad}\nfound {found:?}",
                rule.meta.code
            );
        }
        for good in &d.good {
            let found = codes(good, &example_context(rule.meta.code, false));
            assert!(
                !found.contains(&rule.meta.code),
                "{}: ✅ example fires:\n{good}",
                rule.meta.code
            );
        }
    }
}

#[test]
fn suppression_comments_and_options() {
    let src =
        "FROM debian\n# layerlab ignore=LL401\nRUN apt-get update && apt-get install -y curl\n";
    let found = codes(src, &BuildContext::default());
    assert!(!found.contains(&"LL401"), "{found:?}");
    assert!(found.contains(&"LL402"));
    let src2 = "# layerlab global ignore=LL402,tip5\nFROM debian\nRUN apt-get update && apt-get install -y curl\n";
    let found = codes(src2, &BuildContext::default());
    assert!(
        found.contains(&"LL401")
            && !found.contains(&"LL402")
            && !found.iter().any(|c| c.starts_with("LL5")),
        "{found:?}"
    );
    let r = check(
        src2,
        &BuildContext::default(),
        &CheckOptions {
            select: vec!["tip4".into()],
            ignore: vec!["LL401".into()],
            no_savings: true,
        },
    );
    assert!(
        r.findings.is_empty(),
        "{:?}",
        r.findings.iter().map(|f| f.code).collect::<Vec<_>>()
    );
}

const SLOW_PY: &str = "FROM python:3.12-slim\nWORKDIR /code\nCOPY . /code\nRUN apt-get update && apt-get install -y build-essential libpq-dev\nRUN pip install -r requirements.txt\nCMD [\"flask\", \"run\", \"--host=0.0.0.0\", \"--reload\"]\n";

#[test]
fn the_slow_python_example_gets_every_tip() {
    let r = check(SLOW_PY, &BuildContext::default(), &CheckOptions::default());
    let tips: Vec<u8> = r.findings.iter().map(|f| f.tip).collect();
    for t in 1..=5 {
        assert!(
            tips.contains(&t),
            "tip {t} missing: {:?}",
            r.findings
                .iter()
                .map(|f| (f.code, &f.message))
                .collect::<Vec<_>>()
        );
    }
    let split = r
        .findings
        .iter()
        .find(|f| f.code == "LL301")
        .expect("LL301");
    let saved = split.saved.expect("savings");
    assert!(saved.source_edit > 10.0, "{saved:?}");
}

#[test]
fn apt_update_merge_keeps_the_install() {
    let src = "FROM debian:bookworm\nWORKDIR /opt\nRUN apt-get update\nRUN apt-get install -y curl\nRUN make\n";
    let r = check(
        src,
        &BuildContext::default(),
        &CheckOptions {
            select: vec!["LL202".into()],
            no_savings: true,
            ..CheckOptions::default()
        },
    );
    let (fixed, _) = crate::edit::apply_edits(src, &r.findings[0].fix.as_ref().expect("fix").edits);
    assert_eq!(fixed, "FROM debian:bookworm\nWORKDIR /opt\nRUN apt-get update && apt-get install -y curl\nRUN make\n");
}

#[test]
fn reorder_moves_system_packages_above_the_code() {
    let src = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5\nCMD [\"python\", \"app.py\"]\n";
    let r = check(src, &BuildContext::default(), &CheckOptions::default());
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "LL201")
        .expect("LL201");
    let (fixed, _) = crate::edit::apply_edits(src, &f.fix.as_ref().unwrap().edits);
    assert_eq!(fixed, "FROM python:3.12-slim\nWORKDIR /app\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5\nCOPY . .\nCMD [\"python\", \"app.py\"]\n");
    // Past a RUN it may depend on, or an ENV: still a cost (BuildKit re-runs
    // it), reported with the reason there is no fix.
    for (blocked, why) in [
        (
            "FROM x\nCOPY . .\nRUN ./configure\nRUN apt-get install -y curl\n",
            "moving it above line 2 would pass a RUN whose output it may use (line 3)",
        ),
        (
            "FROM x\nCOPY . .\nENV DEBIAN_FRONTEND=noninteractive\nRUN apt-get install -y curl\n",
            "moving it above line 2 would pass an ENV that changes its environment (line 3)",
        ),
    ] {
        let r = check(blocked, &BuildContext::default(), &CheckOptions::default());
        let f = r
            .findings
            .iter()
            .find(|f| f.code == "LL201")
            .expect(blocked);
        assert!(f.fix.is_none(), "{blocked}");
        assert_eq!(f.no_fix.as_deref(), Some(why), "{blocked}");
    }
    // When it reads the copied files, it is tip 3's (or no) finding.
    for reads in [
        "FROM x\nCOPY . .\nRUN apt-get install -y ./local.deb\n",
        "FROM x\nCOPY . .\nRUN pip install -r requirements.txt\n",
    ] {
        let found = codes(reads, &BuildContext::default());
        assert!(!found.contains(&"LL201"), "{reads}");
    }
}

#[test]
fn broad_copy_split_covers_every_ecosystem() {
    let cases = [
        (
            "node:20",
            "npm ci",
            "package.json package-lock.json* npm-shrinkwrap.json*",
        ),
        (
            "node:20",
            "yarn install --frozen-lockfile",
            "package.json yarn.lock* .yarnrc.yml*",
        ),
        (
            "node:20",
            "pnpm install --frozen-lockfile",
            "package.json pnpm-lock.yaml* pnpm-workspace.yaml*",
        ),
        (
            "python:3.12",
            "poetry install --no-root",
            "pyproject.toml poetry.lock*",
        ),
        (
            "python:3.12",
            "uv sync --frozen --no-install-project",
            "pyproject.toml uv.lock*",
        ),
        (
            "python:3.12",
            "pipenv install --deploy --system",
            "Pipfile Pipfile.lock*",
        ),
        ("golang:1.22", "go mod download", "go.mod go.sum*"),
        ("ruby:3.3", "bundle install", "Gemfile Gemfile.lock*"),
        (
            "composer:2",
            "composer install --no-dev",
            "composer.json composer.lock*",
        ),
        // `.mvn*` would copy the folder's contents into `./` (BuildKit
        // copies a matched folder's contents): the wrapper's files are
        // copied, as `mvnw` and `.mvn/`, only for `./mvnw`.
        ("maven:3", "mvn dependency:go-offline", "pom.xml"),
        (
            "mcr.microsoft.com/dotnet/sdk:8.0",
            "dotnet restore App.csproj",
            "App.csproj",
        ),
        // A requirements folder is copied whole: its files include each other.
        (
            "python:3.12",
            "pip install -r requirements/prod.txt",
            "requirements requirements/",
        ),
    ];
    for (image, install, expect) in cases {
        let src = format!("FROM {image}\nWORKDIR /app\nCOPY . .\nRUN {install}\nCMD [\"run\"]\n");
        let r = check(
            &src,
            &BuildContext::default(),
            &CheckOptions {
                select: vec!["LL301".into()],
                no_savings: true,
                ..CheckOptions::default()
            },
        );
        let f = r
            .findings
            .first()
            .unwrap_or_else(|| panic!("no LL301 for {install}"));
        let (fixed, _) = crate::edit::apply_edits(&src, &f.fix.as_ref().expect("fix").edits);
        let dest = if expect.ends_with('/') { "" } else { " ./" };
        let want = format!("FROM {image}\nWORKDIR /app\nCOPY {expect}{dest}\nRUN {install}\nCOPY . .\nCMD [\"run\"]\n");
        assert_eq!(fixed, want, "{install}");
    }
    // A known context drops optional files that are absent.
    let ctx = BuildContext {
        files: Some(vec!["package.json".into(), "server.js".into()]),
        dockerignore: None,
    };
    let src = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
    let r = check(
        src,
        &ctx,
        &CheckOptions {
            select: vec!["LL301".into()],
            no_savings: true,
            ..CheckOptions::default()
        },
    );
    let (fixed, _) = crate::edit::apply_edits(src, &r.findings[0].fix.as_ref().unwrap().edits);
    assert!(
        fixed.contains("COPY package.json ./\nRUN npm ci\nCOPY . .\n"),
        "{fixed}"
    );
    // pip install . needs the source: reported, with the reason it has no fix.
    let src = "FROM python:3.12\nCOPY . .\nRUN pip install .\n";
    let r = check(src, &BuildContext::default(), &CheckOptions::default());
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "LL301")
        .expect("LL301");
    assert!(f.fix.is_none() && f.no_fix.is_some(), "{f:?}");
}

#[test]
fn savings_are_estimated_within_a_budget_on_huge_files() {
    assert_eq!(super::savings_budget(100_000), 320);
    assert_eq!(super::savings_budget(10_000_000), 16);
    // 40 stages with a fixable finding each, padded with comments to 2.2 MB:
    // the budget is 16, so 16 findings get savings and the rest none.
    let one = "FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n";
    let src = format!(
        "{}{}",
        one.repeat(40),
        "# padding padding padding padding\n".repeat(64_000)
    );
    assert_eq!(super::savings_budget(src.len()), 16);
    let report = super::check(
        &src,
        &crate::simulate::BuildContext::default(),
        &super::CheckOptions::default(),
    );
    let fixable = report.findings.iter().filter(|f| f.fix.is_some()).count();
    let estimated: Vec<usize> = (0..report.findings.len())
        .filter(|&i| report.findings[i].saved.is_some())
        .collect();
    assert!(fixable >= 40, "{fixable}");
    assert_eq!(estimated.len(), 16);
    // The first fixable findings, in file order.
    let first: Vec<usize> = (0..report.findings.len())
        .filter(|&i| report.findings[i].fix.is_some())
        .take(16)
        .collect();
    assert_eq!(estimated, first);
}
