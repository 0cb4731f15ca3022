//! The list of instructions found in the Dockerfile, with their count.

use std::rc::Rc;

use yew::prelude::*;

use crate::state::Analysis;

#[derive(Properties, PartialEq)]
pub struct InstructionListProps {
    /// Its outline is listed (compared by version: no copy per render).
    pub analysis: Rc<Analysis>,
}

#[function_component(InstructionList)]
pub fn instruction_list(props: &InstructionListProps) -> Html {
    let items = &props.analysis.outline;
    let n = items.len();
    html! {
        <div class="instructions">
            <p class="count" aria-live="polite">
                <strong data-testid="instruction-count">{n}</strong>
                {if n == 1 { " instruction" } else { " instructions" }}
            </p>
            <ol data-testid="instructions">
                { for items.iter().map(|item| html! {
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
