//! Pass/fail vectors for the build model.

use super::*;
use crate::syntax::{parse, Severity};

fn model(src: &str) -> (crate::Dockerfile, BuildModel) {
    let df = parse(src);
    let m = build(&df, src);
    (df, m)
}

#[test]
fn steps_metadata_and_numbering() {
    let (_, m) = model("FROM python:3.12-slim\nWORKDIR /code\nENV A=1\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD [\"python\"]\n");
    let kinds: Vec<_> = m.steps.iter().map(|s| s.kind).collect();
    use StepKind::*;
    assert_eq!(
        kinds,
        [Base, Layer, Metadata, Layer, Layer, Layer, Metadata]
    );
    let numbers: Vec<_> = m.steps.iter().map(|s| s.number).collect();
    assert_eq!(
        numbers,
        [
            Some((1, 5)),
            Some((2, 5)),
            None,
            Some((3, 5)),
            Some((4, 5)),
            Some((5, 5)),
            None
        ]
    );
    assert_eq!(m.steps[3].churn, Churn::Dependencies);
    assert_eq!(m.steps[4].churn, Churn::Dependencies);
    assert_eq!(m.steps[5].churn, Churn::SourceCode);
    assert_eq!(m.steps[4].inputs.workdir, "/code");
    assert!(m.steps[4].inputs.env.contains("A"));
    assert!(m.steps[4].seconds > m.steps[5].seconds);
}

#[test]
fn rebuild_churn_follows_the_chain() {
    let (_, m) = model("FROM node:20\nCOPY . .\nRUN npm ci\n");
    assert_eq!(m.steps[2].churn, Churn::Dependencies);
    assert_eq!(m.steps[2].rebuild_churn, Churn::SourceCode);
}

#[test]
fn stage_graph_and_needed_stages() {
    let src = "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM alpine AS unused\nRUN true\nFROM build AS test\nRUN go test\nFROM alpine\nCOPY --from=build /app /app\nRUN --mount=type=bind,from=test,target=/t true\n";
    let (_, m) = model(src);
    assert_eq!(m.stages.len(), 4);
    assert_eq!(m.stages[2].base_stage, Some(0));
    assert_eq!(m.stages[3].reads, vec![0, 2]);
    assert_eq!(m.needed_stages(3), vec![true, false, true, true]);
    assert_eq!(m.stage_by_ref("BUILD"), Some(0));
    // FROM an earlier stage (or scratch) is no vertex: numbering starts at the first layer step.
    assert_eq!(
        m.stage_steps(2).map(|s| s.number).collect::<Vec<_>>(),
        [None, Some((1, 1))]
    );
    let (_, m) = model("FROM scratch AS s\nCOPY a.txt /a\n");
    assert_eq!(m.steps[1].number, Some((1, 1)));
}

#[test]
fn cache_mounts_cover_matching_managers() {
    let (_, m) = model("FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\nRUN pip install -r requirements.txt\n");
    assert!(m.steps[1].cache_mounted);
    assert!(!m.steps[2].cache_mounted);
    let (_, m) =
        model("FROM python:3.12\nRUN --mount=type=cache,target=/root/.npm pip install flask\n");
    assert!(
        !m.steps[1].cache_mounted,
        "a cache for another manager does not help"
    );
}

#[test]
fn referenced_vars_finds_every_form() {
    assert_eq!(referenced_vars("${A:-x}/$B/${C}", '\\'), ["A", "B", "C"]);
    // every use, in order (a default's before its variable's)
    assert_eq!(
        referenced_vars("${B}$A$B${A:-$C}", '\\'),
        ["B", "A", "B", "C", "A"]
    );
    assert!(referenced_vars("plain", '\\').is_empty());
    assert!(referenced_vars("\\$NOT", '\\').is_empty());
}

#[test]
fn never_panics_on_broken_files() {
    for src in [
        "",
        "RUN x",
        "FROM",
        "COPY --from=nope a b",
        "FROM a AS b\nFROM b\nFROM c AS b\n",
        "\u{0}\u{0}",
        "FROM x\nRUN <<EOF\n",
    ] {
        let (_, m) = model(src);
        let _ = m.needed_stages(m.target.unwrap_or(0));
    }
}

/// `ENV A1=${A0}${A0}` and so on from a ten-byte `A0` up to `A{n-1}`: each
/// line doubles the value (`A17` would be 1.25 MiB), then `WORKDIR /$A{n-1}`
/// and a RUN that runs there.
fn doubling_chain(keyword: &str, n: usize) -> String {
    let mut src = format!("FROM alpine\n{keyword} A0=xxxxxxxxxx\n");
    for i in 1..n {
        src += &format!("{keyword} A{i}=${{A{}}}${{A{}}}\n", i - 1, i - 1);
    }
    src + &format!("WORKDIR /$A{}\nRUN x\n", n - 1)
}

#[test]
fn expansion_is_capped_per_value() {
    for keyword in ["ENV", "ARG"] {
        let src = doubling_chain(keyword, 21);
        let (df, m) = model(&src);
        assert!(df.diagnostics.is_empty());
        // A17 (line 19) is the first value over 1 MiB; every later value
        // too, and the WORKDIR (line 23).
        let d = &m.diagnostics[0];
        assert_eq!(d.severity, Severity::Warning);
        assert_eq!(
            d.message,
            "variable expansion truncated at 1048576 bytes: an expanded value may hold at most 1 MiB"
        );
        assert_eq!(
            &src[d.span.range()],
            format!("{keyword} A17=${{A16}}${{A16}}")
        );
        assert_eq!((d.start.line, d.start.column), (19, 1));
        let lines: Vec<u32> = m.diagnostics.iter().map(|d| d.start.line).collect();
        assert_eq!(lines, [19, 20, 21, 22, 23], "{keyword}");
        let workdir = &m.steps.last().unwrap().inputs.workdir;
        assert_eq!(workdir.len(), 1 << 20);
        assert!(workdir.bytes().skip(1).all(|b| b == b'x'));
    }
    // Below the cap nothing is said.
    let src = doubling_chain("ENV", 17);
    assert!(model(&src).1.diagnostics.is_empty());
}

#[test]
fn expansion_shares_one_budget_per_file() {
    // Each capped line reads 2 MiB and writes 1 MiB: the 64 MiB budget runs
    // out some twenty lines after A17, and every later value is empty.
    let src = doubling_chain("ARG", 60);
    let (_, m) = model(&src);
    assert_eq!(
        m.diagnostics.len(),
        60 - 17 + 1,
        "one per line from A17, and WORKDIR"
    );
    let budget = "the file's expansions used up their budget of 64 MiB";
    let first = m
        .diagnostics
        .iter()
        .position(|d| d.message.ends_with(budget))
        .unwrap();
    assert!((18..30).contains(&first), "{first}");
    let last = &m.diagnostics[m.diagnostics.len() - 2];
    assert_eq!(
        last.message,
        format!("variable expansion truncated at 0 bytes: {budget}")
    );
    assert_eq!(&src[last.span.range()], "ARG A59=${A58}${A58}");
    // The WORKDIR keeps its literal `/`.
    assert_eq!(m.steps.last().unwrap().inputs.workdir, "/");
}

#[test]
fn env_names_in_order_of_last_definition() {
    let src = "FROM alpine\nENV A=1 B=2\nRUN x\nARG A\nRUN y\nFROM alpine\nRUN z\n";
    let (_, m) = model(src);
    let names = |i: usize| m.steps[i].inputs.env.iter().cloned().collect::<Vec<_>>();
    assert!(names(0).is_empty());
    assert_eq!(names(2), ["A", "B"]);
    assert_eq!(names(4), ["B", "A"]);
    assert!(names(6).is_empty(), "a stage starts with no variables");
    assert_eq!(
        serde_json::to_value(&m.steps[4].inputs.env).unwrap(),
        serde_json::json!(["B", "A"])
    );
    assert_eq!(m.steps[4].inputs.env, m.steps[4].inputs.env.clone());
    assert_ne!(m.steps[4].inputs.env, m.steps[2].inputs.env);
}

#[test]
fn global_args_and_stage_references() {
    // A stage's bare ARG takes the global's last value, as FROM does
    // (BuildKit's dispatchArg keeps the last matching meta ARG).
    let src = "ARG V=1\nARG V=2\nFROM alpine:$V\nARG V\nWORKDIR /$V\nRUN x\n";
    let (_, m) = model(src);
    assert_eq!(m.stages[0].image.as_deref(), Some("alpine:2"));
    assert_eq!(m.steps[3].inputs.workdir, "/2");
    assert!(
        m.step_of_instruction(0).is_none(),
        "a global ARG is no step"
    );
    assert_eq!(m.step_of_instruction(4).map(|s| s.line), Some(5));
    // --from names an earlier stage (any case) or its number; a later or
    // the same stage is an image.
    let src = "FROM a AS x\nFROM b AS y\nCOPY --from=X /a /a\nCOPY --from=y /b /b\nCOPY --from=0 /c /c\nCOPY --from=1 /d /d\n";
    let (_, m) = model(src);
    let sources: Vec<&Source> = m.steps.iter().flat_map(|s| &s.inputs.sources).collect();
    assert!(matches!(sources[0], Source::Stage { stage: 0, .. }));
    assert!(matches!(sources[1], Source::Image { image, .. } if image == "y"));
    assert!(matches!(sources[2], Source::Stage { stage: 0, .. }));
    assert!(matches!(sources[3], Source::Image { .. }));
    assert_eq!(m.stages[1].reads, [0]);
}

#[test]
fn paths_overlap_when_one_contains_the_other() {
    for (a, b) in [
        ("/a", "/a"),
        ("/a/", "/a"),
        ("/a", "/a/b"),
        ("/a/b", "/a"),
        ("/", "/x"),
    ] {
        assert!(paths_overlap(a, b), "{a} {b}");
    }
    for (a, b) in [("/ab", "/a"), ("/a", "/ab"), ("/a/b", "/a/c")] {
        assert!(!paths_overlap(a, b), "{a} {b}");
    }
}

/// Two stages of one name (Docker 28.5 builds it, with a DuplicateStageName
/// warning): a name means the last stage of that name before the one that
/// uses it (measured: `COPY --from=a` after both copies from the second,
/// `FROM a` between them builds on the first).
#[test]
fn a_shared_stage_name_means_the_last_earlier_stage() {
    let (_, m) = model("FROM scratch AS a\nCOPY x /first\nFROM a AS b\nFROM scratch AS a\nCOPY x /second\nFROM scratch\nCOPY --from=a / /\n");
    assert_eq!(m.stages[1].base_stage, Some(0));
    assert_eq!(m.stages[3].reads, [2]);
    assert_eq!(m.stage_by_ref("a"), Some(2));
}
