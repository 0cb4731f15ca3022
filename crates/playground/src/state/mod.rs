//! The playground's state, todomvc style: one small state and one reducer
//! per page component, each holding an [`Editor`] (the text and its
//! analysis tiers, `editor.rs`), which is the same everywhere:
//! [`AppState`] adds the theme, route and workshop progress, [`WidgetState`]
//! the optimizer panel's toggle, [`LessonState`] the lesson, its goals and
//! the hints shown. Reducers are pure: storage, DOM attributes and
//! performance marks are the components' effects and callbacks.
//!
//! Invariant: every state is `#[derive(Clone)]` and changes only through
//! its reducer's action (`Editor::update`, `AppState::update`, …), which
//! reads and writes nothing outside the state (no storage, no DOM, no
//! clock); the analysis tiers are a function of the text and the options
//! alone, so the same text gives the same pyramid, findings and fixes in
//! the app, a widget and a lesson.

mod analysis;
mod app;
mod editor;
mod lesson;
mod widget;

pub use analysis::{analyzed_len, Analysis, Deep};
pub use app::{AppAction, AppState, Route, Theme};
pub use editor::{ChangeChoice, Editor, EditorAction, LogImport, Sim, DEFER_ABOVE};
pub use lesson::{LessonAction, LessonState};
pub use widget::{WidgetAction, WidgetState};
