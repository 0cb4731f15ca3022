//! The optimizer: applies fixes until a fixed point.
//!
//! Each round runs every rule on the current text, takes the applicable
//! fixes in registry order (at most one per instruction and none whose edits
//! overlap), applies them, and re-parses. A round whose result has a
//! diagnostic its input did not have is retried fix by fix: the fixes that
//! cause one are rejected (listed in [`Optimized::rejected`], never offered
//! again in this run), the others applied. It stops when a round changes
//! nothing (so fixing twice changes nothing) or, with a message in
//! [`Optimized::stopped`], after [`MAX_ROUNDS`].

use serde::Serialize;

use super::{apply_edits, diff, Applicability, NewFile};
use crate::simulate::BuildContext;
use crate::tips::scenarios::{self, StandardTimes};
use crate::tips::{run_rules, CheckOptions};

/// Rounds before the optimizer gives up. Real files need 1 to 3: fixes of
/// one rule that touch the same instruction are made as one fix.
pub const MAX_ROUNDS: usize = 32;

#[derive(Debug, Clone, Default)]
pub struct OptimizeOptions {
    /// Also apply unsafe fixes.
    pub unsafe_fixes: bool,
    /// Codes whose unsafe fixes are applied even when `unsafe_fixes` is
    /// off: unsafe for these rules only (verify-fixes builds LL301's
    /// dependency layers without LL504's `--link`, which Docker 20.10's
    /// frontend lacks, or LL404's `--no-dev`, which changes the image on
    /// purpose). Compared without case.
    pub unsafe_codes: Vec<String>,
    /// Codes whose fixes are not applied (the playground's toggles).
    pub disabled: Vec<String>,
    /// Files that already exist next to the Dockerfile: fixes that would
    /// create them are not offered again.
    pub existing_files: Vec<String>,
}

/// The files of the build context that fixes may create, under every name
/// the caller looks for: Compose reads `compose.yaml`, `compose.yml`,
/// `docker-compose.yml` and `docker-compose.yaml`.
pub const CONTEXT_FILES: [&str; 5] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
    ".dockerignore",
];

/// [`OptimizeOptions::existing_files`] from the names of [`CONTEXT_FILES`]
/// found in the build context: any compose file is the `compose.yaml` a
/// fix would add.
pub fn existing_files<'a>(found: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    found
        .into_iter()
        .map(|f| {
            if f.starts_with("compose") || f.starts_with("docker-compose") {
                "compose.yaml".to_string()
            } else {
                f.to_string()
            }
        })
        .collect()
}

impl OptimizeOptions {
    /// Whether a fix of `code` with `applicability` may be applied (the
    /// disabled codes aside).
    pub fn allows(&self, code: &str, applicability: Applicability) -> bool {
        applicability == Applicability::Safe
            || self.unsafe_fixes
            || self
                .unsafe_codes
                .iter()
                .any(|c| c.eq_ignore_ascii_case(code))
    }
}

/// One applied fix.
#[derive(Debug, Clone, Serialize)]
pub struct AppliedFix {
    pub code: &'static str,
    pub tip: u8,
    pub title: String,
    pub applicability: Applicability,
    /// 1-based line of the finding in the text of its round.
    pub line: u32,
    pub round: usize,
}

/// A fix the optimizer did not apply, and why.
#[derive(Debug, Clone, Serialize)]
pub struct RejectedFix {
    #[serde(flatten)]
    pub fix: AppliedFix,
    /// The diagnostic the fix would have added.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Optimized {
    pub text: String,
    /// Unified diff from the input.
    pub diff: String,
    pub applied: Vec<AppliedFix>,
    /// Files the fixes create (`.dockerignore`, `compose.yaml`).
    pub files: Vec<NewFile>,
    /// Rebuild seconds (critical path) in the standard scenarios.
    pub before: StandardTimes,
    pub after: StandardTimes,
    pub rounds: usize,
    /// Fixes not applied because the text they made had a new diagnostic
    /// (a bug in the rule: the fix contract forbids it).
    pub rejected: Vec<RejectedFix>,
    /// Why the optimizer stopped before a fixed point, if it did.
    pub stopped: Option<String>,
}

/// Applies fixes to `src` until nothing changes.
pub fn optimize(src: &str, ctx: &BuildContext, opts: &OptimizeOptions) -> Optimized {
    let df0 = crate::syntax::parse(src);
    let model0 = crate::model::build(&df0, src);
    let sc = scenarios::scenarios(&df0, &model0, ctx);
    let before = scenarios::times_of(&df0, &model0, ctx, &sc);
    let mut text = src.to_string();
    let mut ctx_now = ctx.clone();
    let mut applied = Vec::new();
    let mut files: Vec<NewFile> = Vec::new();
    let mut rounds = 0;
    let mut rejected: Vec<RejectedFix> = Vec::new();
    let mut stopped = None;
    // Each text is parsed once: the parse that checks a round's result is
    // the one the next round analyzes.
    let mut df = df0;
    // Only the rules whose fixes may apply run (the playground's tip demos
    // optimize with one or two rules; running all of them for nothing cost
    // each demo a whole check per round).
    let rules = CheckOptions {
        ignore: opts.disabled.clone(),
        ..CheckOptions::default()
    };
    for round_no in 1..=MAX_ROUNDS + 1 {
        let model = crate::model::build(&df, &text);
        let findings = run_rules(&text, &df, &model, &ctx_now, &rules);
        // Chosen edit spans and touched instructions, sorted, so a round
        // stays O(F log F) on files with thousands of fixes.
        let mut chosen = Chosen::default();
        let mut touched: Vec<(u32, u32, &str)> = Vec::new();
        let mut round: Vec<(AppliedFix, &super::Fix)> = Vec::new();
        // Registry order: rules earlier in the table win conflicts.
        let order = |code: &str| {
            crate::tips::registry::RULES
                .iter()
                .position(|r| r.meta.code == code)
                .unwrap_or(usize::MAX)
        };
        let mut fs: Vec<&crate::tips::Finding> =
            findings.iter().filter(|f| f.fix.is_some()).collect();
        crate::sort::sort_by_key(&mut fs, |f| (priority(f.code), order(f.code), f.span.start));
        for f in fs {
            let fix = f.fix.as_ref().expect("filtered");
            if !opts.allows(f.code, fix.applicability) {
                continue;
            }
            if opts.disabled.iter().any(|d| d.eq_ignore_ascii_case(f.code))
                || rejected
                    .iter()
                    .any(|r| r.fix.code == f.code && r.fix.title == fix.title)
            {
                continue;
            }
            let exists = |p: &str| {
                files.iter().any(|g: &NewFile| g.path == p)
                    || opts.existing_files.iter().any(|e| e == p)
            };
            if fix.edits.is_empty() && fix.files.iter().all(|nf| exists(&nf.path)) {
                continue;
            }
            // The instruction(s) this fix touches.
            let spans: Vec<(u32, u32)> = fix
                .edits
                .iter()
                .map(|e| instruction_of(&df, e.span.start))
                .collect();
            let overlaps = fix.edits.iter().any(|e| chosen.touches(e.span));
            // One rule's local fixes (a flag per package operation, one
            // deleted command each) are made to be independent: several may
            // share an instruction. Other rules, and structural fixes, wait
            // for the next round's fresh analysis.
            let shared_ok = |s: &(u32, u32, &str)| s.2 == f.code && priority(f.code) > 0;
            let spans: Vec<(u32, u32, &str)> =
                spans.into_iter().map(|(a, b)| (a, b, f.code)).collect();
            if overlaps
                || spans.iter().any(|s| {
                    touched
                        .iter()
                        .skip(touched.partition_point(|t| (t.0, t.1) < (s.0, s.1)))
                        .take_while(|t| (t.0, t.1) == (s.0, s.1))
                        .any(|t| !shared_ok(t))
                })
            {
                continue;
            }
            for s in spans {
                let at = touched.partition_point(|t| *t < s);
                if touched.get(at) != Some(&s) {
                    touched.insert(at, s);
                }
            }
            for e in &fix.edits {
                chosen.add(e.span);
            }
            round.push((
                AppliedFix {
                    code: f.code,
                    tip: f.tip,
                    title: fix.title.clone(),
                    applicability: fix.applicability,
                    line: f.start.line,
                    round: round_no,
                },
                fix,
            ));
        }
        if round.is_empty() {
            break;
        }
        if round_no > MAX_ROUNDS {
            stopped = Some(format!(
                "stopped after {MAX_ROUNDS} rounds with {} fix(es) left to apply: run fix again on the result",
                round.len()
            ));
            break;
        }
        let apply = |fixes: &[(AppliedFix, &super::Fix)]| {
            let edits: Vec<super::TextEdit> = fixes
                .iter()
                .flat_map(|(_, x)| x.edits.iter().cloned())
                .collect();
            let next = apply_edits(&text, &edits).0;
            let next_df = crate::syntax::parse(&next);
            let worse = (next_df.diagnostics.len() > df.diagnostics.len())
                .then(|| new_diagnostic(&df, &next_df));
            (next, next_df, worse)
        };
        let (mut next, mut next_df, worse) = apply(&round);
        if worse.is_some() {
            // Never make the file worse: find the fixes that do, alone.
            let mut good = Vec::new();
            for one in round {
                match apply(std::slice::from_ref(&one)).2 {
                    Some(reason) => rejected.push(RejectedFix { fix: one.0, reason }),
                    None => good.push(one),
                }
            }
            round = good;
            let (n, d, still_worse) = apply(&round);
            if still_worse.is_some() || round.is_empty() {
                continue; // the rejected fixes are not offered again
            }
            (next, next_df) = (n, d);
        }
        rounds = round_no;
        text = next;
        df = next_df;
        for nf in round.iter().flat_map(|(_, x)| x.files.iter().cloned()) {
            if nf.path == ".dockerignore" {
                ctx_now.dockerignore = Some(nf.content.clone());
            }
            files.push(nf);
        }
        applied.extend(round.into_iter().map(|(a, _)| a));
    }
    let after = scenarios::times(&text, &ctx_now, &sc);
    Optimized {
        diff: diff::unified(src, &text, "Dockerfile"),
        text,
        applied,
        files,
        before,
        after,
        rounds,
        rejected,
        stopped,
    }
}

/// The first diagnostic of `after` that `before` does not have, as text.
fn new_diagnostic(before: &crate::Dockerfile, after: &crate::Dockerfile) -> String {
    after
        .diagnostics
        .iter()
        .find(|d| !before.diagnostics.iter().any(|b| b.message == d.message))
        .or(after.diagnostics.last())
        .map(|d| format!("line {}: {}", d.start.line, d.message))
        .unwrap_or_default()
}

/// Structural fixes (moves and splits) go first: later fixes edit the moved text.
fn priority(code: &str) -> u8 {
    use crate::tips::registry::Code;
    match Code::parse(code) {
        Some(Code::LL301 | Code::LL201 | Code::LL202) => 0,
        Some(Code::LL503 | Code::LL502) => 1,
        _ => 2,
    }
}

fn ranges_touch(a: crate::syntax::Span, b: crate::syntax::Span) -> bool {
    if a.start == a.end && b.start == b.end {
        return a.start == b.start;
    }
    a.start < b.end && b.start < a.end
        || (a.start == a.end && b.start < a.start && a.start < b.end)
        || (b.start == b.end && a.start < b.start && b.start < a.end)
}

/// The span of the first instruction containing `offset` (or the offset
/// itself). Instructions are in order and do not overlap, so it is one of
/// the last two starting at or before `offset`.
fn instruction_of(df: &crate::Dockerfile, offset: u32) -> (u32, u32) {
    let ins = &df.instructions;
    let n = ins.partition_point(|i| i.span.start <= offset);
    ins[n.saturating_sub(2)..n]
        .iter()
        .find(|i| offset <= i.span.end)
        .map(|i| (i.span.start, i.span.end))
        .unwrap_or((offset, offset))
}

/// Edit spans already chosen in a round, sorted by start, with the longest
/// length: a span can only touch those starting within that reach of it.
#[derive(Default)]
struct Chosen {
    spans: Vec<crate::syntax::Span>,
    longest: u32,
}

impl Chosen {
    fn touches(&self, e: crate::syntax::Span) -> bool {
        let end = self.spans.partition_point(|c| c.start <= e.end);
        self.spans[..end]
            .iter()
            .rev()
            .take_while(|c| c.start.saturating_add(self.longest) >= e.start)
            .any(|&c| ranges_touch(c, e))
    }

    fn add(&mut self, e: crate::syntax::Span) {
        let at = self.spans.partition_point(|c| c.start <= e.start);
        self.spans.insert(at, e);
        self.longest = self.longest.max(e.end - e.start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Span;

    #[test]
    fn chosen_spans_answer_like_a_linear_scan() {
        let mut seed = 0x5eed_u64;
        let mut next = |k: u32| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % u64::from(k)) as u32
        };
        for _ in 0..200 {
            let mut chosen = Chosen::default();
            let mut all: Vec<Span> = Vec::new();
            for _ in 0..30 {
                let s = next(200);
                let e = Span::new(s as usize, (s + next(3) * next(8)) as usize);
                let brute = all.iter().any(|&c| ranges_touch(c, e));
                assert_eq!(chosen.touches(e), brute, "{e:?} against {all:?}");
                if !brute || next(4) == 0 {
                    chosen.add(e);
                    all.push(e);
                }
            }
        }
    }

    #[test]
    fn one_rules_local_fixes_share_an_instruction_in_one_round() {
        let src = "FROM debian\nRUN apt-get install -y a && apt-get install -y b && apt-get install -y c\n";
        let opts = OptimizeOptions {
            unsafe_fixes: true,
            disabled: vec!["LL402".into(), "LL502".into(), "LL501".into()],
            ..OptimizeOptions::default()
        };
        let o = optimize(src, &BuildContext::default(), &opts);
        assert_eq!(
            o.text,
            "FROM debian\nRUN apt-get install --no-install-recommends -y a && apt-get install --no-install-recommends -y b && apt-get install --no-install-recommends -y c\n"
        );
        assert_eq!(o.rounds, 1);
        assert_eq!(o.applied.len(), 3);
        assert!(o.stopped.is_none() && o.rejected.is_empty());
    }

    #[test]
    fn unsafe_codes_allow_the_unsafe_fixes_of_those_rules_only() {
        // LL301's dependency layer is unsafe, so is LL504's `--link`: with
        // `unsafe_codes = [LL301]` only the first is applied, besides the
        // safe fixes; the check that follows agrees (no fix left to apply).
        let src = "FROM rust:1.78 AS build\nWORKDIR /usr/src/app\nCOPY . .\nRUN cargo build --release\n\nFROM debian:bookworm-slim\nCOPY --from=build /usr/src/app/target/release/app /usr/local/bin/app\nCMD [\"app\"]\n";
        let opts = OptimizeOptions {
            unsafe_codes: vec!["ll301".into()],
            ..OptimizeOptions::default()
        };
        let ctx = BuildContext::default();
        let o = crate::fix::invariants::check_optimized(src, &ctx, &opts).unwrap();
        assert_eq!(
            o.text,
            "# syntax=docker/dockerfile:1\nFROM rust:1.78 AS build\nWORKDIR /usr/src/app\nCOPY Cargo.toml Cargo.lock* ./\nRUN --mount=type=cache,target=/usr/local/cargo/registry \\\n    mkdir src && touch src/main.rs && cargo fetch && rm -r src\nCOPY . .\nRUN --mount=type=cache,target=/usr/local/cargo/registry cargo build --release\n\nFROM debian:bookworm-slim\nCOPY --from=build /usr/src/app/target/release/app /usr/local/bin/app\nCMD [\"app\"]\n"
        );
        let codes: Vec<&str> = o.applied.iter().map(|a| a.code).collect();
        assert!(
            codes.contains(&"LL301") && !codes.contains(&"LL504"),
            "{codes:?}"
        );
        let safe = optimize(src, &ctx, &OptimizeOptions::default());
        assert!(!safe.applied.iter().any(|a| a.code == "LL301"));
        assert!(opts.allows("LL301", Applicability::Unsafe));
        assert!(!opts.allows("LL504", Applicability::Unsafe));
        assert!(opts.allows("LL504", Applicability::Safe));
    }

    #[test]
    fn instruction_of_finds_the_containing_instruction() {
        let src = "FROM a\nRUN b\n\nCOPY c d\n";
        let df = crate::syntax::parse(src);
        assert_eq!(instruction_of(&df, 0), (0, 6));
        assert_eq!(instruction_of(&df, 9), (7, 12));
        assert_eq!(
            instruction_of(&df, 13),
            (13, 13),
            "a blank line is no instruction"
        );
        assert_eq!(instruction_of(&df, 16), (14, 22));
    }
}
