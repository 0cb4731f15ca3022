//! Build checks' cost (issue 15: at most 20% more than `check`): over the
//! whole corpus in one process, the tips' `check` (with savings, as `layerlab
//! check` runs it) alone, then with the build checks as the CLI runs them
//! (`checks::check`, which parses again), and the build checks alone.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use layerlab_core::checks::{self, ChecksOptions};
use layerlab_core::simulate::BuildContext;
use layerlab_core::tips::{self, CheckOptions};
use std::hint::black_box;

#[path = "support/corpus.rs"]
mod support;

fn corpus_checks(c: &mut Criterion) {
    let Some(files) = support::corpus_files() else {
        return;
    };
    let ctx = BuildContext::default();
    let opts = CheckOptions::default();
    let bopts = ChecksOptions::default();
    let mut g = c.benchmark_group("corpus-check");
    g.throughput(Throughput::Elements(files.len() as u64));
    g.sample_size(10);
    g.bench_function("tips check", |b| {
        b.iter(|| files.iter().map(|s| tips::check(s, &ctx, &opts).findings.len()).sum::<usize>())
    });
    g.bench_function("tips check + build checks", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|s| tips::check(s, &ctx, &opts).findings.len() + checks::check(s, &bopts).len())
                .sum::<usize>()
        })
    });
    g.bench_function("build checks only", |b| {
        b.iter(|| black_box(files.iter().map(|s| checks::check(s, &bopts).len()).sum::<usize>()))
    });
    g.finish();
}

criterion_group!(benches, corpus_checks);
criterion_main!(benches);
