//! "What does this change rebuild?": pick a change, watch the cache chain
//! (hits stay calm, the first miss and everything after it light up, each
//! with BuildKit's reason) and compare with the optimized Dockerfile.

use std::rc::Rc;

use layerlab_core::simulate::{Change, Status};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::view::num::{F0, F1};

use crate::state::{Analysis, ChangeChoice, Sim};

#[derive(Properties, PartialEq)]
pub struct ChangePanelProps {
    pub analysis: Rc<Analysis>,
    pub change: ChangeChoice,
    pub simulation: Option<Rc<Sim>>,
    /// The same change on the optimized file; None while it is computed.
    pub optimized_seconds: Option<f64>,
    pub on_change: Callback<ChangeChoice>,
}

fn describe(changes: &[Change]) -> String {
    let parts: Vec<String> = changes
        .iter()
        .map(|c| match c {
            Change::Edit { path } => format!("edit {path}"),
            Change::Touch { path } => format!("touch {path}"),
            Change::Arg { name, value } => format!("--build-arg {name}={value}"),
            Change::BaseUpdate { image: Some(i) } => format!("{i} updated"),
            Change::BaseUpdate { image: None } => "every base image updated".into(),
            Change::Secret { id } => format!("secret {id} changed"),
        })
        .collect();
    if parts.is_empty() {
        "nothing changes (no manifest found)".into()
    } else {
        parts.join(", ")
    }
}

/// ARG names declared in the file.
fn arg_names(a: &Analysis) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for item in a.outline.iter().filter(|i| i.keyword == "ARG") {
        for word in item.text.split_whitespace() {
            let name = word.split('=').next().unwrap_or(word).to_string();
            if !name.is_empty() && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

#[function_component(ChangePanel)]
pub fn change_panel(props: &ChangePanelProps) -> Html {
    let args = arg_names(&props.analysis);
    let arg_name = use_state(|| None::<String>);
    let arg_value = use_state(|| "2".to_string());
    let path = use_state(|| "src/app.py".to_string());
    let name = (*arg_name)
        .clone()
        .or_else(|| args.first().cloned())
        .unwrap_or_else(|| "VERSION".into());
    let sc = &props.analysis.scenarios;
    let options: Vec<(&str, &str, ChangeChoice, String)> = vec![
        (
            "none",
            "No change",
            ChangeChoice::None,
            "the last build, all cached".into(),
        ),
        (
            "source",
            "Edit a source file",
            ChangeChoice::SourceEdit,
            describe(&sc.source_edit),
        ),
        (
            "deps",
            "Bump dependencies",
            ChangeChoice::DependencyBump,
            describe(&sc.dependency_bump),
        ),
        (
            "base",
            "Update the base image",
            ChangeChoice::BaseUpdate,
            describe(&sc.base_update),
        ),
        (
            "arg",
            "Change a build arg",
            ChangeChoice::BuildArg {
                name: name.clone(),
                value: (*arg_value).clone(),
            },
            format!("--build-arg {name}={}", *arg_value),
        ),
        (
            "path",
            "Edit this path",
            ChangeChoice::Path((*path).clone()),
            format!("edit {}", *path),
        ),
    ];
    let kind = |c: &ChangeChoice| std::mem::discriminant(c);
    let radios = options.into_iter().map(|(id, label, choice, detail)| {
        let checked = kind(&choice) == kind(&props.change);
        let onchange = {
            let cb = props.on_change.clone();
            let choice = choice.clone();
            Callback::from(move |_: Event| cb.emit(choice.clone()))
        };
        let input_id = format!("change-{id}");
        html! {
            <li>
                <input type="radio" name="change" id={input_id.clone()} value={id} {checked} {onchange} data-testid={format!("change-{id}")} />
                <label for={input_id}>{label}<span class="muted">{format!(" — {detail}")}</span></label>
            </li>
        }
    });
    let on_arg_name = {
        let (arg_name, cb, value) = (arg_name.clone(), props.on_change.clone(), arg_value.clone());
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            arg_name.set(Some(v.clone()));
            cb.emit(ChangeChoice::BuildArg {
                name: v,
                value: (*value).clone(),
            });
        })
    };
    let on_arg_value = {
        let (arg_value, cb, name) = (arg_value.clone(), props.on_change.clone(), name.clone());
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            arg_value.set(v.clone());
            cb.emit(ChangeChoice::BuildArg {
                name: name.clone(),
                value: v,
            });
        })
    };
    let on_path = {
        let (path, cb) = (path.clone(), props.on_change.clone());
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            path.set(v.clone());
            cb.emit(ChangeChoice::Path(v));
        })
    };
    let result = props.simulation.as_ref().map(|sim| {
        let mut order = 0;
        let rebuilt = sim.steps.iter().filter(|o| o.status == Status::Rebuilt).count();
        html! {
            <>
                <p class="totals" data-testid="change-total" aria-live="polite">
                    <strong>{format!("yours: {} s", F0(sim.critical_path_seconds))}</strong>
                    {", optimized: "}
                    <strong>{ props.optimized_seconds.map(|s| format!("{} s", F0(s))).unwrap_or_else(|| "…".into()) }</strong>
                    <span class="muted">{format!(" ({rebuilt} of {} steps rebuilt; estimated unless a build log is imported)", sim.steps.len())}</span>
                </p>
                <ol class="chain" aria-label="Cache chain, step by step">
                    { for sim.steps.iter().map(|o| {
                        let (cls, word) = match o.status {
                            Status::Cached => ("hit", "cached"),
                            Status::Rebuilt => ("miss", "rebuilt"),
                            Status::Skipped => ("skip", "skipped"),
                        };
                        let style = if o.status == Status::Rebuilt { order += 1; format!("animation-delay: {}ms", (order - 1) * 120) } else { String::new() };
                        html! {
                            <li class={cls} {style} data-testid="chain-step" data-status={word}>
                                <span class="badge">{word}</span>
                                <code>{format!("[{}/{}] ", o.index, o.count)}{o.text.clone()}</code>
                                <span class="reason">{o.reason.to_string()}</span>
                                if o.status == Status::Rebuilt { <span class="secs">{format!("{} s", F1(o.seconds))}</span> }
                            </li>
                        }
                    }) }
                </ol>
            </>
        }
    });
    html! {
        <div class="change-panel">
            <fieldset>
                <legend>{"Pick a change"}</legend>
                <ul class="radios">{ for radios }</ul>
                <div class="change-inputs">
                    <label>{"Build arg "}
                        <input type="text" value={name.clone()} oninput={on_arg_name} list="arg-names" aria-label="Build arg name" size="12" />
                    </label>
                    <datalist id="arg-names">{ for args.iter().map(|n| html! { <option value={n.clone()} /> }) }</datalist>
                    <label>{" = "}
                        <input type="text" value={(*arg_value).clone()} oninput={on_arg_value} aria-label="Build arg value" size="8" />
                    </label>
                    <label>{"Path "}
                        <input type="text" value={(*path).clone()} oninput={on_path} aria-label="Path of the edited file" data-testid="change-path-input" size="22" />
                    </label>
                </div>
            </fieldset>
            { result.unwrap_or_else(|| html! { <p class="muted">{"Pick a change to see which steps miss the cache."}</p> }) }
        </div>
    }
}
