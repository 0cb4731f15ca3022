//! Regression tests for the fix bugs of issue 11 (F1–F5), each built from
//! its reproducer: the exact optimized text, and the fix contract on every
//! fix offered for it (`fix::invariants`).

use layerlab_core::fix::invariants::{check_fix, check_optimized};
use layerlab_core::fix::optimize::OptimizeOptions;
use layerlab_core::simulate::BuildContext;
use layerlab_core::tips::{check, CheckOptions};

/// Optimizes `src` (safe fixes, or all with `unsafe_fixes`), checks the
/// contract on every offered fix and on the run, and returns the text.
fn fixed(src: &str, unsafe_fixes: bool) -> String {
    let ctx = BuildContext::default();
    let report = check(
        src,
        &ctx,
        &CheckOptions {
            no_savings: true,
            ..CheckOptions::default()
        },
    );
    for f in &report.findings {
        if let Some(fix) = &f.fix {
            check_fix(src, fix).unwrap_or_else(|e| panic!("{} ({}): {e}", f.code, fix.title));
        }
    }
    let opts = OptimizeOptions {
        unsafe_fixes,
        ..OptimizeOptions::default()
    };
    check_optimized(src, &ctx, &opts)
        .unwrap_or_else(|e| panic!("{e}"))
        .text
}

/// F1: LL503 removes `rm -rf /var/lib/apt/lists/*` and nothing after it (`wget x; tar y; echo a` stay).
#[test]
fn f1_semicolons() {
    let src = r#"FROM debian
RUN apt-get update; apt-get install -y --no-install-recommends make; rm -rf /var/lib/apt/lists/*; wget x; tar y; echo a && echo b
"#;
    let want = r#"# syntax=docker/dockerfile:1
FROM debian
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache; \
    apt-get update; apt-get install -y --no-install-recommends make; wget x; tar y; echo a && echo b
"#;
    assert_eq!(fixed(src, false), want);
}

/// F1, with the cache mounts already there: only LL503's own command goes.
#[test]
fn f1_cache_mounted() {
    let src = r#"FROM debian
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update; apt-get install -y --no-install-recommends make; rm -rf /var/lib/apt/lists/*; wget x; tar y; echo a && echo b
"#;
    let want = r#"# syntax=docker/dockerfile:1
FROM debian
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update; apt-get install -y --no-install-recommends make; wget x; tar y; echo a && echo b
"#;
    assert_eq!(fixed(src, false), want);
}

/// F2: the comment line inside the RUN stays, and no two lines are joined.
#[test]
fn f2_comment_kept() {
    let src = r#"FROM debian
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    # use pre-existing gpg directory
    && export GNUPGHOME="$(mktemp -d)" \
    && echo done
"#;
    let want = r#"# syntax=docker/dockerfile:1
FROM debian
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache; \
    apt-get update && apt-get install -y --no-install-recommends curl \
    # use pre-existing gpg directory
    && export GNUPGHOME="$(mktemp -d)" \
    && echo done
"#;
    assert_eq!(fixed(src, false), want);
}

/// F3: fourteen installs after one `COPY . .` are served by one fix, so one run reaches the fixed point (a second changes nothing: `check_optimized`).
#[test]
fn f3_fourteen_installs() {
    let src = r#"FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements0.txt
RUN pip install -r requirements1.txt
RUN pip install -r requirements2.txt
RUN pip install -r requirements3.txt
RUN pip install -r requirements4.txt
RUN pip install -r requirements5.txt
RUN pip install -r requirements6.txt
RUN pip install -r requirements7.txt
RUN pip install -r requirements8.txt
RUN pip install -r requirements9.txt
RUN pip install -r requirements10.txt
RUN pip install -r requirements11.txt
RUN pip install -r requirements12.txt
RUN pip install -r requirements13.txt
"#;
    let want = r#"# syntax=docker/dockerfile:1
FROM python:3.12-slim
WORKDIR /app
COPY requirements0.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements0.txt
COPY requirements1.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements1.txt
COPY requirements2.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements2.txt
COPY requirements3.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements3.txt
COPY requirements4.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements4.txt
COPY requirements5.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements5.txt
COPY requirements6.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements6.txt
COPY requirements7.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements7.txt
COPY requirements8.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements8.txt
COPY requirements9.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements9.txt
COPY requirements10.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements10.txt
COPY requirements11.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements11.txt
COPY requirements12.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements12.txt
COPY requirements13.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements13.txt
COPY . .
"#;
    assert_eq!(fixed(src, false), want);
}

/// F4: with `# escape=`` ` ``, inserted line breaks use the backquote; `--unsafe` applies its fixes too.
#[test]
fn f4_backtick_escape() {
    let src = r#"# escape=`
FROM debian
RUN apt-get update && `
    apt-get install -y --no-install-recommends curl && `
    rm -rf /var/lib/apt/lists/*
COPY . .
RUN pip install -r requirements.txt
"#;
    let want = r#"# syntax=docker/dockerfile:1
# escape=`
FROM debian
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked `
    --mount=type=cache,target=/var/lib/apt,sharing=locked `
    rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache; `
    apt-get update && `
    apt-get install -y --no-install-recommends curl
COPY requirements.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
COPY . .
"#;
    assert_eq!(fixed(src, false), want);
}

/// F4: with `# escape=`` ` ``, inserted line breaks use the backquote; `--unsafe` applies its fixes too.
#[test]
fn f4_backtick_escape_unsafe() {
    let src = r#"# escape=`
FROM debian
RUN apt-get update && `
    apt-get install -y --no-install-recommends curl && `
    rm -rf /var/lib/apt/lists/*
COPY . .
RUN pip install -r requirements.txt
"#;
    let want = r#"# syntax=docker/dockerfile:1
# escape=`
FROM debian
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked `
    --mount=type=cache,target=/var/lib/apt,sharing=locked `
    rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache; `
    apt-get update && `
    apt-get install -y --no-install-recommends curl
COPY requirements.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
COPY . .
"#;
    assert_eq!(fixed(src, true), want);
}

/// F5: a CRLF file gets only CRLF line endings.
#[test]
fn f5_crlf() {
    let src = r#"FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt \
  && echo hi
# comment
RUN apt-get update && apt-get install -y curl
"#;
    let want = r#"# syntax=docker/dockerfile:1
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt \
  && echo hi
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache; \
    apt-get update && apt-get install -y curl
COPY . .
# comment
"#;
    assert_eq!(fixed(src, false), want);
}

/// Found by `cargo xtask fuzz fix`: an unclosed quote at the end of a RUN.
/// LL402 still reports the kept apt lists, but offers no fix: an appended
/// `&& rm -rf …` would land inside the quote.
#[test]
fn no_command_is_appended_inside_an_open_quote() {
    let src = "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends curl && echo \"done\n";
    let report = check(src, &BuildContext::default(), &CheckOptions { no_savings: true, ..CheckOptions::default() });
    let ll402: Vec<_> = report.findings.iter().filter(|f| f.code == "LL402").collect();
    assert_eq!(ll402.len(), 1);
    assert!(ll402[0].fix.is_none());
    // The cache mount (LL502) goes before the command: that stays right.
    let want = r#"# syntax=docker/dockerfile:1
FROM debian
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache; \
    apt-get update && apt-get install -y --no-install-recommends curl && echo "done
"#;
    assert_eq!(fixed(src, true), want);
}

/// Found by the `fix` fuzz target (stop 18): LL404's `--production` went
/// after the word `yarn` wherever it first stood in the RUN, inside a
/// cache mount's target (a RUN flag, so a parse error the optimizer then
/// rejected) or at the end of a path (`ln -s …/bin/yarn`). The flag now goes
/// after the command itself: a command called by its path counts only where
/// a command starts (`tips::util::command_position`).
#[test]
fn ll404_flag_goes_after_the_yarn_command_not_a_path_ending_in_yarn() {
    let src = "FROM node:20\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn\n";
    assert_eq!(
        fixed(src, true),
        "# syntax=docker/dockerfile:1\nFROM node:20\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn --production\n"
    );
    // A path ending in `yarn` before the command: the flag goes after the
    // command (`yarn --ve`), the paths untouched.
    let src = "FROM node:20\nRUN ln -s /opt/yarn/bin/yarn /usr/local/bin/yarn \\\n  # smoke test\n  && yarn --ve\n";
    assert_eq!(
        fixed(src, true),
        "# syntax=docker/dockerfile:1\nFROM node:20\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn \\\n  ln -s /opt/yarn/bin/yarn /usr/local/bin/yarn \\\n  # smoke test\n  && yarn --production --ve\n"
    );
    let report = check(src, &BuildContext::default(), &CheckOptions { no_savings: true, ..CheckOptions::default() });
    let f = report.findings.iter().find(|f| f.code == "LL404").expect("LL404 reports it");
    assert_eq!(f.fix.as_ref().map(|f| f.title.as_str()), Some("Add --production"));
}

/// Found by the `fix` fuzz target (a php image cut short): the file ends
/// inside the last RUN's line continuation, after a comment and a blank
/// line. LL201 moved that RUN above the COPY, and BuildKit then joined the
/// COPY to it (`… LDFLAGS="$PHP_LDFLAGS" COPY docker-php-source …`). An
/// instruction the file ends inside is never moved, and nothing is put
/// after it; the finding stays, with the reason.
#[test]
fn an_instruction_the_file_ends_inside_is_neither_moved_nor_followed() {
    let src = "FROM debian:12\nCOPY docker-php-source /usr/local/bin/\n\nRUN set -eux; \\\n\tapt-get update; \\\n\tapt-get install -y --no-install-recommends libssl-dev zlib1g-dev; \\\n\texport \\\n\t\tLDFLAGS=\"$PHP_LDFLAGS\" \\\n# a comment\\\n   ";
    let report = check(src, &BuildContext::default(), &CheckOptions { no_savings: true, ..CheckOptions::default() });
    let codes: Vec<(&str, bool, Option<&str>)> =
        report.findings.iter().map(|f| (f.code, f.fix.is_some(), f.no_fix.as_deref())).collect();
    let ll201 = codes.iter().find(|c| c.0 == "LL201").expect("LL201 still reports the cost");
    assert_eq!(ll201.1, false);
    assert_eq!(ll201.2, Some("the file ends inside line 4's line continuation (its last line ends in the escape character): BuildKit would join any line put after it, so no edit may move it or follow it"));
    // The edits inside the RUN (LL402's flag, LL502's cache mounts) stay.
    assert_eq!(
        fixed(src, true),
        "# syntax=docker/dockerfile:1\nFROM debian:12\nCOPY docker-php-source /usr/local/bin/\n\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n\t--mount=type=cache,target=/var/lib/apt,sharing=locked \\\n\t rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/keep-cache; \\\n\tset -eux; \\\n\tapt-get update; \\\n\tapt-get install -y --no-install-recommends libssl-dev zlib1g-dev; \\\n\texport \\\n\t\tLDFLAGS=\"$PHP_LDFLAGS\" \\\n# a comment\\\n   "
    );
}

/// A fuzz input of this stop: the text of an `apt-get install` the shell
/// does not run (in quotes) shifted LL401's flag onto the wrong words, so
/// the rule never saw it and the optimizer added `--no-install-recommends`
/// 31 times before it stopped. When the text holds more occurrences of the
/// command than the model read, the flag rules offer no fix and say why.
#[test]
fn a_quoted_copy_of_a_command_gets_no_flag() {
    let src = "FROM debian\nRUN echo 'apt-get install -y foo' && apt-get install -y bar\n";
    let report = check(src, &BuildContext::default(), &CheckOptions { no_savings: true, ..CheckOptions::default() });
    let ll401 = report.findings.iter().find(|f| f.code == "LL401").expect("LL401 still reports the cost");
    assert!(ll401.fix.is_none());
    assert_eq!(
        ll401.no_fix.as_deref(),
        Some("where `apt-get install` stands in the RUN's text is not certain (the same words also stand where the shell does not run them, in quotes or a comment, or the command comes from a variable): add --no-install-recommends by hand")
    );
    assert_eq!(
        fixed(src, true),
        "# syntax=docker/dockerfile:1\nFROM debian\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n    --mount=type=cache,target=/var/lib/apt,sharing=locked \\\n    rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/keep-cache; \\\n    echo 'apt-get install -y foo' && apt-get install -y bar\n"
    );
    // The fuzz input itself, reduced: a heredoc that never ends, whose
    // unclosed quote holds one `apt-get install` before the one it runs.
    let src = "FROM gen AS validate\nRUN --mount=target=/context \\\n  --mount=target=.,type=tmpfs <<EOT\nif [ -n \"$(git status --porcelain -- donsdk.tar.xz -C /tmp \\\n            /ucs/)\" ]; then\n  echo >&1 'ERROR: Docs result diffsr/lib64/libgomp.so* \\\nRUN apt-get update && apt-get install -y curl ccache git unzip \\\nFROM --platform=linux/arm64 sase Update with \"make docs\"'\n    && apt-get install -y ca-certificates libvulkan1 libopenblas0 \\\n";
    assert_eq!(
        fixed(src, true),
        "# syntax=docker/dockerfile:1\nFROM gen AS validate\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n  --mount=type=cache,target=/var/lib/apt,sharing=locked \\\n  --mount=target=/context \\\n  --mount=target=.,type=tmpfs <<EOT\nif [ -n \"$(git status --porcelain -- donsdk.tar.xz -C /tmp \\\n            /ucs/)\" ]; then\n  echo >&1 'ERROR: Docs result diffsr/lib64/libgomp.so* \\\nRUN apt-get update && apt-get install -y curl ccache git unzip \\\nFROM --platform=linux/arm64 sase Update with \"make docs\"'\n    && apt-get install -y ca-certificates libvulkan1 libopenblas0 \\\n"
    );
}
