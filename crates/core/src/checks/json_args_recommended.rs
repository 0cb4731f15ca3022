//! JSONArgsRecommended: CMD or ENTRYPOINT in shell form.
//!
//! ## What it reports
//!
//! `CMD command args` or `ENTRYPOINT command args` (not a JSON array) in a
//! stage whose shell was not set by a SHELL instruction, in it or in the
//! stages it is built on (BuildKit's `dispatchCmd`/`dispatchEntrypoint`).
//!
//! ## Why
//!
//! The shell form runs the command as `/bin/sh -c …`, so the shell is PID 1
//! and the process does not get the signals `docker stop` sends; it is killed
//! after the timeout instead of shutting down cleanly.
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! FROM node:22
//! CMD node server.js
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! FROM node:22
//! CMD ["node", "server.js"]
//! ```
//!
//! ## Notes
//!
//! Reported at the instruction's first line, as BuildKit does.
//!
//! A base image that sets its own shell (in its config) silences the rule in
//! BuildKit; Layerlab does not know base images' configs.

use super::Cx;
use crate::syntax::Command;

pub const NAME: &str = "JSONArgsRecommended";
pub const DESCRIPTION: &str = "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/json-args-recommended/";

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    let mut has_shell = vec![false; df.stages.len()];
    for st in &df.stages {
        let mut shell = st.base_stage.is_some_and(|b| has_shell.get(b).copied().unwrap_or(false));
        for &i in &st.instructions {
            let ins = &df.instructions[i];
            let (command, name) = match &ins.command {
                Command::Shell { .. } => {
                    shell = true;
                    continue;
                }
                Command::Cmd { command } => (command, "CMD"),
                Command::Entrypoint { command } => (command, "ENTRYPOINT"),
                _ => continue,
            };
            if command.shell && !shell {
                let msg = format!("JSON arguments recommended for {name} to prevent unintended behavior related to OS signals");
                cx.report_line(ins, false, msg);
            }
        }
        has_shell[st.index] = shell;
    }
}
