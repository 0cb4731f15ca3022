//! Pass/fail vectors for the simulator, one per BuildKit rule.

use super::*;
use crate::model::build;
use crate::syntax::parse;

fn sim(src: &str, changes: &[Change]) -> Simulation {
    sim_ctx(src, changes, &BuildContext::default(), &Options::default())
}

fn sim_ctx(src: &str, changes: &[Change], ctx: &BuildContext, opts: &Options) -> Simulation {
    let df = parse(src);
    let m = build(&df, src);
    simulate(&df, &m, changes, ctx, opts)
}

/// `C` cached, `R` rebuilt, `-` skipped, per BuildKit step.
fn pattern(s: &Simulation) -> String {
    s.steps
        .iter()
        .map(|o| match o.status {
            Status::Cached => 'C',
            Status::Rebuilt => 'R',
            Status::Skipped => '-',
        })
        .collect()
}

fn edit(p: &str) -> Change {
    Change::Edit { path: p.into() }
}

const SLOW: &str = "FROM python:3.12-slim\nWORKDIR /code\nCOPY . /code\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n";
const FAST: &str = "FROM python:3.12-slim\nWORKDIR /code\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n";

#[test]
fn chain_rule_after_a_miss() {
    let s = sim(SLOW, &[edit("src/app.py")]);
    assert_eq!(pattern(&s), "CCRR");
    assert_eq!(s.steps[2].reason.to_string(), "COPY . /code: src/app.py changed");
    assert!(
        s.steps[3].reason.to_string().starts_with("after the miss at line 3"),
        "{}",
        s.steps[3].reason
    );
    assert!(s.total_seconds > 30.0);
}

#[test]
fn copy_is_keyed_on_selected_sources_only() {
    let s = sim(FAST, &[edit("src/app.py")]);
    assert_eq!(pattern(&s), "CCCCR");
    assert!(s.total_seconds < 3.0, "{}", s.total_seconds);
    assert_eq!(pattern(&sim(FAST, &[edit("requirements.txt")])), "CCRRR");
    assert_eq!(pattern(&sim(FAST, &[edit("./requirements.txt")])), "CCRRR");
}

#[test]
fn mtime_does_not_count() {
    let s = sim(
        SLOW,
        &[Change::Touch {
            path: "src/app.py".into(),
        }],
    );
    assert_eq!(pattern(&s), "CCCC");
    assert!(!s.notes.is_empty());
}

#[test]
fn dockerignored_paths_rebuild_nothing() {
    let ctx = BuildContext {
        files: None,
        dockerignore: Some(".git\n*.md\n".into()),
    };
    let s = sim_ctx(
        SLOW,
        &[edit(".git/index"), edit("README.md")],
        &ctx,
        &Options::default(),
    );
    assert_eq!(pattern(&s), "CCCC");
    assert_eq!(s.notes.len(), 2);
}

#[test]
fn arg_invalidates_at_first_use_not_definition() {
    let src = "FROM alpine\nARG VERSION=1\nCOPY a.txt /a\nRUN echo build\nCOPY b.txt /b\n";
    let s = sim(
        src,
        &[Change::Arg {
            name: "VERSION".into(),
            value: "2".into(),
        }],
    );
    // COPY a.txt does not use VERSION; the RUN has it in its environment.
    assert_eq!(pattern(&s), "CCRR");
    let src = "FROM alpine\nARG DIR=x\nCOPY $DIR /x\nRUN true\n";
    assert_eq!(
        pattern(&sim(
            src,
            &[Change::Arg {
                name: "DIR".into(),
                value: "y".into()
            }]
        )),
        "CRR"
    );
    // An ARG declared after the RUN does not touch it.
    let src = "FROM alpine\nRUN true\nARG LATE=1\nRUN echo $LATE\n";
    assert_eq!(
        pattern(&sim(
            src,
            &[Change::Arg {
                name: "LATE".into(),
                value: "2".into()
            }]
        )),
        "CCR"
    );
    // ENV derived from an ARG carries the change.
    let src = "FROM alpine\nARG V=1\nENV APP_V=$V\nWORKDIR /app/$APP_V\n";
    assert_eq!(
        pattern(&sim(
            src,
            &[Change::Arg {
                name: "V".into(),
                value: "2".into()
            }]
        )),
        "CR"
    );
}

#[test]
fn global_arg_in_from_changes_the_base() {
    let src = "ARG PY=3.12\nFROM python:${PY}-slim\nRUN pip install flask\n";
    assert_eq!(
        pattern(&sim(
            src,
            &[Change::Arg {
                name: "PY".into(),
                value: "3.13".into()
            }]
        )),
        "RR"
    );
    // A global ARG not re-declared in the stage is not in RUN's env.
    let src = "ARG X=1\nFROM alpine\nRUN true\n";
    assert_eq!(
        pattern(&sim(
            src,
            &[Change::Arg {
                name: "X".into(),
                value: "2".into()
            }]
        )),
        "CC"
    );
}

#[test]
fn cache_mount_does_not_invalidate_but_cheapens_a_miss() {
    let plain = "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n";
    let mounted = "FROM python:3.12\nCOPY requirements.txt .\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n";
    assert_eq!(pattern(&sim(mounted, &[edit("src/x.py")])), "CCC");
    let a = sim(plain, &[edit("requirements.txt")]);
    let b = sim(mounted, &[edit("requirements.txt")]);
    assert_eq!(pattern(&a), "CRR");
    assert_eq!(pattern(&b), "CRR");
    assert!(
        b.total_seconds < a.total_seconds / 2.0,
        "{} vs {}",
        b.total_seconds,
        a.total_seconds
    );
}

#[test]
fn copy_link_does_not_depend_on_earlier_layers() {
    let src = "FROM alpine\nCOPY deps.txt /d\nRUN install\nCOPY --link app /app\nRUN build\n";
    let s = sim(src, &[edit("deps.txt")]);
    assert_eq!(pattern(&s), "CRRCR");
    assert!(s.steps[3].reason.to_string().contains("--link"));
    // Its own sources still count.
    assert_eq!(pattern(&sim(src, &[edit("app/main.c")])), "CCCRR");
}

#[test]
fn secrets_are_not_in_the_key() {
    let src = "FROM alpine\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n";
    let s = sim(src, &[Change::Secret { id: "npmrc".into() }]);
    assert_eq!(pattern(&s), "CC");
}

#[test]
fn unused_stages_are_skipped_and_cost_is_the_critical_path() {
    let src = "FROM golang:1.22 AS build\nCOPY . .\nRUN go build -o /app\nFROM node:20 AS web\nCOPY web/ .\nRUN npm run build\nFROM alpine AS unused\nRUN sleep 100\nFROM alpine\nCOPY --from=build /app /app\nCOPY --from=web /dist /www\n";
    let s = sim(src, &[edit("web/index.js"), edit("main.go")]);
    assert_eq!(pattern(&s), "CRRCRR--CRR");
    let web: f64 = s
        .steps
        .iter()
        .filter(|o| o.stage == 1)
        .map(|o| o.seconds)
        .sum();
    let go: f64 = s
        .steps
        .iter()
        .filter(|o| o.stage == 0)
        .map(|o| o.seconds)
        .sum();
    let last: f64 = s
        .steps
        .iter()
        .filter(|o| o.stage == 3)
        .map(|o| o.seconds)
        .sum();
    assert!((s.critical_path_seconds - (web.max(go) + last)).abs() < 1e-9);
    assert!(s.total_seconds > s.critical_path_seconds);
    // A named target builds only what it needs.
    let opts = Options {
        target: Some("web".into()),
        ..Options::default()
    };
    let t = sim_ctx(src, &[], &BuildContext::default(), &opts);
    assert_eq!(pattern(&t), "---CCC-----");
}

#[test]
fn base_image_update_and_bind_mounts() {
    let src = "FROM python:3.12-slim AS a\nRUN --mount=type=bind,source=requirements.txt,target=/r pip install -r /r\nFROM node:20\nRUN true\n";
    let opts = Options {
        target: Some("a".into()),
        ..Options::default()
    };
    let s = sim_ctx(
        src,
        &[Change::BaseUpdate {
            image: Some("python".into()),
        }],
        &BuildContext::default(),
        &opts,
    );
    assert_eq!(pattern(&s), "RR--");
    let s = sim_ctx(
        src,
        &[edit("requirements.txt")],
        &BuildContext::default(),
        &opts,
    );
    assert_eq!(pattern(&s), "CR--");
    assert!(s.steps[1].reason.to_string().contains("bind mount"));
    let s = sim_ctx(
        src,
        &[Change::BaseUpdate {
            image: Some("node:20".into()),
        }],
        &BuildContext::default(),
        &opts,
    );
    assert_eq!(pattern(&s), "CC--");
}

#[test]
fn no_change_and_cold_builds() {
    assert_eq!(pattern(&sim(FAST, &[])), "CCCCC");
    let cold = sim_ctx(
        FAST,
        &[],
        &BuildContext::default(),
        &Options {
            cold: true,
            ..Options::default()
        },
    );
    assert_eq!(pattern(&cold), "RRRRR");
}

#[test]
fn real_seconds_replace_estimates() {
    // The first figure given for an instruction wins; one past the file is ignored.
    let opts = Options {
        seconds: vec![(3, 7.5), (3, 1.0), (99, 2.0)],
        ..Options::default()
    };
    let s = sim_ctx(
        FAST,
        &[edit("requirements.txt")],
        &BuildContext::default(),
        &opts,
    );
    assert_eq!(s.steps[3].seconds, 7.5);
}

#[test]
fn exclude_flag_and_undeclared_args() {
    let src = "FROM alpine\nCOPY --exclude=*.md . /app\n";
    assert_eq!(pattern(&sim(src, &[edit("README.md")])), "CC");
    let s = sim(
        src,
        &[Change::Arg {
            name: "NOPE".into(),
            value: "1".into(),
        }],
    );
    assert!(s.notes.iter().any(|n| n.to_string().contains("NOPE")));
}

#[test]
fn dockerfile_edits_miss_where_the_key_changed() {
    let with_previous = |prev: &str, cur: &str| {
        let opts = Options {
            previous: Some(prev.into()),
            ..Options::default()
        };
        pattern(&sim_ctx(cur, &[], &BuildContext::default(), &opts))
    };
    let base = "FROM alpine\nCOPY a /a\nENV X=1\nRUN echo\nENV Y=1\nRUN <<EOF\nls\nEOF\n";
    // (text replaced, by what, the pattern)
    let cases = [
        ("", "", "CCCC"),
        // A RUN's key holds the ENV/ARG lines before it, nothing after it.
        ("X=1", "X=2", "CCRR"),
        ("Y=1", "Y=2", "CCCR"),
        ("ENV X=1", "ENV X=1\nARG Z", "CCRR"),
        // The instruction's own text, heredoc bodies included.
        ("echo", "echo hi", "CCRR"),
        ("ls\n", "ls -l\n", "CCCR"),
        ("COPY a", "COPY b", "CRRR"),
    ];
    for (from, to, want) in cases {
        let cur = if from.is_empty() {
            base.to_string()
        } else {
            base.replace(from, to)
        };
        assert_eq!(with_previous(base, &cur), want, "{from} -> {to}");
    }
    // A step the cached build did not have misses.
    assert_eq!(with_previous(base, &format!("{base}RUN new\n")), "CCCCR");
}

#[test]
fn changed_regions_are_capped_per_stage() {
    // A chain of stages each copying the edited file somewhere new, then a
    // read of an untouched path of the last: with 64 regions or fewer the
    // read stays cached; past that the stage counts as changed everywhere.
    let chain = |n: usize| {
        let mut src = String::from("FROM alpine AS s0\n");
        for i in 1..n {
            src += &format!("FROM s{} AS s{i}\nCOPY app.py /d{i}/\n", i - 1);
        }
        src + &format!("FROM alpine\nCOPY --from=s{} /untouched /u\n", n - 1)
    };
    let last = |n: usize| {
        sim(&chain(n), &[edit("app.py")])
            .steps
            .last()
            .unwrap()
            .status
    };
    assert_eq!(last(60), Status::Cached);
    assert_eq!(last(80), Status::Rebuilt);
}

/// Measured on Docker 28.5 (tests/buildkit/scenarios/copy-exclude-sources,
/// copy-link-flags): `--exclude` patterns are relative to each source.
#[test]
fn exclude_patterns_are_relative_to_the_source() {
    let src = "FROM alpine\nCOPY --exclude=docs --exclude=**/__pycache__ src/ /app/src/\nCOPY --exclude=*.txt config/ /app/config/\n";
    assert_eq!(pattern(&sim(src, &[edit("src/docs/index.md")])), "CCC");
    assert_eq!(pattern(&sim(src, &[edit("src/pkg/__pycache__/m.pyc")])), "CCC");
    assert_eq!(pattern(&sim(src, &[edit("config/notes.txt")])), "CCC");
    assert_eq!(pattern(&sim(src, &[edit("config/app.yml")])), "CCR");
    assert_eq!(pattern(&sim(src, &[edit("src/pkg/mod.py")])), "CRR");
    // `docs` is `src/docs` here, not a top-level `docs`.
    assert_eq!(pattern(&sim(src, &[edit("src/docsite/a.md")])), "CRR");
    // A wildcard source is matched from the context's root.
    let glob = "FROM alpine\nCOPY --exclude=*.md *.md* /d/\n";
    assert_eq!(pattern(&sim(glob, &[edit("README.md")])), "CC");
}

/// Measured on Docker 28.5 (scenarios copy-chmod, copy-link-below,
/// heredoc-env, heredoc-copy-arg).
#[test]
fn keys_are_what_buildkit_keys() {
    let with_previous = |prev: &str, cur: &str| {
        let opts = Options {
            previous: Some(prev.into()),
            ..Options::default()
        };
        pattern(&sim_ctx(cur, &[], &BuildContext::default(), &opts))
    };
    // `--chmod=0644` is `--chmod=644`; 750 is another mode.
    let c = "FROM alpine\nCOPY --chmod=644 a /a\nRUN x\n";
    assert_eq!(with_previous(c, &c.replace("=644", "=0644")), "CCC");
    assert_eq!(with_previous(c, &c.replace("=644", "=640")), "CRR");
    // `WORKDIR /app/` is `WORKDIR /app`.
    let w = "FROM alpine\nWORKDIR /app\nRUN x\n";
    // ... but a RUN's cwd is the WORKDIR as written: the RUN reruns.
    assert_eq!(with_previous(w, &w.replace("/app", "/app/")), "CCR");
    let wc = "FROM alpine\nWORKDIR /app\nCOPY a .\n";
    assert_eq!(with_previous(wc, &wc.replace("/app", "/app/")), "CCC");
    assert_eq!(with_previous(wc, &wc.replace("/app", "//app/./")), "CCC");
    assert_eq!(with_previous(w, &w.replace("/app", "/srv")), "CRR");
    // A WORKDIR that expands an ENV edited above it.
    let e = "FROM alpine\nENV HOME_DIR=/srv/app\nWORKDIR $HOME_DIR\nCOPY a .\n";
    assert_eq!(with_previous(e, &e.replace("=/srv/app", "=/srv/b")), "CRR");
    // An unquoted `COPY <<EOT` body expands its build args; a quoted one does not.
    let h = "FROM alpine\nARG G=a\nWORKDIR /w\nCOPY <<EOT /x\ng=${G}\nEOT\n";
    let q = "FROM alpine\nARG G=a\nWORKDIR /w\nCOPY <<\"EOT\" /x\ng=${G}\nEOT\n";
    let arg = [Change::Arg {
        name: "G".into(),
        value: "b".into(),
    }];
    assert_eq!(pattern(&sim(h, &arg)), "CCR");
    assert_eq!(pattern(&sim(q, &arg)), "CCC");
}

#[test]
fn a_stage_built_from_another_inherits_its_build_args() {
    // Measured on Docker 28.5 (corpus-apps: apprise-api): the ARGs of stage
    // `base`, used there only in a LABEL, are in the environment of every
    // RUN of the stage built FROM it, so a new value reruns them; a stage
    // built FROM an image does not inherit them.
    let src = "FROM alpine AS base\nRUN echo base\nARG VERSION\nLABEL v=$VERSION\n\nFROM alpine AS other\nRUN echo other\n\nFROM base AS runtime\nCOPY --from=other /o /o\nRUN echo runtime\n";
    let s = sim(
        src,
        &[Change::Arg {
            name: "VERSION".into(),
            value: "2".into(),
        }],
    );
    // base: FROM, RUN (before the ARG); other: FROM, RUN; runtime: FROM
    // base, COPY, RUN (the inherited ARG in its environment).
    assert_eq!(pattern(&s), "CCCCCCR");
    let run = s.steps.iter().find(|o| o.text == "RUN echo runtime").unwrap();
    assert_eq!(
        run.reason.to_string(),
        "RUN echo runtime: VERSION changed (the build args of stage `base` are in the environment of the stages built FROM it)"
    );
}

/// Measured on Docker 28.5 (tests/buildkit/scenarios/copy-link-chmod): a
/// `COPY --link --chmod` reruns after a change below it; without `--chmod`
/// (or with a numeric `--chown`) the linked copy is reused.
#[test]
fn linked_copy_with_chmod_is_not_reused() {
    let src = "FROM alpine\nRUN echo one > /one\nCOPY --link --chmod=755 s/ /a/\nCOPY --link s/ /b/\nCOPY --link --chown=1000:1000 s/ /c/\nCOPY --link --chmod=0755 s/a /d/a\nRUN x\n";
    let opts = Options {
        previous: Some(src.into()),
        ..Options::default()
    };
    let s = sim_ctx(&src.replace("one >", "two >"), &[], &BuildContext::default(), &opts);
    assert_eq!(pattern(&s), "CRRCCRR");
}

/// A stage never built reuses what a built stage on the same base did in
/// the same way: BuildKit keys a step by its operation and parent, not its
/// stage (both engines; `tests/buildkit/scenarios/target-shared-steps`).
#[test]
fn a_never_built_stage_reuses_the_steps_it_shares_with_a_built_one() {
    let src = "FROM node:20-slim AS deps\nWORKDIR /app\nCOPY package.json .\nRUN npm install\n\nFROM deps AS test\nCOPY . .\nRUN echo test > /app/test-report.txt\n\nFROM deps AS build\nCOPY . .\nRUN echo build > /app/dist.txt\n\nFROM node:20-slim AS prod\nWORKDIR /srv\nCOPY --from=build /app/dist.txt /srv/dist.txt\n";
    let opts = |never: Vec<usize>| Options {
        target: Some("test".into()),
        uncached_stages: never,
        ..Options::default()
    };
    let ctx = BuildContext::default();
    let s = sim_ctx(src, &[], &ctx, &opts(vec![1]));
    assert_eq!(pattern(&s), "CCCCCCR------");
    assert_eq!(
        s.steps[6].reason.to_string(),
        "stage `test` was never built before, and no stage built before ran this step on the same parent"
    );
    // With `build` never built either, nothing of `test` is cached.
    let s = sim_ctx(src, &[], &ctx, &opts(vec![1, 2, 3]));
    assert_eq!(pattern(&s), "CCCCRRR------");
}
