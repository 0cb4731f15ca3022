//! The list of instructions found in the Dockerfile, with their count.

use layerlab_core::OutlineItem;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InstructionListProps {
    pub items: Vec<OutlineItem>,
}

#[function_component(InstructionList)]
pub fn instruction_list(props: &InstructionListProps) -> Html {
    let n = props.items.len();
    html! {
        <div class="instructions">
            <p class="count" aria-live="polite">
                <strong data-testid="instruction-count">{n}</strong>
                {if n == 1 { " instruction" } else { " instructions" }}
            </p>
            <ol data-testid="instructions">
                { for props.items.iter().map(|item| html! {
                    <li data-testid="instruction" data-line={item.line.to_string()}>
                        <span class="line">{item.line}</span>
                        <span class={classes!("kw", format!("kw-{}", item.keyword.to_ascii_lowercase()))}>{&item.keyword}</span>
                        {" "}
                        <span class="args">{&item.text}</span>
                    </li>
                }) }
            </ol>
        </div>
    }
}
