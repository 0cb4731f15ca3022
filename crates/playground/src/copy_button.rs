//! A button that copies a text to the clipboard and says whether it worked.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    pub text: String,
    pub label: AttrValue,
    #[prop_or_default]
    pub testid: Option<AttrValue>,
}

#[function_component(CopyButton)]
pub fn copy_button(props: &CopyButtonProps) -> Html {
    let status = use_state(|| None::<bool>);
    let onclick = {
        let (text, status) = (props.text.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let status = status.clone();
            crate::dom::copy(&text, Callback::from(move |ok| status.set(Some(ok))));
        })
    };
    html! {
        <span class="copy">
            <button type="button" {onclick} data-testid={props.testid.clone()}>{props.label.clone()}</button>
            <span class="muted" aria-live="polite">{ match *status {
                Some(true) => " Copied.",
                Some(false) => " Copy failed: select the text and copy it by hand.",
                None => "",
            } }</span>
        </span>
    }
}
