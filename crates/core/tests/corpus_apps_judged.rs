//! Layerlab against hand judgments on real application Dockerfiles
//! (`../shared/corpus-apps`, labels in `JUDGED.tsv`): `check` runs on every
//! file as a user would run it on a pasted file (no build context), each
//! mistake is caught when one of its rules fires, and the suite prints
//! precision and recall per mistake and overall. It fails below precision
//! 0.95 or recall 0.90 overall, or recall 0.80 for any one mistake.
//!
//! Mistakes and the rules that catch them:
//! M1 order (tip 2) → LL201; M2 broad copy (tip 3) → LL301;
//! M3 apt without `--no-install-recommends` → LL401; M4 no cache mount →
//! LL502; M5 toolchain or dev dependencies in the final image → LL404, LL405.
//!
//! Without `../shared/corpus-apps` the suite says loudly that it did not
//! run, and fails under `CI=true`.

use layerlab_core::simulate::BuildContext;
use layerlab_core::tips::{check, CheckOptions};

#[path = "../benches/support/corpus.rs"]
mod support;

const MISTAKES: [(&str, &[&str]); 5] = [
    ("M1 order", &["LL201"]),
    ("M2 broad copy", &["LL301"]),
    ("M3 apt recommends", &["LL401"]),
    ("M4 no cache mount", &["LL502"]),
    ("M5 toolchain/dev deps", &["LL404", "LL405"]),
];

/// Labels we disagree with, each with its reason: (file, mistake index
/// 0–4, the label we use instead). Reviewed: every entry must say why the
/// judgment is wrong by BuildKit's behaviour, not that a rule disagrees.
const OVERRIDES: &[(&str, usize, bool, &str)] = &[
    (
        "yarn__sct_overseerr__root.Dockerfile",
        0,
        false,
        "M1 (UNSURE in the label): ENV COMMIT_TAG=${COMMIT_TAG} (23) feeds `yarn build` (25), \
         a Next.js build that reads its environment; `yarn install --production` (28) prunes \
         what that build needed, so it must follow it. No order avoids the re-run: the ARG is \
         used by the first step after it.",
    ),
    (
        "pnpm__AykutSarac_jsoncrack.com__www.Dockerfile",
        0,
        false,
        "M1 (UNSURE in the label): `pnpm dlx turbo prune` (9) reads the source tree copied \
         at 8 (it prunes the monorepo), so it re-runs because its own input changed, not \
         through the chain; making turbo a pre-installed tool is a different change.",
    ),
];

fn shout(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

#[derive(Default, Clone, Copy)]
struct Count {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Count {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

#[test]
fn catches_the_five_mistakes_in_judged_real_dockerfiles() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus-apps");
    let Ok(judged) = std::fs::read_to_string(root.join("JUDGED.tsv")) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{} missing and CI=true",
            root.display()
        );
        shout("\n!!! ../shared/corpus-apps not found: the judged real-world suite was NOT run\n");
        return;
    };
    let mut counts = [Count::default(); 5];
    let mut misses: Vec<String> = Vec::new();
    let mut files = 0;
    for line in judged.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 6 {
            continue;
        }
        let name = cols[0];
        let src = std::fs::read_to_string(root.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        files += 1;
        let report = check(
            &src,
            &BuildContext::default(),
            &CheckOptions {
                no_savings: true,
                ..CheckOptions::default()
            },
        );
        for (m, (label, codes)) in MISTAKES.iter().enumerate() {
            let mut want = match cols[1 + m] {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None, // n/a: nothing to catch, nothing to count
            };
            if let Some(o) = OVERRIDES.iter().find(|o| o.0 == name && o.1 == m) {
                want = Some(o.2);
            }
            let got = report.findings.iter().any(|f| codes.contains(&f.code));
            let c = &mut counts[m];
            match (want, got) {
                (Some(true), true) => c.tp += 1,
                (Some(true), false) => {
                    c.fn_ += 1;
                    misses.push(format!("missed {label}: {name}"));
                }
                (Some(false), true) | (None, true) => {
                    c.fp += 1;
                    misses.push(format!("false alarm {label}: {name}"));
                }
                _ => {}
            }
        }
    }
    let total = counts.iter().fold(Count::default(), |a, c| Count {
        tp: a.tp + c.tp,
        fp: a.fp + c.fp,
        fn_: a.fn_ + c.fn_,
    });
    shout(&format!("\njudged real-world Dockerfiles: {files} files\n| mistake | caught | missed | false alarms | precision | recall |\n|---|---|---|---|---|---|"));
    for (m, c) in counts.iter().enumerate() {
        shout(&format!(
            "| {} | {} | {} | {} | {:.2} | {:.2} |",
            MISTAKES[m].0,
            c.tp,
            c.fn_,
            c.fp,
            c.precision(),
            c.recall()
        ));
    }
    shout(&format!(
        "| overall | {} | {} | {} | {:.2} | {:.2} |\n",
        total.tp,
        total.fn_,
        total.fp,
        total.precision(),
        total.recall()
    ));
    for m in &misses {
        shout(&format!("  {m}"));
    }
    let mut fails = Vec::new();
    if total.precision() < 0.95 {
        fails.push(format!("overall precision {:.3} < 0.95", total.precision()));
    }
    if total.recall() < 0.90 {
        fails.push(format!("overall recall {:.3} < 0.90", total.recall()));
    }
    for (m, c) in counts.iter().enumerate() {
        if c.recall() < 0.80 {
            fails.push(format!("{} recall {:.3} < 0.80", MISTAKES[m].0, c.recall()));
        }
    }
    assert!(fails.is_empty(), "{}", fails.join("; "));
}
