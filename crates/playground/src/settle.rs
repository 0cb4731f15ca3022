//! The deep tier's trigger (a hook, not a component): once typing pauses,
//! dispatch [`Action::Deepen`]. Shared by the app and every embedded widget.

use std::time::Duration;

use yew::prelude::*;

use crate::state::{Action, State};

/// Typing pause before the optimizer and the tip demos catch up.
const SETTLE: Duration = Duration::from_millis(250);

/// Runs the deep tier for the current text once typing pauses (at once for
/// the first text).
#[hook]
pub fn use_deep_tier(state: &UseReducerHandle<State>) {
    let generation = use_mut_ref(|| 0u64);
    let state = state.clone();
    use_effect_with(state.analysis.version, move |&version| {
        *generation.borrow_mut() = version;
        let first = version == 1;
        yew::platform::spawn_local(async move {
            yew::platform::time::sleep(if first { Duration::ZERO } else { SETTLE }).await;
            if *generation.borrow() == version {
                state.dispatch(Action::Deepen);
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
    let state = state.clone();
    Callback::from(move |v: T| state.dispatch(f(v)))
}
