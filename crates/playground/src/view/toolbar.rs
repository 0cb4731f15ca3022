//! The header's controls: examples menu, share link, colour theme. A view
//! function, not a component: it is a handful of controls.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::examples::EXAMPLES;
use crate::state::Theme;

pub struct Toolbar {
    pub theme: Theme,
    /// The share link of the current text, once asked for.
    pub share_url: Option<String>,
    pub on_example: Callback<usize>,
    pub on_share: Callback<()>,
    pub on_theme: Callback<Theme>,
}

pub fn toolbar(props: Toolbar) -> Html {
    let on_example = {
        let cb = props.on_example.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<usize>() {
                cb.emit(i);
            }
            select.set_value("");
        })
    };
    let share = {
        let cb = props.on_share.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let theme = {
        let (cb, t) = (props.on_theme.clone(), props.theme);
        Callback::from(move |_: MouseEvent| cb.emit(t.next()))
    };
    html! {
        <nav class="toolbar" aria-label="Tools">
            <label class="inline">{"Examples "}
                <select onchange={on_example} data-testid="examples">
                    <option value="" selected=true>{"Load an example…"}</option>
                    { for EXAMPLES.iter().enumerate().map(|(i, e)| html! { <option value={i.to_string()} data-id={e.id}>{e.label}</option> }) }
                </select>
            </label>
            <button type="button" onclick={share} data-testid="share">{"Share link"}</button>
            if let Some(url) = &props.share_url {
                <label class="inline share-out">{"Link "}
                    <input type="text" readonly=true value={url.clone()} data-testid="share-url" size="28" />
                </label>
                { crate::view::copy_button::copy_button(url.clone(), "Copy link", None) }
            }
            <button type="button" onclick={theme} data-testid="theme" aria-label={format!("Colour theme: {} (click to change)", props.theme.name())}>
                { match props.theme { Theme::System => "◐ System", Theme::Light => "☀ Light", Theme::Dark => "☾ Dark" } }
            </button>
        </nav>
    }
}
