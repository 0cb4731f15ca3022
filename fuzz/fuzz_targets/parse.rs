//! `parse` never panics, keeps every span in bounds and on char boundaries,
//! and round-trips: instruction spans plus the gaps between them rebuild the
//! source, and each span's text re-parses to the same keyword.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let df = layerlab_core::parse(&src);
    let ok = |s: layerlab_core::Span| {
        s.start <= s.end && (s.end as usize) <= src.len()
            && src.is_char_boundary(s.start as usize) && src.is_char_boundary(s.end as usize)
    };
    let mut rebuilt = String::with_capacity(src.len());
    let mut last = 0usize;
    for i in &df.instructions {
        assert!(ok(i.span) && ok(i.keyword_span), "{i:?}");
        assert!(i.span.start as usize >= last, "overlapping instructions");
        for s in i.arguments.iter().map(|a| a.span).chain(i.flags.iter().map(|f| f.span)) {
            assert!(ok(s) && s.start >= i.span.start && s.end <= i.span.end);
        }
        for h in &i.heredocs {
            assert!(ok(h.body_span));
            assert_eq!(&src[h.body_span.range()], h.content);
        }
        rebuilt.push_str(&src[last..i.span.start as usize]);
        rebuilt.push_str(&src[i.span.range()]);
        last = i.span.end as usize;
    }
    rebuilt.push_str(&src[last..]);
    assert_eq!(rebuilt, *src);
    for d in &df.diagnostics {
        assert!(ok(d.span));
    }
    let _ = df.dump();
    let _ = layerlab_core::outline(&src);
});
