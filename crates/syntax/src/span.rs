//! Byte spans and the line index that turns them into line/column positions.
//!
//! Spans are half-open byte ranges into the original source, so
//! `&src[span.start..span.end]` is always the exact text (fixes are text edits).
//! Columns are counted in UTF-16 code units because that is what browsers and
//! editors (Monaco, LSP) use.
//!
//! Invariant: a span is a half-open byte range into the source it was made
//! from, so `&src[span.start..span.end]` is that node's exact text (what a
//! fix's text edit replaces); positions are 1-based lines and UTF-16
//! columns.

use serde::Serialize;

/// A half-open byte range `start..end` into the parsed source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
    /// The span as a `usize` range, for slicing the source.
    pub fn range(self) -> core::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    /// The exact source text this span covers.
    pub fn text(self, src: &str) -> &str {
        src.get(self.range()).unwrap_or("")
    }
    pub fn is_empty(self) -> bool {
        self.start >= self.end
    }
}

/// A 1-based line and a 1-based column counted in UTF-16 code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// Maps byte offsets to [`Position`]s. Build it once per source: O(n) to build,
/// O(log lines + line length) per lookup.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the first byte of each line.
    starts: Vec<u32>,
    /// Each non-ASCII character: its byte offset and the bytes its UTF-8
    /// form has beyond its UTF-16 length, summed over it and every one
    /// before. A column is then two binary searches, not a scan of the
    /// line (a 200 KB one-line RUN with 8,000 findings was quadratic).
    wide: Vec<(u32, u32)>,
}

impl LineIndex {
    pub fn new(src: &str) -> LineIndex {
        let mut starts = vec![0u32];
        let mut wide = Vec::new();
        let mut extra = 0u32;
        for (i, b) in src.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i as u32 + 1);
            } else if b >= 0xC0 {
                // A lead byte: 2 or 3 bytes are 1 UTF-16 unit, 4 bytes are 2.
                extra += match b {
                    0xC0..=0xDF => 1,
                    _ => 2,
                };
                wide.push((i as u32, extra));
            }
        }
        LineIndex { starts, wide }
    }

    /// Extra UTF-8 bytes of the characters starting before `offset`.
    fn extra_before(&self, offset: u32) -> u32 {
        let k = self.wide.partition_point(|w| w.0 < offset);
        k.checked_sub(1).map_or(0, |k| self.wide[k].1)
    }

    /// Position of byte `offset` (clamped to the source and to a char boundary).
    pub fn position(&self, src: &str, offset: u32) -> Position {
        let mut offset = (offset as usize).min(src.len());
        while !src.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let bytes = offset as u32 - start;
        let column = bytes - (self.extra_before(offset as u32) - self.extra_before(start));
        Position {
            line: line as u32 + 1,
            column: column + 1,
        }
    }

    /// The byte offset where the line holding `offset` starts.
    pub fn line_start_of(&self, offset: u32) -> usize {
        let i = self.starts.partition_point(|&s| s <= offset);
        self.starts[i.saturating_sub(1)] as usize
    }

    /// Number of lines (a trailing newline opens one more, empty line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// Positions of offsets visited in increasing order, in one pass over the
/// source and without an index: what [`super::parse`] needs. An offset before
/// the previous one is still right, but rescans from the start.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cursor<'a> {
    src: &'a str,
    /// Last offset visited (a char boundary), its 0-based line, and the
    /// offset where that line starts.
    pos: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(src: &'a str) -> Cursor<'a> {
        Cursor {
            src,
            pos: 0,
            line: 0,
            line_start: 0,
        }
    }

    /// Same result as [`LineIndex::position`].
    pub(crate) fn position(&mut self, offset: u32) -> Position {
        let mut offset = (offset as usize).min(self.src.len());
        while !self.src.is_char_boundary(offset) {
            offset -= 1;
        }
        if offset < self.pos {
            *self = Cursor::new(self.src);
        }
        let seg = &self.src.as_bytes()[self.pos..offset];
        if let Some(last) = seg.iter().rposition(|b| *b == b'\n') {
            self.line += seg.iter().filter(|b| **b == b'\n').count();
            self.line_start = self.pos + last + 1;
        }
        self.pos = offset;
        position_on_line(self.src, self.line as u32, self.line_start, offset)
    }
}

/// Position of `offset` (a char boundary) on 0-based line `line`, which
/// starts at `line_start`.
pub(crate) fn position_on_line(src: &str, line: u32, line_start: usize, offset: usize) -> Position {
    let text = src.get(line_start..offset).unwrap_or("");
    // UTF-16 units: one per char, two for chars outside the BMP.
    let column = if text.is_ascii() {
        text.len()
    } else {
        text.chars().map(char::len_utf16).sum()
    };
    Position {
        line: line + 1,
        column: column as u32 + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns() {
        let src = "a\n😀b\r\nc";
        let ix = LineIndex::new(src);
        assert_eq!(ix.position(src, 0), Position { line: 1, column: 1 });
        assert_eq!(ix.position(src, 2), Position { line: 2, column: 1 });
        // the emoji is 4 bytes and 2 UTF-16 units
        assert_eq!(ix.position(src, 6), Position { line: 2, column: 3 });
        // inside the emoji clamps back to its start
        assert_eq!(ix.position(src, 4), Position { line: 2, column: 1 });
        assert_eq!(ix.position(src, 9), Position { line: 3, column: 1 });
        assert_eq!(ix.position(src, 99), Position { line: 3, column: 2 });
    }

    #[test]
    fn cursor_matches_index() {
        let src = "a\n😀b\r\nc\n\n  é\u{10000}x";
        let ix = LineIndex::new(src);
        let mut cur = Cursor::new(src);
        for o in (0..src.len() as u32 + 3).chain([5, 0, 7]) {
            assert_eq!(cur.position(o), ix.position(src, o), "offset {o}");
        }
    }

    #[test]
    fn index_columns_equal_a_naive_count() {
        let src = "é😀x\nab\u{7ff}\u{800}\u{ffff}\u{10000}c\n\nzé\r\n😀";
        let ix = LineIndex::new(src);
        for o in 0..=src.len() {
            if !src.is_char_boundary(o) {
                continue;
            }
            let start = src[..o].rfind('\n').map_or(0, |i| i + 1);
            let want = Position {
                line: src[..o].matches('\n').count() as u32 + 1,
                column: src[start..o].chars().map(char::len_utf16).sum::<usize>() as u32 + 1,
            };
            assert_eq!(ix.position(src, o as u32), want, "offset {o}");
        }
    }
}
