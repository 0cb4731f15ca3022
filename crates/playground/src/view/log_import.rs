//! Build-log import: paste `docker build --progress=plain` output; the
//! pyramid then shows the real seconds and CACHED states.

use std::rc::Rc;

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::state::LogImport;

/// The panel: a textarea (uncontrolled: what is pasted stays there) and its
/// buttons. A view function; the textarea is read when the button is pressed.
pub fn log_import(
    log: Option<&Rc<LogImport>>,
    on_import: Callback<String>,
    on_clear: Callback<()>,
) -> Html {
    let area = NodeRef::default();
    let import = {
        let (area, cb) = (area.clone(), on_import);
        Callback::from(move |_: MouseEvent| {
            if let Some(a) = area.cast::<HtmlTextAreaElement>() {
                cb.emit(a.value());
            }
        })
    };
    let clear = on_clear.reform(|_: MouseEvent| ());
    html! {
        <div class="log-import">
            <label for="log-text">{"Paste the output of "}<code>{"docker build --progress=plain ."}</code></label>
            <textarea id="log-text" ref={area} rows="6" spellcheck="false" data-testid="log-input"
                placeholder="#5 [2/6] WORKDIR /code\n#5 CACHED\n…" />
            <div class="buttons">
                <button type="button" onclick={import} data-testid="log-import">{"Use this build log"}</button>
                if log.is_some() { <button type="button" onclick={clear}>{"Forget the log"}</button> }
            </div>
            { for log.map(|l| html! {
                <p data-testid="log-status">{format!("Using real times for {} steps ({} cached) from a log of {} steps.",
                    l.steps.len(), l.steps.iter().filter(|s| s.1).count(), l.log_steps)}</p>
            }) }
        </div>
    }
}
