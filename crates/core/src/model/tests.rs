//! Pass/fail vectors for the build model.

use super::*;
use crate::syntax::parse;

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
    assert!(m.steps[4].inputs.env.contains(&"A".to_string()));
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
