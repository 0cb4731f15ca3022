//! Build-log import: paste `docker build --progress=plain` output; the
//! pyramid then shows the real seconds and CACHED states.

use std::rc::Rc;

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::state::LogImport;

#[derive(Properties, PartialEq)]
pub struct LogImportProps {
    pub log: Option<Rc<LogImport>>,
    pub on_import: Callback<String>,
    pub on_clear: Callback<()>,
}

#[function_component(LogImportPanel)]
pub fn log_import(props: &LogImportProps) -> Html {
    let area = use_node_ref();
    let import = {
        let (area, cb) = (area.clone(), props.on_import.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(a) = area.cast::<HtmlTextAreaElement>() {
                cb.emit(a.value());
            }
        })
    };
    let clear = {
        let cb = props.on_clear.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <div class="log-import">
            <label for="log-text">{"Paste the output of "}<code>{"docker build --progress=plain ."}</code></label>
            <textarea id="log-text" ref={area} rows="6" spellcheck="false" data-testid="log-input"
                placeholder="#5 [2/6] WORKDIR /code\n#5 CACHED\n…" />
            <div class="buttons">
                <button type="button" onclick={import} data-testid="log-import">{"Use this build log"}</button>
                if props.log.is_some() { <button type="button" onclick={clear}>{"Forget the log"}</button> }
            </div>
            { for props.log.as_ref().map(|l| html! {
                <p data-testid="log-status">{format!("Using real times for {} steps ({} cached) from a log of {} steps.",
                    l.steps.len(), l.steps.iter().filter(|s| s.1).count(), l.log_steps)}</p>
            }) }
        </div>
    }
}
