//! The Dockerfile editor: a plain textarea over a highlighting overlay, with
//! line numbers and diagnostic markers in the gutter.
//!
//! The textarea is uncontrolled while the user types: the DOM value is only
//! written when the state's text differs from it (an example or a share link
//! was loaded), so the browser's native undo stack and cursor stay intact.
//! Its text is transparent; the overlay `<pre>` below it draws the same
//! text, coloured and underlined, line by line (unchanged lines are not
//! re-rendered). Neither scrolls on its own: both take the full height of
//! the text and the surrounding box scrolls, so they can never drift apart.
//!
//! Above [`DRAW_ALL`] lines the overlay, the line numbers and the gutter
//! markers draw only a window of lines around the visible ones (moved in
//! steps of [`STEP`] lines as the box scrolls); padding stands in for the
//! rest, and the overlay's minimum width for its longest line, so the box
//! keeps the text's full size and the textarea never scrolls on its own.
//! A 200,000-line paste then lays out a few hundred lines, not all of them.

use std::rc::Rc;

use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::editor_line::EditorLine;
use crate::view::highlight::{self, Segment};
use crate::state::Analysis;

/// Files up to this many lines are drawn whole.
const DRAW_ALL: usize = 1000;
/// The drawn window's edges move in steps of this many lines.
const STEP: usize = 128;
/// Lines drawn above and below the visible ones (at least).
const MARGIN: usize = 64;
/// The most gutter markers drawn for one line. They are drawn on top of each
/// other; the findings list has every one. A `RUN` of 8,000 installs put
/// 16,000 markers (56,000 elements) on one line.
const MARKS_PER_LINE: usize = 8;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub analysis: Rc<Analysis>,
    /// The text to show: the analysis's, or text typed into a large file
    /// that is analyzed a moment later (`State::text`).
    pub text: Rc<str>,
    /// 1-based line of the cursor.
    pub cursor_line: u32,
    /// A request to select a line: (line, nonce).
    pub select_line: Option<(u32, u64)>,
    /// Called with the full text after every edit.
    pub on_input: Callback<String>,
    /// Called with the cursor's 1-based line when it moves.
    pub on_cursor: Callback<u32>,
}

use crate::components::gutter_marker::{GutterMarker, Marker};

/// One highlighted line and what it was computed from, kept between edits.
struct CachedLine {
    text: String,
    continued: bool,
    ranges: Vec<(usize, usize)>,
    segments: Rc<Vec<Segment>>,
}

/// Lines of the text, each as highlighted segments. A line whose text,
/// continuation state and underlines are unchanged keeps its previous
/// segments (the same `Rc`), so its `EditorLine` is skipped: an edit costs
/// the lines it touched, not the file's length.
/// Where `text` differs from the analyzed text: `old[from..old_to]` became
/// `new[from..]` up to the same suffix. Moves the analysis's byte offsets
/// onto `text` until it is analyzed (offsets inside the edit go to its start;
/// all results are character boundaries of `text`).
struct Shift {
    from: usize,
    old_to: usize,
    delta: isize,
}

impl Shift {
    fn new(old: &str, new: &str) -> Shift {
        let boundary = |k: usize, back: bool| {
            let mut k = k;
            let ok = |k: usize| {
                if back {
                    old.is_char_boundary(old.len() - k) && new.is_char_boundary(new.len() - k)
                } else {
                    old.is_char_boundary(k) && new.is_char_boundary(k)
                }
            };
            while k > 0 && !ok(k) {
                k -= 1;
            }
            k
        };
        let from = boundary(
            old.bytes()
                .zip(new.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
            false,
        );
        let room = old.len().min(new.len()) - from;
        let same_end = old
            .bytes()
            .rev()
            .zip(new.bytes().rev())
            .take(room)
            .take_while(|(a, b)| a == b)
            .count();
        let same_end = boundary(same_end, true);
        Shift {
            from,
            old_to: old.len() - same_end,
            delta: new.len() as isize - old.len() as isize,
        }
    }

    fn at(&self, offset: usize) -> usize {
        if offset <= self.from {
            offset
        } else if offset >= self.old_to {
            (offset as isize + self.delta) as usize
        } else {
            self.from
        }
    }
}

/// Where the analyzed part of `text` ends: all of it, or the start of a
/// line, when the analysis was cut or `text` (typed, not analyzed yet) is
/// over the analysis limit. The view draws the rest as plain text.
fn analyzed_end(a: &Analysis, text: &str, shift: &Shift) -> usize {
    let end = if a.truncated() {
        shift.at(a.source.len()).min(text.len())
    } else {
        text.len()
    };
    let end = end.min(crate::state::analyzed_len(text));
    if end == text.len() {
        end
    } else {
        text[..end].rfind('\n').map_or(0, |i| i + 1)
    }
}

/// The highlighted lines of the analyzed part of `text`, and where that part
/// ends (computed once per text, with the lines).
fn highlighted(
    a: &Analysis,
    text: &str,
    cache: &mut Vec<CachedLine>,
) -> (Vec<Rc<Vec<Segment>>>, usize) {
    let shift = Shift::new(&a.text, text);
    let end = analyzed_end(a, text, &shift);
    // A cut analysis ends after a whole line: the unanalyzed rest starts on
    // the next line (drawn plain by the view).
    let src: &str = match text[..end].strip_suffix('\n') {
        _ if end == text.len() => text,
        Some(s) => s,
        None => return (Vec::new(), end),
    };
    // Byte ranges to underline (findings and syntax errors), by start.
    let mut ranges: Vec<(usize, usize)> = a
        .findings
        .iter()
        .map(|f| {
            (
                shift.at(f.span.start as usize),
                shift.at(f.span.end as usize),
            )
        })
        .chain(a.df.diagnostics.iter().map(|d| {
            let start = shift.at(d.span.start as usize);
            (start, shift.at(d.span.end as usize).max(start + 1))
        }))
        .collect();
    layerlab_core::sort::sort_by_key(&mut ranges, |r| r.0);
    let mut out = Vec::new();
    let mut offset = 0;
    let mut continued = false;
    // Ranges started before the current line that may reach into it.
    let (mut next, mut active): (usize, Vec<(usize, usize)>) = (0, Vec::new());
    for (i, raw) in src.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let end = offset + line.len();
        active.retain(|&(_, e)| e > offset);
        while next < ranges.len() && ranges[next].0 < end.max(offset + 1) {
            active.push(ranges[next]);
            next += 1;
        }
        let local: Vec<(usize, usize)> = active
            .iter()
            .filter(|&&(s, e)| s < end && e > offset)
            .map(|&(s, e)| (s.max(offset) - offset, e.min(end) - offset))
            .collect();
        let reuse = cache
            .get(i)
            .filter(|c| c.continued == continued && c.text == line && c.ranges == local)
            .map(|c| c.segments.clone());
        let segments = reuse.unwrap_or_else(|| {
            let segments = Rc::new(highlight::segments(line, continued, &local));
            let entry = CachedLine {
                text: line.to_string(),
                continued,
                ranges: local,
                segments: segments.clone(),
            };
            if i < cache.len() {
                cache[i] = entry;
            } else {
                cache.push(entry);
            }
            segments
        });
        out.push(segments);
        continued = highlight::continues(line) || (continued && line.trim_start().starts_with('#'));
        offset += raw.len() + 1;
    }
    cache.truncate(out.len());
    (out, end)
}

fn markers(a: &Analysis) -> Vec<Rc<Marker>> {
    let rule = crate::view::rule_page::rule_doc;
    let mut out: Vec<Marker> = a
        .findings
        .iter()
        .map(|f| Marker {
            line: f.start.line,
            code: f.code,
            tip: f.tip,
            title: rule(f.code)
                .map(|r| r.summary.to_string())
                .unwrap_or_else(|| f.name.to_string()),
            message: f.message.clone(),
            url: None,
        })
        .collect();
    out.extend(a.df.diagnostics.iter().map(|d| Marker {
        line: d.start.line,
        code: "",
        tip: 0,
        title: "Syntax".into(),
        message: d.message.clone(),
        url: None,
    }));
    // Docker's build checks: tip 0, BuildKit's rule name and page.
    out.extend(a.checks.iter().map(|c| Marker {
        line: c.start.line,
        code: c.rule,
        tip: 0,
        title: c.description.to_string(),
        message: c.message.clone(),
        url: Some(c.url),
    }));
    out.into_iter().map(Rc::new).collect()
}

/// 1-based line of UTF-16 offset `pos` in `text`.
fn line_of(text: &str, pos: u32) -> u32 {
    let mut units = 0u32;
    let mut line = 1;
    for c in text.chars() {
        if units >= pos {
            break;
        }
        units += c.len_utf16() as u32;
        if c == '\n' {
            line += 1;
        }
    }
    line
}

/// UTF-16 (start, end) of 1-based `line` in `text`, line ending excluded.
fn line_range(text: &str, line: u32) -> (u32, u32) {
    let (mut units, mut current, mut start) = (0u32, 1u32, None);
    for c in text.chars() {
        if current == line && start.is_none() {
            start = Some(units);
        }
        if c == '\n' {
            if current == line {
                return (start.unwrap_or(units), units);
            }
            current += 1;
        }
        units += c.len_utf16() as u32;
    }
    (start.unwrap_or(units), units)
}

/// The lines to draw, `start..end`, for the box's scroll position: the
/// visible lines and a margin, rounded out to [`STEP`]. Read from the ratio
/// of scroll offset to scroll height, so zoom and font size do not matter.
fn window_of(scroller: &Element, total: usize) -> (usize, usize) {
    if total <= DRAW_ALL {
        return (0, total);
    }
    let height = f64::from(scroller.scroll_height().max(1));
    let lines = |px: i32| (f64::from(px.max(0)) / height * total as f64) as usize;
    let first = lines(scroller.scroll_top());
    let shown = lines(scroller.client_height()) + 1;
    let start = first.saturating_sub(MARGIN) / STEP * STEP;
    let end = ((first + shown + MARGIN) / STEP + 1) * STEP;
    (start.min(total), end.min(total))
}

/// Display columns of the text's widest line (tabs to the next multiple of
/// 4; characters from U+1100 up counted as 2, an overestimate for some):
/// the overlay's minimum width when it draws only some lines.
fn widest_line(text: &str) -> usize {
    let (mut widest, mut col) = (0, 0);
    for c in text.chars() {
        match c {
            '\n' => {
                widest = widest.max(col);
                col = 0;
            }
            '\t' => col = (col / 4 + 1) * 4,
            '\r' => {}
            c if (c as u32) < 0x1100 => col += 1,
            _ => col += 2,
        }
    }
    widest.max(col)
}

/// Byte offsets where each line of `rest` starts.
fn line_starts(rest: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(rest.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let node = use_node_ref();
    let scroller = use_node_ref();
    let line_cache = use_mut_ref(Vec::new);
    let lines = {
        let cache = line_cache.clone();
        use_memo(
            (props.analysis.clone(), props.text.clone()),
            move |(a, text)| highlighted(a, text, &mut cache.borrow_mut()),
        )
    };
    let marks = use_memo(props.analysis.clone(), |a| markers(a));
    let widest = use_memo(props.text.clone(), |t| widest_line(t));
    let window = use_state_eq(|| (0usize, 2 * STEP));
    {
        let node = node.clone();
        use_effect_with(props.text.clone(), move |value| {
            if let Some(area) = node.cast::<HtmlTextAreaElement>() {
                // A textarea's value always has LF line endings; the state
                // keeps the exact text (a share link may carry CRLF).
                let shown = value.replace("\r\n", "\n").replace('\r', "\n");
                if area.value() != shown {
                    area.set_value(&shown);
                }
            }
        });
    }
    {
        let (node, scroller) = (node.clone(), scroller.clone());
        use_effect_with(props.select_line, move |sel| {
            if let (Some((line, _)), Some(area)) = (sel, node.cast::<HtmlTextAreaElement>()) {
                let (s, e) = line_range(&area.value(), *line);
                let _ = area.focus();
                let _ = area.set_selection_range(s, e);
                if let Some(box_) = scroller.cast::<Element>() {
                    // Two lines of context above, by the lines' share of the
                    // box's height (the window follows on the scroll event).
                    let total = area.value().split('\n').count().max(1);
                    let above = line.saturating_sub(3) as f64 / total as f64;
                    box_.set_scroll_top((above * f64::from(box_.scroll_height())) as i32);
                }
            }
        });
    }
    let oninput = {
        let (on_input, on_cursor) = (props.on_input.clone(), props.on_cursor.clone());
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            let value = area.value();
            if let Ok(Some(pos)) = area.selection_start() {
                on_cursor.emit(line_of(&value, pos));
            }
            on_input.emit(value);
        })
    };
    let cursor = {
        let on_cursor = props.on_cursor.clone();
        move |area: HtmlTextAreaElement| {
            if let Ok(Some(pos)) = area.selection_start() {
                on_cursor.emit(line_of(&area.value(), pos));
            }
        }
    };
    let onkeyup = {
        let cursor = cursor.clone();
        Callback::from(move |e: KeyboardEvent| cursor(e.target_unchecked_into()))
    };
    let onclick = Callback::from(move |e: MouseEvent| cursor(e.target_unchecked_into()));

    let text: &str = &props.text;
    let (lines, end) = (&lines.0, lines.1);
    let cut = end < text.len();
    let rest_starts = use_memo((props.text.clone(), end), |(t, end)| {
        line_starts(&t[*end..])
    });
    let rest = &text[end..];
    let count = if cut {
        lines.len() + rest_starts.len()
    } else {
        lines.len()
    };
    // The window of drawn lines: set from the box after every render (a new
    // text may leave it elsewhere) and on every scroll.
    {
        let (scroller, window) = (scroller.clone(), window.clone());
        use_effect_with((props.text.clone(), count), move |(_, count)| {
            if let Some(el) = scroller.cast::<Element>() {
                window.set(window_of(&el, *count));
            }
        });
    }
    let onscroll = {
        let window = window.clone();
        Callback::from(move |e: Event| {
            let el: Element = e.target_unchecked_into();
            window.set(window_of(&el, count));
        })
    };
    let (start, stop) = if count <= DRAW_ALL {
        (0, count)
    } else {
        let (s, e) = *window;
        (s.min(count), e.min(count).max(s.min(count)))
    };
    // Padding for the lines not drawn, above and below the window.
    let pad = |base: &str| {
        format!(
            "padding-top: calc({base} + {start} * 1.5em); padding-bottom: calc({base} + {} * 1.5em)",
            count - stop
        )
    };
    let mut per_line = std::collections::HashMap::<u32, usize>::new();
    let numbers: String = (start + 1..=stop).map(|n| format!("{n}\n")).collect();
    let digits = count.to_string().len();
    let nums_style = format!(
        "{}; min-width: max(3.2rem, calc({digits}ch + 1.2rem))",
        pad("0.5rem")
    );
    let hl_style = format!("{}; min-width: calc({}ch + 2.6rem)", pad("0.5rem"), *widest);
    let rest_line = |k: usize| {
        let from = rest_starts[k];
        let to = rest_starts.get(k + 1).map_or(rest.len(), |&n| n - 1);
        let line = &rest[from..to];
        line.strip_suffix('\r').unwrap_or(line).to_string()
    };
    let errors = props.analysis.df.errors().count();
    let too_large = cut.then(|| {
        let analyzed_lines = text[..end].split_inclusive('\n').count();
        format!(
            "This text is {} KB ({count} lines): Layerlab analyzes its first {} KB, lines 1 to {analyzed_lines}. \
             The rest stays in the editor as you typed it, unanalyzed; fixes leave it unchanged.",
            text.len() / 1024,
            end / 1024,
        )
    });
    html! {
        <>
        if let Some(msg) = too_large { <p class="notice" role="status" data-testid="too-large">{msg}</p> }
        <div class="code" ref={scroller} {onscroll}>
            <div class="code-inner">
                <div class="gutter">
                    <pre class="nums" aria-hidden="true" style={nums_style}>{numbers}</pre>
                    { for marks.iter().enumerate()
                        .filter(|(_, m)| (start as u32..stop as u32).contains(&m.line.saturating_sub(1)))
                        .filter(|(_, m)| {
                            let n = per_line.entry(m.line).or_insert(0);
                            *n += 1;
                            *n <= MARKS_PER_LINE
                        })
                        .map(|(i, m)| html! { <GutterMarker key={i} index={i} marker={m.clone()} /> }) }
                </div>
                <div class="code-area">
                    <pre class="hl" aria-hidden="true" style={hl_style} data-first={(start + 1).to_string()}>
                        { for (start..stop.min(lines.len())).map(|i| html! {
                            <EditorLine key={i} segments={lines[i].clone()} current={i as u32 + 1 == props.cursor_line} />
                        }) }
                        { for (start.max(lines.len())..stop).map(|i| html! {
                            <div key={i} class="l l-rest">{rest_line(i - lines.len())}</div>
                        }) }
                    </pre>
                    <textarea
                        ref={node}
                        class="editor"
                        data-testid="editor"
                        aria-label="Dockerfile editor"
                        aria-describedby="editor-status"
                        spellcheck="false"
                        autocapitalize="off"
                        autocomplete="off"
                        wrap="off"
                        {oninput}
                        {onkeyup}
                        {onclick}
                    />
                </div>
            </div>
            <p id="editor-status" class="sr-only" aria-live="polite">
                { format!("{} lines, {} findings, {} syntax errors", count, props.analysis.findings.len(), errors) }
            </p>
        </div>
        </>
    }
}
