//! Hostile input: no panic, and cost stays linear (these must finish fast;
//! timings are not asserted).

use layerlab_core::{parse, Dockerfile};

fn check(src: &str) -> Dockerfile {
    let df = parse(src);
    let mut last = 0;
    for i in &df.instructions {
        assert!(i.span.start >= last && i.span.end as usize <= src.len());
        assert!(
            src.is_char_boundary(i.span.start as usize)
                && src.is_char_boundary(i.span.end as usize)
        );
        last = i.span.end;
    }
    for d in &df.diagnostics {
        assert!(d.span.end as usize <= src.len());
    }
    let _ = df.dump();
    df
}

#[test]
fn nul_bytes() {
    check("FROM x\0y\nRUN \0\0\0\n\0\n");
    check("\0");
}

#[test]
fn ten_megabytes() {
    let line =
        "RUN echo hello world && apt-get install -y --no-install-recommends curl ca-certificates\n";
    let mut src = String::from("FROM debian\n");
    while src.len() < 10 << 20 {
        src.push_str(line);
    }
    let df = check(&src);
    assert!(df.instructions.len() > 100_000);
}

#[test]
fn hundred_thousand_lines() {
    let src: String = std::iter::once("FROM x\n")
        .chain(std::iter::repeat_n("ENV A=1 B=2\n", 100_000))
        .collect();
    assert_eq!(check(&src).instructions.len(), 100_001);
}

#[test]
fn ten_thousand_line_continuation() {
    let src: String = std::iter::once("FROM x\nRUN a \\\n")
        .chain(std::iter::repeat_n("  && b \\\n# c\n\n", 10_000))
        .chain(["  && z\n"])
        .collect();
    let df = check(&src);
    assert_eq!(df.instructions.len(), 2);
    // heredoc markers on a huge logical line
    let src: String = std::iter::once("FROM x\nRUN <<EOF \\\n")
        .chain(std::iter::repeat_n("<<X \\\n", 10_000))
        .collect();
    check(&src);
}

#[test]
fn random_bytes() {
    // xorshift: deterministic pseudo-random input
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..200 {
        let n = 1 + (round * 37) % 2000;
        let bytes: Vec<u8> = (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // bias towards syntax characters
                const ALPHA: &[u8] =
                    b"RUN COPY FROM <<-EOF\n\\`\"'$[]{},=#-- \t\r\xef\xbb\xbf\xc3\xa9";
                if x % 3 == 0 {
                    (x >> 8) as u8
                } else {
                    ALPHA[(x >> 16) as usize % ALPHA.len()]
                }
            })
            .collect();
        check(&String::from_utf8_lossy(&bytes));
    }
}
