//! Browser tests of the embed (`embed.js` widgets, the `embed.html` iframe
//! and its postMessage API) and of workshop mode, in real headless Chromium.
//!
//! Run by `cargo xtask test` (which builds `dist/` and installs Chromium);
//! ignored by a plain `cargo test`.

use std::time::Duration;

use layerlab_tests::browser::Browser;
use layerlab_tests::server::StaticServer;
use layerlab_tests::webdriver::{keys, Element};
use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Opens the demo page and waits for its three widgets.
fn open_demo(b: &Browser) {
    b.session
        .goto(&b.server.url("/embed-demo.html"))
        .expect("navigate");
    b.wait_for("three widgets", || {
        b.execute("return [...document.querySelectorAll('.layerlab-widget')].filter(h => h.shadowRoot && h.shadowRoot.querySelector('[data-testid=widget-totals]')).length") == json!(3)
    });
}

/// A script's value inside widget `i`'s shadow root (`root` is bound).
fn in_widget(b: &Browser, i: usize, body: &str) -> Value {
    let script = format!("const root = document.querySelectorAll('.layerlab-widget')[arguments[0]].shadowRoot; {body}");
    b.session
        .execute(&script, vec![json!(i)])
        .expect("script in a widget")
}

/// An element inside widget `i`'s shadow root.
fn widget_el(b: &Browser, i: usize, css: &str) -> Element {
    let v = in_widget(b, i, &format!("return root.querySelector('{css}')"));
    Element(
        v[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("no {css} in widget {i}: {v}"))
            .to_string(),
    )
}

fn totals(b: &Browser, i: usize) -> String {
    in_widget(
        b,
        i,
        "return root.querySelector('[data-testid=widget-totals]').textContent",
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// `[href, target, rel]` of a rule link: the playground's rule page, in a new tab.
fn assert_opens_the_playground(b: &Browser, link: &Value) {
    let href = link[0].as_str().unwrap_or_default();
    assert!(href.starts_with(&b.server.url("/#/rules/LL")), "{link}");
    assert_eq!(link[1], "_blank", "{link}");
    assert_eq!(link[2], "noopener", "{link}");
}

#[test]
#[ignore = "needs dist/ and Chromium: run cargo xtask test"]
fn two_widgets_on_one_page_work_independently() {
    let b = Browser::start();
    open_demo(&b);
    let (first, second) = (totals(&b, 0), totals(&b, 1));
    assert!(first.starts_with("4 steps"), "{first}");
    assert!(second.starts_with("3 steps"), "{second}");
    let second_text = b
        .session
        .property(&widget_el(&b, 1, "textarea"), "value")
        .unwrap();

    // Type a new Dockerfile into the first widget, like a person.
    let editor = widget_el(&b, 0, "textarea");
    // (Chromium puts the caret at the end of a shadow-DOM textarea: erase backwards.)
    let len = b
        .session
        .property(&editor, "value")
        .unwrap()
        .as_str()
        .unwrap()
        .chars()
        .count();
    b.session.click(&editor).unwrap();
    b.session
        .send_keys(&editor, &keys::BACKSPACE.repeat(len + 1))
        .unwrap();
    b.session
        .send_keys(&editor, "FROM alpine:3.20\nRUN apk add curl\n")
        .unwrap();
    b.wait_for("the first widget to analyze the new text", || {
        totals(&b, 0).starts_with("2 steps")
    });
    assert_eq!(
        in_widget(
            &b,
            0,
            "return root.querySelectorAll('[data-testid=layer]').length"
        ),
        json!(2),
        "its pyramid follows"
    );
    // The second widget kept its own text and analysis.
    assert_eq!(totals(&b, 1), second);
    assert_eq!(
        b.session
            .property(&widget_el(&b, 1, "textarea"), "value")
            .unwrap(),
        second_text
    );

    // "Optimize" opens in the second widget only.
    b.session
        .click(&widget_el(&b, 1, "[data-testid=widget-optimize]"))
        .unwrap();
    b.wait_for("the optimized Dockerfile", || {
        in_widget(
            &b,
            1,
            "return !!root.querySelector('[data-testid=optimized]')",
        ) == json!(true)
    });
    assert_eq!(
        in_widget(
            &b,
            0,
            "return !!root.querySelector('[data-testid=optimized]')"
        ),
        json!(false)
    );
    let optimized = in_widget(
        &b,
        1,
        "return root.querySelector('[data-testid=optimized]').textContent",
    );
    assert_ne!(
        optimized.as_str().unwrap(),
        second_text.as_str().unwrap(),
        "the optimizer changed the apt-get install"
    );

    // No style leaks: the host's `div { color: #a00 !important }` stays out,
    // and the widgets add no stylesheet to the host document.
    assert_ne!(
        in_widget(
            &b,
            0,
            "return getComputedStyle(root.querySelector('.widget')).color"
        ),
        json!("rgb(170, 0, 0)")
    );
    assert_eq!(
        b.execute("return document.querySelectorAll('style').length"),
        json!(1)
    );
    // Rule links lead to the playground the embed came from, in a new tab,
    // not to a fragment of the host page.
    let link = in_widget(
        &b,
        1,
        "const a = root.querySelector('[data-testid=finding] a'); return [a.href, a.target, a.rel]",
    );
    assert_opens_the_playground(&b, &link);
    b.screenshot("embed-two-widgets");
}

/// Waits until the host page has received more than `n` analyses; returns the last.
fn next_analysis(b: &Browser, n: usize) -> Value {
    b.wait_for("an analysis from the iframe", || {
        b.execute("return window.layerlabMessages.length")
            .as_u64()
            .unwrap_or(0) as usize
            > n
    });
    b.execute("return window.layerlabMessages[window.layerlabMessages.length - 1]")
}

fn count(b: &Browser) -> usize {
    b.execute("return window.layerlabMessages.length")
        .as_u64()
        .unwrap() as usize
}

#[test]
#[ignore = "needs dist/ and Chromium: run cargo xtask test"]
fn iframe_post_message_round_trip_and_disallowed_origin() {
    let b = Browser::start();
    open_demo(&b);
    // The iframe announces its first analysis (the Dockerfile of its fragment).
    let first = next_analysis(&b, 0);
    assert_eq!(first["type"], "layerlab:analysis");
    assert_eq!(first["steps"][0]["text"], "FROM node:20-slim", "{first}");

    // Round trip: the host sets a Dockerfile and receives its analysis.
    let n = count(&b);
    b.session.click(&b.css("#send")).unwrap();
    let got = next_analysis(&b, n);
    let steps = got["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 3, "{got}");
    assert_eq!(steps[0]["text"], "FROM node:20");
    assert!(
        steps
            .iter()
            .all(|s| s["line"].is_u64() && s["seconds"].is_number() && s["churn"].is_string()),
        "{got}"
    );
    let findings = got["findings"].as_array().unwrap();
    assert!(!findings.is_empty(), "{got}");
    for f in findings {
        assert!(
            f["code"].as_str().unwrap().starts_with("LL")
                && f["tip"].is_u64()
                && f["message"].is_string()
                && f["line"].is_u64(),
            "{f}"
        );
    }
    assert_eq!(got["totals"]["steps"], 3);
    assert_eq!(
        got["totals"]["findings"].as_u64().unwrap() as usize,
        findings.len()
    );
    assert!(got["totals"]["rebuild"]["source_edit"].is_number());
    assert!(b
        .session
        .text(&b.css("#received"))
        .unwrap()
        .contains("3 steps"));
    // The iframe's rule links open the playground beside embed.html.
    let link = b.execute("const a = document.getElementById('frame').contentDocument.querySelector('[data-testid=finding] a'); return [a.href, a.target, a.rel]");
    assert_opens_the_playground(&b, &link);

    // A message of the wrong shape from the allowed origin is ignored.
    b.execute("document.getElementById('frame').contentWindow.postMessage({ type: 'layerlab:set', dockerfile: 42 }, location.origin); document.getElementById('frame').contentWindow.postMessage('FROM x', location.origin)");

    // A page on another origin (a second server, another port) posts to the
    // iframe: ignored.
    let dir = layerlab_tests::root().join("target/e2e/other-origin");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("evil.html"),
        "<!DOCTYPE html><title>other origin</title><script>parent.frames[0].postMessage({ type: 'layerlab:set', dockerfile: 'FROM evil\\nRUN steal\\n' }, '*'); parent.postMessage('evil-sent', '*');</script>",
    )
    .unwrap();
    let other = StaticServer::start(dir).unwrap();
    let evil_url = format!("http://localhost:{}/evil.html", other.port);
    b.session
        .execute(
            "addEventListener('message', e => { if (e.data === 'evil-sent') window.evilSent = e.origin; }); const f = document.createElement('iframe'); f.title = 'other origin'; f.src = arguments[0]; document.body.append(f);",
            vec![json!(evil_url)],
        )
        .unwrap();
    b.wait_for("the other origin's message", || {
        b.execute("return window.evilSent || ''") != json!("")
    });
    assert_eq!(
        b.execute("return window.evilSent"),
        json!(format!("http://localhost:{}", other.port))
    );
    std::thread::sleep(Duration::from_millis(700));
    // Ask again from the allowed origin: still the host's Dockerfile.
    let n = count(&b);
    b.execute("document.getElementById('frame').contentWindow.postMessage({ type: 'layerlab:get' }, location.origin)");
    let after = next_analysis(&b, n);
    assert_eq!(
        after["steps"][0]["text"], "FROM node:20",
        "the other origin changed the Dockerfile: {after}"
    );
    assert_eq!(after["steps"].as_array().unwrap().len(), 3);
    assert!(other.requests().iter().any(|r| r.starts_with("/evil.html")));
    b.screenshot("embed-iframe");
}

const LESSON_3: &str = include_str!("../../web/lessons/03-selective-copy.lesson");

fn goals_met(b: &Browser) -> Vec<bool> {
    b.all("goal")
        .iter()
        .map(|g| b.attr(g, "data-met").as_deref() == Some("true"))
        .collect()
}

#[test]
#[ignore = "needs dist/ and Chromium: run cargo xtask test"]
fn learner_completes_lesson_3_by_typing() {
    let lesson = layerlab_core::lessons::parse(LESSON_3).expect("lesson 3 parses");
    let b = Browser::start();
    b.open("/#/workshop/3");
    assert_eq!(
        b.editor_value(),
        lesson.starter,
        "the starter is in the editor"
    );
    assert!(b.text("lesson").contains(&lesson.title));
    let met = goals_met(&b);
    assert_eq!(met.len(), lesson.goals.len());
    assert!(
        met.iter().any(|m| !m),
        "the starter does not meet every goal: {met:?}"
    );
    // The explanation is rendered as text (code spans as <code>, no HTML).
    assert!(
        b.execute("return document.querySelectorAll('.explanation code').length")
            .as_u64()
            .unwrap()
            > 0
    );

    // Hints come one at a time.
    assert!(b.all("hint").is_empty());
    b.session.click(&b.el("hint-button")).unwrap();
    b.wait_for("a hint", || b.all("hint").len() == 1);
    b.session.click(&b.el("hint-button")).unwrap();
    b.wait_for("the second hint", || b.all("hint").len() == 2);
    assert!(
        b.attr(&b.el("hint-button"), "disabled").is_some(),
        "no hints left"
    );

    // Type the fix.
    b.replace_editor_text(&lesson.solution);
    b.wait_for("every goal to turn green", || {
        goals_met(&b).iter().all(|&m| m)
    });
    b.wait_for("the lesson to complete", || {
        b.session.find("[data-testid=lesson-complete]").is_ok()
    });
    let color =
        b.execute("return getComputedStyle(document.querySelector('[data-testid=goal]')).color");
    assert_eq!(color, json!("rgb(18, 115, 63)"), "a met goal is green");
    b.wait_for("the progress", || b.text("progress").starts_with("1 of 6"));
    b.screenshot("workshop-lesson-3-complete");

    // The solution button shows the teacher's solution.
    b.session.click(&b.el("solution-button")).unwrap();
    b.wait_for("the solution", || {
        b.session.find("[data-testid=solution]").is_ok()
    });
    assert_eq!(b.text("solution").trim_end(), lesson.solution.trim_end());
}

#[test]
#[ignore = "needs dist/ and Chromium: run cargo xtask test"]
fn workshop_progress_and_presenter_mode_survive_a_reload() {
    let lesson = layerlab_core::lessons::parse(LESSON_3).unwrap();
    let b = Browser::start();
    b.open("/#/workshop/3");
    b.set_editor_text(&lesson.solution);
    b.wait_for("the lesson to complete", || {
        b.session.find("[data-testid=lesson-complete]").is_ok()
    });
    b.session.click(&b.el("presenter")).unwrap();
    b.wait_for("presenter mode", || {
        b.execute("return document.documentElement.dataset.presenter") == json!("on")
    });
    b.screenshot("workshop-presenter");

    b.execute("location.reload()");
    std::thread::sleep(Duration::from_millis(300));
    b.wait_for("the workshop after the reload", || {
        b.session.find("[data-testid=lesson-link]").is_ok()
    });
    let done: Vec<Option<String>> = b
        .all("lesson-link")
        .iter()
        .map(|l| b.attr(l, "data-done"))
        .collect();
    assert_eq!(
        done[2].as_deref(),
        Some("true"),
        "lesson 3 is still done: {done:?}"
    );
    assert_eq!(
        done.iter().filter(|d| d.as_deref() == Some("true")).count(),
        1,
        "{done:?}"
    );
    assert!(b.text("progress").starts_with("1 of 6"));
    assert_eq!(
        b.editor_value(),
        lesson.solution,
        "the learner's text is kept"
    );
    assert_eq!(
        b.execute("return document.documentElement.dataset.presenter"),
        json!("on")
    );

    // Another lesson starts from its starter, not done.
    b.session
        .click(&b.css("[data-testid=lesson-link] a[href='#/workshop/1']"))
        .unwrap();
    b.wait_for("lesson 1", || b.text("lesson").contains("Lesson 1"));
    assert_eq!(
        b.session.find("[data-testid=lesson-complete]").is_ok(),
        false
    );
}

#[test]
#[ignore = "needs dist/ and Chromium: run cargo xtask test"]
fn axe_finds_no_violations_in_the_workshop_and_the_embed_demo() {
    let b = Browser::start();
    // The workshop: lesson list, an open lesson with a hint shown, and
    // presenter mode (large type, high contrast).
    b.open("/#/workshop/3");
    b.wait_for("lesson 3", || !goals_met(&b).is_empty());
    b.session.click(&b.el("hint-button")).unwrap();
    b.wait_for("a hint", || b.session.find("[data-testid=hint]").is_ok());
    b.session.click(&b.el("solution-button")).unwrap();
    b.wait_for("the solution", || {
        b.session.find("[data-testid=solution]").is_ok()
    });
    for presenter in [false, true] {
        if presenter {
            b.session.click(&b.el("presenter")).unwrap();
            b.wait_for("presenter mode", || {
                b.execute("return document.documentElement.dataset.presenter") == json!("on")
            });
        }
        let result = layerlab_tests::axe::violations(&b);
        assert_eq!(
            result,
            json!([]),
            "axe violations (workshop, presenter {presenter}): {result:#}"
        );
    }
    b.session.goto(&b.server.url("/#/workshop")).unwrap();
    b.wait_for("the lesson list", || {
        b.session.find("[data-testid=lesson-link]").is_ok()
    });
    let result = layerlab_tests::axe::violations(&b);
    assert_eq!(
        result,
        json!([]),
        "axe violations (lesson list): {result:#}"
    );
    // The documentation-style demo page with its three widgets and the iframe.
    open_demo(&b);
    let result = layerlab_tests::axe::violations(&b);
    assert_eq!(result, json!([]), "axe violations (embed demo): {result:#}");
}
