//! The frame of a tip demo: title, whether the user's file shows the
//! problem, and the switch to the tip's prepared example.

use std::rc::Rc;

use layerlab_core::fix::{optimize, OptimizeOptions, Optimized};
use layerlab_core::simulate::BuildContext;
use layerlab_core::tips::Code;
use yew::prelude::*;

use crate::state::Analysis;

/// The rule whose `bad` example is the tip's prepared example.
pub fn example_of(code: Code) -> &'static str {
    crate::view::rule_page::rule_doc(code.as_str())
        .map(|r| r.bad)
        .unwrap_or("")
}

/// `src` optimized with only the rules `keep` (a tip's own fixes).
pub fn optimize_with(src: &str, keep: &[Code], unsafe_fixes: bool) -> Optimized {
    let disabled = Code::ALL
        .iter()
        .filter(|c| !keep.contains(c))
        .map(|c| c.as_str().to_string())
        .collect();
    optimize(
        src,
        &BuildContext::default(),
        &OptimizeOptions {
            unsafe_fixes,
            disabled,
            existing_files: vec![],
            unsafe_codes: vec![],
        },
    )
}

/// Whether the user's file is too large for the demos: above
/// [`DEFER_ABOVE`](crate::state::DEFER_ABOVE) they show their prepared
/// example. A demo re-simulates or re-optimizes its subject for each move or
/// toggle; on a 255 KB paste that blocked the page for seconds (issue 11).
pub fn too_large(own: &Analysis) -> bool {
    own.source.len() > crate::state::DEFER_ABOVE
}

/// The text a demo works on: the user's file, or the prepared example (when
/// asked for, or when the file is [`too_large`]).
/// Returns (analysis, whether the user's file shows one of `codes`).
pub fn subject(
    own: &Rc<Analysis>,
    codes: &[Code],
    example: &'static str,
    use_example: bool,
) -> (Rc<Analysis>, bool) {
    let shows = own.findings.iter().any(|f| codes.iter().any(|c| f.code == *c));
    if use_example || too_large(own) {
        (Rc::new(Analysis::new(0, example.into())), shows)
    } else {
        (own.clone(), shows)
    }
}

/// How a tip demo shows its subject.
pub struct Frame {
    pub tip: u8,
    pub title: &'static str,
    /// The user's own file shows the problem.
    pub shows_problem: bool,
    pub using_example: bool,
    /// The user's file is [`too_large`]: the example is shown, no switch.
    pub large: Option<usize>,
    /// Switches between the user's file and the prepared example.
    pub on_toggle: Callback<MouseEvent>,
}

/// A tip demo's frame around `children`. A view helper, not a component:
/// each tip component renders its own frame.
pub fn tip_frame(props: Frame, children: Html) -> Html {
    let id = format!("tip-{}-title", props.tip);
    let toggle = props.on_toggle;
    html! {
        <section class="tip" data-testid={format!("tip-{}", props.tip)} aria-labelledby={id.clone()}>
            <h3 {id}>{format!("Tip {}: {}", props.tip, props.title)}</h3>
            if let Some(bytes) = props.large {
                <p class="note" data-testid={format!("tip-{}-large", props.tip)}>{format!(
                    "Your Dockerfile is {} KB: above {} KB this demo shows its prepared example (the findings, the pyramid and the instruction list cover your file).",
                    bytes / 1024, crate::state::DEFER_ABOVE / 1024)}</p>
            } else if props.using_example {
                <p class="note">{"Showing the prepared example for this tip. "}
                    <button type="button" onclick={toggle}>{"Back to your Dockerfile"}</button></p>
            } else if !props.shows_problem {
                <p class="note">{"Your Dockerfile does not show this problem. "}
                    <button type="button" onclick={toggle} data-testid={format!("tip-{}-example", props.tip)}>{"Show a prepared example"}</button></p>
            }
            { children }
        </section>
    }
}
