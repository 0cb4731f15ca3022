//! ## What it does
//! Finds build toolchains left in the final stage: compilers and `-dev`
//! headers installed with the system package manager (`build-essential`,
//! `gcc`, `g++`, `make`, `*-dev`, `*-devel`), or a final stage that compiles
//! the project on a full SDK image (`golang`, `rust`, `maven`, `gradle`,
//! `mcr.microsoft.com/dotnet/sdk`, …).
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
//!
//! ## Fix safety
//! No automatic fix: which files the app needs at run time cannot be known
//! from the Dockerfile. The message suggests the multi-stage layout.

use super::super::{Ctx, Finding, RuleMeta};
use crate::model::{Action, StepKind};

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
const SDK_IMAGES: &[&str] = &[
    "golang",
    "rust",
    "maven",
    "gradle",
    "openjdk",
    "eclipse-temurin",
    "mcr.microsoft.com/dotnet/sdk",
    "node",
];

pub fn check(cx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(final_stage) = cx.final_stage() else {
        return out;
    };
    let stage = &cx.model.stages[final_stage];
    let steps: Vec<&crate::model::Step> = cx.model.stage_steps(final_stage).collect();
    for step in &steps {
        for op in step
            .packages
            .iter()
            .filter(|o| o.manager.is_system() && o.action == Action::Install)
        {
            let tools: Vec<&String> = op
                .packages
                .iter()
                .filter(|p| {
                    let n = p.split(['=', ':']).next().unwrap_or(p);
                    TOOLCHAIN_PACKAGES.contains(&n) || n.ends_with("-dev") || n.ends_with("-devel")
                })
                .collect();
            if tools.is_empty() {
                continue;
            }
            let ins = &cx.df.instructions[step.instruction];
            let list: Vec<&str> = tools.iter().map(|s| s.as_str()).collect();
            out.push(cx.finding(&META, ins.span, format!("the final image keeps build tools ({}): build in a separate stage and copy only the result, or remove them in the same RUN", list.join(", "))));
        }
    }
    // Compiling on an SDK base in the final stage.
    let image = stage.image.as_deref().unwrap_or("");
    let repo = image
        .split(':')
        .next()
        .unwrap_or("")
        .trim_start_matches("docker.io/")
        .trim_start_matches("library/");
    let sdk = SDK_IMAGES.iter().any(|s| repo == *s) && !image.contains("alpine")
        || repo == "mcr.microsoft.com/dotnet/sdk";
    let compiles = steps.iter().find(|s| {
        s.kind == StepKind::Layer
            && s.packages
                .iter()
                .any(|o| o.action == Action::Build && o.manager.ecosystem() != "node")
    });
    if let (true, Some(step), true) = (
        sdk,
        compiles,
        cx.model.stages.len() == 1 || stage.base_stage.is_none(),
    ) {
        let ins = &cx.df.instructions[step.instruction];
        out.push(cx.finding(&META, ins.span, format!("the project is compiled in the final stage on `{image}`, so the whole SDK ships with it: compile in a build stage and copy the output into a slim runtime image")));
    }
    out
}
