//! DuplicateStageName: two stages with the same name.
//!
//! ## What it reports
//!
//! A FROM whose stage name (case-insensitive) an earlier stage already has,
//! at the later FROM.
//!
//! ## Why
//!
//! `COPY --from=name` and `--target name` can only mean one of them; BuildKit
//! reports it (`dockerfile2llb/convert.go`).
//!
//! ## Example
//!
//! ❌ Bad:
//!
//! ```dockerfile
//! FROM golang:1.23 AS build
//! RUN go build -o /app .
//! FROM node:22 AS build
//! RUN npm run build
//! ```
//!
//! ✅ Good:
//!
//! ```dockerfile
//! FROM golang:1.23 AS build-go
//! RUN go build -o /app .
//! FROM node:22 AS build-web
//! RUN npm run build
//! ```

use super::Cx;

pub const NAME: &str = "DuplicateStageName";
pub const DESCRIPTION: &str = "Stage names should be unique";
pub const URL: &str = "https://docs.docker.com/go/dockerfile/rule/duplicate-stage-name/";

pub fn check(cx: &mut Cx) {
    let df = cx.df;
    let mut seen: Vec<&str> = Vec::new();
    for st in &df.stages {
        let Some(name) = st.name.as_deref() else { continue };
        match seen.binary_search(&name) {
            Ok(_) => {
                let msg = format!("Duplicate stage name {}, stage names should be unique", crate::syntax::dump::go_quote(name));
                cx.report(&df.instructions[st.from], msg);
            }
            Err(i) => seen.insert(i, name),
        }
    }
}
