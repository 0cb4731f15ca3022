//! The analysis tiers' trigger (a hook, not a component): once typing
//! pauses, analyze text typed into a large file
//! ([`EditorAction::AnalyzePending`]) and then run the deep tier
//! ([`EditorAction::Deepen`]). Shared by the app, every embedded widget and
//! the workshop's lessons, with the callbacks that send editor actions.
//!
//! The reducers are pure, so the performance marks that time the tiers
//! (`layerlab:analysis`, `layerlab:deep`, read by `cargo xtask bench-web`
//! and the e2e suite) are made here, around the dispatch that runs a tier:
//! yew runs the reducer at once and draws later, in its own task.

use std::time::Duration;

use yew::prelude::*;

use crate::dom;
use crate::state::{Editor, EditorAction, DEFER_ABOVE};

/// Typing pause before the optimizer and the tip demos catch up.
const SETTLE: Duration = Duration::from_millis(250);

/// Pause after an edit of a large text before it is analyzed: the keystroke
/// is painted first, and a burst of keys is analyzed once.
const PENDING_PAUSE: Duration = Duration::from_millis(40);

/// The performance measures of the tiers: (name, its start mark).
const ANALYSIS: (&str, &str) = ("layerlab:analysis", "layerlab:analysis-start");
const DEEP: (&str, &str) = ("layerlab:deep", "layerlab:deep-start");

/// Sends `action` through `to`, timed as the performance measure `name`.
fn timed(to: &Callback<EditorAction>, action: EditorAction, (name, start): (&str, &str)) {
    dom::mark(start);
    to.emit(action);
    dom::measure(name, start);
}

/// Analyzes pending text once typing pauses for an instant, and runs the
/// deep tier once it pauses for longer (at once for the first text).
#[hook]
pub fn use_tiers(editor: &Editor, to: &Callback<EditorAction>) {
    let generation = use_mut_ref(|| (0u64, 0u64));
    let to = to.clone();
    let pending = editor.pending.is_some();
    let deep_current = editor.deep_is_current();
    use_effect_with((editor.analysis.version, editor.pending_seq), move |&now| {
        *generation.borrow_mut() = now;
        let pause = match now {
            _ if pending => PENDING_PAUSE,
            (1, 0) => Duration::ZERO,
            _ => SETTLE,
        };
        yew::platform::spawn_local(async move {
            yew::platform::time::sleep(pause).await;
            if *generation.borrow() == now {
                if pending {
                    timed(&to, EditorAction::AnalyzePending(now.1), ANALYSIS);
                } else if !deep_current {
                    timed(&to, EditorAction::Deepen, DEEP);
                }
            }
        });
    });
}

/// The editor's input callback: the fast tier runs at once on a text of
/// at most [`DEFER_ABOVE`] bytes, and is timed then.
pub fn input(to: &Callback<EditorAction>) -> Callback<String> {
    let to = to.clone();
    Callback::from(move |text: String| {
        if text.len() > DEFER_ABOVE {
            to.emit(EditorAction::SetSource(text));
        } else {
            timed(&to, EditorAction::SetSource(text), ANALYSIS);
        }
    })
}

/// A callback that sends `f(value)` to the editor. Made once (the app keeps
/// its callbacks in one `use_memo`), it is the same `Callback` on every
/// render, so children whose other props did not change are skipped: a
/// fresh callback each render re-ran every tip demo on every keystroke.
pub fn on<T: 'static>(to: &Callback<EditorAction>, f: fn(T) -> EditorAction) -> Callback<T> {
    let to = to.clone();
    Callback::from(move |v: T| to.emit(f(v)))
}
