//! ## What it does
//! Finds development dependencies installed into the final image:
//! `npm ci`/`npm install` without `--omit=dev` (or `--production`),
//! `yarn install` without `--production`, `pnpm install` without `--prod`,
//! `pip install -r requirements-dev.txt` (or `-test`), `poetry install`
//! without `--only main`/`--without dev`, `uv sync` without `--no-dev`,
//! `pipenv install --dev`, `bundle install` without `BUNDLE_WITHOUT`,
//! `--without` or `bundle config … without`, `composer install` without
//! `--no-dev`, and test tools installed by name (pytest, jest, mocha,
//! rspec, phpunit, …).
//!
//! It looks at the final stage and the stages it is built `FROM` (their
//! layers are in the image too), and at `COPY --from` of a folder such an
//! install filled (`node_modules`, a `.venv`, composer's `vendor`, or a
//! folder holding them) when nothing pruned it. It leaves alone an install
//! followed by a build step (the build usually needs the dev tools; a
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
//! `--only main`, `--no-dev`); check the app still starts. An install in a
//! stage the final one is built on, and a copied folder, get no fix (other
//! stages may need the dev dependencies): the finding says what to do.

use super::super::util::find_op;
use super::super::{Ctx, Finding, RuleMeta};
use crate::edit::{Applicability, CommandChanges, Fix, TextEdit};
use crate::model::{Action, Manager, PackageOp, Step};
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
        Manager::Npm if op.packages.is_empty() && !op.has_flag("--omit") && !op.has_flag("--production") && !op.has_flag("--only") && !env_has("NODE_ENV") && !env_has("NPM_CONFIG_OMIT") && !env_has("NPM_CONFIG_PRODUCTION") && !env_has("npm_config_omit") && !env_has("npm_config_production") => {
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
        Manager::Uv if op.manifests.iter().any(|m| m == "uv.lock") && !op.has_flag("--no-dev") && !op.has_flag("--only-group") && !env_has("UV_NO_DEV") => Some(("installs the dev group".into(), Some("--no-dev"))),
        Manager::Pipenv if op.has_flag("--dev") || op.has_flag("-d") => Some(("installs [dev-packages]".into(), None)),
        Manager::Bundler if !op.has_flag("--without") && !env_has("BUNDLE_WITHOUT") && !op.has_flag("--deployment") && !env_has("BUNDLE_DEPLOYMENT") => {
            Some(("installs the development and test groups (set BUNDLE_WITHOUT=\"development:test\")".into(), None))
        }
        Manager::Composer if op.packages.is_empty() && !op.has_flag("--no-dev") && !env_has("COMPOSER_NO_DEV") => Some(("installs require-dev".into(), Some("--no-dev"))),
        _ => None,
    }
}

/// Whether a `bundle config … without …` in `cmds` keeps groups out.
fn bundle_without(script: &str) -> bool {
    crate::model::shell::commands(script).iter().any(|c| {
        matches!(c.program_name(), "bundle" | "bundler")
            && c.args().first().is_some_and(|a| a == "config")
            && c.args()
                .iter()
                .any(|a| a == "without" || a.starts_with("--without"))
    })
}

/// The steps of a chain (as [`super::chain_of`] lists it), in build order.
fn chain_steps<'a>(cx: &Ctx<'a>, chain: &[usize]) -> Vec<&'a Step> {
    chain
        .iter()
        .rev()
        .flat_map(|&s| cx.model.stages[s].steps.iter().map(|&i| &cx.model.steps[i]))
        .collect()
}

/// What a step's environment holds across its chain: its own stage's ENV
/// and ARG names, the ones of the stages it is built on, and the variables
/// its RUN sets or `bundle config` sets.
fn env_of(cx: &Ctx, steps: &[&Step], k: usize, name: &str) -> bool {
    let step = steps[k];
    if step.inputs.env.iter().any(|e| e == name) {
        return true;
    }
    // Earlier stages of the chain: what their last step had.
    let inherited = steps[..k]
        .iter()
        .filter(|s| s.stage != step.stage)
        .any(|s| s.inputs.env.iter().any(|e| e == name) || defines(cx, s, name));
    inherited
        || steps[..=k]
            .iter()
            .filter(|s| s.stage == step.stage)
            .any(|s| defines(cx, s, name))
        || super::super::util::run_script(&cx.df.instructions[step.instruction])
            .contains(&format!("{name}="))
}

/// Whether an ENV or ARG instruction `s` defines `name`.
fn defines(cx: &Ctx, s: &Step, name: &str) -> bool {
    match &cx.df.instructions[s.instruction].command {
        Command::Env { pairs } => pairs.iter().any(|p| p.key == name),
        Command::Arg { args } => args.iter().any(|a| a.name == name && a.default.is_some()),
        _ => false,
    }
}

/// Where an install puts the dependencies, relative to its directory.
fn output_dir(m: Manager) -> Option<&'static str> {
    match m {
        Manager::Npm | Manager::Yarn | Manager::Pnpm => Some("node_modules"),
        Manager::Uv => Some(".venv"),
        Manager::Composer => Some("vendor"),
        _ => None,
    }
}

/// Whether a step after an install takes the dev dependencies out again
/// (`npm prune --omit=dev`, `pnpm prune --prod`, `rm -rf node_modules`,
/// a production reinstall).
fn prunes(cx: &Ctx, s: &Step, m: Manager) -> bool {
    let script = super::super::util::run_script(&cx.df.instructions[s.instruction]);
    script.contains(" prune")
        || script.contains("rm -rf node_modules")
        || s.packages.iter().any(|o| {
            o.manager == m
                && o.action == Action::Install
                && o.packages.is_empty()
                && dev_problem(o, &|_| false).is_none()
        })
}

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(final_stage) = cx.final_stage() else {
        return out;
    };
    let chain = super::chain_of(cx, final_stage);
    let steps = chain_steps(cx, &chain);
    // Computed once, not per step (a 200,000-line chain was quadratic): the
    // last build step, and whether a `bundle config without` came so far.
    let last_build = steps.iter().rposition(|s| {
        s.packages
            .iter()
            .any(|o| o.action == Action::Build && !o.manager.is_system())
    });
    let mut without = false;
    for (k, step) in steps.iter().enumerate() {
        let ins = &cx.df.instructions[step.instruction];
        if !matches!(ins.command, Command::Run { .. }) {
            continue;
        }
        let builds_later = last_build.is_some_and(|b| k <= b);
        let script = super::super::util::run_script(ins);
        without = without || bundle_without(&script);
        let env_has = |name: &str| {
            env_of(cx, &steps, k, name)
                || (name == "BUNDLE_WITHOUT" && without)
                || script.contains(&format!("{name}="))
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
            let sub = super::super::tip3::deps::subcommand(op);
            let at = find_op(cx, ins, step, op, &sub);
            let where_ = if step.stage == final_stage {
                "in the final image".to_string()
            } else {
                format!(
                    "in stage `{}`, which the final image is built on",
                    cx.model.stages[step.stage]
                        .name
                        .clone()
                        .unwrap_or_else(|| step.stage.to_string())
                )
            };
            let mut f = cx.finding(
                &META,
                at.unwrap_or(ins.span),
                format!("`{}` {problem} {where_}", op.command),
            );
            match (flag, at) {
                (Some(flag), Some(s)) if step.stage == final_stage => {
                    // Only an edit the fix contract's own reader agrees
                    // adds the flag to this command (a command found at the
                    // wrong words would get it elsewhere).
                    let edit = TextEdit::insert(s.end as usize, format!(" {flag}"));
                    let cmd = super::super::util::run_command_span(ins);
                    let bytes = cx.src.as_bytes();
                    // The command's words, not a path ending in its name
                    // (`/bin/yarn`) or a flag's value (`target=…/yarn`).
                    let word = s.start >= cmd.start
                        && s.end <= cmd.end
                        && (s.start == 0 || b" \t\n;&|(`".contains(&bytes[s.start as usize - 1]))
                        && bytes.get(s.end as usize).is_none_or(|b| b" \t\r\n;&|)`".contains(b) || *b == cx.df.escape as u8);
                    let edit = if word { Some(edit) } else { None };
                    match edit.and_then(|edit| super::super::util::checked(cx, ins, edit, &CommandChanges::flag(flag))) {
                        Some(edit) => {
                            f.fix = Some(Fix {
                                title: format!("Add {flag}"),
                                applicability: Applicability::Unsafe,
                                edits: vec![edit],
                                files: Vec::new(),
                                commands: CommandChanges::flag(flag),
                            })
                        }
                        None => f.no_fix = Some(format!("Layerlab could not place {flag} on this command safely: add it by hand")),
                    }
                }
                (Some(_), _) if step.stage != final_stage => {
                    f.no_fix = Some("the install is in a stage others may build on: install the production dependencies in the final stage instead".into());
                }
                _ => {}
            }
            out.push(f);
        }
    }
    out.extend(copied_dev_dependencies(cx, &steps));
    out
}

/// `COPY --from=stage` of a folder holding dependencies a dev install put
/// there (`node_modules` from a full `npm ci` or `yarn install`, a `.venv`
/// from `uv sync`, composer's `vendor`), with nothing pruning them.
fn copied_dev_dependencies(cx: &Ctx, final_steps: &[&Step]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (c, step) in final_steps.iter().enumerate() {
        for src in &step.inputs.sources {
            let crate::model::Source::Stage { stage, path } = src else {
                continue;
            };
            let from_abs = format!("/{}", crate::simulate::glob::clean(path));
            let from_abs = from_abs.trim_end_matches('/');
            let chain = super::chain_of(cx, *stage);
            let steps = chain_steps(cx, &chain);
            let found = steps.iter().enumerate().find_map(|(k, s)| {
                s.packages.iter().find_map(|o| {
                    let dir = output_dir(o.manager)?;
                    if o.action != Action::Install || !o.packages.is_empty() {
                        return None;
                    }
                    let env_has = |name: &str| env_of(cx, &steps, k, name);
                    dev_problem(o, &env_has)?;
                    let at = format!("{}/{dir}", s.inputs.workdir.trim_end_matches('/'));
                    let covered = from_abs.is_empty()
                        || at == from_abs
                        || at.starts_with(&format!("{from_abs}/"));
                    let pruned = steps[k + 1..].iter().any(|p| prunes(cx, p, o.manager))
                        || final_steps[c + 1..]
                            .iter()
                            .any(|p| prunes(cx, p, o.manager));
                    (covered && !pruned).then_some((s, o, dir))
                })
            });
            if let Some((s, o, dir)) = found {
                let ins = &cx.df.instructions[step.instruction];
                let mut f = cx.finding(
                    &META,
                    ins.span,
                    format!(
                        "`{}` copies `{dir}` from `{}` (line {}), which installed the development dependencies too, into the final image",
                        step.text, o.command, s.line
                    ),
                );
                f.no_fix = Some("prune the dev dependencies in that stage before the copy (`npm prune --omit=dev`), or install the production ones in the final stage".into());
                out.push(f);
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::simulate::BuildContext;
    use crate::{check, CheckOptions, Finding};

    fn ll404(src: &str) -> Vec<Finding> {
        check(
            src,
            &BuildContext::default(),
            &CheckOptions {
                select: vec!["LL404".into()],
                no_savings: true,
                ..CheckOptions::default()
            },
        )
        .findings
    }

    #[test]
    fn pass_vectors() {
        for src in [
            "FROM node:20\nCOPY package.json .\nRUN npm ci\n",
            "FROM python:3.12\nCOPY . .\nRUN uv sync --frozen\n",
            "FROM python:3.12\nRUN poetry install\n",
            "FROM ruby:3.3\nRUN bundle install\n",
            "FROM php:8\nRUN php composer.phar install -o\n",
            // In a stage the final one is built on.
            "FROM node:20 AS builder\nRUN pnpm i\nRUN pnpm exec prisma generate\nFROM builder AS prod\nCMD [\"pnpm\", \"start\"]\n",
            "FROM ruby:3.3 AS base\nRUN bundle install\nFROM base AS full\nRUN echo\n",
            // node_modules copied from a full install.
            "FROM node:20 AS build\nWORKDIR /app\nRUN yarn install --frozen-lockfile --network-timeout 100000\nRUN yarn build\nFROM node:20\nCOPY --from=build /app .\n",
            "FROM node:20 AS deps\nWORKDIR /app\nRUN npm ci\nFROM node:20\nCOPY --from=deps /app/node_modules ./node_modules\n",
        ] {
            assert!(!ll404(src).is_empty(), "{src}");
        }
    }

    #[test]
    fn fail_vectors() {
        for src in [
            "FROM node:20\nRUN npm ci --omit=dev\n",
            "FROM node:20\nENV NODE_ENV=production\nRUN npm ci\n",
            "FROM node:20 AS base\nENV NODE_ENV=production\nFROM base\nRUN npm ci\n",
            "FROM python:3.12\nRUN uv sync --frozen --no-dev\n",
            "FROM python:3.12\nENV UV_NO_DEV=1\nRUN uv sync --locked\n",
            "FROM node:20\nENV NPM_CONFIG_OMIT=dev\nRUN npm ci\n",
            "FROM python:3.12\nRUN poetry install --only main\n",
            "FROM ruby:3.3\nENV BUNDLE_WITHOUT=development:test\nRUN bundle install\n",
            "FROM ruby:3.3\nRUN bundle config set --local without 'development test' && bundle install\n",
            "FROM php:8\nRUN composer global require hirak/prestissimo\n",
            // A build follows: the dev tools are needed for it.
            "FROM node:20\nRUN npm ci && npm run build\n",
            // The copied node_modules were pruned, or only the build output is copied.
            "FROM node:20 AS build\nWORKDIR /app\nRUN npm ci\nRUN npm run build && npm prune --omit=dev\nFROM node:20\nCOPY --from=build /app .\n",
            "FROM node:20 AS build\nWORKDIR /app\nRUN npm ci\nRUN npm run build\nFROM node:20\nCOPY --from=build /app/dist ./dist\n",
            "FROM node:20 AS build\nWORKDIR /app\nRUN npm ci\nFROM node:20\nWORKDIR /app\nCOPY --from=build /app .\nRUN npm ci --omit=dev\n",
            // Not in the final image.
            "FROM node:20 AS build\nRUN npm ci\nRUN npm run build\nFROM nginx\nCOPY --from=build /dist /usr/share/nginx/html\n",
        ] {
            let f = ll404(src);
            assert!(f.is_empty(), "{src}: {f:?}");
        }
    }

    #[test]
    fn the_fix_adds_the_flag_in_the_final_stage_only() {
        let src = "FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"server.js\"]\n";
        let f = &ll404(src)[0];
        let (out, _) = crate::edit::apply_edits(src, &f.fix.as_ref().expect("fix").edits);
        assert_eq!(out, "FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD [\"node\", \"server.js\"]\n");
        let src = "FROM node:20 AS builder\nRUN pnpm i\nFROM builder AS prod\nCMD [\"pnpm\", \"start\"]\n";
        let f = &ll404(src)[0];
        assert!(f.fix.is_none() && f.no_fix.is_some(), "{f:?}");
    }
}
