//! Share-link codec (not a component): the Dockerfile, compressed, in the URL
//! fragment `#/s/<payload>`, restored byte for byte.
//!
//! Why our own ~120 lines instead of a crate: a deflate crate
//! (`miniz_oxide`, `lz-str`, `flate2`'s pure backend) adds 20–45 KB of wasm
//! for both directions; this byte LZ77 adds about 2 KB and compresses a
//! Dockerfile 2–4× (they repeat keywords, paths and package names).
//!
//! Payload: `1` (format version) then base64url (no padding) of the token
//! stream. Tokens: `varint literal_count, literals…, varint match` where
//! `match` is 0 at the end of the stream, else `length - MIN_MATCH + 1`
//! followed by `varint distance`. The same file is compiled into the test
//! suite (`#[path]`) so tests can build and read links.

const MIN_MATCH: usize = 4;
const WINDOW: usize = 1 << 16;
const HASH_BITS: u32 = 14;
const MAX_CHAIN: usize = 48;
const MAX_MATCH: usize = 1 << 16;
/// Larger decoded texts are refused (a hostile link cannot exhaust memory).
const MAX_TEXT: usize = 8 << 20;

/// The fragment payload for `text`.
pub fn encode(text: &str) -> String {
    let mut out = String::from("1");
    base64url(&compress(text.as_bytes()), &mut out);
    out
}

/// The text of a payload made by [`encode`]; None for anything else.
pub fn decode(payload: &str) -> Option<String> {
    let rest = payload.strip_prefix('1')?;
    let bytes = decompress(&unbase64url(rest)?)?;
    String::from_utf8(bytes).ok()
}

fn hash(b: &[u8]) -> usize {
    let v = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    (v.wrapping_mul(2_654_435_761) >> (32 - HASH_BITS)) as usize
}

fn varint(mut v: usize, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(b: &[u8], pos: &mut usize) -> Option<usize> {
    let mut v = 0usize;
    for shift in (0..35).step_by(7) {
        let byte = *b.get(*pos)?;
        *pos += 1;
        v |= ((byte & 0x7f) as usize) << shift;
        if byte < 0x80 {
            return Some(v);
        }
    }
    None
}

fn compress(input: &[u8]) -> Vec<u8> {
    let n = input.len();
    let mut head = vec![usize::MAX; 1 << HASH_BITS];
    let mut prev = vec![usize::MAX; n];
    let mut out = Vec::with_capacity(n / 2 + 8);
    let mut lit_start = 0;
    let mut i = 0;
    let insert = |pos: usize, head: &mut Vec<usize>, prev: &mut Vec<usize>| {
        let h = hash(&input[pos..]);
        prev[pos] = head[h];
        head[h] = pos;
    };
    while i + MIN_MATCH <= n {
        let (mut best_len, mut best_dist) = (0, 0);
        let mut cand = head[hash(&input[i..])];
        let mut chain = MAX_CHAIN;
        while cand != usize::MAX && i - cand <= WINDOW && chain > 0 {
            let max = (n - i).min(MAX_MATCH);
            let len = input[cand..]
                .iter()
                .zip(&input[i..i + max])
                .take_while(|(a, b)| a == b)
                .count();
            if len > best_len {
                best_len = len;
                best_dist = i - cand;
            }
            cand = prev[cand];
            chain -= 1;
        }
        insert(i, &mut head, &mut prev);
        if best_len >= MIN_MATCH {
            varint(i - lit_start, &mut out);
            out.extend_from_slice(&input[lit_start..i]);
            varint(best_len - MIN_MATCH + 1, &mut out);
            varint(best_dist, &mut out);
            for p in i + 1..i + best_len {
                if p + MIN_MATCH <= n {
                    insert(p, &mut head, &mut prev);
                }
            }
            i += best_len;
            lit_start = i;
        } else {
            i += 1;
        }
    }
    varint(n - lit_start, &mut out);
    out.extend_from_slice(&input[lit_start..]);
    varint(0, &mut out);
    out
}

fn decompress(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len() * 3);
    let mut pos = 0;
    loop {
        let lits = read_varint(b, &mut pos)?;
        out.extend_from_slice(b.get(pos..pos.checked_add(lits)?)?);
        pos += lits;
        let code = read_varint(b, &mut pos)?;
        if code == 0 {
            return (pos == b.len()).then_some(out);
        }
        let len = code.checked_add(MIN_MATCH - 1)?;
        let dist = read_varint(b, &mut pos)?;
        if dist == 0 || dist > out.len() || len > MAX_MATCH || out.len() + len > MAX_TEXT {
            return None;
        }
        let from = out.len() - dist;
        for k in 0..len {
            let byte = out[from + k];
            out.push(byte);
        }
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8], out: &mut String) {
    for chunk in bytes.chunks(3) {
        let v = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        for k in 0..chunk.len() + 1 {
            out.push(ALPHABET[(v >> (18 - 6 * k) & 63) as usize] as char);
        }
    }
}

fn unbase64url(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let big: String = (0..4000)
            .map(|i| format!("RUN echo {i} ünïcödé 🐳\r\n"))
            .collect();
        for t in [
            "",
            "a",
            "FROM x\r\nRUN y\r\n",
            "aaaaaaaaaaaaaaaaaaaaaaa",
            "日本語\u{0}\t",
            big.as_str(),
        ] {
            assert_eq!(decode(&encode(t)).as_deref(), Some(t));
        }
        assert!(encode(&big).len() < big.len() / 3);
        assert_eq!(decode("1<script>"), None);
        assert_eq!(decode("2AAAA"), None);
        assert_eq!(decode("1_____"), None);
    }
}
