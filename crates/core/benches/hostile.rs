//! Hostile inputs (issue 11): each shape that once cost quadratic time or
//! exponential memory, built in code at 1×, 10× and 100× its base size, so
//! linear scaling shows as a flat throughput (criterion prints bytes/s) and
//! a bounded one (the expansion chain) as a flat time.
//!
//! Per shape and size, three measurements through the core's public entry
//! points: `model` (parse + model), `simulate` (parse + model + the three
//! standard scenarios that `check`'s savings use) and `check` (parse +
//! model + every rule, savings off: those re-simulate the whole file per
//! fix, within `tips::savings_budget`). The build-log shape measures
//! `buildlog::parse` + `simulate::log::match_log` instead.
//!
//! `check` is timed once per size before criterion samples it, and only
//! sampled when that run took under 200 ms; a size is not run at all when
//! the last one's time × 100 (quadratic growth) passes 30 s. A rule that is
//! still quadratic would otherwise hold the bench for an hour. Each single
//! run is printed (`check once`), so the growth shows either way: ×10 per
//! size is linear.
//!
//! Run: `cargo bench -p layerlab-core --bench hostile` (about two minutes).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use layerlab_core::simulate::{self, BuildContext, Options};
use layerlab_core::tips::{self, scenarios, CheckOptions};

const HEAD: &str = "FROM python:3.12-slim\nWORKDIR /app\n";

/// `ENV A1=${A0}${A0}`, … : each line doubles the value (26 lines: 640 MiB
/// uncapped, 540 bytes of text).
fn expansion_chain(n: usize) -> String {
    let mut s = String::from("FROM alpine\nENV A0=xxxxxxxxxx\n");
    for i in 1..n {
        s += &format!("ENV A{i}=${{A{p}}}${{A{p}}}\n", p = i - 1);
    }
    s + &format!("WORKDIR /$A{}\nRUN true\n", n - 1)
}

/// n stages, each `FROM` the previous one.
fn stage_chain(n: usize) -> String {
    let mut s = String::from("FROM alpine AS s0\n");
    for i in 1..n {
        s += &format!("FROM s{} AS s{i}\nRUN echo {i}\n", i - 1);
    }
    s
}

/// n independent stages copied into a last one with `COPY --from`.
fn stage_fan_in(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s += &format!("FROM alpine AS s{i}\nRUN echo {i}\n");
    }
    s += "FROM alpine\n";
    for i in 0..n {
        s += &format!("COPY --from=s{i} /f /f{i}\n");
    }
    s
}

/// One RUN of n `apt-get install`s joined by `&&`.
fn installs_run(n: usize) -> String {
    let cmds: Vec<String> = (0..n).map(|i| format!("apt-get install -y p{i}")).collect();
    format!("FROM debian\nRUN {}\n", cmds.join(" && "))
}

/// n lines of `RUN echo N`.
fn many_lines(n: usize) -> String {
    let mut s = String::from(HEAD);
    for i in 0..n {
        s += &format!("RUN echo {i}\n");
    }
    s
}

/// One ENV of n pairs.
fn large_env(n: usize) -> String {
    let pairs: Vec<String> = (0..n).map(|i| format!("K{i}=v{i}")).collect();
    format!("{HEAD}ENV {}\n", pairs.join(" "))
}

/// The Dockerfile the build logs are matched to.
const LOG_TARGET: &str = "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN python setup.py\n";

/// A `--progress=plain` log of n step vertices.
fn build_log(n: usize) -> String {
    let mut s = String::new();
    for i in 1..=n {
        s += &format!("#{i} [{}/5] RUN x\n#{i} DONE 1.0s\n", i % 5 + 1);
    }
    s
}

/// A shape: its name, its generator and its base size (1×).
type Shape = (&'static str, fn(usize) -> String, usize);

const SHAPES: &[Shape] = &[
    ("expansion-chain", expansion_chain, 26),
    ("stage-chain", stage_chain, 100),
    ("stage-fan-in", stage_fan_in, 100),
    ("installs-run", installs_run, 80),
    ("many-lines", many_lines, 2_000),
    ("large-env", large_env, 8_000),
];

const SCALES: [usize; 3] = [1, 10, 100];

fn group<'c>(c: &'c mut Criterion, name: &str) -> BenchmarkGroup<'c, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    g
}

fn model(src: &str) -> usize {
    let df = layerlab_core::parse(src);
    layerlab_core::model::build(&df, src).steps.len()
}

fn simulate_three(src: &str) -> f64 {
    let df = layerlab_core::parse(src);
    let model = layerlab_core::model::build(&df, src);
    let ctx = BuildContext::default();
    let sc = scenarios::scenarios(&df, &model, &ctx);
    [&sc.source_edit, &sc.dependency_bump, &sc.base_update]
        .into_iter()
        .map(|changes| {
            simulate::simulate(&df, &model, changes, &ctx, &Options::default())
                .critical_path_seconds
        })
        .sum()
}

fn check(src: &str) -> usize {
    let opts = CheckOptions {
        no_savings: true,
        ..CheckOptions::default()
    };
    tips::check(src, &BuildContext::default(), &opts)
        .findings
        .len()
}

fn once(f: fn(&str) -> usize, src: &str) -> Duration {
    let t = Instant::now();
    black_box(f(black_box(src)));
    t.elapsed()
}

/// Sampling `check` stops above this single-run time…
const SAMPLE_BELOW: Duration = Duration::from_millis(200);
/// …and running it at all when the last size's time × 100 passes this.
const RUN_BELOW: Duration = Duration::from_secs(30);

fn shapes(c: &mut Criterion) {
    for &(name, make, base) in SHAPES {
        let mut g = group(c, name);
        let mut last_check = Duration::ZERO;
        for scale in SCALES {
            let src = make(base * scale);
            g.throughput(Throughput::Bytes(src.len() as u64));
            g.bench_function(format!("model/{scale}x"), |b| {
                b.iter(|| model(black_box(&src)))
            });
            g.bench_function(format!("simulate/{scale}x"), |b| {
                b.iter(|| simulate_three(black_box(&src)))
            });
            if last_check * 100 > RUN_BELOW {
                eprintln!("{name}/check/{scale}x: not run ({last_check:?} at the size before)");
                continue;
            }
            last_check = once(check, &src);
            eprintln!("{name}/check/{scale}x: check once {last_check:?}");
            if last_check < SAMPLE_BELOW {
                g.bench_function(format!("check/{scale}x"), |b| {
                    b.iter(|| check(black_box(&src)))
                });
            }
        }
        g.finish();
    }
}

fn logs(c: &mut Criterion) {
    let df = layerlab_core::parse(LOG_TARGET);
    let model = layerlab_core::model::build(&df, LOG_TARGET);
    let mut g = group(c, "log-matching");
    for scale in SCALES {
        let log = build_log(2_000 * scale);
        g.throughput(Throughput::Bytes(log.len() as u64));
        g.bench_function(format!("parse+match/{scale}x"), |b| {
            b.iter(|| {
                let parsed = layerlab_core::buildlog::parse(black_box(&log));
                simulate::log::match_log(&model, &parsed).len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, shapes, logs);
criterion_main!(benches);
