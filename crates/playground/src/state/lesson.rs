//! A workshop lesson's state: its own editor, the lesson with its
//! starter's scenarios (computed once), the goals measured on every new
//! analysis, and how much help the learner asked for.

use std::rc::Rc;

use layerlab_core::lessons::{GoalState, Lesson};
use layerlab_core::tips::Scenarios;
use yew::Reducible;

use super::{Editor, EditorAction};

#[derive(Clone)]
pub struct LessonState {
    pub editor: Editor,
    pub lesson: Rc<(Lesson, Scenarios)>,
    pub goals: Rc<Vec<GoalState>>,
    pub hints_shown: usize,
    pub solution_shown: bool,
}

pub enum LessonAction {
    Editor(EditorAction),
    RevealHint,
    RevealSolution,
}

impl LessonState {
    /// The lesson's editor, starting from `source`.
    pub fn new(lesson: Rc<Lesson>, source: String) -> LessonState {
        let scenarios = lesson.scenarios();
        let mut s = LessonState {
            editor: Editor::new(source),
            lesson: Rc::new(((*lesson).clone(), scenarios)),
            goals: Rc::default(),
            hints_shown: 0,
            solution_shown: false,
        };
        s.measure_goals();
        s
    }

    /// Whether the lesson's goals are all met.
    pub fn complete(&self) -> bool {
        self.goals.iter().all(|g| g.met)
    }

    fn measure_goals(&mut self) {
        let (l, sc, a) = (&self.lesson.0, &self.lesson.1, &self.editor.analysis);
        self.goals = Rc::new(l.evaluate_parsed(sc, &a.df, &a.model, &a.findings));
    }
}

impl Reducible for LessonState {
    type Action = LessonAction;

    fn reduce(self: Rc<Self>, action: LessonAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            LessonAction::Editor(a) => match self.editor.update(a) {
                Some(editor) => {
                    let analyzed = editor.analysis.version != self.editor.analysis.version;
                    s.editor = editor;
                    if analyzed {
                        s.measure_goals();
                    }
                }
                None => return self,
            },
            LessonAction::RevealHint => s.hints_shown += 1,
            LessonAction::RevealSolution => s.solution_shown = true,
        }
        Rc::new(s)
    }
}
