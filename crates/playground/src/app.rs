//! The page: header, editor and pyramid side by side, the change simulator,
//! the five tip demos, the optimizer, build-log import and the instruction
//! list; or the rule reference at `#/rules/CODE`.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::change_panel::ChangePanel;
use crate::editor::Editor;
use crate::examples::{DEFAULT_EXAMPLE, EXAMPLES};
use crate::findings_list::FindingsList;
use crate::instruction_list::InstructionList;
use crate::log_import::log_import;
use crate::optimize_view::OptimizeView;
use crate::pyramid::Pyramid;
use crate::rule_page::rule_page;
use crate::settle::dispatch_to;
use crate::state::{Action, ChangeChoice, Route, State, Theme};
use crate::tip_cache::TipCache;
use crate::tip_copy::TipCopy;
use crate::tip_dev_loop::TipDevLoop;
use crate::tip_download::TipDownload;
use crate::tip_order::TipOrder;
use crate::toolbar::{toolbar, Toolbar};
use crate::workshop::Workshop;
use crate::{dom, lesson_files, share};

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

fn initial_state() -> State {
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
    let mut s = State::new(source, theme, route);
    s.notice = notice;
    s.done = dom::load(lesson_files::DONE_KEY)
        .unwrap_or_default()
        .split(',')
        .filter_map(|n| n.parse().ok())
        .collect();
    s.presenter = dom::load(PRESENTER_KEY).is_some_and(|v| v == "on");
    s
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
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    let share_url = use_state(|| None::<String>);
    // Routing and share links arriving later (hashchange).
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            dom::mark("layerlab:first-analysis");
            let on_hash = Closure::<dyn Fn()>::new(move || {
                let (route, shared) = read_hash();
                match shared {
                    Some(Ok(text)) => state.dispatch(Action::LoadSource(
                        text,
                        "Loaded the Dockerfile from the share link.".into(),
                    )),
                    Some(Err(())) => state.dispatch(Action::Notice(Some(
                        "This share link is damaged: it could not be read.".into(),
                    ))),
                    None => state.dispatch(Action::SetRoute(route)),
                }
            });
            if let Some(w) = web_sys::window() {
                let _ = w.add_event_listener_with_callback(
                    "hashchange",
                    on_hash.as_ref().unchecked_ref(),
                );
            }
            on_hash.forget();
        });
    }
    // Autosave, and the deep tier once typing pauses.
    crate::settle::use_tiers(&state);
    {
        let state2 = state.clone();
        use_effect_with(state.analysis.version, move |_| {
            let text = &state2.analysis.text;
            if !dom::save(SOURCE_KEY, text) {
                state2.dispatch(Action::Notice(Some(format!(
                    "This text ({} KB) is too large for the browser's storage, so it is not autosaved: \
                     copy it somewhere safe before you leave the page.",
                    text.len() / 1024
                ))));
            }
        });
    }
    {
        // Preferences and workshop progress: applied and kept when they change.
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
    // Callbacks are made once (one memo, not a hook per callback) and stay
    // the same across renders, so the views fed only by the settled
    // analysis skip keystroke renders.
    let cbs = {
        let (d, share_url) = (state.dispatcher(), share_url.setter());
        use_memo((), move |_| {
            let to = |f| dispatch_to(&d, f);
            let example = {
                let d = d.clone();
                Callback::from(move |i: usize| {
                    share_url.set(None);
                    d.dispatch(Action::LoadSource(
                        EXAMPLES[i].text.to_string(),
                        format!("Loaded the example: {}.", EXAMPLES[i].label),
                    ))
                })
            };
            AppCallbacks {
                input: to(Action::SetSource),
                apply: to(Action::Apply),
                toggle_fix: to(Action::ToggleFix),
                import: to(Action::ImportLog),
                cursor: dispatch_to(&d, Action::SetCursor),
                select: dispatch_to(&d, Action::SelectLine),
                theme: dispatch_to(&d, Action::SetTheme),
                change: dispatch_to(&d, Action::SetChange),
                unsafe_fixes: dispatch_to(&d, Action::SetUnsafeFixes),
                clear: dispatch_to(&d, |_: ()| Action::ClearLog),
                dismiss: dispatch_to(&d, |_: MouseEvent| Action::Notice(None)),
                example,
            }
        })
    };
    let on_input = cbs.input.clone();
    let on_apply = cbs.apply.clone();
    let on_cursor = cbs.cursor.clone();
    let on_select = cbs.select.clone();
    let on_example = cbs.example.clone();
    let on_share = {
        let (state, share_url) = (state.clone(), share_url.clone());
        Callback::from(move |_| {
            share_url.set(Some(format!(
                "{}#/s/{}",
                dom::base_url(),
                share::encode(state.source())
            )))
        })
    };
    let on_theme = cbs.theme.clone();
    let on_change = cbs.change.clone();
    let on_toggle_fix = cbs.toggle_fix.clone();
    let on_unsafe = cbs.unsafe_fixes.clone();
    let on_import = cbs.import.clone();
    let on_clear = cbs.clear.clone();
    let dismiss = cbs.dismiss.clone();
    let a = state.analysis.clone();
    let settled = state.settled.clone();
    let header = html! {
        <header class="top">
            <div>
                <h1><a href="#/" class="home"><span class="logo" aria-hidden="true">{"▤"}</span>{" Layerlab"}</a></h1>
                <p class="tagline">{"Why is your docker build slow? Paste a Dockerfile and see its layers."}</p>
            </div>
            { toolbar(Toolbar { theme: state.theme, share_url: (*share_url).clone(), on_example, on_share, on_theme }) }
            { for state.notice.clone().map(|n| html! {
                <p class="notice" role="status" data-testid="notice">{n}{" "}<button type="button" onclick={dismiss} aria-label="Dismiss the notice">{"×"}</button></p>
            }) }
        </header>
    };
    if let Route::Rules(code) = &state.route {
        return html! { <>{header}{ rule_page(code.as_deref()) }</> };
    }
    if let Route::Workshop(lesson) = state.route {
        let on_done = {
            let state = state.clone();
            Callback::from(move |n| state.dispatch(Action::LessonDone(n)))
        };
        let on_presenter = {
            let state = state.clone();
            Callback::from(move |on| state.dispatch(Action::SetPresenter(on)))
        };
        return html! { <>{header}<Workshop {lesson} done={state.done.clone()} presenter={state.presenter} {on_done} {on_presenter} /></> };
    }
    html! {
        <>
            {header}
            <main class="workspace" id="main">
                <section class="pane" aria-labelledby="editor-title">
                    <h2 id="editor-title">{"Dockerfile"}</h2>
                    <Editor analysis={a.clone()} text={state.text().clone()} cursor_line={state.cursor_line} select_line={state.select_line} {on_input} {on_cursor} />
                    <FindingsList analysis={settled.clone()} on_select={on_select.clone()} />
                </section>
                <section class="pane" aria-labelledby="pyramid-title">
                    <h2 id="pyramid-title">{"Layer pyramid"}</h2>
                    <Pyramid analysis={a.clone()} simulation={state.simulation.clone()} log={state.log.clone()} cursor_line={state.cursor_line} on_select={on_select.clone()} />
                    <h2 id="change-title">{"What does this change rebuild?"}</h2>
                    <ChangePanel analysis={a.clone()} change={state.change.clone()} simulation={state.simulation.clone()}
                        optimized_seconds={state.optimized_seconds} {on_change} />
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
                <OptimizeView analysis={settled.clone()} deep={state.deep.clone()} disabled={state.disabled.clone()} unsafe_fixes={state.unsafe_fixes}
                    on_toggle={on_toggle_fix} {on_unsafe} on_apply={on_apply.clone()} />
            </section>
            <section class="band two" aria-label="Build log and instructions">
                <div>
                    <h2 id="log-title">{"Import a build log"}</h2>
                    { log_import(state.log.as_ref(), on_import, on_clear) }
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
