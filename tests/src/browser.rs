//! Headless Chromium through Debian's chromedriver, driven like a person.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::server::StaticServer;
use crate::webdriver::{keys, Element, Session};

pub use crate::webdriver::keys as key;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A browser on a served `dist/`: chromedriver process, session, server.
pub struct Browser {
    pub session: Session,
    pub server: StaticServer,
    driver: Child,
    profile: PathBuf,
}

/// The built playground to test: `$LAYERLAB_DIST`, else `<root>/dist`.
pub fn dist_dir() -> PathBuf {
    std::env::var_os("LAYERLAB_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::root().join("dist"))
}

/// Where screenshots go.
pub fn e2e_dir() -> PathBuf {
    let dir = crate::root().join("target/e2e");
    std::fs::create_dir_all(&dir).expect("create target/e2e");
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium serving `dist/`.
    /// Panics with a clear message when a dependency is missing: these
    /// suites are only run by `cargo xtask test`, which installs them.
    pub fn start() -> Browser {
        let dist = dist_dir();
        assert!(
            dist.join("index.html").is_file(),
            "no built playground at {} (run `cargo xtask dist`)",
            dist.display()
        );
        for bin in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(bin).is_file(),
                "{bin} is missing: apt-get install chromium chromium-driver"
            );
        }
        let server = StaticServer::start(dist).expect("start static server");
        let port = free_port();
        let log = e2e_dir().join("chromedriver.log");
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let deadline = Instant::now() + Duration::from_secs(20);
        while crate::http::request(port, "GET", "/status", None).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile =
            crate::root().join(format!("target/e2e/profiles/{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).expect("profile dir");
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let session = match Session::new(port, caps) {
            Ok(s) => s,
            Err(e) => panic!(
                "cannot start headless Chromium: {e} (see {})",
                log.display()
            ),
        };
        Browser {
            session,
            server,
            driver,
            profile,
        }
    }

    /// Opens `path` on the served dist and waits for the app to render.
    pub fn open(&self, path: &str) {
        self.session.goto(&self.server.url(path)).expect("navigate");
        self.wait_for("the app to render", || {
            self.session.find("[data-testid=editor]").is_ok()
        });
    }

    /// Polls `cond` for up to 10 s.
    pub fn wait_for(&self, what: &str, mut cond: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !cond() {
            if Instant::now() > deadline {
                self.screenshot("timeout");
                panic!("timed out waiting for {what} (screenshot: target/e2e/timeout.png)");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn el(&self, testid: &str) -> Element {
        self.session
            .find(&format!("[data-testid={testid}]"))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn all(&self, testid: &str) -> Vec<Element> {
        self.session
            .find_all(&format!("[data-testid={testid}]"))
            .expect("find elements")
    }

    pub fn text(&self, testid: &str) -> String {
        self.session.text(&self.el(testid)).expect("text")
    }

    /// Replaces the editor's text by typing, as a person would: focus,
    /// select all, delete, then type the new text key by key.
    pub fn replace_editor_text(&self, text: &str) {
        let editor = self.el("editor");
        self.session.click(&editor).expect("click editor");
        self.session
            .send_keys(&editor, &format!("{}a{}", keys::CONTROL, keys::CONTROL))
            .expect("select all");
        self.session
            .send_keys(&editor, keys::BACKSPACE)
            .expect("delete");
        self.session.send_keys(&editor, text).expect("type");
    }

    /// The editor's current value (of a text over 20,000 lines, the window
    /// of lines the textarea holds: `data-held` is the first).
    pub fn editor_value(&self) -> String {
        let v = self
            .session
            .property(&self.el("editor"), "value")
            .expect("value");
        v.as_str().unwrap_or("").to_string()
    }

    /// Sets the editor's whole text at once (for texts too long to type) and
    /// fires the `input` event the page listens to. When the textarea holds
    /// a window of a long text, select-all comes first, as a person would
    /// do to replace it all: a new value alone stands for the window.
    pub fn set_editor_text(&self, text: &str) {
        let editor = self.el("editor");
        let held = self
            .session
            .execute(
                "return !!arguments[0].dataset.held",
                vec![Session::element_value(&editor)],
            )
            .expect("held");
        if held.as_bool() == Some(true) {
            self.session
                .send_keys(&editor, &format!("{}a{}", keys::CONTROL, keys::NULL))
                .expect("select all");
        }
        self.session
            .execute(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
                vec![Session::element_value(&editor), Value::String(text.to_string())],
            )
            .expect("set editor text");
    }

    /// The first element matching a CSS selector.
    pub fn css(&self, selector: &str) -> Element {
        self.session
            .find(selector)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn attr(&self, el: &Element, name: &str) -> Option<String> {
        self.session.attribute(el, name).expect("attribute")
    }

    pub fn execute(&self, script: &str) -> Value {
        self.session
            .execute(script, vec![])
            .expect("execute script")
    }

    /// Saves a screenshot to `target/e2e/<name>.png`.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let path = e2e_dir().join(format!("{name}.png"));
        if let Ok(png) = self.session.screenshot() {
            let _ = std::fs::write(&path, png);
        }
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Quit the browser through the driver first: killing chromedriver
        // alone orphans Chromium (each holding an inotify instance, of which
        // a user gets 128).
        self.session.quit();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // Anything left with this profile is ours.
        let _ = Command::new("pkill")
            // `--` ends pkill's options: the pattern itself starts with dashes.
            .args(["-f", "--"])
            .arg(format!("--user-data-dir={}", self.profile.display()))
            .status();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
