//! The fix contract (`docs/fix-contract.md`) over real Dockerfiles: every
//! fix every rule offers, on every file of the corpus and of corpus-apps
//! and on 1,200 mutated variants of them, keeps the commands it does not
//! declare, every comment and untouched line, the line endings, and adds
//! no diagnostic; the optimizer reaches a fixed point on which `check`
//! offers nothing more, in safe and in unsafe mode; on the real files, an
//! applied tip-2 or tip-3 fix leaves no finding of its rule on the
//! instruction it fixed.
//!
//! Without `../shared` the suite says loudly that it did not run (and fails
//! under `CI=true`); the mutation part always runs, from built-in seeds.
//! `FIX_CONTRACT_FILES=a:b` adds files, `FIX_CONTRACT_SHOW=name` prints one.

use layerlab_core::fix::invariants::{check_fix, check_optimized};
use layerlab_core::fix::optimize::OptimizeOptions;
use layerlab_core::simulate::BuildContext;
use layerlab_core::tips::{check, CheckOptions};

#[path = "../benches/support/corpus.rs"]
mod support;

fn shout(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn is_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// Every contract violation on `src`, each prefixed with `name`.
fn violations(name: &str, src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let ctx = BuildContext::default();
    let report = check(
        src,
        &ctx,
        &CheckOptions {
            no_savings: true,
            ..CheckOptions::default()
        },
    );
    for f in &report.findings {
        if let Some(fix) = &f.fix {
            if let Err(e) = check_fix(src, fix) {
                out.push(format!(
                    "{name}: {} line {} ({}): {e}",
                    f.code, f.start.line, fix.title
                ));
            }
        }
    }
    for unsafe_fixes in [false, true] {
        let opts = OptimizeOptions {
            unsafe_fixes,
            ..OptimizeOptions::default()
        };
        match check_optimized(src, &ctx, &opts) {
            Err(e) => out.push(format!("{name} (unsafe={unsafe_fixes}): {e}")),
            // On the real files (a mutant may splice in a second install the
            // same COPY still precedes, a finding of its own).
            Ok(o) if !name.starts_with("mutant") => {
                out.extend(cleared(name, src, &o.text, &report.findings, &o.applied))
            }
            Ok(_) => {}
        }
    }
    out
}

/// Tip 2 and 3 fixes clear what they claim to fix: no finding of an applied
/// fix's rule is left on the same instruction (matched by its text).
fn cleared(
    name: &str,
    src: &str,
    fixed: &str,
    before: &[layerlab_core::tips::Finding],
    applied: &[layerlab_core::fix::optimize::AppliedFix],
) -> Vec<String> {
    let opts = CheckOptions { no_savings: true, ..CheckOptions::default() };
    let after = check(fixed, &BuildContext::default(), &opts).findings;
    let first_line = |t: &str, f: &layerlab_core::tips::Finding| {
        t[f.span.start as usize..].lines().next().unwrap_or("").to_string()
    };
    let mut out = Vec::new();
    for a in applied.iter().filter(|a| matches!(a.code, "LL201" | "LL301") && a.round == 1) {
        let Some(f) = before.iter().find(|f| f.code == a.code && f.start.line == a.line) else {
            continue;
        };
        let text = first_line(src, f);
        if after.iter().any(|g| g.code == a.code && first_line(fixed, g) == text) {
            out.push(format!("{name}: {} line {} was applied but its finding remains: `{text}`", a.code, a.line));
        }
    }
    out
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Lines that make rules fire and fixes apply: each mutation splices some
/// into a real file.
const SPLICES: &[&str] = &[
    "RUN apt-get update && apt-get install -y curl",
    "RUN apt-get update; apt-get install -y --no-install-recommends make; rm -rf /var/lib/apt/lists/*; wget x; tar y; echo a && echo b",
    "RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/* && echo done",
    "RUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir -r requirements.txt",
    "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt && rm -rf /root/.cache/pip",
    "RUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/* \\\n    # a comment inside the RUN\n    && echo done",
    "COPY . .",
    "COPY . /app",
    "WORKDIR /app",
    "RUN pip install -r requirements.txt",
    "RUN npm ci",
    "RUN npm install && npm run build",
    "RUN apk add curl",
    "RUN dnf install -y gcc",
    "RUN yum install -y make",
    "RUN go mod download",
    "ARG VERSION=1",
    "ENV APP_HOME=/app",
    "CMD [\"flask\", \"run\", \"--reload\"]",
    "RUN apt-get install -y curl # trailing comment",
    "RUN if true; then apt-get install -y x; fi",
    "RUN --mount=type=cache,target=/var/lib/apt apt-get install -y x | tee log && rm -rf /var/lib/apt/lists/*",
];

/// One mutated variant of `src`.
fn mutate(src: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = src.lines().map(str::to_string).collect();
    if lines.is_empty() {
        lines.push("FROM debian".into());
    }
    for _ in 0..1 + rng.below(4) {
        let n = lines.len();
        match rng.below(8) {
            0 | 1 | 2 => {
                let at = 1 + rng.below(n);
                let s = SPLICES[rng.below(SPLICES.len())];
                lines.insert(at.min(lines.len()), s.to_string());
            }
            3 => {
                let (a, b) = (rng.below(n), rng.below(n));
                lines.swap(a, b);
            }
            4 if n > 2 => {
                lines.remove(1 + rng.below(n - 1));
            }
            5 => {
                let a = rng.below(n);
                let l = lines[a].clone();
                lines.insert(a, l);
            }
            6 => {
                let a = rng.below(n);
                lines.insert(a, "# a comment line".into());
            }
            _ => {
                let a = rng.below(n);
                lines.insert(a, String::new());
            }
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    match rng.below(6) {
        // A CRLF file.
        0 => text = text.replace('\n', "\r\n"),
        // A file whose escape character is the backquote.
        1 if !text.starts_with('#') => {
            text = format!("# escape=`\n{}", text.replace("\\\n", "`\n"));
        }
        // No newline at the end.
        2 => {
            text.pop();
        }
        _ => {}
    }
    text
}

/// Built-in seeds, so the mutation part runs even without `../shared`.
const SEEDS: &[&str] = &[
    "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\n",
    "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\nCOPY . /src\n",
];

#[test]
fn every_fix_keeps_the_contract_on_real_and_mutated_files() {
    let mut files: Vec<(String, String)> = Vec::new();
    match support::corpus_files() {
        Some(c) => files.extend(c.into_iter().enumerate().map(|(i, t)| (format!("corpus #{i}"), t))),
        None => {
            assert!(!is_ci(), "../shared/corpus missing and CI=true");
            shout("\n!!! ../shared/corpus not found: the corpus part of the fix contract suite was NOT run\n");
        }
    }
    match support::apps_files() {
        Some(a) => files.extend(a),
        None => {
            assert!(!is_ci(), "../shared/corpus-apps missing and CI=true");
            shout("\n!!! ../shared/corpus-apps not found: the corpus-apps part of the fix contract suite was NOT run\n");
        }
    }
    // `FIX_CONTRACT_FILES=a:b` adds files (a fuzzer's crash artifacts, say).
    for path in std::env::var("FIX_CONTRACT_FILES").unwrap_or_default().split(':').filter(|p| !p.is_empty()) {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        files.push((path.to_string(), String::from_utf8_lossy(&bytes).into_owned()));
    }
    let real = files.len();
    let seeds: Vec<String> = if files.is_empty() {
        SEEDS.iter().map(|s| s.to_string()).collect()
    } else {
        files.iter().map(|(_, t)| t.clone()).collect()
    };
    let mut rng = Rng(0x1a7e_51ab_2026_1201);
    const MUTANTS: usize = 1200;
    for k in 0..MUTANTS {
        let seed = &seeds[rng.below(seeds.len())];
        files.push((format!("mutant #{k}"), mutate(seed, &mut rng)));
    }
    let mut problems = Vec::new();
    // `FIX_CONTRACT_SHOW="mutant #12"` prints that file (to make it a unit test).
    let show = std::env::var("FIX_CONTRACT_SHOW").ok();
    for (name, src) in &files {
        if show.as_deref() == Some(name.as_str()) {
            shout(&format!("--- {name}:\n{src}\n---"));
        }
        problems.extend(violations(name, src));
    }
    shout(&format!(
        "fix contract: {real} real files and {MUTANTS} mutants checked, {} violations",
        problems.len()
    ));
    if !problems.is_empty() {
        // Show the first offending mutant in full, to make it a unit test.
        if let Some((name, src)) = files
            .iter()
            .find(|(n, _)| problems.iter().any(|p| p.starts_with(&format!("{n}:")) || p.starts_with(&format!("{n} ("))))
        {
            shout(&format!("--- {name}:\n{src}\n---"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} violations:\n{}",
        problems.len(),
        problems[..problems.len().min(40)].join("\n")
    );
}
