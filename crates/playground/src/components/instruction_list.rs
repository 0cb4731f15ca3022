//! The list of instructions found in the Dockerfile, with their count.

use std::rc::Rc;

use yew::prelude::*;

use crate::state::Analysis;

/// The most instructions listed (each row is 4 elements; see
/// `pyramid::MAX_BARS` for what 2,000 rows cost).
pub const MAX_ITEMS: usize = 500;

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
                // At most MAX_ITEMS rows (tens of thousands froze the page).
                { for items.iter().take(MAX_ITEMS).map(|item| html! {
                    <li data-testid="instruction" data-line={item.line.to_string()}>
                        <span class="line">{item.line}</span>
                        <span class={classes!("kw", format!("kw-{}", item.keyword.to_ascii_lowercase()))}>{&item.keyword}</span>
                        {" "}
                        <span class="args">{&item.text}</span>
                    </li>
                }) }
                if n > MAX_ITEMS {
                    <li class="muted" data-testid="instructions-more">{format!("… and {} more (the first {MAX_ITEMS} are listed)", n - MAX_ITEMS)}</li>
                }
            </ol>
        </div>
    }
}
