//! ## What it does
//! Finds `apt-get install` (or `apt install`, `apt-get build-dep`) without
//! `--no-install-recommends`. Upgrades (`apt-get upgrade`, `dist-upgrade`)
//! are left alone: they update the packages the image already has rather
//! than choose new ones.
//!
//! ## Why it slows the build
//! By default apt also installs every *recommended* package: often dozens of
//! extra packages (documentation tools, X11 libraries, compilers) that the
//! image never uses. They are downloaded and unpacked on every rebuild of the
//! step, and make the image larger to push and pull.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM debian:bookworm-slim
//! RUN apt-get update && apt-get install -y curl
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM debian:bookworm-slim
//! RUN apt-get update && apt-get install -y --no-install-recommends curl
//! ```
//!
//! ## Fix safety
//! Unsafe: a program may rely on a package apt only recommends (a CA bundle,
//! a locale). The fix adds `--no-install-recommends` after `install`; check
//! the image still works.

use super::super::{Ctx, Finding, RuleMeta};
use crate::edit::Applicability;
use crate::model::{Action, Manager};

pub const META: RuleMeta = RuleMeta {
    code: "LL401",
    name: "apt-install-recommends",
    tip: 4,
    summary:
        "`apt-get install` without `--no-install-recommends` downloads packages nobody asked for",
};

pub fn check(cx: &Ctx) -> Vec<Finding> {
    super::missing_flag(
        cx,
        &META,
        "--no-install-recommends",
        Applicability::Unsafe,
        |_, op| {
            if op.manager != Manager::Apt
                || op.action != Action::Install
                || op.has_flag("--no-install-recommends")
                || op.command.contains("APT::Install-Recommends")
            {
                return None;
            }
            // An upgrade replaces what is installed; the packages it names
            // are already there, and the image's base decides what they
            // recommend.
            let sub = op
                .command
                .split_whitespace()
                .find(|w| {
                    matches!(
                        *w,
                        "install" | "upgrade" | "dist-upgrade" | "full-upgrade" | "build-dep"
                    )
                })
                .unwrap_or("install");
            match sub {
                "build-dep" => Some("build-dep"),
                "install" => Some("install"),
                _ => None,
            }
        },
        |op| {
            format!(
                "`{}` installs recommended packages too; add --no-install-recommends",
                op.command
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::simulate::BuildContext;
    use crate::{check, CheckOptions};

    fn fires(src: &str) -> usize {
        check(
            src,
            &BuildContext::default(),
            &CheckOptions {
                select: vec!["LL401".into()],
                no_savings: true,
                ..CheckOptions::default()
            },
        )
        .findings
        .len()
    }

    #[test]
    fn installs_fire_upgrades_do_not() {
        assert_eq!(
            fires("FROM debian\nRUN apt-get update && apt-get install -y curl\n"),
            1
        );
        assert_eq!(
            fires("FROM debian\nRUN apt install -y curl && apt-get -qqy install git\n"),
            2
        );
        assert_eq!(fires("FROM debian\nRUN apt-get build-dep -y python3\n"), 1);
        for src in [
            "FROM debian\nRUN apt-get update && apt-get upgrade -y\n",
            "FROM debian\nRUN apt-get update -qq; apt-get dist-upgrade -qq\n",
            "FROM debian\nRUN apt-get full-upgrade -y\n",
            "FROM debian\nRUN apt-get upgrade -y && apt-get install -y --no-install-recommends curl\n",
            "FROM debian\nRUN apt-get -o APT::Install-Recommends=false install -y curl\n",
        ] {
            assert_eq!(fires(src), 0, "{src}");
        }
    }
}
