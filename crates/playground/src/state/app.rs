//! The app's state: the editor plus what only the app has (theme, route,
//! workshop progress and presenter mode).

use std::rc::Rc;

use yew::Reducible;

use super::{Editor, EditorAction};

/// Colour scheme: follow the system, or forced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
    pub fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

/// Which page the URL fragment shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Route {
    #[default]
    Main,
    /// `#/rules` (None) or `#/rules/CODE`.
    Rules(Option<String>),
    /// `#/workshop` (None) or `#/workshop/N` (1-based lesson number).
    Workshop(Option<usize>),
}

#[derive(Clone)]
pub struct AppState {
    pub editor: Editor,
    pub theme: Theme,
    pub route: Route,
    /// Workshop progress: the 1-based numbers of the lessons completed.
    pub done: Vec<usize>,
    pub presenter: bool,
}

pub enum AppAction {
    Editor(EditorAction),
    SetTheme(Theme),
    SetRoute(Route),
    /// Workshop: a lesson (1-based) was completed.
    LessonDone(usize),
    SetPresenter(bool),
}

impl Reducible for AppState {
    type Action = AppAction;

    fn reduce(self: Rc<Self>, action: AppAction) -> Rc<Self> {
        match &action {
            AppAction::SetRoute(r) if *r == self.route => return self,
            AppAction::LessonDone(n) if self.done.contains(n) => return self,
            _ => {}
        }
        let mut s = (*self).clone();
        match action {
            AppAction::Editor(a) => {
                // A loaded text (example, share link, fix) shows the main page.
                if matches!(a, EditorAction::LoadSource(..) | EditorAction::Apply(_)) {
                    s.route = Route::Main;
                }
                match self.editor.update(a) {
                    Some(editor) => s.editor = editor,
                    None => return self,
                }
            }
            AppAction::SetTheme(t) => s.theme = t,
            AppAction::SetRoute(r) => s.route = r,
            AppAction::LessonDone(n) => {
                s.done.push(n);
                layerlab_core::sort::sort_dedup(&mut s.done);
            }
            AppAction::SetPresenter(on) => s.presenter = on,
        }
        Rc::new(s)
    }
}
