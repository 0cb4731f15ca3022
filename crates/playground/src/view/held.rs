//! The window of lines the editor's textarea holds when a text is too long
//! for the browser to lay out at once (`components::editor`): the text
//! arithmetic, pure and tested natively.
//!
//! Invariant: while a window is held, the textarea's value is exactly
//! [`shown`] of the state's text for that window, except between an input
//! event and the render that follows it; [`splice`] of the textarea's value
//! into the text is then the text the user sees.

/// Above this many lines the textarea holds only a window of the text.
/// Chromium lays out every line of a textarea on each pass, about 5 µs a
/// line (measured with `cargo xtask bench-web --large`: 1 s for 200,000
/// lines), so 20,000 lines stay near 0.1 s, and files up to that keep the
/// browser's own undo and select-all.
pub const HOLD_ABOVE: usize = 20_000;

/// The most lines a window may grow to by typing (or pasting) into it
/// before it is cut back to the lines around the cursor.
pub const HOLD_MAX: usize = 4_000;

/// The lines the textarea holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Held {
    /// The first line held, 0-based.
    pub start: usize,
    /// How many lines are held (at least 1).
    pub lines: usize,
    /// Select-all is on: the textarea's selection stands for the whole
    /// text (copy, cut and typing act on all of it).
    pub all: bool,
}

impl Held {
    /// The line after the last one held.
    pub fn end(&self) -> usize {
        self.start + self.lines
    }

    /// The window moved inside a text of `total` lines (at least one line).
    pub fn clamp(self, total: usize) -> Held {
        let total = total.max(1);
        let start = self.start.min(total - 1);
        Held {
            start,
            lines: self.lines.clamp(1, total - start),
            all: self.all,
        }
    }

    /// The window of `start..end` (from the editor's `window_of`).
    pub fn of(start: usize, end: usize, total: usize) -> Held {
        Held {
            start,
            lines: end.saturating_sub(start),
            all: false,
        }
        .clamp(total)
    }
}

/// Byte offsets where each line of `text` starts (one entry for an empty
/// text).
pub fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The byte range of the held lines in `text`, without the line ending
/// after the last one. `starts` is `line_starts(text)`.
pub fn range(text: &str, starts: &[usize], h: Held) -> (usize, usize) {
    let h = h.clamp(starts.len());
    let from = starts[h.start];
    let to = match starts.get(h.end()) {
        Some(&next) => {
            let nl = next - 1;
            if nl > from && text.as_bytes()[nl - 1] == b'\r' {
                nl - 1
            } else {
                nl
            }
        }
        None => text.len(),
    };
    (from, to.max(from))
}

/// What the textarea holds for the window: the held lines with LF line
/// endings (a textarea's value never has CR).
pub fn shown(text: &str, starts: &[usize], h: Held) -> String {
    let (from, to) = range(text, starts, h);
    text[from..to].replace("\r\n", "\n")
}

/// `text` with the held lines replaced by `value` (the textarea's, LF line
/// endings). Held lines that ended in CRLF get CRLF back, so a CRLF file
/// stays one.
pub fn splice(text: &str, starts: &[usize], h: Held, value: &str) -> String {
    let (from, to) = range(text, starts, h);
    let crlf = text[from..to].contains("\r\n")
        || text[to..].starts_with("\r\n")
        || (to == text.len() && text[..from].ends_with("\r\n"));
    let value = if crlf {
        std::borrow::Cow::Owned(value.replace('\n', "\r\n"))
    } else {
        std::borrow::Cow::Borrowed(value)
    };
    let mut out = String::with_capacity(text.len() - (to - from) + value.len());
    out.push_str(&text[..from]);
    out.push_str(&value);
    out.push_str(&text[to..]);
    out
}

/// The 0-based line and UTF-16 column of UTF-16 offset `pos` in `value`.
pub fn line_col(value: &str, pos: u32) -> (usize, u32) {
    let (mut units, mut line, mut col) = (0u32, 0usize, 0u32);
    for c in value.chars() {
        if units >= pos {
            break;
        }
        units += c.len_utf16() as u32;
        if c == '\n' {
            line += 1;
            col = 0;
        } else {
            col += c.len_utf16() as u32;
        }
    }
    (line, col)
}

/// The UTF-16 offset of 0-based `line`, column `col` (clamped to the line's
/// end) in `value`, or `None` when `value` has fewer lines.
pub fn offset(value: &str, line: usize, col: u32) -> Option<u32> {
    let (mut units, mut current) = (0u32, 0usize);
    let mut chars = value.chars().peekable();
    while current < line {
        let c = chars.next()?;
        units += c.len_utf16() as u32;
        if c == '\n' {
            current += 1;
        }
    }
    let mut taken = 0u32;
    while let Some(&c) = chars.peek() {
        if c == '\n' || taken >= col {
            break;
        }
        taken += c.len_utf16() as u32;
        units += c.len_utf16() as u32;
        chars.next();
    }
    Some(units)
}

/// The window to hold so that 0-based `line` is in view with `shown` lines
/// visible: `margin` lines either side at least, edges rounded to `step`.
pub fn around(line: usize, shown: usize, total: usize, margin: usize, step: usize) -> Held {
    let start = line.saturating_sub(shown / 2 + margin) / step * step;
    let end = ((line + shown / 2 + margin) / step + 1) * step;
    Held::of(start, end.min(total), total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(start: usize, lines: usize) -> Held {
        Held {
            start,
            lines,
            all: false,
        }
    }

    #[test]
    fn shown_and_splice_round_trip_lf_and_crlf() {
        for text in [
            "a\nb\nc\nd",
            "a\r\nb\r\nc\r\nd\r\n",
            "only",
            "",
            "x\n\n\ny\n",
        ] {
            let starts = line_starts(text);
            for start in 0..starts.len() {
                for lines in 1..=starts.len() - start {
                    let h = held(start, lines);
                    let value = shown(text, &starts, h);
                    assert!(!value.contains('\r'), "{text:?} {h:?}");
                    assert_eq!(value.split('\n').count(), lines, "{text:?} {h:?}");
                    assert_eq!(splice(text, &starts, h, &value), text, "{text:?} {h:?}");
                }
            }
        }
    }

    #[test]
    fn splice_replaces_only_the_held_lines_and_keeps_crlf() {
        let text = "l1\r\nl2\r\nl3\r\nl4\r\n";
        let starts = line_starts(text);
        assert_eq!(shown(text, &starts, held(1, 2)), "l2\nl3");
        assert_eq!(
            splice(text, &starts, held(1, 2), "L2\nnew\nL3"),
            "l1\r\nL2\r\nnew\r\nL3\r\nl4\r\n"
        );
        let text = "l1\nl2\nl3";
        let starts = line_starts(text);
        assert_eq!(
            splice(text, &starts, held(2, 1), "L3\nL4"),
            "l1\nl2\nL3\nL4"
        );
        assert_eq!(splice(text, &starts, held(0, 1), ""), "\nl2\nl3");
    }

    #[test]
    fn a_window_past_the_text_is_clamped() {
        let text = "a\nb";
        let starts = line_starts(text);
        assert_eq!(held(5, 9).clamp(2), held(1, 1));
        assert_eq!(shown(text, &starts, held(5, 9)), "b");
        assert_eq!(Held::of(0, 0, 2), held(0, 1));
        assert_eq!(held(0, 3).clamp(0), held(0, 1));
    }

    #[test]
    fn positions_convert_both_ways_in_utf16() {
        let value = "ab\n€𝄞x\n\nlast";
        // 𝄞 is two UTF-16 units.
        assert_eq!(line_col(value, 0), (0, 0));
        assert_eq!(line_col(value, 3), (1, 0));
        assert_eq!(line_col(value, 6), (1, 3));
        assert_eq!(line_col(value, 8), (2, 0));
        assert_eq!(line_col(value, 99), (3, 4));
        for pos in [0, 2, 3, 4, 6, 7, 8, 9, 13] {
            let (l, c) = line_col(value, pos);
            assert_eq!(offset(value, l, c), Some(pos), "{pos}");
        }
        assert_eq!(offset(value, 0, 50), Some(2), "clamped to the line");
        assert_eq!(offset(value, 4, 0), None);
    }

    #[test]
    fn around_rounds_to_steps_and_stays_inside() {
        assert_eq!(around(0, 20, 200_000, 64, 128), held(0, 128));
        assert_eq!(around(1000, 20, 200_000, 64, 128), held(896, 256));
        assert_eq!(around(199_999, 20, 200_000, 64, 128), held(199_808, 192));
        let h = around(50_000, 30, 200_000, 64, 128);
        assert!(h.start + 64 <= 50_000 && 50_000 + 64 < h.end(), "{h:?}");
    }
}
