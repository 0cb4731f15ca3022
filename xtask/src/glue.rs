//! Shrinks what wasm-bindgen emits, after trunk has built `dist/`.
//!
//! wasm-bindgen names every import and internal export after the Rust item
//! plus a 16-hex-digit hash (`__wbg_addEventListener_847fd86b8c33ec43`), and
//! each name is written twice: in the wasm's import or export section and in
//! the JS glue. Random hex barely compresses, so 130 such names cost about
//! 2.5 KB gzip. This step renames them to short identifiers in both files at
//! once, then minifies the glue with terser (npm, a build tool in
//! `target/tools/npm`), which trunk 0.21's own minifier cannot parse.
//!
//! It fails loudly, never half-applies: a name that does not appear in the
//! JS exactly where expected stops the build.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::tools::Tools;
use crate::util::run;
use crate::wasm::{self, put_leb};

const PREFIXES: [&str; 4] = ["__wbg_", "__wbindgen_", "wasm_bindgen__", "__externref_"];

pub fn shrink(tools: &Tools, dist: &Path, stem: &str) -> Result<(), String> {
    let wasm_path = dist.join(format!("{stem}_bg.wasm"));
    let js_path = dist.join(format!("{stem}.js"));
    let wasm = std::fs::read(&wasm_path).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    let js =
        std::fs::read_to_string(&js_path).map_err(|e| format!("{}: {e}", js_path.display()))?;

    let taken: HashSet<&str> = identifiers(&js).map(|(_, t)| t).collect();
    let mut fresh = ShortNames {
        next: 0,
        taken: &taken,
    };
    let mut map: HashMap<String, String> = HashMap::new();
    let new_wasm = rename_wasm(&wasm, &mut |name: &str| {
        if !PREFIXES.iter().any(|p| name.starts_with(p)) {
            return None;
        }
        Some(
            map.entry(name.to_string())
                .or_insert_with(|| fresh.next())
                .clone(),
        )
    })?;

    // Every renamed name must be in the glue; otherwise the two would no
    // longer agree and the page would fail to instantiate.
    let mut seen: HashSet<&str> = HashSet::new();
    let mut new_js = String::with_capacity(js.len());
    let mut last = 0;
    for (at, token) in identifiers(&js) {
        if let Some(short) = map.get(token) {
            new_js.push_str(&js[last..at]);
            new_js.push_str(short);
            last = at + token.len();
            seen.insert(token);
        }
    }
    new_js.push_str(&js[last..]);
    if let Some(missing) = map.keys().find(|k| !seen.contains(k.as_str())) {
        return Err(format!(
            "glue: the wasm names `{missing}` but {} never does; not renaming",
            js_path.display()
        ));
    }

    std::fs::write(&wasm_path, &new_wasm).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    let renamed = dist.join(format!("{stem}.renamed.js"));
    std::fs::write(&renamed, &new_js).map_err(|e| e.to_string())?;
    let terser = tools.npm_bin("terser");
    let result = run(tools
        .command_at(&terser)
        .arg(&renamed)
        .args([
            "--module",
            "--compress",
            "passes=2",
            "--mangle",
            "--comments",
            "false",
            "--output",
        ])
        .arg(&js_path));
    let _ = std::fs::remove_file(&renamed);
    result?;
    let after = std::fs::metadata(&js_path).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "    glue: {} wasm-bindgen names shortened; wasm {} -> {} bytes, JS {} -> {} bytes",
        map.len(),
        wasm.len(),
        new_wasm.len(),
        js.len(),
        after
    );
    Ok(())
}

/// Identifier tokens of a JS text with their byte offsets. Strings and
/// comments are not told apart: the names renamed here are long and unique
/// enough that a match anywhere is the name itself.
fn identifiers(js: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = js.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !is_ident(bytes[i]) {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        Some((start, &js[start..i]))
    })
}

/// `a`, `b`, … `Z`, `aa`, …, skipping any identifier the glue already uses.
struct ShortNames<'a> {
    next: usize,
    taken: &'a HashSet<&'a str>,
}

impl ShortNames<'_> {
    fn next(&mut self) -> String {
        const ALPHA: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        loop {
            let (mut k, mut s) = (self.next, Vec::new());
            self.next += 1;
            loop {
                s.push(ALPHA[k % ALPHA.len()]);
                k /= ALPHA.len();
                if k == 0 {
                    break;
                }
                k -= 1;
            }
            s.reverse();
            // Two letters at least, with a leading `$`: never a JS keyword.
            let name = format!("${}", String::from_utf8(s).expect("ascii"));
            if !self.taken.contains(name.as_str()) {
                return name;
            }
        }
    }
}

/// Copies `wasm`, renaming import fields (section 2) and exports (section 7)
/// through `rename`; other sections are copied byte for byte.
fn rename_wasm(
    module: &[u8],
    rename: &mut dyn FnMut(&str) -> Option<String>,
) -> Result<Vec<u8>, String> {
    let mut out = wasm::HEADER.to_vec();
    for section in wasm::sections(module).map_err(|e| format!("glue: {e}"))? {
        let new_body = match section.id {
            2 => rename_entries(section.body, rename, true)?,
            7 => rename_entries(section.body, rename, false)?,
            _ => section.body.to_vec(),
        };
        out.push(section.id);
        put_leb(&mut out, new_body.len() as u32);
        out.extend_from_slice(&new_body);
    }
    Ok(out)
}

fn rename_entries(
    body: &[u8],
    rename: &mut dyn FnMut(&str) -> Option<String>,
    imports: bool,
) -> Result<Vec<u8>, String> {
    let glue = |e: String| format!("glue: {e}");
    let mut r = wasm::Reader::new(body);
    let count = r.leb().map_err(glue)? as u32;
    let mut out = Vec::with_capacity(body.len());
    put_leb(&mut out, count);
    for _ in 0..count {
        if imports {
            let start = r.pos;
            r.name().map_err(glue)?;
            out.extend_from_slice(&body[start..r.pos]);
        }
        let field = r.name().map_err(glue)?;
        let new = rename(field).unwrap_or_else(|| field.to_string());
        put_leb(&mut out, new.len() as u32);
        out.extend_from_slice(new.as_bytes());
        // The description: kind byte, then its fields.
        let start = r.pos;
        let kind = r.byte().map_err(glue)?;
        match (imports, kind) {
            // An export's index, or a function import's type index.
            (false, _) | (true, 0) => {
                r.leb().map_err(glue)?;
            }
            (true, 1) => {
                r.byte().map_err(glue)?; // reftype
                r.limits().map_err(glue)?;
            }
            (true, 2) => r.limits().map_err(glue)?,
            (true, 3) => {
                r.bytes(2).map_err(glue)?; // valtype, mutability
            }
            (true, k) => return Err(format!("glue: import kind {k} is not handled")),
        }
        out.extend_from_slice(&body[start..r.pos]);
    }
    if r.pos != body.len() {
        return Err("glue: trailing bytes in an import or export section".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_skip_taken_identifiers() {
        let taken: HashSet<&str> = ["$a", "$c"].into_iter().collect();
        let mut n = ShortNames {
            next: 0,
            taken: &taken,
        };
        let got: Vec<String> = (0..3).map(|_| n.next()).collect();
        assert_eq!(got, ["$b", "$d", "$e"]);
        let mut n = ShortNames {
            next: 51,
            taken: &taken,
        };
        assert_eq!(n.next(), "$Z");
        assert_eq!(n.next(), "$aa");
    }

    #[test]
    fn renames_imports_and_exports_and_keeps_the_rest() {
        // (module (import "m" "__wbg_x_0123456789abcdef" (func)) (export "keep" ...) (export "__wbindgen_malloc" ...))
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        let mut imports = Vec::new();
        put_leb(&mut imports, 1);
        imports.extend_from_slice(b"\x01m");
        let f = "__wbg_x_0123456789abcdef";
        put_leb(&mut imports, f.len() as u32);
        imports.extend_from_slice(f.as_bytes());
        imports.extend_from_slice(&[0, 0]);
        wasm.push(2);
        put_leb(&mut wasm, imports.len() as u32);
        wasm.extend_from_slice(&imports);
        let mut exports = Vec::new();
        put_leb(&mut exports, 2);
        exports.extend_from_slice(b"\x04keep\x00\x01");
        exports.extend_from_slice(b"\x11__wbindgen_malloc\x00\x02");
        wasm.push(7);
        put_leb(&mut wasm, exports.len() as u32);
        wasm.extend_from_slice(&exports);
        wasm.extend_from_slice(&[0, 3, 1, b'z', 9]); // a custom section, copied as is

        let mut seen = Vec::new();
        let out = rename_wasm(&wasm, &mut |n| {
            seen.push(n.to_string());
            n.starts_with("__w").then(|| format!("${}", seen.len()))
        })
        .unwrap();
        assert_eq!(seen, [f, "keep", "__wbindgen_malloc"]);
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("\x01m\x02$1\0\0"), "{text:?}");
        assert!(text.contains("\x04keep\x00\x01"));
        assert!(text.contains("\x02$3\x00\x02"));
        assert!(out.ends_with(&[0, 3, 1, b'z', 9]));
        assert!(rename_wasm(b"not wasm", &mut |_| None).is_err());
    }
}
