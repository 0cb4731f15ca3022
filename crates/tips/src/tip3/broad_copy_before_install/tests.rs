//! LL301's pass/fail vectors and the exact text of its fixes.

use crate::edit::Applicability;
use crate::simulate::BuildContext;
use crate::{check, CheckOptions, Finding};

fn ll301(src: &str, ctx: &BuildContext) -> Vec<Finding> {
    check(
        src,
        ctx,
        &CheckOptions {
            select: vec!["LL301".into()],
            no_savings: true,
            ..CheckOptions::default()
        },
    )
    .findings
}

fn fires(src: &str) -> bool {
    !ll301(src, &BuildContext::default()).is_empty()
}

/// The file after LL301's fixes alone.
fn fixed(src: &str, ctx: &BuildContext, unsafe_fixes: bool) -> String {
    crate::testing::fixed_alone(src, "LL301", ctx, unsafe_fixes)
}

#[test]
fn pass_vectors() {
    for src in [
        // Installs that only need manifests.
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n",
        "FROM python:3.12\nCOPY code code/\nRUN pip install -r code/requirements.txt\n",
        "FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN bundle install\n",
        "FROM composer:2\nCOPY . /app\nWORKDIR /app\nRUN composer install --no-dev\n",
        // Install and build in one command, or one RUN.
        "FROM rust:1.80\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n",
        "FROM maven:3\nWORKDIR /src\nCOPY . .\nRUN mvn -B package -DskipTests\n",
        "FROM maven:3\nCOPY src src\nCOPY pom.xml .\nRUN mvn verify\n",
        "FROM gradle:8\nCOPY . /home/gradle/src\nWORKDIR /home/gradle/src\nRUN gradle build --no-daemon\n",
        "FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN ./gradlew :app:bootJar\n",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /out\n",
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN poetry install --only main\n",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN uv sync --frozen\n",
        "FROM python:3.12\nADD . /moto/\nWORKDIR /moto/\nRUN pip install --editable \".[server]\"\n",
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN yarn install && yarn build\n",
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n",
        // The destination uses a variable.
        "FROM python:3.12\nENV APP_HOME /app\nWORKDIR $APP_HOME\nADD . $APP_HOME\nRUN pip install -r requirements.txt\n",
        // Several source folders before the install.
        "FROM python:3.12\nWORKDIR /app\nCOPY src src\nCOPY lib lib\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install\n",
        // The source is copied in a stage the install's stage is built on.
        "FROM node:20-slim AS base\nCOPY . /app\nWORKDIR /app\nFROM base AS prod-deps\nRUN pnpm install --prod --frozen-lockfile\nFROM base\nCOPY --from=prod-deps /app/node_modules /app/node_modules\n",
        // A build script on a build tool's image.
        "FROM maven:3-eclipse-temurin-21 AS builder\nCOPY . \"$BUILD_DIR\"\nRUN /opt/app/bin/build-app.sh \"$BUILD_DIR\"\n",
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN sh scripts/build.sh\n",
        // A prior install does not serve a later `npm ci`, which starts over.
        "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nCOPY . .\nRUN npm ci\n",
    ] {
        assert!(fires(src), "{src}");
    }
}

#[test]
fn fail_vectors() {
    for src in [
        // Manifests first.
        "FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n",
        // Dependency inputs are not source.
        "FROM node:20\nWORKDIR /app\nCOPY patches ./patches\nCOPY package.json pnpm-lock.yaml ./\nRUN pnpm install\n",
        "FROM rust:1.80\nCOPY vendor vendor\nCOPY recipe.json .\nRUN cargo chef cook --release\n",
        "FROM maven:3\nCOPY .mvn/wrapper .mvn/wrapper\nCOPY mvnw pom.xml ./\nRUN ./mvnw dependency:go-offline\n",
        "FROM ruby:3.3\nCOPY Gemfile* .ruby-version /app/\nRUN bundle install\n",
        "FROM ruby:3.3\nCOPY .ruby-version Gemfile Gemfile.lock UserGemfile ./\nRUN bundle install\n",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY *.csproj ./\nRUN dotnet restore\n",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY BTCPayServer/BTCPayServer.csproj BTCPayServer/\nRUN dotnet restore\n",
        // The dependencies were fetched before the source came in.
        "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app .\n",
        "FROM golang:1.22 AS modules\nCOPY go.mod go.sum /m/\nWORKDIR /m\nRUN go mod download\nFROM golang:1.22\nCOPY --from=modules /go/pkg /go/pkg\nCOPY . /app\nWORKDIR /app\nRUN go build .\n",
        "FROM rust:1.80\nCOPY recipe.json .\nRUN cargo chef cook --release\nCOPY . .\nRUN cargo build --release\n",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY App.csproj .\nRUN dotnet restore\nCOPY . .\nRUN dotnet publish -c Release -o /out\n",
        "FROM python:3.12\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root\nCOPY . .\nRUN poetry install\n",
        "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN pip install -e .\n",
        "FROM node:20\nCOPY pnpm-lock.yaml .\nRUN pnpm fetch\nCOPY ./packages/api .\nRUN pnpm install --offline\n",
        "FROM maven:3\nCOPY pom.xml .\nRUN mvn dependency:go-offline\nCOPY src src\nRUN mvn package\n",
        // Offline or no-restore builds download nothing.
        "FROM golang:1.22\nCOPY . .\nRUN go build -mod=vendor .\n",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet publish --no-restore\n",
        "FROM rust:1.80\nCOPY . .\nRUN cargo build --offline\n",
        // Builds that are no dependency steps.
        "FROM node:20\nCOPY package.json .\nRUN npm ci\nCOPY . .\nRUN npm run build\n",
        // A deep folder copied after the manifests, on purpose.
        "FROM node:20\nCOPY package.json pnpm-lock.yaml ./\nCOPY packages/definitions/src ./packages/definitions/src\nRUN pnpm install\n",
        // Tools by name.
        "FROM node:20\nCOPY . .\nRUN npm install -g pnpm\n",
        "FROM node:20\nCOPY . .\nRUN npm install --prefix /opt/tool simple-cdp@1.8.6\n",
        "FROM golang:1.22\nCOPY . .\nRUN go install golang.org/x/tools/gopls@latest\n",
        // A base stage with the manifests only.
        "FROM node:20-slim AS base\nWORKDIR /app\nCOPY package.json pnpm-lock.yaml ./\nFROM base AS deps\nRUN pnpm install\nCOPY . .\n",
        // Scripts elsewhere, or after the dependencies were fetched.
        "FROM node:20\nCOPY . .\nRUN ./build.sh\n",
        "FROM maven:3\nCOPY pom.xml .\nRUN mvn dependency:go-offline\nCOPY . .\nRUN ./build.sh\n",
        "FROM golang:1.22\nCOPY . .\nRUN ./run-tests.sh\n",
        // The project alone, without its dependencies.
        "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN pip install --no-deps .\n",
        "FROM python:3.12\nCOPY . .\nRUN poetry install --only-root\n",
        // Extension-less files are no source folders.
        "FROM ruby:3.3\nCOPY Gemfile Gemfile.lock Procfile ./\nRUN bundle install\n",
    ] {
        assert!(!fires(src), "{src}");
    }
}

#[test]
fn the_articles_subfolder_example_gets_its_split() {
    let src = "FROM python:3.12-slim\nWORKDIR /app\nCOPY code code/\nRUN pip install -r code/requirements.txt\nCMD [\"python\", \"code/app.py\"]\n";
    assert_eq!(
        fixed(src, &BuildContext::default(), false),
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY code/requirements.txt code/\nRUN pip install -r code/requirements.txt\nCOPY code code/\nCMD [\"python\", \"code/app.py\"]\n"
    );
}

#[test]
fn a_copy_in_a_base_stage_is_reported_once() {
    let src = "FROM node:20-slim AS base\nCOPY . /app\nWORKDIR /app\nFROM base AS prod-deps\nRUN pnpm install --prod --frozen-lockfile\nFROM base AS build\nRUN pnpm install --frozen-lockfile\nRUN pnpm run build\nFROM base\nCOPY --from=prod-deps /app/node_modules /app/node_modules\nCOPY --from=build /app/dist /app/dist\n";
    let f = ll301(src, &BuildContext::default());
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].start.line, 2);
    assert!(f[0].fix.is_none() && f[0].no_fix.is_some());
}

#[test]
fn a_variable_destination_is_kept_as_written() {
    let src = "FROM python:3.12\nENV APP_HOME /app\nWORKDIR $APP_HOME\nADD . $APP_HOME\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n";
    assert_eq!(
        fixed(src, &BuildContext::default(), false),
        "FROM python:3.12\nENV APP_HOME /app\nWORKDIR $APP_HOME\nADD requirements.txt $APP_HOME/\nRUN pip install -r requirements.txt\nADD . $APP_HOME\nCMD [\"python\", \"app.py\"]\n"
    );
}

#[test]
fn several_source_folders_move_together() {
    let src = "FROM python:3.12\nWORKDIR /app\nCOPY src src\nCOPY tests tests\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n";
    let f = ll301(src, &BuildContext::default());
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].labels.len(), 2);
    assert_eq!(
        fixed(src, &BuildContext::default(), false),
        "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY src src\nCOPY tests tests\n"
    );
}

#[test]
fn a_copy_to_an_absolute_path_moves_past_workdir() {
    let src = "FROM node:20\nCOPY . /app\nWORKDIR /app\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n";
    assert_eq!(
        fixed(src, &BuildContext::default(), false),
        "FROM node:20\nCOPY package.json package-lock.json* npm-shrinkwrap.json* /app/\nWORKDIR /app\nRUN npm ci\nCOPY . /app\nCMD [\"node\", \"server.js\"]\n"
    );
}

#[test]
fn dependency_layers_per_ecosystem() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "golang:1.22",
            "go build -o /bin/app .",
            "COPY go.mod go.sum* ./\nRUN go mod download\n",
        ),
        (
            "rust:1.80",
            "cargo build --release",
            "COPY Cargo.toml Cargo.lock* ./\nRUN mkdir src && touch src/main.rs && cargo fetch && rm -r src\n",
        ),
        (
            "maven:3",
            "mvn -B package -DskipTests",
            "COPY pom.xml ./\nRUN mvn -B dependency:go-offline\n",
        ),
        (
            "eclipse-temurin:21-jdk",
            "./mvnw -B package",
            "COPY pom.xml mvnw ./\nCOPY .mvn .mvn/\nRUN ./mvnw -B dependency:go-offline\n",
        ),
        (
            "gradle:8",
            "gradle build --no-daemon",
            "COPY build.gradle* settings.gradle* gradle.properties* ./\nRUN gradle dependencies --no-daemon\n",
        ),
        (
            "mcr.microsoft.com/dotnet/sdk:8.0",
            "dotnet publish -c Release -o /out",
            "COPY *.csproj ./\nRUN dotnet restore\n",
        ),
        (
            "mcr.microsoft.com/dotnet/sdk:8.0",
            "dotnet publish src/Api/Api.csproj -c Release -o /out",
            "COPY src/Api/Api.csproj src/Api/\nRUN dotnet restore src/Api/Api.csproj\n",
        ),
        (
            "python:3.12",
            "poetry install --only main",
            "COPY pyproject.toml poetry.lock* ./\nRUN poetry install --only main --no-root\n",
        ),
        (
            "python:3.12",
            "uv sync --frozen --no-dev",
            "COPY pyproject.toml uv.lock* ./\nRUN uv sync --frozen --no-dev --no-install-project\n",
        ),
    ];
    for (image, build, layer) in cases {
        let src = format!("FROM {image}\nWORKDIR /src\nCOPY . .\nRUN {build}\nCMD [\"run\"]\n");
        let f = &ll301(&src, &BuildContext::default())[0];
        assert_eq!(
            f.fix.as_ref().map(|x| x.applicability),
            Some(Applicability::Unsafe),
            "{build}"
        );
        assert!(fixed(&src, &BuildContext::default(), false) == src, "{build}: applied as safe");
        assert_eq!(
            fixed(&src, &BuildContext::default(), true),
            format!("FROM {image}\nWORKDIR /src\n{layer}COPY . .\nRUN {build}\nCMD [\"run\"]\n"),
            "{build}"
        );
    }
}

#[test]
fn an_install_moves_out_of_the_run_that_builds() {
    let src = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN yarn install --frozen-lockfile && yarn build\nCMD [\"node\", \"dist/server.js\"]\n";
    assert_eq!(
        fixed(src, &BuildContext::default(), true),
        "FROM node:20\nWORKDIR /app\nCOPY package.json yarn.lock* .yarnrc.yml* ./\nRUN yarn install --frozen-lockfile\nCOPY . .\nRUN yarn build\nCMD [\"node\", \"dist/server.js\"]\n"
    );
    // With the tool it needs, and into the install's folder.
    let src = "FROM python:3.12\nCOPY . /app\nWORKDIR /app\nRUN pip install --upgrade pip && \\\n    pip install -r requirements.txt && \\\n    pip install .\n";
    assert_eq!(
        fixed(src, &BuildContext::default(), true),
        "FROM python:3.12\nCOPY requirements.txt /app/\nRUN cd /app && pip install --upgrade pip && pip install -r requirements.txt\nCOPY . /app\nWORKDIR /app\nRUN pip install .\n"
    );
}

#[test]
fn a_manifest_copied_later_is_copied_first() {
    let src = "FROM maven:3\nWORKDIR /src\nCOPY modules/a modules/a\nCOPY modules/b modules/b\nCOPY pom.xml ./\nRUN mvn package\n";
    assert_eq!(
        fixed(src, &BuildContext::default(), true),
        "FROM maven:3\nWORKDIR /src\nCOPY pom.xml ./\nRUN mvn -B dependency:go-offline\nCOPY modules/a modules/a\nCOPY modules/b modules/b\nCOPY pom.xml ./\nRUN mvn package\n"
    );
}

#[test]
fn an_install_run_that_reads_the_source_is_not_split() {
    // Moving the COPY after this RUN would break collectstatic: the
    // install moves out instead (unsafe), or there is no fix.
    let src = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt && python manage.py collectstatic --noinput\n";
    assert_eq!(fixed(src, &BuildContext::default(), false), src);
    assert_eq!(
        fixed(src, &BuildContext::default(), true),
        "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\nRUN python manage.py collectstatic --noinput\n"
    );
    for src in [
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN cd web && npm ci\n",
        "FROM debian\nWORKDIR /app\nCOPY . .\nRUN apt-get install -y ./pkg.deb && pip install -r requirements.txt\n",
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && rm -rf test\n",
    ] {
        let f = &ll301(src, &BuildContext::default())[0];
        assert!(f.fix.as_ref().is_none_or(|x| x.applicability == Applicability::Unsafe), "{src}");
    }
    // Cleaning caches is fine.
    let src = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && rm -rf /root/.npm\n";
    assert_eq!(
        ll301(src, &BuildContext::default())[0].fix.as_ref().map(|x| x.applicability),
        Some(Applicability::Safe)
    );
}

#[test]
fn a_cache_mount_goes_with_the_fetch() {
    let src = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod go build -o /app .\n";
    assert_eq!(
        fixed(src, &BuildContext::default(), true),
        "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum* ./\nRUN --mount=type=cache,target=/go/pkg/mod go mod download\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod go build -o /app .\n"
    );
}

#[test]
fn findings_without_a_fix_say_why() {
    let cases: &[(&str, &str)] = &[
        (
            "FROM python:3.12\nCOPY . .\nRUN pip install .\n",
            "no dependency-only form",
        ),
        (
            "FROM node:20\nCOPY . .\nRUN ./generate.sh\nRUN npm ci\n",
            "may read the copied files",
        ),
        (
            "FROM python:3.12\nCOPY . .\nRUN UV=uv; $UV sync\n",
            "named by a variable",
        ),
        (
            "FROM node:20\nCOPY . .\nRUN cd web && npm ci && npm run build\n",
            "runs before",
        ),
        (
            "FROM golang:1.22\nCOPY . .\nRUN ./build.sh\n",
            "is a build script",
        ),
    ];
    for (src, why) in cases {
        let f = &ll301(src, &BuildContext::default())[0];
        assert!(f.fix.is_none(), "{src}");
        let reason = f.no_fix.as_deref().unwrap_or("");
        assert!(reason.contains(why), "{src}: {reason}");
    }
    // A known context without the manifest: the CLI's folder is not the
    // build context.
    let ctx = BuildContext {
        files: Some(vec!["app.py".into(), "Dockerfile".into()]),
        dockerignore: None,
    };
    let f = &ll301("FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n", &ctx)[0];
    assert_eq!(
        f.no_fix.as_deref(),
        Some("`requirements.txt` is not in the build context; pass --context with the folder that holds it")
    );
}

#[test]
fn a_known_node_modules_makes_the_split_unsafe() {
    let src = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
    let mut ctx = BuildContext {
        files: Some(vec!["package.json".into(), "node_modules/x/index.js".into(), "server.js".into()]),
        dockerignore: None,
    };
    let f = &ll301(src, &ctx)[0];
    assert_eq!(f.fix.as_ref().map(|x| x.applicability), Some(Applicability::Unsafe));
    ctx.dockerignore = Some("node_modules\n".into());
    let f = &ll301(src, &ctx)[0];
    assert_eq!(f.fix.as_ref().map(|x| x.applicability), Some(Applicability::Safe));
}

#[test]
fn a_split_is_safe_only_for_one_project() {
    let safety = |src: &str, files: Option<&[&str]>| {
        let ctx = BuildContext {
            files: files.map(|f| f.iter().map(|s| s.to_string()).collect()),
            dockerignore: None,
        };
        ll301(src, &ctx)[0].fix.as_ref().map(|f| f.applicability)
    };
    let dotnet = "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet restore\n";
    assert_eq!(safety(dotnet, Some(&["Api.csproj", "Program.cs"])), Some(Applicability::Safe));
    assert_eq!(safety(dotnet, None), Some(Applicability::Unsafe));
    assert_eq!(
        safety(dotnet, Some(&["App.sln", "Api.csproj", "Core/Core.csproj"])),
        Some(Applicability::Unsafe)
    );
    let maven = "FROM maven:3\nWORKDIR /src\nCOPY . .\nRUN mvn dependency:go-offline\n";
    assert_eq!(safety(maven, Some(&["pom.xml", "src/Main.java"])), Some(Applicability::Safe));
    assert_eq!(safety(maven, Some(&["pom.xml", "core/pom.xml"])), Some(Applicability::Unsafe));
    let cargo = "FROM rust:1\nWORKDIR /src\nCOPY . .\nRUN cargo fetch\n";
    assert_eq!(safety(cargo, Some(&["Cargo.toml", "src/main.rs"])), Some(Applicability::Unsafe));
    let npm = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
    assert_eq!(safety(npm, None), Some(Applicability::Safe));
    assert_eq!(
        safety(npm, Some(&["package.json", "packages/a/package.json"])),
        Some(Applicability::Unsafe)
    );
}

#[test]
fn every_fix_keeps_the_text_contract() {
    let srcs = [
        "FROM python:3.12\nCOPY . /app\nWORKDIR /app\nRUN pip install --upgrade pip && \\\n    pip install -r requirements.txt && \\\n    pip install .\n",
        "FROM node:20\r\nWORKDIR /app\r\nCOPY . .\r\nRUN yarn install && yarn build\r\n",
        "# escape=`\nFROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build `\n    -o /app .\n",
        "FROM python:3.12\nWORKDIR /app\nCOPY src src\nCOPY tests tests\nCOPY requirements.txt .\nRUN pip install -r requirements.txt",
    ];
    for src in srcs {
        for f in ll301(src, &BuildContext::default()) {
            let fix = f.fix.expect("a fix");
            crate::edit::invariants::check_fix(src, &fix).unwrap_or_else(|e| panic!("{src}: {e}"));
        }
    }
}
