//! The simulator's prediction for a scenario build: the scenario's actions
//! since the last build of each stage become `layerlab_core::simulate::Change`s, and
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

/// The build args in force at build `build` (0-based) and its target.
fn state_at(s: &Scenario, build: usize) -> (Vec<(String, String)>, Option<String>) {
    let mut seen = 0;
    let mut args: Vec<(String, String)> = Vec::new();
    for a in &s.actions {
        match a {
            Action::Build { target } => {
                if seen == build {
                    return (args, target.clone());
                }
                seen += 1;
            }
            Action::Arg { key, value } => {
                args.retain(|(k, _)| k != key);
                args.push((key.clone(), value.clone()));
            }
            _ => {}
        }
    }
    (args, None)
}

/// The changes between build `from` and build `to` (0-based, `from < to`):
/// every edit, touch, secret and base update after build `from` and before
/// build `to`, and each build arg whose value differs between the two.
fn changes_between(s: &Scenario, from: usize, to: usize) -> Vec<Change> {
    let mut seen = 0;
    let mut changes = Vec::new();
    for a in &s.actions {
        if let Action::Build { .. } = a {
            seen += 1;
            if seen > to {
                break;
            }
            continue;
        }
        if seen <= from {
            continue;
        }
        match a {
            Action::Edit { path, .. } | Action::Write { path, .. } | Action::Delete { path } => {
                changes.push(Change::Edit { path: path.clone() })
            }
            Action::Touch { path } => changes.push(Change::Touch { path: path.clone() }),
            Action::Secret { id, .. } => changes.push(Change::Secret { id: id.clone() }),
            Action::BaseUpdate { tag } => changes.push(Change::BaseUpdate {
                image: Some(tag.clone()),
            }),
            _ => {}
        }
    }
    let (before, _) = state_at(s, from);
    let (now, _) = state_at(s, to);
    for (k, v) in &now {
        if before.iter().find(|(bk, _)| bk == k).map(|(_, bv)| bv) != Some(v) {
            changes.push(Change::Arg {
                name: k.clone(),
                value: v.clone(),
            });
        }
    }
    changes
}

/// The stages build `b` needs (its target and what that reads).
fn needed_at(s: &Scenario, b: usize) -> Vec<bool> {
    let src = s.dockerfile_at(b);
    let df = layerlab_core::parse(&src);
    let m = layerlab_core::model::build(&df, &src);
    let (_, t) = state_at(s, b);
    let target = t.as_deref().and_then(|t| m.stage_by_ref(t)).or(m.target);
    target.map(|t| m.needed_stages(t)).unwrap_or_default()
}

fn outcome(status: Status) -> Outcome {
    match status {
        Status::Cached => Outcome::Cached,
        Status::Rebuilt => Outcome::Run,
        Status::Skipped => Outcome::Skipped,
    }
}

/// Simulated outcomes of build `build` (0-based) of `s`.
///
/// What the cache holds for a stage is what it was when the stage was last
/// built: a change made while a build skipped the stage (another `--target`)
/// is still pending for it. So each stage is simulated with the changes
/// since the last build that built it (one simulation per such build), and
/// a stage no earlier build built has nothing in the cache.
pub fn simulated(s: &Scenario, build: usize) -> Vec<Outcome> {
    let src = s.dockerfile_at(build);
    let df = layerlab_core::parse(&src);
    let model = layerlab_core::model::build(&df, &src);
    let (_, target) = state_at(s, build);
    let needed: Vec<Vec<bool>> = (0..build).map(|b| needed_at(s, b)).collect();
    // The last build that built each stage.
    let last: Vec<Option<usize>> = (0..model.stages.len())
        .map(|i| (0..build).rev().find(|&b| needed[b].get(i) == Some(&true)))
        .collect();
    let uncached_stages: Vec<usize> = (0..model.stages.len())
        .filter(|&i| last[i].is_none())
        .collect();
    let mut froms: Vec<usize> = last.iter().flatten().copied().collect();
    froms.sort();
    froms.dedup();
    let froms: Vec<Option<usize>> = if froms.is_empty() {
        vec![None]
    } else {
        froms.into_iter().map(Some).collect()
    };
    // Per simulation: the build its changes start after, and (stage, outcome)
    // of every compared step.
    type Sim = (Option<usize>, Vec<(usize, Outcome)>);
    let sims: Vec<Sim> = froms
        .iter()
        .map(|&from| {
            let (changes, previous) = match from {
                Some(f) => {
                    let prev = s.dockerfile_at(f);
                    (changes_between(s, f, build), (prev != src).then_some(prev))
                }
                None => (Vec::new(), None),
            };
            let opts = Options {
                target: target.clone(),
                cold: build == 0,
                previous,
                uncached_stages: uncached_stages.clone(),
                ..Options::default()
            };
            let sim = simulate(&df, &model, &changes, &context(s), &opts);
            let steps = sim
                .steps
                .iter()
                .filter(|o| df.instructions[o.instruction].keyword != "FROM")
                .map(|o| (o.stage, outcome(o.status)))
                .collect();
            (from, steps)
        })
        .collect();
    let latest = &sims.last().expect("one simulation").1;
    latest
        .iter()
        .enumerate()
        .map(|(k, &(stage, o))| {
            let from = last.get(stage).copied().flatten();
            sims.iter()
                .find(|(f, _)| from.is_some() && *f == from)
                .map(|(_, steps)| steps[k].1)
                .unwrap_or(o)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every scenario's `expect` lines are what BuildKit did (the oracle
    /// suite checks them on each engine that builds the scenario); the
    /// simulator must predict them, here without Docker, so a simulator
    /// change that breaks one fails on every machine and not only where
    /// the private daemons run.
    #[test]
    fn the_simulator_predicts_every_scenario_s_expect_lines() {
        let dir = crate::buildkit::Oracle::scenarios_dir();
        let scenarios = Scenario::load_all(&dir).expect("the scenarios load");
        assert!(scenarios.len() >= 40, "{} scenarios in {}", scenarios.len(), dir.display());
        let mut wrong = Vec::new();
        let mut builds = 0;
        for s in &scenarios {
            for b in 0..s.builds() {
                builds += 1;
                let (sim, exp) = (simulated(s, b), s.expected(b));
                if sim != exp {
                    wrong.push(format!("{} build {}: simulated {sim:?}, expected {exp:?}", s.name, b + 1));
                }
            }
        }
        assert!(wrong.is_empty(), "{} of {builds} builds differ:\n{}", wrong.len(), wrong.join("\n"));
    }
}
