//! The page: header, editor and pyramid side by side, the change simulator,
//! the five tip demos, the optimizer, build-log import and the instruction
//! list; or the rule reference at `#/rules/CODE`.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::change_panel::ChangePanel;
use crate::components::editor::Editor as EditorView;
use crate::components::findings_list::FindingsList;
use crate::components::instruction_list::InstructionList;
use crate::components::optimize_view::OptimizeView;
use crate::components::pyramid::Pyramid;
use crate::components::tip_cache::TipCache;
use crate::components::tip_copy::TipCopy;
use crate::components::tip_dev_loop::TipDevLoop;
use crate::components::tip_download::TipDownload;
use crate::components::tip_order::TipOrder;
use crate::components::workshop::Workshop;
use crate::examples::{DEFAULT_EXAMPLE, EXAMPLES};
use crate::settle::{self, on};
use crate::state::{AppAction, AppState, ChangeChoice, Editor, EditorAction, Route, Theme};
use crate::view::log_import::log_import;
use crate::view::rule_page::rule_page;
use crate::view::share;
use crate::view::toolbar::{toolbar, Toolbar};
use crate::{dom, lesson_files};

const SOURCE_KEY: &str = "layerlab.source";
const THEME_KEY: &str = "layerlab.theme";
const PRESENTER_KEY: &str = "layerlab.presenter";

/// What the URL fragment asks for: a route, or a shared text (Some(Ok)) or
/// a broken share link (Some(Err)).
fn read_hash() -> (Route, Option<Result<String, ()>>) {
    let h = dom::hash();
    let h = h.trim_start_matches('/');
    if let Some(payload) = h.strip_prefix("s/") {
        return (Route::Main, Some(share::decode(payload).ok_or(())));
    }
    if let Some(rest) = h.strip_prefix("rules") {
        let code = rest.trim_start_matches('/');
        return (
            Route::Rules((!code.is_empty()).then(|| code.to_string())),
            None,
        );
    }
    if let Some(rest) = h.strip_prefix("workshop") {
        return (
            Route::Workshop(rest.trim_start_matches('/').parse().ok()),
            None,
        );
    }
    (Route::Main, None)
}

fn initial_state() -> AppState {
    let (route, shared) = read_hash();
    let theme = Theme::parse(&dom::load(THEME_KEY).unwrap_or_default());
    let (source, notice) = match shared {
        Some(Ok(text)) => (
            text,
            Some("Loaded the Dockerfile from the share link.".to_string()),
        ),
        Some(Err(())) => (
            dom::load(SOURCE_KEY).unwrap_or_else(|| DEFAULT_EXAMPLE.to_string()),
            Some("This share link is damaged: it could not be read.".into()),
        ),
        None => (
            dom::load(SOURCE_KEY).unwrap_or_else(|| DEFAULT_EXAMPLE.to_string()),
            None,
        ),
    };
    let mut editor = Editor::new(source);
    editor.notice = notice;
    AppState {
        editor,
        theme,
        route,
        done: dom::load(lesson_files::DONE_KEY)
            .unwrap_or_default()
            .split(',')
            .filter_map(|n| n.parse().ok())
            .collect(),
        presenter: dom::load(PRESENTER_KEY).is_some_and(|v| v == "on"),
    }
}

/// The app's callbacks, made once.
struct AppCallbacks {
    input: Callback<String>,
    apply: Callback<String>,
    toggle_fix: Callback<String>,
    import: Callback<String>,
    cursor: Callback<u32>,
    select: Callback<u32>,
    theme: Callback<Theme>,
    change: Callback<ChangeChoice>,
    unsafe_fixes: Callback<bool>,
    clear: Callback<()>,
    dismiss: Callback<MouseEvent>,
    example: Callback<usize>,
    /// Editor actions; the tiers' hook sends through it.
    editor: Callback<EditorAction>,
    done: Callback<usize>,
    presenter: Callback<bool>,
}

/// Routing and share links arriving after load (`hashchange`).
#[hook]
fn use_hash_routing(d: UseReducerDispatcher<AppState>) {
    use_effect_with((), move |_| {
        dom::mark("layerlab:first-analysis");
        let on_hash = Closure::<dyn Fn()>::new(move || {
            let (route, shared) = read_hash();
            d.dispatch(match shared {
                Some(Ok(text)) => AppAction::Editor(EditorAction::LoadSource(
                    text,
                    "Loaded the Dockerfile from the share link.".into(),
                )),
                Some(Err(())) => AppAction::Editor(EditorAction::Notice(Some(
                    "This share link is damaged: it could not be read.".into(),
                ))),
                None => AppAction::SetRoute(route),
            })
        });
        if let Some(w) = web_sys::window() {
            let _ =
                w.add_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref());
        }
        on_hash.forget();
    });
}

/// The page's callbacks, made once (one memo, not a hook per callback):
/// they stay the same across renders, so the views fed only by the
/// settled analysis skip keystroke renders.
#[hook]
fn use_callbacks(
    d: UseReducerDispatcher<AppState>,
    share_url: UseStateSetter<Option<String>>,
) -> Rc<AppCallbacks> {
    use_memo((), move |_| {
        let app: Callback<AppAction> = d.to_callback();
        let ed = app.reform(AppAction::Editor);
        let example = {
            let ed = ed.clone();
            Callback::from(move |i: usize| {
                share_url.set(None);
                ed.emit(EditorAction::LoadSource(
                    EXAMPLES[i].text.to_string(),
                    format!("Loaded the example: {}.", EXAMPLES[i].label),
                ))
            })
        };
        AppCallbacks {
            input: settle::input(&ed),
            apply: on(&ed, EditorAction::Apply),
            toggle_fix: on(&ed, EditorAction::ToggleFix),
            import: on(&ed, EditorAction::ImportLog),
            cursor: on(&ed, EditorAction::SetCursor),
            select: on(&ed, EditorAction::SelectLine),
            change: on(&ed, EditorAction::SetChange),
            unsafe_fixes: on(&ed, EditorAction::SetUnsafeFixes),
            clear: on(&ed, |_: ()| EditorAction::ClearLog),
            dismiss: on(&ed, |_: MouseEvent| EditorAction::Notice(None)),
            theme: app.reform(AppAction::SetTheme),
            done: app.reform(AppAction::LessonDone),
            presenter: app.reform(AppAction::SetPresenter),
            editor: ed,
            example,
        }
    })
}

/// What is kept in the browser's storage: the text (autosaved after each
/// analysis; a notice when it does not fit), the theme, presenter mode and
/// workshop progress.
#[hook]
fn use_persistence(state: &AppState, to: &Callback<EditorAction>) {
    let (text, to) = (state.editor.analysis.text.clone(), to.clone());
    use_effect_with(state.editor.analysis.version, move |_| {
        if !dom::save(SOURCE_KEY, &text) {
            to.emit(EditorAction::Notice(Some(format!(
                "This text ({} KB) is too large for the browser's storage, so it is not autosaved: \
                 copy it somewhere safe before you leave the page.",
                text.len() / 1024
            ))));
        }
    });
    use_effect_with(
        (state.theme, state.presenter, state.done.clone()),
        move |(t, on, done)| {
            dom::set_root_attr("data-theme", t.name());
            dom::save(THEME_KEY, t.name());
            let on = if *on { "on" } else { "off" };
            dom::set_root_attr("data-presenter", on);
            dom::save(PRESENTER_KEY, on);
            let list: Vec<String> = done.iter().map(usize::to_string).collect();
            dom::save(lesson_files::DONE_KEY, &list.join(","));
        },
    );
}

/// The header: title, toolbar (examples, share link, theme) and the notice.
fn header(
    state: &UseReducerHandle<AppState>,
    share_url: &UseStateHandle<Option<String>>,
    cbs: &AppCallbacks,
) -> Html {
    let on_share = {
        let (state, share_url) = (state.clone(), share_url.clone());
        Callback::from(move |_| {
            share_url.set(Some(format!(
                "{}#/s/{}",
                dom::base_url(),
                share::encode(state.editor.source())
            )))
        })
    };
    let bar = Toolbar {
        theme: state.theme,
        share_url: (**share_url).clone(),
        on_example: cbs.example.clone(),
        on_share,
        on_theme: cbs.theme.clone(),
    };
    let dismiss = cbs.dismiss.clone();
    html! {
        <header class="top">
            <div>
                <h1><a href="#/" class="home"><span class="logo" aria-hidden="true">{"▤"}</span>{" Layerlab"}</a></h1>
                <p class="tagline">{"Why is your docker build slow? Paste a Dockerfile and see its layers."}</p>
            </div>
            { toolbar(bar) }
            { for state.editor.notice.clone().map(|n| html! {
                <p class="notice" role="status" data-testid="notice">{n}{" "}<button type="button" onclick={dismiss} aria-label="Dismiss the notice">{"×"}</button></p>
            }) }
        </header>
    }
}

/// The playground under the header: editor and pyramid, the change
/// simulator, the five tips, the optimizer, log import and instructions.
fn playground(ed: &Editor, cbs: &AppCallbacks) -> Html {
    let (a, settled, on_apply, on_select) = (
        ed.analysis.clone(),
        ed.settled.clone(),
        cbs.apply.clone(),
        cbs.select.clone(),
    );
    html! {
        <>
            <main class="workspace" id="main">
                <section class="pane" aria-labelledby="editor-title">
                    <h2 id="editor-title">{"Dockerfile"}</h2>
                    <EditorView analysis={a.clone()} text={ed.text().clone()} cursor_line={ed.cursor_line} select_line={ed.select_line}
                        on_input={cbs.input.clone()} on_cursor={cbs.cursor.clone()} />
                    <FindingsList analysis={settled.clone()} on_select={on_select.clone()} />
                </section>
                <section class="pane" aria-labelledby="pyramid-title">
                    <h2 id="pyramid-title">{"Layer pyramid"}</h2>
                    <Pyramid analysis={a.clone()} simulation={ed.simulation.clone()} log={ed.log.clone()} cursor_line={ed.cursor_line} on_select={on_select.clone()} />
                    <h2 id="change-title">{"What does this change rebuild?"}</h2>
                    <ChangePanel analysis={a.clone()} change={ed.change.clone()} simulation={ed.simulation.clone()}
                        optimized_seconds={ed.optimized_seconds} on_change={cbs.change.clone()} />
                </section>
            </main>
            <section class="band" aria-labelledby="tips-title">
                <h2 id="tips-title">{"The five tips, on your Dockerfile"}</h2>
                <div class="tips">
                    <TipDevLoop analysis={settled.clone()} />
                    <TipOrder analysis={settled.clone()} on_apply={on_apply.clone()} />
                    <TipCopy analysis={settled.clone()} on_apply={on_apply.clone()} />
                    <TipDownload analysis={settled.clone()} on_apply={on_apply.clone()} />
                    <TipCache analysis={settled.clone()} on_apply={on_apply.clone()} />
                </div>
            </section>
            <section class="band" aria-labelledby="optimize-title">
                <h2 id="optimize-title">{"Optimize"}</h2>
                <OptimizeView analysis={settled.clone()} deep={ed.deep.clone()} disabled={ed.disabled.clone()} unsafe_fixes={ed.unsafe_fixes}
                    on_toggle={cbs.toggle_fix.clone()} on_unsafe={cbs.unsafe_fixes.clone()} on_apply={on_apply.clone()} />
            </section>
            <section class="band two" aria-label="Build log and instructions">
                <div>
                    <h2 id="log-title">{"Import a build log"}</h2>
                    { log_import(ed.log.as_ref(), cbs.import.clone(), cbs.clear.clone()) }
                </div>
                <div>
                    <h2 id="analysis-title">{"Instructions"}</h2>
                    <InstructionList analysis={settled.clone()} />
                </div>
            </section>
            <footer class="foot"><a href="#/rules">{"Rule reference"}</a>{" · "}<a href="#/workshop">{"Workshop"}</a>{" · Everything runs in your browser; nothing is uploaded."}</footer>
        </>
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    let share_url = use_state(|| None::<String>);
    use_hash_routing(state.dispatcher());
    let cbs = use_callbacks(state.dispatcher(), share_url.setter());
    // The deep tier once typing pauses; autosave and preferences.
    settle::use_tiers(&state.editor, &cbs.editor);
    use_persistence(&state, &cbs.editor);
    let header = header(&state, &share_url, &cbs);
    match &state.route {
        Route::Rules(code) => html! { <>{header}{ rule_page(code.as_deref()) }</> },
        Route::Workshop(lesson) => {
            let (on_done, on_presenter) = (cbs.done.clone(), cbs.presenter.clone());
            html! { <>{header}<Workshop lesson={*lesson} done={state.done.clone()} presenter={state.presenter} {on_done} {on_presenter} /></> }
        }
        _ => html! { <>{header}{ playground(&state.editor, &cbs) }</> },
    }
}
