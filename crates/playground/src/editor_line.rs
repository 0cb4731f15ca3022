//! One highlighted line of the editor overlay. Its props compare by value, so
//! an edit re-renders only the lines it changed.

use std::rc::Rc;

use yew::prelude::*;

use crate::highlight::Segment;

#[derive(Properties, PartialEq)]
pub struct EditorLineProps {
    pub segments: Rc<Vec<Segment>>,
    /// The cursor is on this line.
    pub current: bool,
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
