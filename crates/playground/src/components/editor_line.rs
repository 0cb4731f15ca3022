//! One highlighted line of the editor overlay. Its props compare by pointer
//! (then by value), so an edit re-renders only the lines it changed.

use std::rc::Rc;

use yew::prelude::*;

use crate::view::highlight::Segment;

#[derive(Properties)]
pub struct EditorLineProps {
    /// The editor reuses a line's `Rc` while the line is unchanged.
    pub segments: Rc<Vec<Segment>>,
    /// The cursor is on this line.
    pub current: bool,
}

impl PartialEq for EditorLineProps {
    fn eq(&self, other: &Self) -> bool {
        self.current == other.current
            && (Rc::ptr_eq(&self.segments, &other.segments) || self.segments == other.segments)
    }
}

#[function_component(EditorLine)]
pub fn editor_line(props: &EditorLineProps) -> Html {
    html! {
        <div class={classes!("l", props.current.then_some("cur"))}>
            { for props.segments.iter().map(|s| {
                if s.class.is_empty() && !s.diag {
                    html! { {s.text.clone()} }
                } else {
                    html! { <span class={classes!(s.class, s.diag.then_some("d"))}>{s.text.clone()}</span> }
                }
            }) }
        </div>
    }
}
