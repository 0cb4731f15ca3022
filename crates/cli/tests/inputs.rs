//! Input is streamed under a size cap (`--max-size`, 16 MiB by default) and
//! checked as UTF-8 while it is read, on every command and every file read;
//! the build context is walked as `docker build` walks it.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use common::{as_nobody, layerlab, TempDir};

const SMALL: &[u8] = b"FROM alpine:3.20\nRUN echo hi\n";

/// Before, `check /dev/zero` read 8.6 GB before looking at a byte.
#[test]
fn an_endless_input_stops_at_the_cap() {
    let t0 = Instant::now();
    let (code, out, err) = layerlab(&["check", "/dev/zero"], b"");
    assert_eq!(code, 2, "{out}");
    assert_eq!(
        err,
        "layerlab: /dev/zero: larger than the input limit of 16 MiB (raise it with --max-size)\n"
    );
    let (code, _, err) = layerlab(&["parse", "/dev/zero", "--max-size", "512K"], b"");
    assert_eq!(code, 2);
    assert!(
        err.contains("/dev/zero: larger than the input limit of 512 KiB"),
        "{err}"
    );
    // 16 MiB of reading, not gigabytes (generous for a loaded debug build).
    assert!(t0.elapsed() < Duration::from_secs(20), "{:?}", t0.elapsed());
}

#[test]
fn max_size_is_exact_and_takes_units_on_every_command() {
    let n = SMALL.len().to_string();
    let less = (SMALL.len() - 1).to_string();
    for cmd in ["parse", "check", "fix", "simulate"] {
        let (code, _, err) = layerlab(&[cmd, "-", "--max-size", &n], SMALL);
        assert!(code < 2, "{cmd} at the limit: {err}");
        let (code, _, err) = layerlab(&[cmd, "-", "--max-size", &less], SMALL);
        assert_eq!(code, 2, "{cmd} over the limit");
        assert_eq!(
            err,
            format!(
                "layerlab: <stdin>: larger than the input limit of {less} bytes (raise it with --max-size)\n"
            ),
            "{cmd}"
        );
    }
    for size in ["1K", "16M", "16MiB", "1g"] {
        let (code, _, err) = layerlab(&["parse", "-", "--max-size", size], SMALL);
        assert_eq!(code, 0, "{size}: {err}");
    }
    let (code, _, err) = layerlab(&["parse", "-", "--max-size", "12X"], SMALL);
    assert_eq!(code, 2);
    assert!(err.contains("unknown unit"), "{err}");
}

#[test]
fn max_size_covers_the_log_and_the_previous_dockerfile() {
    let t = TempDir::new("inputs-side");
    let big = t.write("big", &"#1 [1/2] FROM alpine\n".repeat(100));
    let big = big.to_str().unwrap();
    for flag in ["--log", "--previous"] {
        let (code, _, err) = layerlab(&["simulate", "-", flag, big, "--max-size", "1K"], SMALL);
        assert_eq!(code, 2, "{flag}");
        assert!(
            err.contains(&format!("{big}: larger than the input limit of 1 KiB")),
            "{flag}: {err}"
        );
        let (code, _, err) = layerlab(&["simulate", "-", flag, big], SMALL);
        assert_eq!(code, 0, "{flag}: {err}");
    }
}

/// The bad byte is found in the chunk where it arrives, far into the file,
/// with the message's offset, line and column as before.
#[test]
fn invalid_utf8_deep_in_a_file_names_its_position() {
    let t = TempDir::new("inputs-utf8");
    let mut bytes = b"FROM alpine\n".to_vec();
    bytes.extend(std::iter::repeat_n(b"RUN echo 0123456789\n", 10_000).flatten());
    let offset = bytes.len() + 9;
    bytes.extend_from_slice(b"RUN echo \xe9t\xc3\xa9\n");
    let p = t.join("Dockerfile");
    std::fs::write(&p, &bytes).unwrap();
    let (code, _, err) = layerlab(&["check", p.to_str().unwrap()], b"");
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "layerlab: {}:10002:10: not UTF-8 text: invalid byte 0xe9 at byte offset {offset}\n",
            p.display()
        )
    );
    // A char cut by the end of the input is bad too.
    let (code, _, err) = layerlab(&["parse", "-"], b"FROM alpine\nRUN echo \xc3");
    assert_eq!(code, 2);
    assert!(
        err.contains("<stdin>:2:10: not UTF-8 text: invalid byte 0xc3 at byte offset 21"),
        "{err}"
    );
}

/// A folder `.dockerignore` excludes is not sent to the builder, so an
/// unreadable one is skipped as `docker build` skips it; one that is sent
/// and cannot be read is an error, as it is for docker.
#[test]
fn an_unreadable_folder_is_skipped_only_when_excluded() {
    let t = TempDir::new("inputs-noperm");
    t.write("noperm/f", "x\n");
    t.write("Dockerfile", "FROM alpine\nCOPY . .\n");
    let noperm = t.join("noperm");
    std::fs::set_permissions(&noperm, std::fs::Permissions::from_mode(0o000)).unwrap();
    let df = t.arg("Dockerfile");

    t.write(".dockerignore", "noperm\n");
    let (code, out, err) = as_nobody(&["check", &df]);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert!(out.contains("no findings in 1 file"), "{out}");

    t.write(".dockerignore", "*.md\n");
    let (code, _, err) = as_nobody(&["check", &df]);
    std::fs::set_permissions(&noperm, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "{}: Permission denied (os error 13)",
            noperm.display()
        )) && err.contains("exclude it in .dockerignore"),
        "{err}"
    );
}
