//! ## What it does
//! Finds images whose `CMD` or `ENTRYPOINT` runs a reloading development
//! server: `flask run --reload` or `--debug`, `uvicorn --reload`,
//! `npm run dev`, `nodemon`, `node --watch`, `rails server` in development,
//! `air`, `cargo watch`, `dotnet watch`, `webpack serve`, `vite`, `next
//! dev`, `ng serve`, and the like, also when a launcher starts it (`npx`,
//! `npm exec`, `yarn`, `pnpm exec`/`dlx`, `bunx`, `poetry run`, `uv run`,
//! `python -m`, `bundle exec`).
//!
//! ## Why it slows the build
//! A reloading server exists to pick up edits without a restart, but an
//! edit only reaches the container through a new image: every change costs a
//! `docker build` (at least the `COPY` of the code and everything after it)
//! plus a container restart. Bind-mounting the code, or compose's
//! `develop.watch`, syncs the edit into the running container in
//! milliseconds and never rebuilds.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM python:3.12-slim
//! WORKDIR /app
//! COPY requirements.txt .
//! RUN pip install -r requirements.txt
//! COPY . .
//! CMD ["flask", "run", "--host=0.0.0.0", "--reload"]
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM python:3.12-slim
//! WORKDIR /app
//! COPY requirements.txt .
//! RUN pip install -r requirements.txt
//! COPY . .
//! CMD ["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]
//! ```
//! and, for development, a `compose.yaml` with `develop.watch` (Layerlab
//! generates it) or `docker run -v "$PWD":/app …`.
//!
//! ## Fix safety
//! No automatic edit to the Dockerfile: the image may be meant for
//! development. The fix offers a generated `compose.yaml` (a new file) with a
//! bind mount and `develop.watch`, plus the equivalent `docker run -v` line;
//! it is marked unsafe because it adds a file the project may not want.

use super::super::{Ctx, Finding, RuleMeta};
use crate::edit::{Applicability, Fix, NewFile};
use crate::model::shell;
use crate::syntax::Command;

pub const META: RuleMeta = RuleMeta {
    code: "LL101",
    name: "dev-server-in-image",
    tip: 1,
    summary: "The image runs a reloading dev server: develop with a bind mount or compose watch instead of rebuilding",
};

/// The command a launcher runs: `npx [-y] X …`, `npm exec [--] X …`,
/// `pnpm exec|dlx X …`, `yarn [exec|dlx] X …` (yarn runs a package's
/// binary by name), `bunx X …`, `bun x X …`, `poetry|uv|pipenv run X …`,
/// `python -m X …`, `bundle exec X …`, `env VAR=1 X …`.
fn launched(words: &[String]) -> Option<&[String]> {
    let prog = words.first().map(|p| p.rsplit('/').next().unwrap_or(p))?;
    let sub = words.get(1).map(String::as_str).unwrap_or("");
    // Skip the launcher's own flags (`npx -y`, `npx --package x`).
    let after_flags = |from: usize| -> Option<&[String]> {
        let mut i = from;
        while i < words.len() && words[i].starts_with('-') {
            let w = words[i].as_str();
            i += if matches!(w, "-p" | "--package" | "-c" | "--call") { 2 } else { 1 };
        }
        (i < words.len()).then(|| &words[i..])
    };
    match (prog, sub) {
        ("npx" | "bunx", _) => after_flags(1),
        ("npm", "exec" | "x") | ("pnpm", "exec" | "dlx") | ("yarn", "exec" | "dlx") | ("bun", "x") => {
            after_flags(2)
        }
        // `yarn nodemon`, `pnpm next dev`: a binary of the project, not a
        // manager command (those are recognized as scripts below).
        ("yarn" | "pnpm", s) if DEV_BINARIES.contains(&s) => Some(&words[1..]),
        ("poetry" | "uv" | "pipenv" | "pdm" | "rye" | "hatch", "run") => after_flags(2),
        ("bundle", "exec") => after_flags(2),
        ("python" | "python3", "-m") => Some(&words[2..]).filter(|w| !w.is_empty()),
        ("env", _) => {
            let i = words[1..].iter().position(|w| !w.contains('=') && !w.starts_with('-'))?;
            Some(&words[1 + i..])
        }
        _ => None,
    }
}

/// Programs that are development servers or reloaders (or run one with
/// the right arguments), for `yarn X` / `pnpm X`.
const DEV_BINARIES: &[&str] = &[
    "nodemon", "ts-node-dev", "tsx", "next", "nuxt", "nuxi", "astro", "remix", "vite", "webpack",
    "webpack-dev-server", "ng", "react-scripts", "vue-cli-service", "parcel", "gatsby", "nest",
    "strapi",
];

/// Recognizes a reloading dev server in a command's words; returns what it is.
pub fn dev_server(words: &[String]) -> Option<&'static str> {
    dev_server_at(words, 0)
}

fn dev_server_at(words: &[String], depth: usize) -> Option<&'static str> {
    if depth < 4 {
        if let Some(inner) = launched(words) {
            if let Some(what) = dev_server_at(inner, depth + 1) {
                return Some(what);
            }
        }
    }
    let has = |w: &str| {
        words
            .iter()
            .any(|x| x == w || x.starts_with(&format!("{w}=")))
    };
    let prog = words
        .first()
        .map(|p| p.rsplit('/').next().unwrap_or(p))
        .unwrap_or("");
    let sub = words.get(1).map(String::as_str).unwrap_or("");
    let script = if sub == "run" {
        words.get(2).map(String::as_str).unwrap_or("")
    } else {
        sub
    };
    match prog {
        "flask" if has("--reload") || has("--debug") => Some("flask with --reload/--debug"),
        "python" | "python3"
            if words.iter().any(|w| w == "flask") && (has("--reload") || has("--debug")) =>
        {
            Some("flask with --reload/--debug")
        }
        "python" | "python3"
            if words.iter().any(|w| w.ends_with("manage.py"))
                && words.iter().any(|w| w == "runserver") =>
        {
            Some("Django's runserver (auto-reloads)")
        }
        "uvicorn" | "hypercorn" if has("--reload") => Some("uvicorn --reload"),
        "gunicorn" if has("--reload") => Some("gunicorn --reload"),
        "fastapi" if sub == "dev" => Some("fastapi dev"),
        "nodemon" | "ts-node-dev" | "air" | "reflex" | "watchexec" | "entr" => {
            Some("a file-watching reloader")
        }
        "tsx" if sub == "watch" => Some("a file-watching reloader"),
        "node" | "bun" | "deno" if has("--watch") || has("--hot") => Some("a file-watching reloader"),
        "nest" if sub == "start" && has("--watch") => Some("a file-watching reloader"),
        "ng" if sub == "serve" => Some("the Angular dev server"),
        "react-scripts" if sub == "start" => Some("the create-react-app dev server"),
        "vue-cli-service" if sub == "serve" => Some("the Vue CLI dev server"),
        "parcel" if sub != "build" => Some("the parcel dev server"),
        "gatsby" | "strapi" if sub == "develop" => Some("a framework dev server"),
        "nuxi" if sub == "dev" => Some("a framework dev server"),
        "npm" | "yarn" | "pnpm" | "bun"
            if matches!(script, "dev" | "watch" | "start:dev" | "serve:dev") =>
        {
            Some("an npm dev script")
        }
        "vite" if sub.is_empty() || sub.starts_with('-') || sub == "dev" || sub == "serve" => {
            Some("the vite dev server")
        }
        "next" | "nuxt" | "astro" | "remix" if sub == "dev" => Some("a framework dev server"),
        "webpack" | "webpack-dev-server" if prog == "webpack-dev-server" || sub == "serve" => {
            Some("webpack-dev-server")
        }
        "rails" | "bin/rails"
            if matches!(sub, "s" | "server") && !words.iter().any(|w| w.contains("production")) =>
        {
            Some(RAILS_DEV)
        }
        "bundle"
            if words.iter().any(|w| w == "rails")
                && words.iter().any(|w| w == "s" || w == "server")
                && !words.iter().any(|w| w.contains("production")) =>
        {
            Some(RAILS_DEV)
        }
        "cargo" if sub == "watch" => Some("cargo watch"),
        "dotnet" if sub == "watch" => Some("dotnet watch"),
        "go" if sub == "run" => None,
        "mvn" | "mvnw" if words.iter().any(|w| w == "spring-boot:run") => Some("spring-boot:run"),
        "php" if has("-S") => Some("PHP's built-in dev server"),
        _ => None,
    }
}

const RAILS_DEV: &str = "rails server in development";

/// Whether the final image sets `RAILS_ENV`/`RACK_ENV` to something other
/// than `development` (in its stage or one it is built on): `rails server`
/// then runs without reloading.
fn rails_env_is_set(cx: &Ctx, stage: usize) -> bool {
    super::super::tip4::chain_of(cx, stage).iter().any(|&s| {
        cx.model.stage_steps(s).any(|step| match &cx.df.instructions[step.instruction].command {
            Command::Env { pairs } => pairs.iter().any(|p| {
                matches!(p.key.as_str(), "RAILS_ENV" | "RACK_ENV")
                    && !p.value.trim_matches(['"', '\'']).is_empty()
                    && !p.value.contains("development")
            }),
            _ => false,
        })
    })
}

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for (step, ins) in cx.final_steps() {
        let line = match &ins.command {
            Command::Cmd { command } | Command::Entrypoint { command } => command,
            _ => continue,
        };
        let commands = if line.shell {
            shell::commands(&line.args.join(" "))
        } else {
            vec![shell::SimpleCommand {
                words: line.args.clone(),
                assignments: Vec::new(),
            }]
        };
        let found = commands.iter().find_map(|c| {
            let words: Vec<String> = if matches!(c.program_name(), "sh" | "bash") {
                c.args().to_vec()
            } else {
                c.words.clone()
            };
            dev_server(&words)
        });
        let Some(what) = found else { continue };
        if what == RAILS_DEV && rails_env_is_set(cx, step.stage) {
            continue; // `ENV RAILS_ENV=production`: puma without reloading
        }
        let mut f = cx.finding(&META, ins.span, format!("{} runs {what}: each code edit needs a rebuild to reach it; bind-mount the code or use compose `develop.watch` while developing", ins.keyword));
        let (compose, run) = super::compose::generate(cx);
        f.fix = Some(Fix {
            title: format!("Add a compose.yaml that syncs the code into the container ({run})"),
            applicability: Applicability::Unsafe,
            edits: Vec::new(),
            files: vec![NewFile {
                path: "compose.yaml".into(),
                content: compose,
            }],
            commands: Default::default(),
        });
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::dev_server;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn pass_vectors() {
        for cmd in [
            "npx nodemon server.js",
            "npx -y nodemon index.js",
            "npx next dev",
            "npx vite --host",
            "yarn nodemon src/index.ts",
            "yarn next dev -p 3000",
            "yarn exec nodemon",
            "pnpm exec vite",
            "pnpm dlx nodemon app.js",
            "pnpm next dev",
            "bunx --bun vite",
            "bun x nodemon",
            "bun --hot server.ts",
            "npm exec -- nodemon app.js",
            "node --watch server.js",
            "npx tsx watch src/index.ts",
            "npx ng serve --host 0.0.0.0",
            "poetry run uvicorn app:app --reload",
            "uv run flask --debug run",
            "python -m uvicorn main:app --reload",
            "bundle exec rails server",
            "npx react-scripts start",
            "pnpm dev",
            "flask run --reload",
            "flask --debug run",
            "uvicorn main:app --reload",
            "npm run dev",
            "yarn dev",
            "nodemon server.js",
            "rails s -b 0.0.0.0",
            "python manage.py runserver 0.0.0.0:8000",
            "cargo watch -x run",
            "dotnet watch run",
            "vite",
        ] {
            assert!(dev_server(&w(cmd)).is_some(), "{cmd}");
        }
    }

    #[test]
    fn rails_in_production_is_no_dev_server() {
        use crate::simulate::BuildContext;
        use crate::{check, CheckOptions};
        let fires = |src: &str| {
            check(src, &BuildContext::default(), &CheckOptions { select: vec!["LL101".into()], no_savings: true, ..CheckOptions::default() })
                .findings
                .len()
        };
        assert_eq!(fires("FROM ruby:3.3\nCMD [\"./bin/rails\", \"server\"]\n"), 1);
        assert_eq!(fires("FROM ruby:3.3\nENV RAILS_ENV=development\nCMD [\"./bin/rails\", \"server\"]\n"), 1);
        assert_eq!(fires("FROM ruby:3.3 AS base\nENV RAILS_ENV=\"production\" BUNDLE_DEPLOYMENT=\"1\"\nFROM base\nCMD [\"./bin/rails\", \"server\"]\n"), 0);
        assert_eq!(fires("FROM node:20\nENV RAILS_ENV=production\nCMD [\"npx\", \"nodemon\", \"app.js\"]\n"), 1);
    }

    #[test]
    fn fail_vectors() {
        for cmd in [
            "flask run",
            "gunicorn app:app",
            "npm start",
            "node server.js",
            "uvicorn main:app",
            "rails s -e production",
            "python app.py",
            "npx prisma migrate deploy",
            "npx next start",
            "yarn start",
            "pnpm exec node dist/main.js",
            "npx serve -s build",
            "yarn next build",
            "poetry run gunicorn app:app",
            "python -m http.server",
            "npx parcel build index.html",
            "bun run server.ts",
            "node server.js",
        ] {
            assert!(dev_server(&w(cmd)).is_none(), "{cmd}");
        }
    }
}
