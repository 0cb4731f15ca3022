//! Tip 4: download less.

pub mod apk_no_cache;
pub mod apt_recommends;
pub mod dev_dependencies;
pub mod dnf_weak_deps;
pub mod package_cache_kept;
pub mod toolchain_in_final_stage;

use super::Ctx;

/// The stages the final image is made of: the final stage, then the stage
/// it is built `FROM`, and so on (the final image holds all their layers).
pub fn final_chain(cx: &Ctx) -> Vec<usize> {
    cx.final_stage().map(|s| chain_of(cx, s)).unwrap_or_default()
}

/// `stage`, then the stage it is built `FROM`, and so on.
pub fn chain_of(cx: &Ctx, stage: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at = Some(stage);
    while let Some(s) = at {
        // A stage builds on an earlier one only, so the indices fall: no
        // `contains` check (quadratic on a 10,000-stage chain).
        if s >= cx.model.stages.len() || out.last().is_some_and(|&l| s >= l) {
            break;
        }
        out.push(s);
        at = cx.model.stages[s].base_stage;
    }
    out
}
