//! An embedded widget's state: its own editor (widgets on one page share
//! nothing) and whether its optimizer panel is open.

use std::rc::Rc;

use yew::Reducible;

use super::{Editor, EditorAction};

#[derive(Clone)]
pub struct WidgetState {
    pub editor: Editor,
    pub optimize_open: bool,
}

pub enum WidgetAction {
    Editor(EditorAction),
    ToggleOptimize,
}

impl Reducible for WidgetState {
    type Action = WidgetAction;

    fn reduce(self: Rc<Self>, action: WidgetAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            WidgetAction::Editor(a) => match self.editor.update(a) {
                Some(editor) => s.editor = editor,
                None => return self,
            },
            WidgetAction::ToggleOptimize => s.optimize_open = !s.optimize_open,
        }
        Rc::new(s)
    }
}
