//! The analysis tiers' trigger (a hook, not a component): once typing
//! pauses, analyze text typed into a large file ([`Action::AnalyzePending`])
//! and then run the deep tier ([`Action::Deepen`]). Shared by the app, every
//! embedded widget and the workshop's lessons.

use std::time::Duration;

use yew::prelude::*;

use crate::state::{Action, State};

/// Typing pause before the optimizer and the tip demos catch up.
const SETTLE: Duration = Duration::from_millis(250);

/// Pause after an edit of a large text before it is analyzed: the keystroke
/// is painted first, and a burst of keys is analyzed once.
const PENDING_PAUSE: Duration = Duration::from_millis(40);

/// Analyzes pending text once typing pauses for an instant, and runs the
/// deep tier once it pauses for longer (at once for the first text).
#[hook]
pub fn use_tiers(state: &UseReducerHandle<State>) {
    let generation = use_mut_ref(|| (0u64, 0u64));
    let state = state.clone();
    let pending = state.pending.is_some();
    use_effect_with((state.analysis.version, state.pending_seq), move |&now| {
        *generation.borrow_mut() = now;
        let pause = match now {
            _ if pending => PENDING_PAUSE,
            (1, 0) => Duration::ZERO,
            _ => SETTLE,
        };
        yew::platform::spawn_local(async move {
            yew::platform::time::sleep(pause).await;
            if *generation.borrow() == now {
                state.dispatch(if pending {
                    Action::AnalyzePending(now.1)
                } else {
                    Action::Deepen
                });
            }
        });
    });
}

/// A callback that dispatches `f(value)` through a dispatcher. Made once
/// (the app keeps its callbacks in one `use_memo`), it is the same
/// `Callback` on every render, so children whose other props did not change
/// are skipped: a fresh callback each render re-ran every tip demo on every
/// keystroke.
pub fn dispatch_to<T: 'static>(d: &UseReducerDispatcher<State>, f: fn(T) -> Action) -> Callback<T> {
    let d = d.clone();
    Callback::from(move |v: T| d.dispatch(f(v)))
}

/// A callback that dispatches `f(value)` (editor input, cursor, line
/// selection…), for the views that hold their own state.
pub fn dispatch<T: 'static>(state: &UseReducerHandle<State>, f: fn(T) -> Action) -> Callback<T> {
    dispatch_to(&state.dispatcher(), f)
}
