//! Browser end-to-end suite: the built playground in real headless Chromium.
//!
//! Run by `cargo xtask test` (which builds `dist/` and installs Chromium);
//! ignored by a plain `cargo test`.

use layerlab_tests::browser::Browser;

#[test]
#[ignore = "needs dist/ and Chromium: run `cargo xtask test`"]
fn default_example_is_analyzed_on_load() {
    let b = Browser::start();
    b.open("/");
    let value = b.editor_value();
    assert!(value.contains("pip install -r requirements.txt"), "default example not loaded: {value:?}");
    let count: usize = b.text("instruction-count").parse().expect("count is a number");
    assert_eq!(count, layerlab_core::outline(&value).len());
    assert!(count >= 6, "the example has at least 6 instructions, page says {count}");
    b.screenshot("default-example");
}

#[test]
#[ignore = "needs dist/ and Chromium: run `cargo xtask test`"]
fn typing_a_three_instruction_dockerfile_updates_count_and_list() {
    let b = Browser::start();
    b.open("/");
    b.replace_editor_text("FROM alpine:3.20\nRUN apk add --no-cache curl\nCMD [\"curl\", \"--version\"]\n");
    b.wait_for("the count to become 3", || b.text("instruction-count") == "3");
    let items = b.all("instruction");
    assert_eq!(items.len(), 3);
    let texts: Vec<String> = items.iter().map(|e| b.session.text(e).unwrap()).collect();
    assert!(texts[0].contains("FROM") && texts[0].contains("alpine:3.20"), "{texts:?}");
    assert!(texts[1].contains("RUN") && texts[1].contains("apk add --no-cache curl"), "{texts:?}");
    assert!(texts[2].contains("CMD"), "{texts:?}");
    b.screenshot("three-instructions");

    // Keep typing: a fourth instruction appears live.
    let editor = b.el("editor");
    b.session.send_keys(&editor, "USER nobody").unwrap();
    b.wait_for("the count to become 4", || b.text("instruction-count") == "4");
    // Nothing the user typed was lost.
    assert!(b.editor_value().ends_with("CMD [\"curl\", \"--version\"]\nUSER nobody"), "{:?}", b.editor_value());
}

#[test]
#[ignore = "needs dist/ and Chromium: run `cargo xtask test`"]
fn user_text_is_never_html() {
    let b = Browser::start();
    b.open("/");
    b.replace_editor_text("FROM x\nRUN <img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>\n");
    b.wait_for("the count to become 2", || b.text("instruction-count") == "2");
    let xss = b.execute("return [window.__xss === undefined, document.querySelectorAll('img').length, [...document.scripts].filter(s => s.text.includes('__xss')).length]");
    assert_eq!(xss, serde_json::json!([true, 0, 0]), "an injected element made it into the DOM");
    let texts: Vec<String> = b.all("instruction").iter().map(|e| b.session.text(e).unwrap()).collect();
    assert!(texts[1].contains("<img src=x"), "the payload shows as text: {texts:?}");
}

#[test]
#[ignore = "needs dist/ and Chromium: run `cargo xtask test`"]
fn page_makes_no_request_after_load() {
    let b = Browser::start();
    b.open("/");
    let before = b.server.requests().len();
    b.replace_editor_text("FROM scratch\nCOPY . /\n");
    b.wait_for("the count to become 2", || b.text("instruction-count") == "2");
    let after = b.server.requests();
    assert_eq!(after.len(), before, "requests after load: {:?}", &after[before..]);
    let external = b.execute("return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin))");
    assert_eq!(external, serde_json::json!([]), "the page fetched something off-site");
}
