//! The simulator's prediction for a scenario build: the scenario's actions
//! since the previous build become `layerlab_core::simulate::Change`s, and
//! the simulated outcome of every step (FROM excluded, as the oracle
//! compares) is returned in Dockerfile line order.

use layerlab_core::simulate::{simulate, BuildContext, Change, Options, Status};

use super::scenario::{Action, Outcome, Scenario};

/// The build context as the scenario ships it (its `.dockerignore`).
fn context(s: &Scenario) -> BuildContext {
    let dockerignore = std::fs::read_to_string(s.dir.join("context/.dockerignore")).ok();
    BuildContext {
        files: None,
        dockerignore,
    }
}

/// The changes between build `build - 1` and build `build`, the target of
/// `build`, and the build args in force.
fn changes_before(
    s: &Scenario,
    build: usize,
) -> (Vec<Change>, Option<String>, Vec<(String, String)>) {
    let mut seen = 0;
    let mut args: Vec<(String, String)> = Vec::new();
    let mut changes = Vec::new();
    for a in &s.actions {
        match a {
            Action::Build { target } => {
                if seen == build {
                    return (changes, target.clone(), args);
                }
                seen += 1;
                changes.clear();
            }
            Action::Edit { path, .. } | Action::Write { path, .. } | Action::Delete { path } => {
                changes.push(Change::Edit { path: path.clone() })
            }
            Action::Touch { path } => changes.push(Change::Touch { path: path.clone() }),
            Action::Arg { key, value } => {
                if args.iter().find(|(k, _)| k == key).map(|(_, v)| v) != Some(value) {
                    changes.push(Change::Arg {
                        name: key.clone(),
                        value: value.clone(),
                    });
                }
                args.retain(|(k, _)| k != key);
                args.push((key.clone(), value.clone()));
            }
            Action::Secret { id, .. } => changes.push(Change::Secret { id: id.clone() }),
            Action::BaseUpdate { tag } => changes.push(Change::BaseUpdate {
                image: Some(tag.clone()),
            }),
            Action::Dockerfile { .. } => {}
        }
    }
    (changes, None, args)
}

/// Simulated outcomes of build `build` (0-based) of `s`.
pub fn simulated(s: &Scenario, build: usize) -> Vec<Outcome> {
    let src = s.dockerfile_at(build);
    let df = layerlab_core::parse(&src);
    let model = layerlab_core::model::build(&df, &src);
    let (changes, target, _) = changes_before(s, build);
    let previous = if build > 0 {
        let prev = s.dockerfile_at(build - 1);
        (prev != src).then_some(prev)
    } else {
        None
    };
    // Stages not built by any earlier build have nothing in the cache.
    let mut built = vec![false; model.stages.len()];
    for b in 0..build {
        let src_b = s.dockerfile_at(b);
        let df_b = layerlab_core::parse(&src_b);
        let m_b = layerlab_core::model::build(&df_b, &src_b);
        let (_, t_b, _) = changes_before(s, b);
        let target_b = t_b
            .as_deref()
            .and_then(|t| m_b.stage_by_ref(t))
            .or(m_b.target);
        if let Some(t) = target_b {
            for (i, needed) in m_b.needed_stages(t).into_iter().enumerate() {
                if needed && i < built.len() {
                    built[i] = true;
                }
            }
        }
    }
    let uncached_stages = (0..model.stages.len()).filter(|&i| !built[i]).collect();
    let opts = Options {
        target,
        cold: build == 0,
        previous,
        uncached_stages,
        ..Options::default()
    };
    let sim = simulate(&df, &model, &changes, &context(s), &opts);
    sim.steps
        .iter()
        .filter(|o| df.instructions[o.instruction].keyword != "FROM")
        .map(|o| match o.status {
            Status::Cached => Outcome::Cached,
            Status::Rebuilt => Outcome::Run,
            Status::Skipped => Outcome::Skipped,
        })
        .collect()
}
