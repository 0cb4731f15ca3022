//! Small browser helpers (not a component): storage, clipboard, download,
//! the URL fragment. None of them touches the network.

use wasm_bindgen::JsCast;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// A value from localStorage.
pub fn load(key: &str) -> Option<String> {
    window()?.local_storage().ok()??.get_item(key).ok()?
}

/// Saves a value to localStorage (ignored when storage is unavailable).
/// Stores a value in localStorage; false when the browser refused it (a
/// text over the storage quota, storage disabled).
pub fn save(key: &str, value: &str) -> bool {
    window()
        .and_then(|w| w.local_storage().ok().flatten())
        .is_some_and(|s| s.set_item(key, value).is_ok())
}

/// The URL fragment without `#`.
pub fn hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_string()
}

/// The page URL without its fragment.
pub fn base_url() -> String {
    let href = window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

thread_local! {
    /// Where `#/rules/CODE` lives: empty in the playground itself, the
    /// playground's URL in an embed (set once by `mount` or the frame).
    static RULES_BASE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

pub fn set_rules_base(base: &str) {
    RULES_BASE.with(|b| *b.borrow_mut() = base.to_string());
}

/// A link to rule `code`'s page. Inside an embed it opens the playground in
/// a new tab instead of changing the host page's (or the iframe's) fragment.
pub fn rule_link(code: &str, text: String) -> yew::Html {
    RULES_BASE.with(|b| {
        let base = b.borrow();
        let href = format!("{base}#/rules/{code}");
        let away = !base.is_empty();
        yew::html! { <a {href} target={away.then_some("_blank")} rel={away.then_some("noopener")}>{text}</a> }
    })
}

/// Copies `text` to the clipboard; the callback gets whether it worked.
pub fn copy(text: &str, done: yew::Callback<bool>) {
    let Some(clip) = window().map(|w| w.navigator().clipboard()) else {
        done.emit(false);
        return;
    };
    let promise = clip.write_text(text);
    wasm_bindgen_futures::spawn_local(async move {
        done.emit(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
    });
}

/// Offers `text` as a file download (a blob: URL, no request).
pub fn download(name: &str, text: &str) {
    let Some(doc) = window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/plain;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = doc
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // Revoked later: some browsers read the blob only after click() returns.
    wasm_bindgen_futures::spawn_local(async move {
        yew::platform::time::sleep(std::time::Duration::from_secs(30)).await;
        let _ = web_sys::Url::revoke_object_url(&url);
    });
}

/// Sets an attribute on `<html>` (the colour theme).
pub fn set_root_attr(name: &str, value: &str) {
    if let Some(root) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute(name, value);
    }
}

/// `performance.mark(name)`, for `cargo xtask bench-web`.
pub fn mark(name: &str) {
    if let Some(p) = window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// `performance.measure(name, start)`, for `cargo xtask bench-web`.
pub fn measure(name: &str, start: &str) {
    if let Some(p) = window().and_then(|w| w.performance()) {
        let _ = p.measure_with_start_mark(name, start);
    }
}
