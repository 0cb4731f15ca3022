//! ## What it does
//! Finds build toolchains left in the final image: compilers and `-dev`
//! headers installed with the system package manager (`build-essential`,
//! `gcc`, `g++`, `make`, `*-dev`, `*-devel`) in the final stage or in a
//! stage it is built `FROM`, and a final image that runs on a full SDK
//! (`golang`, `rust`, `maven`, `gradle`, `mcr.microsoft.com/dotnet/sdk`) or
//! on a JDK where a JRE would run the application (`eclipse-temurin:21`,
//! `eclipse-temurin:21-jdk`, `openjdk`, `tomcat:…-jdk…`), when the image
//! is an application's (it compiles, copies the project, or has a `CMD` or
//! `ENTRYPOINT`; an image of tools for CI tasks is left alone).
//!
//! Build packages a `RUN` installs and removes again in the same `RUN` do
//! not count: `apk add --virtual .build-deps … && apk del .build-deps`,
//! `apk add build-base … && apk del build-base`, `apt-get purge`, and the
//! official images' `apt-mark auto '.*'` … `apt-get purge --auto-remove`.
//!
//! ## Why it slows the build
//! Toolchains are hundreds of MB: every rebuild of that step installs them
//! again, and every deploy pulls them although the running app never
//! compiles anything. A multi-stage build compiles in a `build` stage and
//! copies only the result into a slim runtime stage.
//!
//! ## Example
//! ❌ Bad
//! ```dockerfile
//! FROM golang:1.22
//! WORKDIR /src
//! COPY . .
//! RUN go build -o /bin/app .
//! CMD ["/bin/app"]
//! ```
//! ✅ Good
//! ```dockerfile
//! FROM golang:1.22 AS build
//! WORKDIR /src
//! COPY . .
//! RUN go build -o /bin/app .
//!
//! FROM gcr.io/distroless/static-debian12
//! COPY --from=build /bin/app /bin/app
//! CMD ["/bin/app"]
//! ```
//! ✅ Good: the build packages leave with the `RUN` that used them
//! ```dockerfile
//! FROM python:3.12-alpine
//! COPY requirements.txt .
//! RUN apk add --no-cache --virtual .build-deps gcc musl-dev \
//!     && pip install --no-cache-dir -r requirements.txt \
//!     && apk del .build-deps
//! ```
//!
//! ## Fix safety
//! No automatic fix: which files the app needs at run time cannot be known
//! from the Dockerfile. The message suggests the multi-stage layout.

use super::super::{Ctx, Finding, RuleMeta};
use crate::model::shell::{commands, SimpleCommand};
use crate::model::{Action, PackageOp, Step, StepKind};
use crate::syntax::Command;

pub const META: RuleMeta = RuleMeta {
    code: "LL405",
    name: "toolchain-in-final-stage",
    tip: 4,
    summary: "Compilers or SDKs stay in the final image: use a multi-stage build",
};

const TOOLCHAIN_PACKAGES: &[&str] = &[
    "build-essential",
    "gcc",
    "g++",
    "make",
    "cmake",
    "clang",
    "build-base",
    "alpine-sdk",
    "gcc-c++",
    "automake",
    "autoconf",
    "libtool",
    "pkg-config",
    "pkgconf",
];

/// Images that are a language's whole toolchain.
const SDK_IMAGES: &[&str] = &[
    "golang",
    "rust",
    "maven",
    "gradle",
    "gcc",
    "mcr.microsoft.com/dotnet/sdk",
    "mcr.microsoft.com/dotnet/core/sdk",
];

/// Java images whose default is a JDK; a tag naming `jre` is a runtime.
const JDK_IMAGES: &[&str] = &[
    "openjdk",
    "eclipse-temurin",
    "amazoncorretto",
    "sapmachine",
    "tomcat",
    "jetty",
    "azul/zulu-openjdk",
    "azul/zulu-openjdk-alpine",
    "azul/zulu-openjdk-debian",
    "bellsoft/liberica-openjdk-debian",
    "bellsoft/liberica-openjdk-alpine",
];

fn is_toolchain(pkg: &str) -> bool {
    let n = pkg.split(['=', ':']).next().unwrap_or(pkg);
    TOOLCHAIN_PACKAGES.contains(&n) || n.ends_with("-dev") || n.ends_with("-devel")
}

/// The repository and tag of an image reference (`docker.io/library/`
/// and a digest dropped).
pub fn repo_tag(image: &str) -> (&str, &str) {
    // The model keeps an ARG default's quotes (`ARG BASE="x:1"`).
    let image = image.trim_matches(['"', '\'']);
    let image = image.split('@').next().unwrap_or(image);
    let image = image
        .trim_start_matches("docker.io/")
        .trim_start_matches("index.docker.io/")
        .trim_start_matches("library/");
    match image.rfind(':') {
        Some(i) if !image[i..].contains('/') => (&image[..i], &image[i + 1..]),
        _ => (image, ""),
    }
}

/// The build tool an SDK image brings (`maven:3` → Maven, `golang` → Go),
/// when it is one.
pub fn build_tool_image(image: &str) -> Option<crate::model::Manager> {
    use crate::model::Manager;
    let (repo, _) = repo_tag(image);
    Some(match repo {
        "maven" => Manager::Maven,
        "gradle" => Manager::Gradle,
        "golang" => Manager::Go,
        "rust" => Manager::Cargo,
        "mcr.microsoft.com/dotnet/sdk" | "mcr.microsoft.com/dotnet/core/sdk" => Manager::Dotnet,
        _ => return None,
    })
}

/// What kind of SDK `image` is, if it is one.
fn sdk(image: &str) -> Option<&'static str> {
    let (repo, tag) = repo_tag(image);
    let tag = tag.to_ascii_lowercase();
    if SDK_IMAGES.contains(&repo) {
        return Some("sdk");
    }
    let java = JDK_IMAGES.contains(&repo) || repo == "ibm-semeru-runtimes";
    let jdk = if repo == "ibm-semeru-runtimes" {
        tag.contains("jdk")
    } else {
        !tag.contains("jre")
    };
    (java && jdk).then_some("jdk")
}

/// The packages a RUN removes again itself: `apk del` of packages or of a
/// `--virtual` group, `apt-get purge`/`remove`, `dnf`/`yum remove`, and
/// everything apt installed when it marks all packages automatic
/// (`apt-mark auto`) and then auto-removes. `None` in the last case.
fn removed_in_run(cmds: &[SimpleCommand]) -> Option<Vec<String>> {
    let mut removed = Vec::new();
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    let mut marked_auto = false;
    for c in cmds {
        let name = c.program_name();
        let args = c.args();
        let sub = args
            .iter()
            .find(|a| !a.starts_with('-'))
            .map(String::as_str)
            .unwrap_or("");
        let names = || -> Vec<String> {
            let mut out = Vec::new();
            let mut skip = false;
            for a in args.iter().skip_while(|a| a.as_str() != sub).skip(1) {
                if skip {
                    skip = false;
                } else if a == "-o" || a == "--option" {
                    skip = true;
                } else if !a.starts_with('-') {
                    out.push(a.clone());
                }
            }
            out
        };
        match (name, sub) {
            ("apk", "add") => {
                let mut group = None;
                let mut it = args.iter();
                while let Some(a) = it.next() {
                    if a == "--virtual" || a == "-t" {
                        group = it.next().cloned();
                    } else if let Some(v) = a.strip_prefix("--virtual=") {
                        group = Some(v.to_string());
                    }
                }
                if let Some(g) = group {
                    let pkgs: Vec<String> = names().into_iter().filter(|p| *p != g).collect();
                    groups.push((g, pkgs));
                }
            }
            ("apk", "del") => {
                for n in names() {
                    match groups.iter().find(|g| g.0 == n) {
                        Some(g) => removed.extend(g.1.iter().cloned()),
                        None => removed.push(n),
                    }
                }
            }
            ("apt-mark", "auto") => marked_auto = true,
            ("apt-get" | "apt" | "aptitude", "purge" | "remove" | "autoremove") => {
                let auto = sub == "autoremove"
                    || args
                        .iter()
                        .any(|a| a == "--auto-remove" || a == "--autoremove");
                if auto && marked_auto {
                    return None;
                }
                removed.extend(names());
            }
            ("dnf" | "yum" | "microdnf", "remove" | "erase") => removed.extend(names()),
            _ => {}
        }
    }
    Some(removed)
}

/// The toolchain packages `op` leaves in the image, given what its RUN
/// removes again (`None`: everything).
fn kept_tools<'a>(op: &'a PackageOp, removed: &Option<Vec<String>>) -> Vec<&'a str> {
    let Some(removed) = removed else {
        return Vec::new();
    };
    op.packages
        .iter()
        .map(String::as_str)
        .filter(|p| is_toolchain(p) && !removed.iter().any(|r| r == p))
        .collect()
}

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let chain = super::final_chain(cx);
    let Some(&final_stage) = chain.first() else {
        return out;
    };
    let final_name = cx.model.stages[final_stage]
        .name
        .clone()
        .unwrap_or_else(|| final_stage.to_string());
    for &st in chain.iter().rev() {
        for step in cx.model.stage_steps(st) {
            let mut removed: Option<Option<Vec<String>>> = None;
            for op in step
                .packages
                .iter()
                .filter(|o| o.manager.is_system() && o.action == Action::Install)
            {
                if !op.packages.iter().any(|p| is_toolchain(p)) {
                    continue;
                }
                let ins = &cx.df.instructions[step.instruction];
                let removed = removed.get_or_insert_with(|| {
                    removed_in_run(&commands(&super::super::util::run_script(ins)))
                });
                let tools = kept_tools(op, removed);
                if tools.is_empty() {
                    continue;
                }
                let whose = if st == final_stage {
                    "the final image".to_string()
                } else {
                    let name = cx.model.stages[st]
                        .name
                        .clone()
                        .unwrap_or_else(|| st.to_string());
                    format!("stage `{name}`, which the final stage `{final_name}` is built on,")
                };
                let mut f = cx.finding(&META, ins.span, format!("{whose} keeps build tools ({}): build in a separate stage and copy only the result, or remove them in the same RUN", tools.join(", ")));
                f.no_fix = Some(NO_FIX_TOOLS.to_string());
                out.push(f);
            }
        }
    }
    // The final image runs on an SDK.
    let root = *chain.last().expect("non-empty");
    let image = cx.model.stages[root].image.as_deref().unwrap_or("");
    if let Some(kind) = sdk(image) {
        let steps: Vec<&Step> = chain
            .iter()
            .rev()
            .flat_map(|&s| cx.model.stage_steps(s))
            .collect();
        let compiles = steps.iter().find(|s| {
            s.kind == StepKind::Layer
                && s.packages
                    .iter()
                    .any(|o| o.action == Action::Build && o.manager.ecosystem() != "node")
        });
        // An application image: it compiles, copies the project in, or
        // runs something (an image of tools for CI tasks does none).
        let app = compiles.is_some()
            || steps.iter().any(|s| {
                let ins = &cx.df.instructions[s.instruction];
                matches!(ins.command, Command::Cmd { .. } | Command::Entrypoint { .. })
                    || s.inputs.sources.iter().any(|src| {
                        matches!(src, crate::model::Source::Context { path } if crate::model::cost::is_source_tree(path))
                    })
            });
        if !app {
            return out;
        }
        let from = &cx.df.instructions[cx.df.stages[root].from];
        let mut f = match (kind, compiles) {
            ("jdk", _) => cx.finding(&META, from.span, format!("the final image runs on `{image}`, a JDK: the compiler and tools ship with the app, where a JRE image (a `-jre` tag, or distroless java) runs it; build in a separate stage if it compiles here")),
            (_, Some(step)) => cx.finding(&META, cx.df.instructions[step.instruction].span, format!("the project is compiled in the final stage on `{image}`, so the whole SDK ships with it: compile in a build stage and copy the output into a slim runtime image")),
            (_, None) => cx.finding(&META, from.span, format!("the final image runs on `{image}`, a full SDK: copy the built program into a slim runtime image instead")),
        };
        f.no_fix = Some(NO_FIX_SDK.to_string());
        out.push(f);
    }
    out
}

/// Why a kept toolchain has no fix (shown with the finding).
const NO_FIX_TOOLS: &str = "which later steps still need the tools cannot be known from the Dockerfile: remove them in the RUN that uses them (`apt-get purge --auto-remove`, `apk del`), or build in a stage of its own";
/// Why an SDK base has no fix.
const NO_FIX_SDK: &str = "which files the app needs at run time cannot be known from the Dockerfile: build in a stage of its own and copy them into a runtime image";

#[cfg(test)]
mod tests {
    use crate::simulate::BuildContext;
    use crate::{check, CheckOptions};

    fn fires(src: &str) -> bool {
        check(
            src,
            &BuildContext::default(),
            &CheckOptions {
                select: vec!["LL405".into()],
                no_savings: true,
                ..CheckOptions::default()
            },
        )
        .findings
        .iter()
        .any(|f| f.code == "LL405")
    }

    #[test]
    fn pass_vectors() {
        for src in [
            "FROM debian\nRUN apt-get update && apt-get install -y build-essential\n",
            "FROM python:3.12-slim\nRUN apt-get install -y --no-install-recommends libpq-dev\n",
            // A production stage built on a development stage.
            "FROM python:3.12 AS dev\nRUN apt-get install -y gcc\nFROM dev AS prod\nCMD [\"app\"]\n",
            // Removes something else.
            "FROM alpine\nRUN apk add --virtual .deps gcc && apk add make && apk del .deps\n",
            // SDK and JDK images as the runtime.
            "FROM maven:3-eclipse-temurin-11-alpine\nCOPY . .\nRUN mvn package\n",
            "FROM golang:1.22-alpine\nCOPY --from=build /app /app\nCMD [\"/app\"]\n",
            "FROM gcc:13\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n",
            "FROM rust:alpine\nCOPY . .\nRUN cargo build --release\n",
            "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet publish -o /out\n",
            "FROM maven AS b\nRUN mvn package\nFROM eclipse-temurin:21-jdk\nCOPY --from=b /x.jar /x.jar\nCMD [\"java\", \"-jar\", \"/x.jar\"]\n",
            "FROM eclipse-temurin:17\nCOPY app.jar /app.jar\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n",
            "ARG TOMCAT_JRE=jdk21\nFROM tomcat:9-${TOMCAT_JRE}\nCOPY --from=b /app /app\nCMD [\"catalina.sh\", \"run\"]\n",
            "ARG BASE_IMAGE=\"azul/zulu-openjdk:25\"\nFROM $BASE_IMAGE AS cas\nENTRYPOINT [\"java\", \"-jar\", \"cas.war\"]\n",
        ] {
            assert!(fires(src), "{src}");
        }
    }

    #[test]
    fn fail_vectors() {
        for src in [
            "FROM golang:1.22 AS build\nRUN go build\nFROM gcr.io/distroless/static\nCOPY --from=build /a /a\n",
            "FROM debian\nRUN apt-get install -y --no-install-recommends curl\n",
            // Added and removed in the same RUN.
            "FROM alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install x && apk del .build-deps\n",
            "FROM alpine\nRUN apk add --no-cache build-base && make && apk del build-base\n",
            "FROM alpine\nRUN apk add -t .deps gcc && make && apk del --no-network .deps\n",
            "FROM debian\nRUN apt-get update && apt-get install -y gcc make && make && apt-get purge -y --auto-remove gcc make\n",
            "FROM debian\nRUN savedAptMark=\"$(apt-mark showmanual)\" && apt-get install -y gcc libc6-dev && make && apt-mark auto '.*' > /dev/null && apt-mark manual $savedAptMark && apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false\n",
            // Build stages that the final image does not start from.
            "FROM debian AS build\nRUN apt-get install -y build-essential\nFROM debian\nCOPY --from=build /a /a\n",
            "FROM eclipse-temurin:21-jre\nCOPY app.jar /app.jar\n",
            "FROM tomcat:9-jre21\n",
            "FROM ibm-semeru-runtimes:open-17-jre\n",
            "FROM node:20\nRUN npm ci && npm run build\n",
            // A toolchain image for CI tasks runs nothing of an application.
            "FROM golang:1.22-alpine AS base\nFROM base AS lint\nRUN golangci-lint run\n",
            "FROM buildpack-deps:bookworm\nRUN ./configure && make\nCMD [\"python3\"]\n",
        ] {
            assert!(!fires(src), "{src}");
        }
    }
}
