//! Minifies `web/styles.css` into the build: the stylesheet is compiled into
//! the wasm (the playground and every widget's shadow root use it), and
//! comments and layout whitespace cost about 0.4 KB gzip of the 250 KB budget.

fn main() {
    let src = "../../web/styles.css";
    println!("cargo:rerun-if-changed={src}");
    let css = std::fs::read_to_string(src).expect("web/styles.css");
    let out =
        std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("styles.min.css");
    std::fs::write(out, minify(&css)).expect("write styles.min.css");
}

/// Drops comments and collapses whitespace; removes it around `{ } ; , >`
/// (never around `:` or `+`, where it can mean a descendant combinator or
/// be required inside `calc()`). Quoted strings are copied as they are.
fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let b = css.as_bytes();
    let mut i = 0;
    let mut pending_space = false;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = css[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            continue;
        }
        if c.is_ascii_whitespace() {
            pending_space = true;
            i += 1;
            continue;
        }
        let tight = |x: u8| matches!(x, b'{' | b'}' | b';' | b',' | b'>');
        if pending_space
            && !out.is_empty()
            && !tight(c)
            && !out.ends_with(|p: char| p.is_ascii() && tight(p as u8))
        {
            out.push(' ');
        }
        pending_space = false;
        if c == b'"' || c == b'\'' {
            let end = css[i + 1..]
                .find(c as char)
                .map_or(b.len(), |e| i + 1 + e + 1);
            out.push_str(&css[i..end]);
            i = end;
            continue;
        }
        if c == b'}' && out.ends_with(';') {
            out.pop();
        }
        let ch = css[i..].chars().next().expect("in bounds");
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}
