//! One workshop lesson: the explanation, the editor holding the learner's
//! text (the starter at first), the goals measured live, hints one at a
//! time and the solution on request. The text autosaves per lesson.

use std::rc::Rc;

use layerlab_core::lessons::Lesson;
use yew::prelude::*;

use crate::components::editor::Editor as EditorView;
use crate::components::findings_list::FindingsList;
use crate::components::pyramid::Pyramid;
use crate::settle::{self, on};
use crate::state::{EditorAction, LessonAction, LessonState};
use crate::view::markdown;
use crate::{dom, lesson_files};

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
        LessonState::new(lesson, text)
    });
    let to: Callback<LessonAction> = state.dispatcher().to_callback();
    let ed_to = to.reform(LessonAction::Editor);
    let ed = &state.editor;
    settle::use_tiers(ed, &ed_to);
    let complete = state.complete();
    {
        let (text, on_done, done) = (ed.analysis.text.clone(), props.on_done.clone(), props.done);
        use_effect_with(ed.analysis.version, move |_| {
            dom::save(&lesson_files::text_key(n), &text);
            if !done && complete {
                on_done.emit(n);
            }
        });
    }
    let on_input = settle::input(&ed_to);
    let on_cursor = on(&ed_to, EditorAction::SetCursor);
    let on_select = on(&ed_to, EditorAction::SelectLine);
    let on_hint = to.reform(|_: MouseEvent| LessonAction::RevealHint);
    let on_solution = to.reform(|_: MouseEvent| LessonAction::RevealSolution);
    let l = &props.lesson;
    let a = ed.analysis.clone();
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
                    <button type="button" onclick={on_hint} disabled={state.hints_shown >= l.hints.len()} data-testid="hint-button">
                        {format!("Show a hint ({} left)", l.hints.len().saturating_sub(state.hints_shown))}</button>
                    <button type="button" onclick={on_solution} disabled={state.solution_shown} data-testid="solution-button">{"Reveal the solution"}</button>
                </div>
                if state.solution_shown {
                    <pre class="code-block" tabindex="0" aria-label="The solution" data-testid="solution">{l.solution.clone()}</pre>
                }
            </section>
            <section class="pane">
                <h2>{"Your Dockerfile"}</h2>
                <EditorView analysis={a.clone()} text={ed.text().clone()} cursor_line={ed.cursor_line} select_line={ed.select_line} {on_input} {on_cursor} />
                <FindingsList analysis={a.clone()} on_select={on_select.clone()} />
                <h3>{"Layer pyramid"}</h3>
                <Pyramid analysis={a} simulation={None} log={None} cursor_line={ed.cursor_line} {on_select} />
            </section>
        </article>
    }
}
