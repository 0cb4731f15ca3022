//! A button that copies a text to the clipboard and says whether it worked.
//! A view function: the outcome is written into its own status span (our
//! fixed words, as text), so it needs no component state.

use yew::prelude::*;

pub fn copy_button(text: String, label: &'static str, testid: Option<&'static str>) -> Html {
    let status = NodeRef::default();
    let onclick = {
        let status = status.clone();
        Callback::from(move |_: MouseEvent| {
            let status = status.clone();
            crate::dom::copy(
                &text,
                Callback::from(move |ok: bool| {
                    if let Some(el) = status.get() {
                        el.set_text_content(Some(if ok {
                            " Copied."
                        } else {
                            " Copy failed: select the text and copy it by hand."
                        }));
                    }
                }),
            );
        })
    };
    html! {
        <span class="copy">
            <button type="button" {onclick} data-testid={testid}>{label}</button>
            <span class="muted" aria-live="polite" ref={status}></span>
        </span>
    }
}
