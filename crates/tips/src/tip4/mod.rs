//! Tip 4: download less.

pub mod apk_no_cache;
pub mod apt_recommends;
pub mod dev_dependencies;
pub mod dnf_weak_deps;
pub mod package_cache_kept;
pub mod toolchain_in_final_stage;

use super::{Ctx, Finding, RuleMeta};
use crate::edit::{Applicability, CommandChanges, Fix, TextEdit};
use crate::model::{PackageOp, Step};
use crate::syntax::Instruction;

/// The skeleton of the rules that want one flag on an install command
/// (LL401 `--no-install-recommends`, LL406 `--no-cache`): for every package
/// operation of every step that `anchor` accepts, a finding with `message`;
/// its fix inserts ` {flag}` after the word `anchor` names (`install`,
/// `add`), found in the instruction's text. Where that word is not found
/// (a variable, an odd spelling) the finding covers the instruction, with
/// no fix.
pub(super) fn missing_flag(
    cx: &Ctx,
    meta: &RuleMeta,
    flag: &'static str,
    applicability: Applicability,
    anchor: impl Fn(&Instruction, &PackageOp) -> Option<&'static str>,
    message: impl Fn(&PackageOp) -> String,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for step in &cx.model.steps {
        let ins = &cx.df.instructions[step.instruction];
        for op in &step.packages {
            let Some(word) = anchor(ins, op) else {
                continue;
            };
            out.push(flag_finding(
                cx,
                meta,
                ins,
                step,
                op,
                word,
                flag,
                applicability,
                &message,
            ));
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn flag_finding(
    cx: &Ctx,
    meta: &RuleMeta,
    ins: &Instruction,
    step: &Step,
    op: &PackageOp,
    word: &str,
    flag: &'static str,
    applicability: Applicability,
    message: &impl Fn(&PackageOp) -> String,
) -> Finding {
    let at = super::util::find_op(cx, ins, step, op, word);
    let mut f = cx.finding(meta, at.unwrap_or(ins.span), message(op));
    match at {
        Some(s) => {
            f.fix = Some(Fix {
                title: format!("Add {flag}"),
                applicability,
                edits: vec![TextEdit::insert(s.end as usize, &format!(" {flag}"))],
                files: Vec::new(),
                commands: CommandChanges::flag(flag),
            })
        }
        None => {
            // The command up to the word the flag follows.
            let n = op.command.split_whitespace().position(|w| w == word).map_or(1, |i| i + 1);
            let head: Vec<&str> = op.command.split_whitespace().take(n).collect();
            f.no_fix = Some(format!(
                "where `{}` stands in the RUN's text is not certain (the same words also stand where the shell does not run them, in quotes or a comment, or the command comes from a variable): add {flag} by hand",
                head.join(" ")
            ))
        }
    }
    f
}

/// The stages the final image is made of: the final stage, then the stage
/// it is built `FROM`, and so on (the final image holds all their layers).
pub fn final_chain(cx: &Ctx) -> Vec<usize> {
    cx.final_stage()
        .map(|s| chain_of(cx, s))
        .unwrap_or_default()
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
