//! The page: header, editor and analysis side by side.

use yew::prelude::*;

use crate::editor::Editor;
use crate::examples::DEFAULT_EXAMPLE;
use crate::instruction_list::InstructionList;
use crate::state::{Action, State};

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| State::new(DEFAULT_EXAMPLE.to_string()));
    let on_input = {
        let state = state.clone();
        Callback::from(move |text: String| state.dispatch(Action::SetSource(text)))
    };
    html! {
        <>
            <header class="top">
                <h1><span class="logo" aria-hidden="true">{"▤"}</span>{" Layerlab"}</h1>
                <p class="tagline">{"Why is your docker build slow? Paste a Dockerfile and see its layers."}</p>
            </header>
            <main class="workspace">
                <section class="pane" aria-labelledby="editor-title">
                    <h2 id="editor-title">{"Dockerfile"}</h2>
                    <Editor value={state.source.clone()} {on_input} />
                </section>
                <section class="pane" aria-labelledby="analysis-title">
                    <h2 id="analysis-title">{"Instructions"}</h2>
                    <InstructionList items={state.outline.clone()} />
                </section>
            </main>
        </>
    }
}
