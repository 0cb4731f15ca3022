//! Workshop mode (`#/workshop`, `#/workshop/N`): the lesson list with
//! progress, the open lesson, and the presenter-mode toggle.

use yew::prelude::*;

use crate::lesson_files;
use crate::components::lesson_view::LessonView;

#[derive(Properties, PartialEq)]
pub struct WorkshopProps {
    /// The open lesson, 1-based (None: the list only).
    pub lesson: Option<usize>,
    /// Completed lessons, 1-based.
    pub done: Vec<usize>,
    pub presenter: bool,
    pub on_done: Callback<usize>,
    pub on_presenter: Callback<bool>,
}

#[function_component(Workshop)]
pub fn workshop(props: &WorkshopProps) -> Html {
    let lessons = lesson_files::all();
    let toggle = {
        let (cb, on) = (props.on_presenter.clone(), props.presenter);
        Callback::from(move |_: MouseEvent| cb.emit(!on))
    };
    let open = props
        .lesson
        .and_then(|n| lessons.get(n.wrapping_sub(1)).map(|l| (n, l.clone())));
    html! {
        <main class="workshop" id="main" data-testid="workshop">
            <nav class="lessons" aria-labelledby="lessons-title">
                <h2 id="lessons-title">{"Workshop"}</h2>
                <p class="muted" data-testid="progress">{format!("{} of {} lessons done", props.done.len(), lessons.len())}</p>
                <ol>
                    { for lessons.iter().enumerate().map(|(i, l)| {
                        let n = i + 1;
                        let done = props.done.contains(&n);
                        html! {
                            <li data-testid="lesson-link" data-done={done.to_string()}>
                                <a href={format!("#/workshop/{n}")} aria-current={(props.lesson == Some(n)).then_some("page")}>{l.title.clone()}</a>
                                if done { <span class="ok" aria-label="done">{" ✓"}</span> }
                            </li>
                        }
                    }) }
                </ol>
                <button type="button" aria-pressed={props.presenter.to_string()} onclick={toggle} data-testid="presenter">{"Presenter mode"}</button>
            </nav>
            { match open {
                Some((n, lesson)) => html! {
                    <LessonView key={n} number={n} {lesson} done={props.done.contains(&n)} on_done={props.on_done.clone()} />
                },
                None => html! {
                    <section class="lesson pane">
                        <h2>{"Make docker builds fast, one tip at a time"}</h2>
                        <p>{"Each lesson starts from a slow Dockerfile. Edit it until every goal turns green: the analyzer measures them live, in your browser. Your progress stays on this device."}</p>
                        <p><a href="#/workshop/1">{"Start with lesson 1"}</a></p>
                    </section>
                },
            } }
        </main>
    }
}
