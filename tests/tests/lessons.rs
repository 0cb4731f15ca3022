//! Every workshop lesson in `web/lessons/`: it parses, its solution meets
//! every goal, and its starter does not.

#[test]
fn every_lesson_is_solvable_and_not_solved_at_the_start() {
    let dir = layerlab_tests::root().join("web/lessons");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("web/lessons")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "lesson"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 6,
        "one lesson per tip plus a final challenge: {files:?}"
    );
    let mut tips = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let lesson = layerlab_core::lessons::parse(&text)
            .unwrap_or_else(|e| panic!("{}:{}: {}", f.display(), e.line, e.message));
        tips.push(lesson.tip);
        let solved = lesson.evaluate(&lesson.solution);
        let unmet: Vec<String> = solved
            .iter()
            .filter(|g| !g.met)
            .map(|g| format!("{} (measured {})", g.text, g.measured))
            .collect();
        assert!(
            unmet.is_empty(),
            "{}: the solution misses: {unmet:?}",
            f.display()
        );
        assert!(
            !lesson.complete(&lesson.starter),
            "{}: the starter already meets every goal",
            f.display()
        );
        assert!(
            !lesson.explanation.is_empty() && !lesson.hints.is_empty(),
            "{}: needs an explanation and hints",
            f.display()
        );
    }
    for t in 1..=5 {
        assert!(tips.contains(&t), "no lesson for tip {t}");
    }
}
