//! The three standard scenarios every estimate uses: a source edit, a
//! dependency bump and a base-image update.
//!
//! Invariant: the scenarios are picked from the Dockerfile and its context
//! alone (the file a context COPY selects, the manifests the installs
//! read), never from a rule's finding, so every rule's savings are
//! measured in the same three builds.

use serde::Serialize;

use crate::model::{Action, BuildModel, Source, StepKind};
use crate::simulate::{simulate, BuildContext, Change, Options};
use crate::syntax::Dockerfile;

/// Rebuild seconds (critical path) in each standard scenario.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct StandardTimes {
    pub source_edit: f64,
    pub dependency_bump: f64,
    pub base_update: f64,
}

/// The changes of the three scenarios.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Scenarios {
    pub source_edit: Vec<Change>,
    pub dependency_bump: Vec<Change>,
    pub base_update: Vec<Change>,
}

/// The file extension of the build's main language (`py`, `js`, …).
pub(crate) fn extension(model: &BuildModel) -> &'static str {
    for s in &model.steps {
        for o in &s.packages {
            // The ecosystem's main source extension, without its dot.
            match o.manager.source_extensions().first() {
                Some(e) => return e.trim_start_matches('.'),
                None => continue,
            }
        }
    }
    "txt"
}

/// Picks the scenario changes for a Dockerfile: the source edit touches a
/// file the broadest context COPY selects (and `.dockerignore` keeps); the
/// dependency bump edits every manifest a language install reads.
pub fn scenarios(df: &Dockerfile, model: &BuildModel, ctx: &BuildContext) -> Scenarios {
    let _ = df;
    let ignore = ctx.ignore();
    let ext = extension(model);
    let mut source: Option<String> = None;
    let mut fallback: Option<String> = None;
    for step in &model.steps {
        if step.kind != StepKind::Layer {
            continue;
        }
        for s in &step.inputs.sources {
            if let Source::Context { path } = s {
                let clean = crate::simulate::glob::clean(path);
                if clean.contains('*') || clean.contains('?') || clean.contains('$') {
                    continue;
                }
                if crate::model::is_tree(path) {
                    let dir = if clean.is_empty() {
                        "src".to_string()
                    } else {
                        clean.clone()
                    };
                    let cand = format!("{dir}/main.{ext}");
                    if !ignore.excludes(&cand) && source.is_none() {
                        source = Some(cand);
                    }
                } else if !crate::model::cost::is_manifest(&clean)
                    && fallback.is_none()
                    && !ignore.excludes(&clean)
                {
                    fallback = Some(clean);
                }
            }
        }
    }
    let path = source
        .or(fallback)
        .unwrap_or_else(|| format!("src/main.{ext}"));
    let mut manifests: Vec<String> = Vec::new();
    for step in &model.steps {
        for o in &step.packages {
            if o.action == Action::Install && !o.manager.is_system() {
                for m in &o.manifests {
                    let name = m.rsplit('/').next().unwrap_or(m).to_string();
                    if !name.contains('*') && !manifests.contains(&name) && !name.starts_with('.') {
                        manifests.push(name);
                    }
                }
            }
        }
    }
    Scenarios {
        source_edit: vec![Change::Edit { path }],
        dependency_bump: manifests
            .into_iter()
            .map(|path| Change::Edit { path })
            .collect(),
        base_update: vec![Change::BaseUpdate { image: None }],
    }
}

/// Critical-path seconds of `src` in the given scenarios.
pub fn times(src: &str, ctx: &BuildContext, sc: &Scenarios) -> StandardTimes {
    let df = crate::syntax::parse(src);
    let model = crate::model::build(&df, src);
    times_of(&df, &model, ctx, sc)
}

/// [`times`] for a file already parsed and modelled.
pub fn times_of(
    df: &Dockerfile,
    model: &BuildModel,
    ctx: &BuildContext,
    sc: &Scenarios,
) -> StandardTimes {
    let run = |changes: &[Change]| {
        if changes.is_empty() {
            return 0.0;
        }
        simulate(df, model, changes, ctx, &Options::default()).critical_path_seconds
    };
    StandardTimes {
        source_edit: run(&sc.source_edit),
        dependency_bump: run(&sc.dependency_bump),
        base_update: run(&sc.base_update),
    }
}

/// The scenarios of `src` itself, and its times in them.
pub fn standard_times(src: &str, ctx: &BuildContext) -> StandardTimes {
    let df = crate::syntax::parse(src);
    let model = crate::model::build(&df, src);
    times_of(&df, &model, ctx, &scenarios(&df, &model, ctx))
}
