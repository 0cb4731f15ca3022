//! Simulator speed (issue 4's goals): one scenario on a 60-line Dockerfile
//! (goal ≤ 50 µs natively), and the three standard scenarios over the whole
//! corpus (goal ≥ 6,000 files/s in one process).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use layerlab_core::simulate::{simulate, BuildContext, Change, Options};
use layerlab_core::tips::scenarios;
use std::hint::black_box;

#[path = "support/corpus.rs"]
mod support;

/// A realistic 60-line, three-stage Dockerfile.
const SIXTY: &str = include_str!("support/sixty-lines.Dockerfile");

fn one_scenario(c: &mut Criterion) {
    assert_eq!(SIXTY.lines().count(), 60, "the fixture must stay 60 lines");
    let df = layerlab_core::parse(SIXTY);
    let model = layerlab_core::model::build(&df, SIXTY);
    let ctx = BuildContext {
        files: None,
        dockerignore: Some(".git\nnode_modules\n".into()),
    };
    let change = [Change::Edit {
        path: "src/app/main.py".into(),
    }];
    let mut g = c.benchmark_group("simulate-60-lines");
    g.bench_function("parse only", |b| {
        b.iter(|| layerlab_core::parse(black_box(SIXTY)))
    });
    g.bench_function("model only", |b| {
        b.iter(|| layerlab_core::model::build(black_box(&df), SIXTY))
    });
    g.bench_function("simulate only", |b| {
        b.iter(|| simulate(black_box(&df), &model, &change, &ctx, &Options::default()))
    });
    g.bench_function("parse + model + simulate", |b| {
        b.iter(|| {
            let df = layerlab_core::parse(black_box(SIXTY));
            let model = layerlab_core::model::build(&df, SIXTY);
            simulate(&df, &model, &change, &ctx, &Options::default())
        })
    });
    g.finish();
}

fn corpus_three_scenarios(c: &mut Criterion) {
    let Some(files) = support::corpus_files() else {
        return;
    };
    let mut g = c.benchmark_group("corpus-3-scenarios");
    g.throughput(Throughput::Elements(files.len() as u64));
    g.sample_size(10);
    g.bench_function("parse + model + 3 scenarios", |b| {
        b.iter(|| {
            let ctx = BuildContext::default();
            let mut total = 0.0;
            for src in &files {
                let df = layerlab_core::parse(src);
                let model = layerlab_core::model::build(&df, src);
                let sc = scenarios::scenarios(&df, &model, &ctx);
                for changes in [&sc.source_edit, &sc.dependency_bump, &sc.base_update] {
                    total += simulate(&df, &model, changes, &ctx, &Options::default())
                        .critical_path_seconds;
                }
            }
            black_box(total)
        })
    });
    g.finish();
}

criterion_group!(benches, one_scenario, corpus_three_scenarios);
criterion_main!(benches);
