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
//! Above [`HOLD_ABOVE`] lines the textarea, too, holds only a window of the
//! text (`view::held`): Chromium lays out every line a textarea holds, about
//! 1 s for 200,000. The state keeps the whole text; an input splices the
//! window back into it, and scrolling moves the window (keeping the
//! selection where both windows have it). Select-all stands for the whole
//! text: copy, cut and typing over it act on all of it. Moving the window
//! resets the browser's undo history, as any new value does.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{ClipboardEvent, Element, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::editor_line::EditorLine;
use crate::state::Analysis;
use crate::view::held::{self, Held, HOLD_ABOVE, HOLD_MAX};
use crate::view::highlight::{self, Segment};

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

/// The lines to draw, `start..end`, for the box's scroll position: the
/// visible lines and a margin, rounded out to [`STEP`]. Read from the ratio
/// of scroll offset to scroll height, so zoom and font size do not matter.
fn window_of(scroller: &Element, total: usize) -> (usize, usize) {
    if total <= DRAW_ALL {
        return (0, total);
    }
    let (first, shown) = visible(scroller, total);
    let start = first.saturating_sub(MARGIN) / STEP * STEP;
    let end = ((first + shown + MARGIN) / STEP + 1) * STEP;
    (start.min(total), end.min(total))
}

/// The first visible line (0-based) and how many lines are visible, by the
/// ratio of scroll offset to scroll height.
fn visible(scroller: &Element, total: usize) -> (usize, usize) {
    let height = f64::from(scroller.scroll_height().max(1));
    let lines = |px: i32| (f64::from(px.max(0)) / height * total as f64) as usize;
    (
        lines(scroller.scroll_top()),
        lines(scroller.client_height()) + 1,
    )
}

/// Whether the held window still covers the visible lines with half a
/// margin to spare (or reaches the text's edge).
fn covers(h: Held, scroller: &Element, total: usize) -> bool {
    let (first, shown) = visible(scroller, total);
    (h.start == 0 || first >= h.start + MARGIN / 2)
        && (h.end() >= total || first + shown + MARGIN / 2 <= h.end())
}

fn focused(area: &HtmlTextAreaElement) -> bool {
    let el: &Element = area.unchecked_ref();
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .is_some_and(|a| &a == el)
}

/// Whether the textarea's whole value is selected.
fn all_selected(area: &HtmlTextAreaElement) -> bool {
    let len = area.value().encode_utf16().count() as u32;
    matches!(
        (area.selection_start(), area.selection_end()),
        (Ok(Some(0)), Ok(Some(e))) if e == len && len > 0
    )
}

/// Makes the textarea hold `new` of `text` (`starts`: its line starts)
/// instead of `old` (`None`: the whole text). A focused selection keeps its
/// place in the text when the new window has both ends (select-all stays
/// all); a caret the new window lacks is blurred, so typing cannot land on
/// the wrong line.
fn hold(area: &HtmlTextAreaElement, old: Option<Held>, new: Held, text: &str, starts: &[usize]) {
    let value = area.value();
    let base = old.map_or(0, |h| h.start);
    let in_text = |pos: u32| {
        let (l, c) = held::line_col(&value, pos);
        (base + l, c)
    };
    let sel = match (area.selection_start(), area.selection_end()) {
        (Ok(Some(s)), Ok(Some(e))) => Some((in_text(s), in_text(e))),
        _ => None,
    };
    let shown = held::shown(text, starts, new);
    let had_focus = focused(area);
    area.set_value(&shown);
    if !had_focus {
        return;
    }
    if new.all {
        area.select();
        return;
    }
    let back = |(l, c): (usize, u32)| {
        l.checked_sub(new.start)
            .filter(|&l| l < new.lines)
            .and_then(|l| held::offset(&shown, l, c))
    };
    match sel.map(|(s, e)| (back(s), back(e))) {
        Some((Some(s), Some(e))) => {
            let _ = area.set_selection_range(s, e);
        }
        _ => {
            let _ = area.blur();
        }
    }
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
    let starts = use_memo(props.text.clone(), |t| held::line_starts(t));
    let window = use_state_eq(|| (0usize, 2 * STEP));
    // The lines the textarea holds (`None`: all of them), the newest text
    // and its line starts (an input may come before the render that brings
    // its text back), and a line to scroll into view after the render.
    let held_ref = use_mut_ref(|| None::<Held>);
    let latest = use_mut_ref(|| (props.text.clone(), starts.clone()));
    *latest.borrow_mut() = (props.text.clone(), starts.clone());
    let scroll_to = use_mut_ref(|| None::<usize>);
    let force = use_force_update();
    {
        let (node, scroller, held_ref, force) = (
            node.clone(),
            scroller.clone(),
            held_ref.clone(),
            force.clone(),
        );
        let starts = starts.clone();
        use_effect_with(props.text.clone(), move |value| {
            let Some(area) = node.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let total = starts.len();
            let cur = *held_ref.borrow();
            if total > HOLD_ABOVE {
                // A long text from outside (an example, a fix, a dropped
                // file) or typed: hold the window in view.
                let h = match (cur, scroller.cast::<Element>()) {
                    (Some(h), _) => h.clamp(total),
                    (None, Some(el)) => {
                        let (s, e) = window_of(&el, total);
                        Held::of(s, e, total)
                    }
                    (None, None) => Held::of(0, 2 * STEP, total),
                };
                if cur != Some(h) || area.value() != held::shown(value, &starts, h) {
                    hold(&area, cur, h, value, &starts);
                    *held_ref.borrow_mut() = Some(h);
                    force.force_update();
                }
            } else {
                // A textarea's value always has LF line endings; the state
                // keeps the exact text (a share link may carry CRLF).
                let shown = value.replace("\r\n", "\n").replace('\r', "\n");
                if cur.is_some() {
                    *held_ref.borrow_mut() = None;
                    force.force_update();
                }
                if area.value() != shown {
                    area.set_value(&shown);
                }
            }
        });
    }
    {
        let (node, scroller, held_ref, latest, force) = (
            node.clone(),
            scroller.clone(),
            held_ref.clone(),
            latest.clone(),
            force.clone(),
        );
        use_effect_with(props.select_line, move |sel| {
            if let (Some((line, _)), Some(area)) = (sel, node.cast::<HtmlTextAreaElement>()) {
                let (text, starts) = latest.borrow().clone();
                let total = starts.len();
                let at = (*line as usize).saturating_sub(1).min(total - 1);
                let cur = *held_ref.borrow();
                if let Some(h) = cur {
                    if !(h.start..h.end()).contains(&at) {
                        let new = held::around(at, 40, total, MARGIN, STEP);
                        hold(&area, cur, new, &text, &starts);
                        *held_ref.borrow_mut() = Some(new);
                        force.force_update();
                    }
                }
                let base = held_ref.borrow().map_or(0, |h| h.start);
                let value = area.value();
                let local = at - base;
                let s = held::offset(&value, local, 0).unwrap_or(0);
                let e = held::offset(&value, local, u32::MAX).unwrap_or(s);
                let _ = area.focus();
                let _ = area.set_selection_range(s, e);
                if let Some(box_) = scroller.cast::<Element>() {
                    // Two lines of context above, by the lines' share of the
                    // box's height (the window follows on the scroll event).
                    let above = at.saturating_sub(2) as f64 / total as f64;
                    box_.set_scroll_top((above * f64::from(box_.scroll_height())) as i32);
                }
            }
        });
    }
    // An edit: the new text is the textarea's value, or that spliced into
    // the text around the window held. A text that grows past
    // `HOLD_ABOVE` lines (a paste) is cut to a window around the caret at
    // once, before the browser lays it out; one that shrinks below goes
    // back into the textarea whole.
    let apply: Rc<dyn Fn(&HtmlTextAreaElement)> = {
        let (on_input, on_cursor) = (props.on_input.clone(), props.on_cursor.clone());
        let (held_ref, latest, scroll_to) = (held_ref.clone(), latest.clone(), scroll_to.clone());
        Rc::new(move |area: &HtmlTextAreaElement| {
            let value = area.value();
            let pos = area.selection_start().ok().flatten().unwrap_or(0);
            let cur = *held_ref.borrow();
            let (full, base) = {
                let (text, starts) = &*latest.borrow();
                match cur {
                    Some(h) if !h.all => (held::splice(text, starts, h, &value), h.start),
                    _ => (value.clone(), 0),
                }
            };
            let (l, col) = held::line_col(&value, pos);
            let line = base + l;
            let starts = Rc::new(held::line_starts(&full));
            let total = starts.len();
            let grown = cur
                .filter(|h| !h.all)
                .map(|h| Held {
                    lines: value.split('\n').count(),
                    ..h
                })
                .filter(|h| h.lines <= HOLD_MAX);
            let next = if total <= HOLD_ABOVE {
                None
            } else {
                grown.or_else(|| Some(held::around(line, 40, total, MARGIN, STEP)))
            };
            if next != cur.map(|h| Held { all: false, ..h }) || cur.is_some_and(|h| h.all) {
                let shown = match next {
                    Some(h) => held::shown(&full, &starts, h),
                    None => full.replace("\r\n", "\n"),
                };
                if shown != value {
                    area.set_value(&shown);
                    let local = line - next.map_or(0, |h| h.start);
                    if let Some(at) = held::offset(&shown, local, col) {
                        let _ = area.set_selection_range(at, at);
                    }
                    *scroll_to.borrow_mut() = Some(line);
                }
                *held_ref.borrow_mut() = next;
            }
            on_cursor.emit(line as u32 + 1);
            let full: Rc<str> = full.into();
            *latest.borrow_mut() = (full.clone(), starts);
            on_input.emit(full.to_string());
        })
    };
    let oninput = {
        let apply = apply.clone();
        Callback::from(move |e: InputEvent| apply(&e.target_unchecked_into()))
    };
    let cursor = {
        let (on_cursor, held_ref) = (props.on_cursor.clone(), held_ref.clone());
        move |area: HtmlTextAreaElement| {
            let mut held = held_ref.borrow_mut();
            if let Some(h) = held.as_mut() {
                h.all = h.all && all_selected(&area);
            }
            let base = held.map_or(0, |h| h.start) as u32;
            if let Ok(Some(pos)) = area.selection_start() {
                on_cursor.emit(base + held::line_col(&area.value(), pos).0 as u32 + 1);
            }
        }
    };
    let onkeyup = {
        let cursor = cursor.clone();
        Callback::from(move |e: KeyboardEvent| cursor(e.target_unchecked_into()))
    };
    let onclick = Callback::from(move |e: MouseEvent| cursor(e.target_unchecked_into()));
    // Select-all in a held window stands for the whole text.
    let onkeydown = {
        let held_ref = held_ref.clone();
        Callback::from(move |e: KeyboardEvent| {
            if let Some(h) = held_ref.borrow_mut().as_mut() {
                if (e.ctrl_key() || e.meta_key()) && e.key().eq_ignore_ascii_case("a") {
                    h.all = true;
                }
            }
        })
    };
    let clipboard = |cut: bool| {
        let (held_ref, latest, apply) = (held_ref.clone(), latest.clone(), apply.clone());
        Callback::from(move |e: Event| {
            let all = held_ref.borrow().is_some_and(|h| h.all);
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            let Some(data) = e
                .dyn_ref::<ClipboardEvent>()
                .and_then(|c| c.clipboard_data())
            else {
                return;
            };
            if !all || !all_selected(&area) {
                return;
            }
            let text = latest.borrow().0.clone();
            if data.set_data("text/plain", &text).is_ok() {
                e.prevent_default();
                if cut {
                    area.set_value("");
                    apply(&area);
                }
            }
        })
    };
    let (oncopy, oncut) = (clipboard(false), clipboard(true));

    let text: &str = &props.text;
    let (lines, end) = (&lines.0, lines.1);
    let cut = end < text.len();
    let rest_starts = use_memo((props.text.clone(), end), |(t, end)| {
        held::line_starts(&t[*end..])
    });
    let rest = &text[end..];
    let count = if cut {
        lines.len() + rest_starts.len()
    } else {
        lines.len()
    };
    // The window of drawn lines: set from the box after every render (a new
    // text may leave it elsewhere) and on every scroll; while the textarea
    // holds a window, the lines it holds.
    {
        let (scroller, window) = (scroller.clone(), window.clone());
        use_effect_with((props.text.clone(), count), move |(_, count)| {
            if let Some(el) = scroller.cast::<Element>() {
                window.set(window_of(&el, *count));
            }
        });
    }
    {
        let (scroller, latest, scroll_to) = (scroller.clone(), latest.clone(), scroll_to.clone());
        use_effect(move || {
            let line = scroll_to.borrow_mut().take();
            if let (Some(line), Some(el)) = (line, scroller.cast::<Element>()) {
                // The caret's line a few lines above the box's bottom, as
                // the browser leaves it after a paste.
                let total = latest.borrow().1.len().max(1) as f64;
                let px = f64::from(el.scroll_height()) / total;
                let top = (line as f64 + 4.0) * px - f64::from(el.client_height());
                el.set_scroll_top(top.max(0.0) as i32);
            }
        });
    }
    let onscroll = {
        let (window, held_ref, node, latest) = (
            window.clone(),
            held_ref.clone(),
            node.clone(),
            latest.clone(),
        );
        Callback::from(move |e: Event| {
            let el: Element = e.target_unchecked_into();
            let cur = *held_ref.borrow();
            match (cur, node.cast::<HtmlTextAreaElement>()) {
                (Some(h), Some(area)) => {
                    let (text, starts) = latest.borrow().clone();
                    let total = starts.len();
                    if !covers(h, &el, total) {
                        let (s, e) = window_of(&el, total);
                        let new = Held {
                            all: h.all,
                            ..Held::of(s, e, total)
                        };
                        hold(&area, cur, new, &text, &starts);
                        *held_ref.borrow_mut() = Some(new);
                        force.force_update();
                    }
                }
                _ => window.set(window_of(&el, count)),
            }
        })
    };
    let held_now = held_ref.borrow().map(|h| h.clamp(count));
    let (start, stop) = if let Some(h) = held_now {
        (h.start, h.end())
    } else if count <= DRAW_ALL {
        (0, count)
    } else {
        let (s, e) = *window;
        (s.min(count), e.min(count).max(s.min(count)))
    };
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
                        style={held_now.map(|_| pad("0.5rem"))}
                        data-held={held_now.map(|h| (h.start + 1).to_string())}
                        {oninput}
                        {onkeydown}
                        {oncopy}
                        {oncut}
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
