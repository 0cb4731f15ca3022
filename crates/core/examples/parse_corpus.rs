//! Parses every Dockerfile of the shared corpus N times (default 20; add
//! `concat` to parse it as one file), for profiling:
//! `cargo build --release -p layerlab-core --example parse_corpus`, then `valgrind --tool=callgrind target/release/examples/parse_corpus 1` or
//! `perf record target/release/examples/parse_corpus`.

#[path = "../benches/support/corpus.rs"]
mod corpus;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let files = corpus::corpus_files().expect("the shared corpus");
    // `concat`: one file made of the whole corpus, as the scaling bench does.
    let files = if std::env::args().nth(2).as_deref() == Some("concat") {
        vec![files.concat()]
    } else {
        files
    };
    let bytes: usize = files.iter().map(String::len).sum();
    let t = std::time::Instant::now();
    let mut instructions = 0;
    for _ in 0..n {
        for f in &files {
            instructions += std::hint::black_box(layerlab_core::parse(std::hint::black_box(f)))
                .instructions
                .len();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{} files, {bytes} bytes, {n} rounds, {instructions} instructions: {:.1} MB/s",
        files.len(),
        (bytes * n) as f64 / secs / 1e6
    );
}
