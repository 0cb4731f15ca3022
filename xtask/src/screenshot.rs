//! `cargo xtask screenshot`: the README's `docs/screenshot.png`, taken from
//! the real page. Builds `dist/`, opens the playground in headless Chromium
//! (1280 px wide) with its default example, waits until the analysis and the
//! deep tier (optimizer, tip demos) are on screen, and captures the top of
//! the page: editor, pyramid, findings and the first tip demos.

use layerlab_tests::browser::Browser;
use serde_json::json;

/// Height of the captured part of the page, in CSS pixels.
const HEIGHT: u32 = 1400;

pub fn screenshot() -> Result<(), String> {
    let tools = crate::tools::ensure_web_tools()?;
    crate::suites::dist(&tools)?;
    let b = std::panic::catch_unwind(Browser::start).map_err(|_| {
        "cannot start headless Chromium (see target/e2e/chromedriver.log)".to_string()
    })?;
    b.open("/");
    // The deep tier marks its work; the optimize view and tip demos follow it.
    b.wait_for("the deep tier", || {
        b.execute("return performance.getEntriesByName('layerlab:deep').length")
            .as_u64()
            >= Some(1)
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    let shot = b.session.cdp(
        "Page.captureScreenshot",
        json!({
            "format": "png",
            "captureBeyondViewport": true,
            "clip": { "x": 0, "y": 0, "width": 1280, "height": HEIGHT, "scale": 1 },
        }),
    )?;
    let png = shot["data"]
        .as_str()
        .and_then(layerlab_tests::base64::decode)
        .ok_or("Page.captureScreenshot returned no PNG")?;
    let path = crate::util::root().join("docs/screenshot.png");
    std::fs::write(&path, &png).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("wrote {} ({} KB, 1280 x {HEIGHT})", path.display(), png.len() / 1024);
    Ok(())
}
