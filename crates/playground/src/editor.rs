//! The Dockerfile editor: a plain textarea.
//!
//! It is deliberately uncontrolled while the user types: the DOM value is only
//! written when the state's text differs from it (an example was loaded), so the
//! browser's native undo stack and cursor stay intact.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The text the editor should show.
    pub value: String,
    /// Called with the full text after every edit.
    pub on_input: Callback<String>,
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.value.clone(), move |value| {
            if let Some(area) = node.cast::<HtmlTextAreaElement>() {
                if area.value() != *value {
                    area.set_value(value);
                }
            }
        });
    }
    let oninput = {
        let on_input = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            on_input.emit(area.value());
        })
    };
    html! {
        <textarea
            ref={node}
            class="editor"
            data-testid="editor"
            aria-label="Dockerfile editor"
            spellcheck="false"
            autocapitalize="off"
            autocomplete="off"
            {oninput}
        />
    }
}
