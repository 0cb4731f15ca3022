//! The workshop's lessons (`web/lessons/*.lesson`), compiled into the wasm so
//! the workshop works offline. `tests/tests/lessons.rs` checks every file.

use std::rc::Rc;

use layerlab_core::lessons::{self, Lesson};

macro_rules! lesson {
    ($name:literal) => {
        include_str!(concat!("../../../web/lessons/", $name, ".lesson"))
    };
}

/// The lesson files in workshop order.
const FILES: [&str; 6] = [
    lesson!("01-dev-loop"),
    lesson!("02-pyramid"),
    lesson!("03-selective-copy"),
    lesson!("04-download-less"),
    lesson!("05-cache-mounts"),
    lesson!("06-final-challenge"),
];

thread_local! {
    static LESSONS: Vec<Rc<Lesson>> = FILES.iter().filter_map(|t| lessons::parse(t).ok()).map(Rc::new).collect();
}

/// Every lesson, parsed once.
pub fn all() -> Vec<Rc<Lesson>> {
    LESSONS.with(Clone::clone)
}

/// localStorage key of the learner's text for lesson `n` (1-based).
pub fn text_key(n: usize) -> String {
    format!("layerlab.lesson.{n}")
}

/// localStorage key of the completed lessons ("1,3").
pub const DONE_KEY: &str = "layerlab.workshop.done";
