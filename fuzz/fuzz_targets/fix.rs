//! The fix contract on arbitrary input: parse → check → every offered fix
//! keeps the commands it does not declare, comments, untouched lines and
//! line endings, and adds no diagnostic (`fix::invariants::check_fix`);
//! the optimizer, safe and unsafe, reaches a fixed point on which `check`
//! offers nothing more (`check_optimized`). A violation panics, so
//! libFuzzer keeps the input in `fuzz/artifacts/fix/`.
#![no_main]

use layerlab_core::fix::invariants::{check_fix, check_optimized};
use layerlab_core::fix::optimize::OptimizeOptions;
use layerlab_core::simulate::BuildContext;
use layerlab_core::tips::{check, CheckOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Real Dockerfiles are small; larger inputs only slow the search.
    if data.len() > 32 * 1024 {
        return;
    }
    let src = String::from_utf8_lossy(data);
    let ctx = BuildContext::default();
    let opts = CheckOptions {
        no_savings: true,
        ..CheckOptions::default()
    };
    for f in &check(&src, &ctx, &opts).findings {
        if let Some(fix) = &f.fix {
            if let Err(e) = check_fix(&src, fix) {
                panic!("{} ({}): {e}", f.code, fix.title);
            }
        }
    }
    for unsafe_fixes in [false, true] {
        let o = OptimizeOptions {
            unsafe_fixes,
            ..OptimizeOptions::default()
        };
        if let Err(e) = check_optimized(&src, &ctx, &o) {
            panic!("unsafe={unsafe_fixes}: {e}");
        }
    }
});
