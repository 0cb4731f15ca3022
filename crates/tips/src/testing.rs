//! Test support for the rules' own test modules: a rule's fixes applied
//! alone, without the optimizer (`layerlab_core::fix`, the crate above this
//! one, which the rules cannot call). One fix a round, each round on a fresh
//! check of the text the last one left, to a fixed point: the text the
//! optimizer makes of the same fixes when they do not conflict (the
//! optimizer's own tests, in `layerlab-core`, check the rules through it).

use crate::edit::Applicability;
use crate::simulate::BuildContext;
use crate::{check, CheckOptions};

/// The most rounds [`fixed_alone`] runs: a rule whose fixes do not reach a
/// fixed point by then fails its test.
const ROUNDS: usize = 64;

/// `src` after the fixes of rule `code` alone (its unsafe ones too with
/// `unsafe_fixes`), in the build context `ctx`.
pub fn fixed_alone(src: &str, code: &str, ctx: &BuildContext, unsafe_fixes: bool) -> String {
    let opts = CheckOptions {
        select: vec![code.to_string()],
        no_savings: true,
        ..CheckOptions::default()
    };
    let mut text = src.to_string();
    for _ in 0..ROUNDS {
        let fix = check(&text, ctx, &opts).findings.into_iter().find_map(|f| {
            f.fix
                .filter(|x| unsafe_fixes || x.applicability == Applicability::Safe)
                .filter(|x| !x.edits.is_empty())
        });
        let Some(fix) = fix else {
            return text;
        };
        text = crate::edit::apply_edits(&text, &fix.edits).0;
    }
    panic!("{code}'s fixes did not reach a fixed point in {ROUNDS} rounds:\n{text}");
}
