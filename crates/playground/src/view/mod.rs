//! Plain view functions (no component, no hook) and the codecs and
//! formatters the views use: `share` (the share-link codec), `highlight`
//! (a line's token colouring), `markdown` (lesson text as text nodes),
//! `num` (seconds without the float formatter), `held` (the window of lines
//! the editor's textarea holds for a very long text).
//!
//! Invariant: a view function is pure (its markup is a function of its
//! arguments; no hook, no state), text is never rendered as HTML
//! (`markdown` makes text nodes), and the codecs are total: a share link,
//! a log or a lesson text that cannot be read gives a message, never a
//! panic, and keeps what the user typed.

pub mod copy_button;
pub mod diff_view;
pub mod held;
pub mod highlight;
pub mod log_import;
pub mod markdown;
pub mod num;
pub mod rule_page;
pub mod share;
pub mod tip_frame;
pub mod toolbar;
