//! One workshop lesson: the explanation, the editor holding the learner's
//! text (the starter at first), the goals measured live, hints one at a
//! time and the solution on request. The text autosaves per lesson.

use std::rc::Rc;

use layerlab_core::lessons::Lesson;
use yew::prelude::*;

use crate::editor::Editor;
use crate::findings_list::FindingsList;
use crate::pyramid::Pyramid;
use crate::settle::dispatch;
use crate::state::{Action, State};
use crate::{dom, lesson_files, markdown};

#[derive(Properties, PartialEq)]
pub struct LessonViewProps {
    /// 1-based lesson number.
    pub number: usize,
    pub lesson: Rc<Lesson>,
    pub done: bool,
    pub on_done: Callback<usize>,
}

#[function_component(LessonView)]
pub fn lesson_view(props: &LessonViewProps) -> Html {
    let (n, lesson) = (props.number, props.lesson.clone());
    let state = use_reducer(move || {
        let text = dom::load(&lesson_files::text_key(n)).unwrap_or_else(|| lesson.starter.clone());
        State::for_lesson(lesson, text)
    });
    crate::settle::use_tiers(&state);
    {
        let (state2, on_done, done) = (state.clone(), props.on_done.clone(), props.done);
        use_effect_with(state.analysis.version, move |_| {
            dom::save(&lesson_files::text_key(n), &state2.analysis.text);
            if !done && state2.lesson_complete() {
                on_done.emit(n);
            }
        });
    }
    let on_input = dispatch(&state, Action::SetSource);
    let on_cursor = dispatch(&state, Action::SetCursor);
    let on_select = dispatch(&state, Action::SelectLine);
    let act = |a: fn() -> Action| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(a()))
    };
    let l = &props.lesson;
    let complete = state.lesson_complete();
    let a = state.analysis.clone();
    html! {
        <article class="lesson" data-testid="lesson" data-complete={complete.to_string()}>
            <section class="pane">
                <h2>{format!("Lesson {n}: {}", l.title)}</h2>
                <div class="explanation">{markdown::render(&l.explanation)}</div>
                <h3 id="goals-title">{"Goals"}</h3>
                <ul class="goals" aria-labelledby="goals-title" aria-live="polite">
                    { for state.goals.iter().map(|g| html! {
                        <li data-testid="goal" data-met={g.met.to_string()} class={if g.met { "met" } else { "unmet" }}>
                            <span aria-hidden="true">{if g.met { "✓ " } else { "○ " }}</span>
                            <span class="sr-only">{if g.met { "Met: " } else { "Not yet: " }}</span>
                            {g.text.clone()}<span class="muted">{format!(" (now: {})", g.measured)}</span>
                        </li>
                    }) }
                </ul>
                if complete { <p class="ok" role="status" data-testid="lesson-complete">{"Every goal is met: lesson complete."}
                    if n < lesson_files::all().len() { {" "}<a href={format!("#/workshop/{}", n + 1)}>{"Next lesson"}</a> }</p> }
                <h3>{"Hints"}</h3>
                <ol class="hints">
                    { for l.hints.iter().take(state.hints_shown).map(|h| html! { <li data-testid="hint">{markdown::inline(h)}</li> }) }
                </ol>
                <div class="buttons">
                    <button type="button" onclick={act(|| Action::RevealHint)} disabled={state.hints_shown >= l.hints.len()} data-testid="hint-button">
                        {format!("Show a hint ({} left)", l.hints.len().saturating_sub(state.hints_shown))}</button>
                    <button type="button" onclick={act(|| Action::RevealSolution)} disabled={state.solution_shown} data-testid="solution-button">{"Reveal the solution"}</button>
                </div>
                if state.solution_shown {
                    <pre class="code-block" tabindex="0" aria-label="The solution" data-testid="solution">{l.solution.clone()}</pre>
                }
            </section>
            <section class="pane">
                <h2>{"Your Dockerfile"}</h2>
                <Editor analysis={a.clone()} text={state.text().clone()} cursor_line={state.cursor_line} select_line={state.select_line} {on_input} {on_cursor} />
                <FindingsList analysis={a.clone()} on_select={on_select.clone()} />
                <h3>{"Layer pyramid"}</h3>
                <Pyramid analysis={a} simulation={None} log={None} cursor_line={state.cursor_line} {on_select} />
            </section>
        </article>
    }
}
