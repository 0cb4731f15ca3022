//! Pass/fail vectors for the whole parser (oxc style: inputs that must parse
//! cleanly, inputs that must give an error), plus span invariants.

use super::*;

fn check_spans(src: &str, df: &Dockerfile) {
    let mut last = 0;
    for i in &df.instructions {
        assert!(
            i.span.start >= last && i.span.end >= i.span.start && i.span.end as usize <= src.len(),
            "{i:?}"
        );
        assert!(
            src.is_char_boundary(i.span.start as usize)
                && src.is_char_boundary(i.span.end as usize)
        );
        last = i.span.end;
        for s in i
            .arguments
            .iter()
            .map(|a| a.span)
            .chain(i.flags.iter().map(|f| f.span))
            .chain([i.keyword_span])
        {
            assert!(
                s.start >= i.span.start && s.end <= i.span.end,
                "{s:?} outside {:?}",
                i.span
            );
            assert!(
                src.is_char_boundary(s.start as usize) && src.is_char_boundary(s.end as usize),
                "{s:?} splits a char"
            );
        }
    }
}

#[test]
fn pass() {
    let cases = [
        "FROM alpine\n",
        "\u{feff}FROM alpine AS base\nRUN echo hi\n",
        "# syntax=docker/dockerfile:1\n# escape=`\nFROM x\nRUN a `\n  b\n",
        "ARG V=1\nFROM x:${V}\nARG V\n",
        "FROM x\nRUN --mount=type=cache,target=/c --network=none echo\n",
        "FROM x\nCOPY --from=a --chown=1:1 --chmod=755 --link --parents --exclude=*.md a b /d/\n",
        "FROM x\nADD --checksum=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef --keep-git-dir=true https://x/y.git /src\n",
        "FROM x\nENV A=1 B=\"2 3\"\nENV C 4 5\nLABEL a=b c=d\nLABEL e f\n",
        "FROM x\nRUN <<EOF\necho hi\nEOF\nCOPY <<A <<B /d/\na\nA\nb\nB\n",
        "FROM x\nHEALTHCHECK --interval=5s CMD curl -f http://x/ || exit 1\nHEALTHCHECK NONE\n",
        "FROM x\nONBUILD RUN echo\nSTOPSIGNAL SIGTERM\nSHELL [\"/bin/sh\", \"-c\"]\n",
        "FROM x\nRUN a \\\n# comment\n\n  b\n",
        "FROM x\nEXPOSE 80 443/tcp\nVOLUME /a /b\nVOLUME [\"/c\"]\nUSER me\nWORKDIR /w\nMAINTAINER me\n",
        "FROM x\nCMD [\"a\"]\nENTRYPOINT a b\n",
    ];
    for src in cases {
        let df = parse(src);
        let errs: Vec<_> = df.errors().collect();
        assert!(errs.is_empty(), "{src:?}: {errs:?}");
        check_spans(src, &df);
    }
}

#[test]
fn fail() {
    let cases = [
        ("", "file with no instructions"),
        ("# only a comment\n", "file with no instructions"),
        ("FROM x\nENV PATH\n", "ENV must have two arguments"),
        ("FROM x\nCMD [\"a\", [\"b\"]]\n", "strings only"),
        ("RUN x\n", "no build stage"),
        ("FROM x y\n", "one or three arguments"),
        ("FROM x AS 1a\n", "invalid name for build stage"),
        ("FROM x\nCOPY a\n", "at least two arguments"),
        ("FROM x\nCOPY a <<EOF\nEOF\n", "heredoc as a destination"),
        ("FROM x\nRUN <<EOF\nno end\n", "unterminated heredoc"),
        (
            "FROM x\nRUN --mount=type=nope x\n",
            "unsupported mount type",
        ),
        ("FROM x\nRUN --bogus x\n", "unknown flag: bogus"),
        ("FROM x\nCOPY --link=maybe a b\n", "expecting boolean"),
        ("FROM x\nSHELL sh -c\n", "JSON form"),
        ("FROM x\nONBUILD FROM y\n", "isn't allowed"),
        ("FROM x\nHEALTHCHECK FOO x\n", "Unknown type"),
        ("FROM x\nFOO bar\n", "unknown instruction: FOO"),
        ("# escape=x\nFROM x\n", "invalid escape token"),
        ("# escape=\\\n# escape=`\nFROM x\n", "only one escape"),
        ("FROM x\nENV a=b c\n", "can't find ="),
    ];
    for (src, want) in cases {
        let df = parse(src);
        assert!(
            df.errors().any(|d| d.message.contains(want)),
            "{src:?}: want {want:?}, got {:?}",
            df.diagnostics
        );
        check_spans(src, &df);
    }
}

#[test]
fn recovers_after_errors() {
    let src = "FROM x\nENV PATH\nRUN ok\nCOPY a\nUSER me\n";
    let df = parse(src);
    assert_eq!(df.instructions.len(), 5);
    assert_eq!(df.errors().count(), 2);
    assert!(df.instructions[1].error.is_some());
    assert!(matches!(df.instructions[2].command, Command::Run { .. }));
    assert!(matches!(df.instructions[4].command, Command::User { .. }));
}

#[test]
fn spans_give_exact_text() {
    let src = "FROM  python:3.12 AS base\nRUN --mount=type=cache,target=/c \\\n    pip install x\nCOPY [\"a b\", \"/d\"]\nRUN <<EOF\nline\nEOF\n";
    let df = parse(src);
    let t = |s: Span| &src[s.range()];
    let from = &df.instructions[0];
    assert_eq!(t(from.keyword_span), "FROM");
    assert_eq!(t(from.arguments[0].span), "python:3.12");
    assert_eq!(t(from.arguments[2].span), "base");
    let run = &df.instructions[1];
    assert_eq!(t(run.flags[0].span), "--mount=type=cache,target=/c");
    assert_eq!(t(run.arguments[0].span), "pip install x");
    assert_eq!(
        t(run.span),
        "RUN --mount=type=cache,target=/c \\\n    pip install x"
    );
    assert_eq!(
        run.end,
        Position {
            line: 3,
            column: 18
        }
    );
    assert_eq!(t(df.instructions[2].arguments[0].span), "\"a b\"");
    let h = &df.instructions[3].heredocs[0];
    assert_eq!(t(h.body_span), "line\n");
    assert_eq!(t(df.instructions[3].span), "RUN <<EOF\nline\nEOF");
    assert_eq!(df.stages[0].name.as_deref(), Some("base"));
}

#[test]
fn stages_and_global_args() {
    let df = parse("ARG BASE=alpine\nFROM $BASE AS a\nRUN x\nFROM a AS b\nFROM --platform=linux/arm64 scratch\n");
    assert_eq!(df.global_args, [0]);
    assert_eq!(df.stages.len(), 3);
    assert_eq!(df.stages[1].base_stage, Some(0));
    assert_eq!(df.stages[2].platform.as_deref(), Some("linux/arm64"));
    assert_eq!(df.instructions[2].stage, Some(0));
}

/// Found by `cargo xtask fuzz`: a flag ending at a byte that Go counts as a
/// space (0x85 inside `Ņ`, 0xA0 inside `à`) gave a span ending mid-character.
#[test]
fn fuzz_flag_split_inside_a_character() {
    for src in [
        "FROM x\nHEALTHCHECK --stŅrt=1 CMD a\n",
        "FROM x\nRUN --mà=1 a\n",
        "FROM x\nCOPY --ﾅ x y\n",
    ] {
        let df = parse(src);
        check_spans(src, &df);
    }
}

#[test]
fn stage_names_resolve_to_the_last_earlier_stage() {
    let src = "FROM alpine AS base\nFROM base AS b\nFROM scratch AS Base\nFROM later\nFROM b AS later\nFROM base\n";
    let df = parse(src);
    let bases: Vec<Option<usize>> = df.stages.iter().map(|s| s.base_stage).collect();
    // `later` is named only after stage 3 uses it, so stage 3 is an image;
    // the last `FROM base` is the second stage named base (measured on
    // Docker 28.5: `FROM a` after two stages named a builds on the second,
    // between them on the first).
    assert_eq!(bases, [None, Some(0), None, None, Some(1), Some(2)]);
    let dups: Vec<&str> = df
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .filter(|m| m.starts_with("duplicate stage name"))
        .collect();
    assert_eq!(
        dups,
        ["duplicate stage name \"base\""],
        "{:?}",
        df.diagnostics
    );
}

/// Parse parity with Docker 28.5 on the fuzz seeds (issue 13 item 4):
/// two stages of one name build (BuildKit warns, DuplicateStageName); a
/// file without a stage, and a `--from` naming its own stage or a later
/// one, are refused before any image is resolved.
#[test]
fn stage_errors_as_docker_28_5() {
    let dup = "FROM scratch AS a\nCOPY x /x\nFROM scratch AS a\nCOPY x /y\n";
    assert_eq!(errors(dup), Vec::<String>::new());
    assert!(parse(dup)
        .diagnostics
        .iter()
        .any(|d| d.message == "duplicate stage name \"a\""));
    assert_eq!(
        errors("ARG A=1\nARG B\n"),
        ["dockerfile contains no stages to build"]
    );
    assert_eq!(errors(""), ["file with no instructions"]);
    assert_eq!(
        errors("FROM alpine AS build\nRUN true\nCOPY --from=build /a /b\n"),
        ["circular dependency detected on stage: build"]
    );
    assert_eq!(
        errors("FROM alpine AS build\nRUN --mount=from=Build,target=/x true\n"),
        ["circular dependency detected on stage: build"]
    );
    assert_eq!(
        errors("FROM alpine AS a\nCOPY --from=b /x /x\nFROM alpine AS b\n"),
        ["cannot copy from stage \"b\", it needs to be defined before the current stage"]
    );
    // A name resolves to the last stage that has it: the second `a`,
    // after the stage that copies from it.
    assert_eq!(
        errors("FROM scratch AS a\nFROM scratch AS c\nCOPY --from=a / /\nFROM scratch AS a\n")
            .len(),
        1
    );
    // An image of that name, an earlier stage, or an index: no error.
    assert_eq!(errors("FROM alpine AS a\nFROM alpine\nCOPY --from=a / /\nCOPY --from=nginx / /\nCOPY --from=0 / /\n"), Vec::<String>::new());
}

/// Docker 28.5 refuses, while it dispatches and before it resolves any
/// image, a word its shell lexer cannot read (BuildKit's own parser test
/// files env/ and escapes/, measured with `--call=check`).
#[test]
fn words_buildkit_cannot_expand_are_errors() {
    assert_eq!(
        errors("FROM scratch\nENV name='a\\'b'\n"),
        [
            r#"failed to process "'a\\'b'": unexpected end of statement while looking for matching single-quote"#
        ]
    );
    assert_eq!(
        errors("FROM scratch\nADD \\conf\\\\\" /.znc\n"),
        [
            r#"failed to process "\\conf\\\\\"": unexpected end of statement while looking for matching double-quote"#
        ]
    );
    // VOLUME too (a fuzz seed: `VOLUME /x/y.tar.bz2"; \`).
    assert_eq!(errors("FROM scratch\nVOLUME /x/y.tar.bz2\";\n").len(), 1);
    // Quotes that close, escapes, variables and `${v:?}` (a value's
    // business) are fine.
    for ok in [
        "FROM scratch\nENV name=\"a\\'b\" b='c'\nLABEL x=\"y z\"\n",
        "FROM scratch\nWORKDIR $HOME/x\nUSER ${U:-app}\nCOPY [\"a b\", \"/c/\"]\n",
        "FROM scratch\nENV A=${B:?unset}\n",
        "FROM scratch\nVOLUME [\"/data\"] \nEXPOSE 80/tcp ${PORT}\nSTOPSIGNAL SIGTERM\n",
    ] {
        assert_eq!(errors(ok), Vec::<String>::new(), "{ok}");
    }
}

/// Docker 28.5 refuses, before it resolves any image, a global ARG's
/// default and a stage's base name its lexer cannot read, and there a
/// `${v:?}` whose v no ARG before declares; a stage's ARG default too, but
/// there only the lexer's refusals count (the image's environment may set
/// v). Each case measured with `--call=check` (fuzz seeds of CI's run:
/// `FROM alpin…<EOF"]`).
#[test]
fn global_words_buildkit_cannot_expand_are_errors() {
    assert_eq!(
        errors("FROM alpin<EOF\"]\n"),
        [r#"failed to process "alpin<EOF\"]": unexpected end of statement while looking for matching double-quote"#]
    );
    assert_eq!(
        errors("FROM 'alpine\n"),
        [r#"failed to process "'alpine": unexpected end of statement while looking for matching single-quote"#]
    );
    assert_eq!(
        errors("ARG x=\"abc\nFROM alpine\n"),
        [r#"failed to process "\"abc": unexpected end of statement while looking for matching double-quote"#]
    );
    assert_eq!(
        errors("FROM alpine\nARG x=\"abc\n"),
        [r#"failed to process "\"abc": unexpected end of statement while looking for matching double-quote"#]
    );
    assert_eq!(
        errors("FROM ${X\n"),
        [r#"failed to process "${X": unsupported modifier () in substitution"#]
    );
    assert_eq!(
        errors("ARG x=${y:?}\nFROM alpine\n"),
        [r#"failed to process "${y:?}": y: is not allowed to be unset"#]
    );
    // The base name of a stage nothing builds is read all the same.
    assert_eq!(errors("ARG x=1\nFROM alpine AS u\nFROM \"busybox\nFROM alpine\n").len(), 1);
    for ok in [
        // Declared before (in the same ARG too), predefined, or declared
        // without a default (a build arg may set it): not the parser's call.
        "ARG a=1 b=${a:?}\nFROM alpine:${b:?}\n",
        "ARG x=${BUILDPLATFORM:?} y=${TARGETSTAGE:?}\nFROM alpine\n",
        "ARG y\nARG x=${y:?}\nFROM alpine${y:?}\n",
        // In a stage the image's environment may set it.
        "FROM alpine\nARG x=${nope:?}\n",
        // A quote in an ARG's name is not read by the lexer.
        "ARG \"x=1\nFROM alpine\nARG \"y=2\n",
        "FROM \"alpine\"\nARG v=\"a b\" w='c'\n",
    ] {
        assert_eq!(errors(ok), Vec::<String>::new(), "{ok}");
    }
}

/// A `--mount` target that resolves to `/` (Docker 28.5: `invalid mount
/// target "/"`, measured for each case): `/` itself, or a relative target
/// against a working directory the file sets (scratch's is `/`, a stage's
/// is its base stage's); an image's own is unknown.
#[test]
fn mount_targets_at_the_root_are_errors() {
    for bad in [
        "FROM alpine\nRUN --mount=type=cache,target=/ true\n",
        "FROM alpine\nRUN --mount=type=bind,target=/ true\n",
        "FROM alpine\nWORKDIR /app\nRUN --mount=type=cache,target=.. true\n",
        "FROM scratch\nRUN --mount=type=cache,target=. true\n",
        "FROM scratch\nWORKDIR a\nRUN --mount=type=tmpfs,target=.. true\n",
        "FROM alpine AS a\nWORKDIR /x\nFROM a\nRUN --mount=type=cache,target=.. true\n",
        // In a stage nothing builds too.
        "FROM alpine AS u\nRUN --mount=type=cache,target=/ true\nFROM alpine\n",
    ] {
        assert_eq!(errors(bad), [r#"invalid mount target "/""#], "{bad}");
    }
    for ok in [
        // An absolute target is not cleaned.
        "FROM alpine\nRUN --mount=type=cache,target=// true\n",
        "FROM alpine\nRUN --mount=type=cache,target=/. --mount=type=tmpfs,target=/a/.. true\n",
        // The image's WORKDIR is unknown; a variable is its value's business.
        "FROM alpine\nRUN --mount=type=cache,target=. true\n",
        "FROM scratch\nWORKDIR $D\nRUN --mount=type=cache,target=.. true\n",
        "FROM scratch\nRUN --mount=type=cache,target=$T true\n",
        "FROM scratch\nWORKDIR /a/b\nRUN --mount=type=cache,target=.. true\n",
    ] {
        assert_eq!(errors(ok), Vec::<String>::new(), "{ok}");
    }
}

/// Values Docker 28.5's dispatch refuses once it has read them, each case
/// measured with `--call=check` (the classes CI's and a local fuzz run
/// found): a STOPSIGNAL that is no signal, an EXPOSE that is no port spec,
/// an ADD `--checksum` that is no digest or of a local source, a `--from`
/// with a variable, a FROM `--platform` containerd cannot parse; and an
/// ONBUILD trigger, which BuildKit reads only when an image is built FROM
/// this one, is no error.
#[test]
fn values_buildkit_s_dispatch_refuses_are_errors() {
    for (src, msg) in [
        ("STOPSIGNAL SIGWIN&H", "invalid signal: SIGWIN&H"),
        ("STOPSIGNAL 0", "invalid signal: 0"),
        ("STOPSIGNAL UNUSED", "invalid signal: UNUSED"),
        ("STOPSIGNAL RTMIN+16", "invalid signal: RTMIN+16"),
        ("EXPOSE 80/http", "invalid proto: http"),
        ("EXPOSE 70000", "invalid containerPort: 70000"),
        ("EXPOSE 2000-1000", "invalid containerPort: 2000-1000"),
        ("EXPOSE w3svc]", "invalid containerPort: w3svc]"),
        ("EXPOSE 809p://s3.x", "no port specified: 809p://s3.x<empty>"),
        ("EXPOSE x:80", "invalid hostPort: x"),
        ("EXPOSE 1.2.3:80:80", "invalid IP address: 1.2.3"),
        (
            "EXPOSE 1000-1001:80-82",
            "invalid ranges specified for container and host Ports: 80-82 and 1000-1001",
        ),
        ("ADD --checksum=sha256:abc https://example.com/x /y", "invalid checksum digest length"),
        ("ADD --checksum=md5:abc https://example.com/x /y", "unsupported digest algorithm"),
        ("ADD --checksum=abc https://example.com/x /y", "invalid checksum digest format"),
        (
            "ADD --checksum=sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef https://example.com/x /y",
            "invalid checksum digest format",
        ),
        (
            "ADD --checksum=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef a /y",
            "checksum requires HTTP(S) or Git sources",
        ),
        (
            "COPY --from=$X /a /b",
            "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround",
        ),
    ] {
        assert_eq!(errors(&format!("FROM alpine\n{src}\n")), [msg], "{src}");
    }
    assert_eq!(
        errors("FROM --platform==linux/amd64 alpine\n"),
        ["failed to parse platform =linux/amd64"]
    );
    for ok in [
        "STOPSIGNAL sigwinch\nSTOPSIGNAL -3\nSTOPSIGNAL +9\nSTOPSIGNAL SIGRTMIN+3\nSTOPSIGNAL \"TERM\"\nSTOPSIGNAL $S\n",
        "EXPOSE 80 443/tcp 53/udp 1000-2000 8080:80 127.0.0.1:80:80 9/SCTP 80/ :80 [::1]:80:80 $P\n",
        "ADD --checksum=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef https://example.com/x /y\n",
        "ADD --checksum=$SUM a /y\n",
        "ONBUILD RU/test /x\nONBUILD COPY nohup\n",
    ] {
        assert_eq!(errors(&format!("FROM alpine\n{ok}")), Vec::<String>::new(), "{ok}");
    }
    // The ONBUILD triggers are warnings, with the trigger's own refusal.
    let warnings: Vec<String> = parse("FROM alpine\nONBUILD RU/test /x\nONBUILD COPY nohup\nONBUILD RUN ok\n")
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::Severity::Warning)
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(
        warnings,
        [
            "ONBUILD trigger: unknown instruction: RU/test (BuildKit reads it when an image is built FROM this one)",
            "ONBUILD trigger: COPY requires at least two arguments, but only one was provided. Destination could not be determined (BuildKit reads it when an image is built FROM this one)",
        ]
    );
    assert_eq!(
        errors("FROM --platform=linux/arm64/v8 alpine\nFROM --platform=windows(10.0.17763+x) b\nFROM --platform=$BUILDPLATFORM c\n"),
        Vec::<String>::new()
    );
}

/// Docker 28.5's dispatch refuses a `--chmod` that is not a mode
/// (measured on a fuzz seed: `--chmod=0644` followed by control bytes).
#[test]
fn chmod_buildkit_refuses() {
    let errs = |m: &str| {
        parse(&format!("FROM scratch\nCOPY --chmod={m} a /b\n"))
            .errors()
            .count()
    };
    assert_eq!(errs("0644\u{f}"), 1);
    assert_eq!(errs("10000"), 1);
    for ok in ["0644", "755", "7777", "u+x", "$MODE"] {
        assert_eq!(errs(ok), 0, "{ok}");
    }
}

/// The messages of `src`'s error diagnostics, in order.
fn errors(src: &str) -> Vec<String> {
    parse(src).errors().map(|d| d.message.clone()).collect()
}
