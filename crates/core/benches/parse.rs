//! Parser throughput over the shared corpus (`../shared/corpus` from the
//! workspace root) and scaling at 1×, 10× and 100× input.
//! Run: `cargo bench -p layerlab-core --bench parse`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
#[path = "support/corpus.rs"]
mod corpus;

/// The corpus, or a synthetic file when it is missing.
fn corpus_files() -> Vec<String> {
    corpus::corpus_files().unwrap_or_else(|| {
        eprintln!("!!! benchmarking a synthetic file instead of the corpus");
        vec![
            "FROM alpine AS a\nRUN --mount=type=cache,target=/c apk add \\\n  curl\nCOPY . /app\n"
                .repeat(200),
        ]
    })
}

fn bench(c: &mut Criterion) {
    let files = corpus_files();
    let total: usize = files.iter().map(String::len).sum();
    let mut g = c.benchmark_group("corpus");
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_function(format!("{} files, {} bytes", files.len(), total), |b| {
        b.iter(|| {
            for f in &files {
                black_box(layerlab_core::parse(black_box(f)));
            }
        })
    });
    g.finish();

    // Scaling: one file made of the whole corpus repeated n times.
    let one: String = files.concat();
    let mut g = c.benchmark_group("scaling");
    for n in [1usize, 10, 100] {
        let src = one.repeat(n);
        g.throughput(Throughput::Bytes(src.len() as u64));
        g.sample_size(10);
        g.bench_function(format!("{n}x"), |b| {
            b.iter(|| black_box(layerlab_core::parse(black_box(&src))))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
