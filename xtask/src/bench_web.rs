//! `cargo xtask bench-web`: the playground's speed budgets, measured in
//! headless Chromium with the Performance API on the built `dist/`.
//!
//! - **First analysis visible**: `performance.mark("layerlab:first-analysis")`
//!   is set by the app right after its first render (the analysis of the
//!   loaded text is on screen); its `startTime` counts from navigation start.
//!   Goal ≤ 400 ms on localhost.
//! - **Keystroke**: on a 500-line Dockerfile, one character is typed into
//!   the middle of the file per iteration (value change + `input` event,
//!   like a key press); the time runs until the app has re-analyzed and the
//!   DOM is updated and laid out (a MessageChannel task after the event,
//!   then a forced layout). Goal p95 ≤ 16 ms.
//! - **Deep tier**: the optimizer and tip demos run once typing pauses
//!   (250 ms); `performance.measure("layerlab:deep")` times that work.
//!
//! These are benchmarks, printed, not pass/fail tests.

use layerlab_tests::browser::Browser;
use serde_json::{json, Value};

const RUNS: usize = 7;
const KEYSTROKES: usize = 200;

/// A 500-line Dockerfile made of the examples, one stage each.
fn five_hundred_lines() -> String {
    let dir = crate::util::root().join("web/examples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let mut out = String::new();
    let mut i = 0;
    while out.lines().count() < 500 && !texts.is_empty() {
        out.push_str(&texts[i % texts.len()].replace("# syntax=docker/dockerfile:1\n", ""));
        out.push('\n');
        i += 1;
    }
    out.lines().take(500).collect::<Vec<_>>().join("\n") + "\n"
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let k = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[k]
}

fn numbers(v: &Value) -> Vec<f64> {
    let mut out: Vec<f64> = v
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    out.sort_by(|a, b| a.total_cmp(b));
    out
}

pub fn bench_web(_args: &[String]) -> Result<(), String> {
    if !layerlab_tests::browser::dist_dir()
        .join("index.html")
        .is_file()
    {
        return Err("no dist/: run `cargo xtask dist` first".into());
    }
    let b = std::panic::catch_unwind(Browser::start).map_err(|_| {
        "cannot start headless Chromium (see target/e2e/chromedriver.log)".to_string()
    })?;

    // 1. First analysis visible after navigation.
    let mut first = Vec::new();
    for run in 0..RUNS {
        b.session
            .goto(&b.server.url(&format!("/?run={run}")))
            .map_err(|e| e.to_string())?;
        b.wait_for("the first-analysis mark", || {
            b.execute("return performance.getEntriesByName('layerlab:first-analysis').length")
                .as_u64()
                == Some(1)
        });
        let t = b
            .execute("return performance.getEntriesByName('layerlab:first-analysis')[0].startTime");
        first.push(t.as_f64().unwrap_or(f64::NAN));
    }
    first.sort_by(|a, b| a.total_cmp(b));

    // 2. Keystrokes on a 500-line file.
    let text = five_hundred_lines();
    b.set_editor_text(&text);
    b.wait_for("the 500-line analysis", || {
        b.text("instruction-count").parse::<usize>().unwrap_or(0) > 300
    });
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let script = r#"
        const [n, done] = [arguments[0], arguments[arguments.length - 1]];
        const t = document.querySelector('[data-testid=editor]');
        const ch = new MessageChannel();
        const task = () => new Promise(r => { ch.port1.onmessage = () => r(); ch.port2.postMessage(0); });
        const lineEnd = (v, line) => { let i = -1; for (let k = 0; k < line; k++) i = v.indexOf('\n', i + 1); return i; };
        (async () => {
            const times = [], dom = [];
            for (let i = 0; i < n; i++) {
                const at = lineEnd(t.value, 250);
                const t0 = performance.now();
                t.value = t.value.slice(0, at) + 'x' + t.value.slice(at);
                t.setSelectionRange(at + 1, at + 1);
                t.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: 'x' }));
                await task();
                dom.push(performance.now() - t0);
                void document.body.offsetHeight;
                times.push(performance.now() - t0);
                await new Promise(r => setTimeout(r, 5));
            }
            done([times, dom]);
        })();
    "#;
    b.execute("performance.clearMeasures('layerlab:analysis')");
    let both = b
        .session
        .execute_async(script, vec![json!(KEYSTROKES)])
        .map_err(|e| e.to_string())?;
    let (keys, dom) = (numbers(&both[0]), numbers(&both[1]));
    let analysis = numbers(
        &b.execute("return performance.getEntriesByName('layerlab:analysis').map(e => e.duration)"),
    );
    // 3. The deep tier once typing pauses.
    b.execute("performance.clearMeasures('layerlab:deep')");
    b.set_editor_text(&format!("{text}# pause\n"));
    b.wait_for("the deep tier", || {
        b.execute("return performance.getEntriesByName('layerlab:deep').length")
            .as_u64()
            >= Some(1)
    });
    let deep = b
        .execute("return performance.getEntriesByName('layerlab:deep')[0].duration")
        .as_f64()
        .unwrap_or(f64::NAN);

    println!("bench-web (headless Chromium, dist/, localhost)");
    println!(
        "  first analysis visible after navigation: median {:.0} ms, max {:.0} ms over {RUNS} loads (goal <= 400 ms)",
        percentile(&first, 0.5),
        first.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "  keystroke on a 500-line file, analysis + render: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms over {} keys (goal p95 <= 16 ms)",
        percentile(&keys, 0.5),
        percentile(&keys, 0.95),
        keys.last().copied().unwrap_or(f64::NAN),
        keys.len()
    );
    println!(
        "    of which analysis + DOM update before layout: p50 {:.1} ms, p95 {:.1} ms",
        percentile(&dom, 0.5),
        percentile(&dom, 0.95)
    );
    println!(
        "    of which analysis (parse, model, rules, simulation) in the reducer: p50 {:.1} ms, p95 {:.1} ms",
        percentile(&analysis, 0.5),
        percentile(&analysis, 0.95)
    );
    println!("  deep tier after a typing pause (optimizer + optimized simulation, 500 lines): {deep:.0} ms");
    Ok(())
}
