//! The rule reference: every tip rule's generated documentation at
//! `#/rules/CODE`, and every Docker build check's at `#/rules/<Name>`.

use yew::prelude::*;

use crate::generated_checks::{CheckDoc, CHECK_DOCS};
use layerlab_core::checks::{Rule, RULES};
use crate::generated_rules::{RuleDoc, RULE_DOCS};

/// A doc paragraph with `code` spans, as text nodes.
fn prose(text: &str) -> Html {
    html! { <>{ for text.split("\n\n").map(|para| html! {
        <p>{ for para.split('`').enumerate().map(|(i, part)| {
            let part = part.replace('\n', " ");
            if i % 2 == 1 { html! { <code>{part}</code> } } else { html! { {part} } }
        }) }</p>
    }) }</> }
}

fn page(r: &RuleDoc) -> Html {
    html! {
        <article class="rule" data-testid="rule-page" data-code={r.code}>
            <h2>{format!("{} {}", r.code, r.name)}</h2>
            <p class="muted">{format!("Tip {} · ", r.tip)}{r.summary}</p>
            <h3>{"What it does"}</h3>{prose(r.what)}
            <h3>{"Why it slows the build"}</h3>{prose(r.why)}
            <h3>{"Example"}</h3>{examples(r.bad, r.good)}
            <h3>{"Fix safety"}</h3>{prose(r.fix_safety)}
        </article>
    }
}

fn examples(bad: &'static str, good: &'static str) -> Html {
    html! {
        <div class="two">
            <div><h4>{"❌ Bad"}</h4><pre class="code-block" tabindex="0">{bad}</pre></div>
            <div><h4>{"✅ Good"}</h4><pre class="code-block" tabindex="0">{good}</pre></div>
        </div>
    }
}

fn check_page(r: &Rule, c: &CheckDoc) -> Html {
    html! {
        <article class="rule" data-testid="rule-page" data-code={r.name}>
            <h2>{r.name}</h2>
            <p class="muted">{"Docker build check · "}{r.description}</p>
            <h3>{"What it reports"}</h3>{prose(c.what)}
            <h3>{"Why"}</h3>{prose(c.why)}
            <h3>{"Example"}</h3>
            if !c.dockerignore.is_empty() {
                <p>{"With a .dockerignore of:"}</p><pre class="code-block">{c.dockerignore}</pre>
            }
            {examples(c.bad, c.good)}
            if !c.notes.is_empty() { <h3>{"Notes"}</h3>{prose(c.notes)} }
            <p><a href={r.url} target="_blank" rel="noopener noreferrer">{format!("{} on docs.docker.com", r.name)}</a></p>
        </article>
    }
}

/// The generated documentation of rule `code`.
pub fn rule_doc(code: &str) -> Option<&'static RuleDoc> {
    RULE_DOCS.iter().find(|r| r.code == code)
}

/// The page of rule `code` (a tip rule's code or a build check's name), or
/// the index of all rules (None). A view
/// helper, not a component: the app renders it only on a `#/rules` route.
pub fn rule_page(code: Option<&str>) -> Html {
    let doc = code.and_then(|c| RULE_DOCS.iter().find(|r| r.code.eq_ignore_ascii_case(c)));
    let check = code.and_then(|c| RULES.iter().zip(CHECK_DOCS).find(|(r, _)| r.name.eq_ignore_ascii_case(c)));
    html! {
        <main class="rules" id="main">
            <p><a href="#/">{"← Back to the playground"}</a>{" · "}<a href="#/rules">{"All rules"}</a></p>
            { match (doc, check, code) {
                (Some(r), _, _) => page(r),
                (None, Some((r, c)), _) => check_page(r, c),
                (None, None, Some(c)) => html! { <p>{format!("No rule {c}.")}</p> },
                (None, None, None) => html! {
                    <>
                        <h2>{"Rules"}</h2>
                        <ul>{ for RULE_DOCS.iter().map(|r| html! {
                            <li><a href={format!("#/rules/{}", r.code)}>{r.code}</a>{format!(" (tip {}) {}", r.tip, r.summary)}</li>
                        }) }</ul>
                        <h2>{"Docker's build checks"}</h2>
                        <p class="muted">{"What `docker build` warns about, with BuildKit's names, messages and lines."}</p>
                        <ul data-testid="check-index">{ for RULES.iter().map(|r| html! {
                            <li><a href={format!("#/rules/{}", r.name)}>{r.name}</a>{": "}{r.description}</li>
                        }) }</ul>
                    </>
                },
            } }
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `CHECK_DOCS[i]` documents `RULES[i]` (`cargo xtask docs` writes them
    /// in that order; the docs test keeps the file current).
    #[test]
    fn check_docs_pair_with_the_rules() {
        assert_eq!(CHECK_DOCS.len(), RULES.len());
        for (r, c) in RULES.iter().zip(CHECK_DOCS) {
            assert!(!c.what.is_empty() && !c.bad.is_empty(), "{}", r.name);
        }
    }
}
