//! Byte spans and the line index that turns them into line/column positions.
//!
//! Spans are half-open byte ranges into the original source, so
//! `&src[span.start..span.end]` is always the exact text (fixes are text edits).
//! Columns are counted in UTF-16 code units because that is what browsers and
//! editors (Monaco, LSP) use.

use serde::Serialize;

/// A half-open byte range `start..end` into the parsed source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start: start as u32, end: end as u32 }
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
}

impl LineIndex {
    pub fn new(src: &str) -> LineIndex {
        let mut starts = vec![0u32];
        for (i, b) in src.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i as u32 + 1);
            }
        }
        LineIndex { starts }
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
        let start = self.starts[line] as usize;
        let column: usize = src[start..offset].chars().map(char::len_utf16).sum();
        Position { line: line as u32 + 1, column: column as u32 + 1 }
    }

    /// Number of lines (a trailing newline opens one more, empty line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
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
}
