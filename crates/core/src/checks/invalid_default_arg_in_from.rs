//! InvalidDefaultArgInFrom: a FROM whose image, with the global ARGs'
//!
//! ## What it reports
//!
//! `FROM $IMAGE` (or `FROM repo:${TAG}`, …) where expanding the global ARGs
//! with their default values alone gives an empty or invalid reference: an
//! ARG without a default, or a default that does not make a name
//! (`dockerfile2llb/convert.go`, `validateBaseImagesWithDefaultArgs`).
//!
//! ## Why
//!
//! A plain `docker build` without `--build-arg` then fails; a default that
//! builds keeps the file usable as is.
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! ARG TAG
//! FROM alpine:$TAG
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! ARG TAG=3.20
//! FROM alpine:$TAG
//! ```
//!
//! ## Notes
//!
//! defaults, is empty or no valid image name.

use super::Cx;
use crate::syntax::shell::{expand_limited, Limits};
use crate::syntax::Command;

pub const NAME: &str = "InvalidDefaultArgInFrom";
pub const DESCRIPTION: &str = "Default value for global ARG results in an empty or invalid base image name";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/invalid-default-arg-in-from/";

/// BuildKit's automatic platform ARGs, as on a linux/amd64 builder (the
/// rig's): FROM sees them whether or not the file declares them.
pub const PLATFORM_ARGS: &[(&str, &str)] = &[
    ("TARGETPLATFORM", "linux/amd64"),
    ("TARGETOS", "linux"),
    ("TARGETARCH", "amd64"),
    ("TARGETVARIANT", ""),
    ("BUILDPLATFORM", "linux/amd64"),
    ("BUILDOS", "linux"),
    ("BUILDARCH", "amd64"),
    ("BUILDVARIANT", ""),
];

/// The variables FROM lines see: the platform ARGs, then the global ARGs
/// with their defaults, each default expanded with the ones before it
/// (`None`: declared without a default; a platform ARG declared so keeps
/// its value).
pub fn global_defaults(cx: &Cx) -> Vec<(String, Option<String>)> {
    let df = cx.df;
    let mut env: Vec<(String, Option<String>)> =
        PLATFORM_ARGS.iter().map(|(k, v)| (k.to_string(), Some(v.to_string()))).collect();
    let mut limits = Limits {
        max_len: 1 << 20,
        budget: 1 << 24,
    };
    for &i in &df.global_args {
        let Command::Arg { args } = &df.instructions[i].command else { continue };
        for a in args {
            let value = match &a.default {
                Some(d) => {
                    let look = |n: &str| env.iter().rev().find(|(k, _)| k == n).and_then(|(_, v)| v.clone());
                    Some(expand_limited(d, df.escape, &look, &mut limits).map_or_else(|_| d.clone(), |(v, _)| v))
                }
                None if PLATFORM_ARGS.iter().any(|(k, _)| *k == a.name) => continue,
                None => None,
            };
            env.push((a.name.clone(), value));
        }
    }
    env
}

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    let env = global_defaults(cx);
    let look = |n: &str| env.iter().rev().find(|(k, _)| k == n).and_then(|(_, v)| v.clone());
    let mut limits = Limits {
        max_len: 1 << 20,
        budget: 1 << 24,
    };
    for st in &df.stages {
        let ins = &df.instructions[st.from];
        let Command::From { image, .. } = &ins.command else { continue };
        let Ok((name, _)) = expand_limited(image, df.escape, &look, &mut limits) else {
            continue;
        };
        if !super::reference::is_valid(&name) {
            cx.report(ins, format!("Default value for ARG {image} results in empty or invalid base image name"));
        }
    }
}
