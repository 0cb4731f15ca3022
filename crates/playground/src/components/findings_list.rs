//! The findings of the rules, listed under the editor.

use std::rc::Rc;

use yew::prelude::*;

use crate::state::Analysis;

/// The most entries listed (syntax errors first, then findings). One
/// `RUN` of 8,000 installs has 16,000 findings: listing them all was 32,000
/// elements and most of a second of blocked page (issue 11).
pub const MAX_LISTED: usize = 500;

#[derive(Properties, PartialEq)]
pub struct FindingsListProps {
    pub analysis: Rc<Analysis>,
    pub on_select: Callback<u32>,
}

#[function_component(FindingsList)]
pub fn findings_list(props: &FindingsListProps) -> Html {
    let a = &props.analysis;
    let checks = html! { <BuildChecks analysis={a.clone()} on_select={props.on_select.clone()} /> };
    if a.findings.is_empty() && a.df.diagnostics.is_empty() {
        return html! { <>
            <p class="muted findings-none" data-testid="findings-none">{"No findings: this Dockerfile already follows the five tips."}</p>
            {checks}
        </> };
    }
    html! { <>
        <ul class="findings" aria-label="Findings">
            { for a.df.diagnostics.iter().take(MAX_LISTED).map(|d| {
                let (cb, line) = (props.on_select.clone(), d.start.line);
                html! { <li class="err"><button type="button" class="line-btn" onclick={Callback::from(move |_| cb.emit(line))}>{format!("line {line}")}</button>
                    {" Syntax: "}{d.message.clone()}</li> }
            }) }
            { for a.findings.iter().take(MAX_LISTED.saturating_sub(a.df.diagnostics.len())).map(|f| {
                let (cb, line) = (props.on_select.clone(), f.start.line);
                html! {
                    <li data-testid="finding" data-code={f.code}>
                        <button type="button" class="line-btn" onclick={Callback::from(move |_| cb.emit(line))} aria-label={format!("Go to line {line}")}>{format!("line {line}")}</button>
                        {" "}{ crate::dom::rule_link(f.code, f.code.to_string()) }{format!(" tip {}: ", f.tip)}{f.message.clone()}
                        { for f.fix.as_ref().map(|fx| html! { <span class="muted">{format!(" Fix: {}", fx.title)}</span> }) }
                        { for f.no_fix.as_ref().filter(|_| f.fix.is_none()).map(|why| html! { <span class="muted" data-testid="no-fix">{format!(" No fix: {why}")}</span> }) }
                    </li>
                }
            }) }
            if a.df.diagnostics.len() + a.findings.len() > MAX_LISTED {
                <li class="muted" data-testid="findings-more">{format!(
                    "… and {} more (the first {MAX_LISTED} are listed)",
                    a.df.diagnostics.len() + a.findings.len() - MAX_LISTED)}</li>
            }
        </ul>
        {checks}
    </> }
}

/// Docker's build checks, as `docker build` prints them: a group of its
/// own under the tips' findings, in its own colour, with a switch to hide
/// them. Each links to BuildKit's page for the rule.
#[function_component(BuildChecks)]
fn build_checks(props: &FindingsListProps) -> Html {
    let shown = use_state(|| true);
    let list = &props.analysis.checks;
    if let Some(e) = &props.analysis.checks_error {
        return html! {
            <section class="build-checks" data-testid="build-checks" aria-label="Docker build checks">
                <h3 class="bc-title">{"Docker build checks: the build fails"}</h3>
                <p class="err" data-testid="build-checks-error">{e.clone()}</p>
            </section>
        };
    }
    if list.is_empty() {
        return html! {};
    }
    let toggle = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(!*shown))
    };
    html! {
        <section class="build-checks" data-testid="build-checks" aria-label="Docker build checks">
            <h3 class="bc-title">{format!("Docker build checks ({}): what `docker build` will warn about", list.len())}
                {" "}<button type="button" onclick={toggle} aria-expanded={(*shown).to_string()} data-testid="build-checks-toggle">
                    { if *shown { "Hide" } else { "Show" } }</button></h3>
            if *shown {
                <ul class="findings bc">
                    { for list.iter().take(MAX_LISTED).map(|c| {
                        let (cb, line) = (props.on_select.clone(), c.start.line);
                        html! {
                            <li data-testid="build-check" data-rule={c.rule}>
                                <button type="button" class="line-btn" onclick={Callback::from(move |_| cb.emit(line))} aria-label={format!("Go to line {line}")}>{format!("line {line}")}</button>
                                {" "}<a href={c.url} target="_blank" rel="noopener noreferrer">{c.rule}</a>{": "}{c.message.clone()}
                            </li>
                        }
                    }) }
                    if list.len() > MAX_LISTED {
                        <li class="muted">{format!("… and {} more", list.len() - MAX_LISTED)}</li>
                    }
                </ul>
            }
        </section>
    }
}
