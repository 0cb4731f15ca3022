//! The fix contract, checked (`docs/fix-contract.md`): the invariants of
//! one fix are [`crate::edit::invariants`] (re-exported here); this module
//! adds the optimizer's: a second run changes nothing, and `check` on its
//! result offers no fix the optimizer would apply (so `check` and `fix`
//! agree).

pub use crate::edit::invariants::*;

/// Checks an optimizer run on `src`: its result is a fixed point, and
/// `check` on it offers nothing the optimizer would apply.
pub fn check_optimized(
    src: &str,
    ctx: &crate::simulate::BuildContext,
    opts: &super::optimize::OptimizeOptions,
) -> Result<super::optimize::Optimized, String> {
    use super::optimize::{optimize, OptimizeOptions};
    let once = optimize(src, ctx, opts);
    if let Some(why) = &once.stopped {
        return Err(format!("the optimizer stopped early: {why}"));
    }
    if let Some(r) = once.rejected.first() {
        return Err(format!(
            "the optimizer rejected {} (line {}, {}): {}",
            r.fix.code, r.fix.line, r.fix.title, r.reason
        ));
    }
    let mut existing = opts.existing_files.clone();
    existing.extend(once.files.iter().map(|f| f.path.clone()));
    let mut ctx2 = ctx.clone();
    if let Some(di) = once.files.iter().find(|f| f.path == ".dockerignore") {
        ctx2.dockerignore = Some(di.content.clone());
    }
    let opts2 = OptimizeOptions {
        existing_files: existing.clone(),
        ..opts.clone()
    };
    let twice = optimize(&once.text, &ctx2, &opts2);
    if twice.text != once.text || !twice.applied.is_empty() {
        return Err(format!(
            "not a fixed point: a second run applies {:?}\n{}",
            twice
                .applied
                .iter()
                .map(|a| format!("{} line {}", a.code, a.line))
                .collect::<Vec<_>>(),
            super::diff::unified(&once.text, &twice.text, "Dockerfile")
        ));
    }
    let left = crate::tips::check(
        &once.text,
        &ctx2,
        &crate::tips::CheckOptions {
            no_savings: true,
            ..crate::tips::CheckOptions::default()
        },
    );
    let would_apply: Vec<String> = left
        .findings
        .iter()
        .filter_map(|f| f.fix.as_ref().map(|x| (f, x)))
        .filter(|(f, x)| {
            opts.allows(f.code, x.applicability)
                && !opts.disabled.iter().any(|d| d.eq_ignore_ascii_case(f.code))
                && !(x.edits.is_empty() && x.files.iter().all(|nf| existing.contains(&nf.path)))
        })
        .map(|(f, _)| format!("{} line {}", f.code, f.start.line))
        .collect();
    if !would_apply.is_empty() {
        return Err(format!(
            "check still offers fixes that fix would apply: {would_apply:?}"
        ));
    }
    Ok(once)
}

