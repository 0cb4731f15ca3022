//! The playground's single reducer: every change to what the page shows goes
//! through an [`Action`].

use std::rc::Rc;

use layerlab_core::OutlineItem;
use yew::Reducible;

/// Everything the page shows, derived from the editor text.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The editor text, exactly as the user typed it.
    pub source: String,
    /// The analysis of `source`.
    pub outline: Vec<OutlineItem>,
}

impl State {
    pub fn new(source: String) -> Self {
        let outline = layerlab_core::outline(&source);
        Self { source, outline }
    }
}

/// What can happen to the state.
pub enum Action {
    /// The editor text changed (typing, paste, example loaded).
    SetSource(String),
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::SetSource(source) if source == self.source => self,
            Action::SetSource(source) => Rc::new(State::new(source)),
        }
    }
}
