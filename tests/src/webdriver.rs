//! A small blocking W3C WebDriver client (the subset the suites use).

use serde_json::{json, Value};

use crate::http::request;

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// WebDriver key codes (W3C "Keys" table).
pub mod keys {
    pub const CONTROL: &str = "\u{E009}";
    pub const BACKSPACE: &str = "\u{E003}";
    pub const ENTER: &str = "\u{E007}";
    pub const TAB: &str = "\u{E004}";
    pub const END: &str = "\u{E010}";
    pub const HOME: &str = "\u{E011}";
    pub const ALT: &str = "\u{E00A}";
    pub const UP: &str = "\u{E013}";
    pub const DOWN: &str = "\u{E015}";
    pub const NULL: &str = "\u{E000}";
}

/// A session on a running WebDriver server.
pub struct Session {
    pub port: u16,
    pub id: String,
}

/// An element handle.
#[derive(Clone, Debug)]
pub struct Element(pub String);

fn call(port: u16, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
    let body = body.map(|b| b.to_string());
    let (status, text) = request(port, method, path, body.as_deref())
        .map_err(|e| format!("{method} {path}: {e}"))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{method} {path}: bad JSON ({e}): {text}"))?;
    if status >= 400 {
        let err = &v["value"];
        return Err(format!(
            "{method} {path}: {} {}: {}",
            status, err["error"], err["message"]
        ));
    }
    Ok(v["value"].clone())
}

impl Session {
    /// Opens a session with the given capabilities.
    pub fn new(port: u16, capabilities: Value) -> Result<Self, String> {
        let v = call(
            port,
            "POST",
            "/session",
            Some(json!({ "capabilities": { "alwaysMatch": capabilities } })),
        )?;
        let id = v["sessionId"].as_str().ok_or("no sessionId")?.to_string();
        Ok(Self { port, id })
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        call(
            self.port,
            method,
            &format!("/session/{}{}", self.id, path),
            body,
        )
    }

    pub fn goto(&self, url: &str) -> Result<(), String> {
        self.cmd("POST", "/url", Some(json!({ "url": url })))
            .map(|_| ())
    }

    pub fn set_window_size(&self, width: u32, height: u32) -> Result<(), String> {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )
        .map(|_| ())
    }

    pub fn find(&self, css: &str) -> Result<Element, String> {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        )?;
        v[ELEMENT_KEY]
            .as_str()
            .map(|s| Element(s.to_string()))
            .ok_or_else(|| format!("no element for {css}"))
    }

    pub fn find_all(&self, css: &str) -> Result<Vec<Element>, String> {
        let v = self.cmd(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": css })),
        )?;
        Ok(v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e[ELEMENT_KEY].as_str())
            .map(|s| Element(s.to_string()))
            .collect())
    }

    pub fn click(&self, el: &Element) -> Result<(), String> {
        self.cmd("POST", &format!("/element/{}/click", el.0), Some(json!({})))
            .map(|_| ())
    }

    /// Types `text` into `el` with real key events.
    pub fn send_keys(&self, el: &Element, text: &str) -> Result<(), String> {
        self.cmd(
            "POST",
            &format!("/element/{}/value", el.0),
            Some(json!({ "text": text })),
        )
        .map(|_| ())
    }

    pub fn text(&self, el: &Element) -> Result<String, String> {
        self.cmd("GET", &format!("/element/{}/text", el.0), None)
            .map(|v| v.as_str().unwrap_or("").to_string())
    }

    pub fn property(&self, el: &Element, name: &str) -> Result<Value, String> {
        self.cmd("GET", &format!("/element/{}/property/{name}", el.0), None)
    }

    pub fn attribute(&self, el: &Element, name: &str) -> Result<Option<String>, String> {
        self.cmd("GET", &format!("/element/{}/attribute/{name}", el.0), None)
            .map(|v| v.as_str().map(String::from))
    }

    /// A Chrome DevTools Protocol command through chromedriver's
    /// `goog/cdp/execute` extension (profiling in `cargo xtask bench-web`).
    pub fn cdp(&self, command: &str, params: Value) -> Result<Value, String> {
        self.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": command, "params": params })),
        )
    }

    /// Runs a synchronous script; `arguments[i]` are the given values.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Runs an asynchronous script: it finishes by calling
    /// `arguments[arguments.length - 1](result)`.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        self.cmd("POST", "/timeouts", Some(json!({ "script": 120_000 })))?;
        self.cmd(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// A PNG screenshot of the viewport.
    pub fn screenshot(&self) -> Result<Vec<u8>, String> {
        let v = self.cmd("GET", "/screenshot", None)?;
        crate::base64::decode(v.as_str().ok_or("screenshot is not a string")?)
            .ok_or_else(|| "bad base64".into())
    }

    pub fn element_value(el: &Element) -> Value {
        json!({ ELEMENT_KEY: el.0 })
    }
}

impl Session {
    /// Ends the session: chromedriver quits the browser. Idempotent.
    pub fn quit(&mut self) {
        if !self.id.is_empty() {
            let _ = call(self.port, "DELETE", &format!("/session/{}", self.id), None);
            self.id.clear();
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.quit();
    }
}
