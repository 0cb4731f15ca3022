//! Reading input: files and stdin streamed under a size cap, checked as UTF-8
//! while they are read.
//!
//! Nothing is read past the cap (`--max-size`, 16 MiB by default), so
//! `layerlab check /dev/zero` stops after 16 MiB instead of filling memory,
//! and a bad byte is reported as soon as the chunk holding it arrives. The
//! default leaves room: the corpus's largest Dockerfile is about 60 KB, and a
//! generated one of 10 MB still checks in seconds.

use std::io::Read;

/// How much is read at a time.
const CHUNK: usize = 64 << 10;

/// Parses a size for `--max-size`: a number of bytes with an optional unit,
/// read as Docker reads `--memory`: `b`, `k`, `m`, `g`, each optionally
/// followed by `b` or `ib`, case-insensitive, all powers of 1024
/// (`512K`, `16M`, `16MiB`, `1g`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{text:?}: expected a number of bytes, e.g. 16M or 512K"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("{text:?}: unknown unit (use K, M or G)")),
    };
    n.checked_mul(1 << shift)
        .filter(|&v| v > 0)
        .ok_or_else(|| format!("{text:?}: must be between 1 byte and 16 EiB"))
}

/// `bytes` as the user would write it: `16 MiB`, `512 KiB`, `100 bytes`.
pub fn show_size(bytes: u64) -> String {
    for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if bytes >= 1 << shift && bytes.is_multiple_of(1 << shift) {
            return format!("{} {unit}", bytes >> shift);
        }
    }
    format!("{bytes} bytes")
}

/// The name errors use for `path`: `<stdin>` for `-`.
fn display_name(path: &str) -> &str {
    if path == "-" {
        "<stdin>"
    } else {
        path
    }
}

/// Reads `path` (or stdin for `-`) as UTF-8 text of at most `max` bytes,
/// naming the first bad byte's offset, line and column when it is not UTF-8.
pub fn read_source(path: &str, max: u64) -> Result<String, String> {
    let name = display_name(path);
    let bytes = if path == "-" {
        read_stream(name, std::io::stdin().lock(), max, true)?
    } else {
        let file = std::fs::File::open(path).map_err(|e| format!("{name}: {e}"))?;
        read_stream(name, file, max, true)?
    };
    // Checked chunk by chunk in `read_stream`: this cannot fail.
    String::from_utf8(bytes).map_err(|e| format!("{name}: {e}"))
}

/// Reads a small side file (`.dockerignore`) under the same cap; bad UTF-8
/// is replaced, as before. `None` when it does not exist or is unreadable.
pub fn read_lossy(path: &std::path::Path, max: u64) -> Option<Result<String, String>> {
    let file = std::fs::File::open(path).ok()?;
    let name = path.display().to_string();
    Some(read_stream(&name, file, max, false).map(|b| String::from_utf8_lossy(&b).into_owned()))
}

/// Reads `input` to its end, failing as soon as more than `max` bytes arrive
/// and, when `utf8`, at the first byte that is not UTF-8.
fn read_stream(name: &str, input: impl Read, max: u64, utf8: bool) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    // One byte past the cap tells "exactly max" from "more than max".
    let mut input = input.take(max.saturating_add(1));
    // Bytes before `checked` are valid UTF-8 (a char split across two chunks
    // is checked when its end arrives).
    let mut checked = 0;
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = match input.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("{name}: {e}")),
        };
        if bytes.len() as u64 + n as u64 > max {
            return Err(format!(
                "{name}: larger than the input limit of {} (raise it with --max-size)",
                show_size(max)
            ));
        }
        bytes.extend_from_slice(&chunk[..n]);
        if utf8 {
            match std::str::from_utf8(&bytes[checked..]) {
                Ok(_) => checked = bytes.len(),
                Err(e) => {
                    if e.error_len().is_some() {
                        return Err(not_utf8(name, &bytes, checked + e.valid_up_to()));
                    }
                    // A char cut by the chunk's end: wait for the rest.
                    checked += e.valid_up_to();
                }
            }
        }
    }
    if utf8 && checked < bytes.len() {
        // The input ends inside a char.
        return Err(not_utf8(name, &bytes, checked));
    }
    Ok(bytes)
}

/// `name:line:col: not UTF-8 text: …` for the bad byte at `offset` (the line
/// and the byte column are 1-based).
fn not_utf8(name: &str, bytes: &[u8], offset: usize) -> String {
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    format!(
        "{name}:{line}:{col}: not UTF-8 text: invalid byte 0x{:02x} at byte offset {offset}",
        bytes[offset]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("1gb"), Ok(1 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("12X").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("99999999999G").is_err());
        assert_eq!(show_size(16 << 20), "16 MiB");
        assert_eq!(show_size(1000), "1000 bytes");
    }

    #[test]
    fn a_char_split_across_chunks_is_valid() {
        // "é" is 0xC3 0xA9: put its first byte last in the first chunk.
        let mut text = vec![b'a'; CHUNK - 1];
        text.extend_from_slice("é\n".as_bytes());
        let read = read_stream("x", &text[..], 1 << 20, true).unwrap();
        assert_eq!(read, text);
    }

    #[test]
    fn bad_bytes_and_the_cap_are_reported() {
        let err = read_stream("x", &b"FROM a\nRUN \xff"[..], 100, true).unwrap_err();
        assert_eq!(
            err,
            "x:2:5: not UTF-8 text: invalid byte 0xff at byte offset 11"
        );
        let err = read_stream("x", &b"FROM a\xc3"[..], 100, true).unwrap_err();
        assert!(err.contains("invalid byte 0xc3 at byte offset 6"), "{err}");
        assert!(read_stream("x", &[b'a'; 100][..], 100, true).is_ok());
        let err = read_stream("x", &[b'a'; 101][..], 100, true).unwrap_err();
        assert!(err.contains("input limit of 100 bytes"), "{err}");
    }
}
