//! ## What it does
//! Finds development dependencies installed into the final image:
//! `npm ci`/`npm install` without `--omit=dev` (or `--production`),
//! `yarn install` without `--production`, `pnpm install` without `--prod`,
//! `pip install -r requirements-dev.txt` (or `-test`), `poetry install`
//! without `--only main`/`--without dev`, `uv sync` without `--no-dev`,
//! `pipenv install --dev`, `bundle install` without `BUNDLE_WITHOUT` or
//! `--without`, `composer install` without `--no-dev`, and test tools
//! installed by name (pytest, jest, mocha, rspec, phpunit, …).
//!
//! It only looks at the final stage, and not at an install followed by a
//! build step in the same stage (the build usually needs the dev tools; a
//! multi-stage build is the answer there, see LL405).
//!
//! ## Why it slows the build
//! Dev dependencies are often as many as the runtime ones: test runners,
//! linters, type checkers, bundlers. Every dependency bump downloads and
//! installs them all again, and every deploy pulls them.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM node:20-slim
//! WORKDIR /app
//! COPY package.json package-lock.json ./
//! RUN npm ci
//! COPY . .
//! CMD ["node", "server.js"]
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM node:20-slim
//! WORKDIR /app
//! COPY package.json package-lock.json ./
//! RUN npm ci --omit=dev
//! COPY . .
//! CMD ["node", "server.js"]
//! ```
//!
//! ## Fix safety
//! Unsafe: a package listed as a dev dependency may be needed at run time.
//! The fix adds the manager's flag (`--omit=dev`, `--production`, `--prod`,
//! `--only main`, `--no-dev`); check the app still starts.

use super::super::util::find_op;
use super::super::{Ctx, Finding, RuleMeta};
use crate::fix::{Applicability, CommandChanges, Fix, TextEdit};
use crate::model::{Action, Manager, PackageOp};
use crate::syntax::Command;

pub const META: RuleMeta = RuleMeta {
    code: "LL404",
    name: "dev-dependencies-in-image",
    tip: 4,
    summary: "Development dependencies are installed into the final image",
};

const TEST_TOOLS: &[&str] = &[
    "pytest",
    "pytest-cov",
    "tox",
    "nox",
    "mypy",
    "flake8",
    "pylint",
    "black",
    "ruff",
    "jest",
    "mocha",
    "vitest",
    "eslint",
    "prettier",
    "rspec",
    "rubocop",
    "phpunit",
    "coverage",
    "nodemon",
    "typescript",
];

/// (problem, flag to add) for an install that brings dev dependencies.
fn dev_problem(
    op: &PackageOp,
    env_has: &dyn Fn(&str) -> bool,
) -> Option<(String, Option<&'static str>)> {
    let named_tests: Vec<&String> = op
        .packages
        .iter()
        .filter(|p| {
            let name = p
                .split(['=', '<', '>', '[', '@', '~'])
                .next()
                .unwrap_or(p)
                .to_ascii_lowercase();
            TEST_TOOLS.contains(&name.as_str())
        })
        .collect();
    if !named_tests.is_empty() {
        return Some((
            format!(
                "installs test/dev tools by name ({})",
                named_tests
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None,
        ));
    }
    match op.manager {
        Manager::Npm if op.packages.is_empty() && !op.has_flag("--omit") && !op.has_flag("--production") && !op.has_flag("--only") && !env_has("NODE_ENV") => {
            Some(("installs devDependencies".into(), Some("--omit=dev")))
        }
        Manager::Yarn if op.packages.is_empty() && !op.has_flag("--production") && !env_has("NODE_ENV") => Some(("installs devDependencies".into(), Some("--production"))),
        Manager::Pnpm if op.packages.is_empty() && !op.has_flag("--prod") && !op.has_flag("-P") && !op.has_flag("--production") && !env_has("NODE_ENV") => {
            Some(("installs devDependencies".into(), Some("--prod")))
        }
        Manager::Pip | Manager::Uv if op.manifests.iter().any(|m| { let l = m.to_ascii_lowercase(); l.contains("dev") || l.contains("test") }) => {
            Some(("installs a dev/test requirements file".into(), None))
        }
        Manager::Poetry if !op.has_flag("--only") && !op.has_flag("--without") && !op.command.contains("--no-dev") => Some(("installs the dev group".into(), Some("--only main"))),
        Manager::Uv if op.manifests.iter().any(|m| m == "uv.lock") && !op.has_flag("--no-dev") && !op.has_flag("--only-group") => Some(("installs the dev group".into(), Some("--no-dev"))),
        Manager::Pipenv if op.has_flag("--dev") || op.has_flag("-d") => Some(("installs [dev-packages]".into(), None)),
        Manager::Bundler if !op.has_flag("--without") && !env_has("BUNDLE_WITHOUT") && !op.has_flag("--deployment") && !env_has("BUNDLE_DEPLOYMENT") => {
            Some(("installs the development and test groups (set BUNDLE_WITHOUT=\"development:test\")".into(), None))
        }
        Manager::Composer if !op.has_flag("--no-dev") && !env_has("COMPOSER_NO_DEV") => Some(("installs require-dev".into(), Some("--no-dev"))),
        _ => None,
    }
}

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(final_stage) = cx.final_stage() else {
        return out;
    };
    let steps: Vec<&crate::model::Step> = cx.model.stage_steps(final_stage).collect();
    for (k, step) in steps.iter().enumerate() {
        let ins = &cx.df.instructions[step.instruction];
        if !matches!(ins.command, Command::Run { .. }) {
            continue;
        }
        let builds_later = steps[k..].iter().any(|s| {
            s.packages
                .iter()
                .any(|o| o.action == Action::Build && !o.manager.is_system())
        });
        let env_has = |name: &str| {
            step.inputs.env.iter().any(|e| e == name)
                || super::super::util::run_script(ins).contains(&format!("{name}="))
        };
        for op in step
            .packages
            .iter()
            .filter(|o| o.action == Action::Install && !o.manager.is_system())
        {
            let Some((problem, flag)) = dev_problem(op, &env_has) else {
                continue;
            };
            if builds_later && flag.is_some() {
                continue;
            }
            let words: Vec<&str> = op.command.split_whitespace().collect();
            let sub = words
                .iter()
                .skip(1)
                .find(|w| !w.starts_with('-'))
                .copied()
                .unwrap_or("");
            let at = find_op(cx, ins, step, op, sub);
            let mut f = cx.finding(
                &META,
                at.unwrap_or(ins.span),
                format!("`{}` {problem} in the final image", op.command),
            );
            if let (Some(flag), Some(s)) = (flag, at) {
                f.fix = Some(Fix {
                    title: format!("Add {flag}"),
                    applicability: Applicability::Unsafe,
                    edits: vec![TextEdit::insert(s.end as usize, format!(" {flag}"))],
                    files: Vec::new(),
                    commands: CommandChanges::flag(flag),
                });
            }
            out.push(f);
        }
    }
    out
}
