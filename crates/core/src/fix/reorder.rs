//! Reordering safety (a helper for moving lines by hand; not a rule's fix): may two adjacent instructions of a stage swap places
//! without changing what either of them sees? The playground's tip-2 demo
//! asks before every move; a refusal comes with the reason.
//!
//! The analysis is conservative, in the spirit of rule LL201: a swap is
//! allowed when neither instruction can read what the other writes or
//! changes. A RUN that only installs packages by name (see
//! [`is_context_free_install`]) reads nothing of the context, so it may pass
//! a COPY; two COPYs may swap when their destinations do not overlap;
//! metadata (LABEL, EXPOSE, CMD, …) moves freely.

use crate::model::{paths_overlap, BuildModel, Step};
use crate::syntax::{Command, Dockerfile};
use crate::tips::tip2::volatile_before_stable::is_context_free_install;

/// Why instruction `upper` (directly above `lower`) cannot swap with it, or
/// None when the swap is safe. Both are indices into `df.instructions`.
pub fn swap_blocker(
    df: &Dockerfile,
    model: &BuildModel,
    upper: usize,
    lower: usize,
) -> Option<String> {
    let (u, l) = (&df.instructions[upper], &df.instructions[lower]);
    if u.stage != l.stage {
        return Some("they belong to different stages".into());
    }
    if l.open_end {
        return Some(format!(
            "the file ends inside line {}'s line continuation: moved up, it would join the line below it",
            l.start.line
        ));
    }
    let step = |i: usize| model.step_of_instruction(i);
    let name = |c: &Command| -> &'static str {
        match c {
            Command::From { .. } => "FROM",
            Command::Run { .. } => "RUN",
            Command::Copy(_) => "COPY",
            Command::Add(_) => "ADD",
            Command::Env { .. } => "ENV",
            Command::Arg { .. } => "ARG",
            Command::Workdir { .. } => "WORKDIR",
            Command::User { .. } => "USER",
            Command::Shell { .. } => "SHELL",
            Command::Volume { .. } => "VOLUME",
            Command::Onbuild { .. } => "ONBUILD",
            _ => "",
        }
    };
    let (nu, nl) = (name(&u.command), name(&l.command));
    if nu == "FROM" || nl == "FROM" {
        return Some("FROM starts the stage: nothing can move above it".into());
    }
    // An ARG may pass a step that cannot see it: a COPY, ADD or WORKDIR
    // that does not name it (only their own text expands variables), or a
    // RUN of package steps (which read no such variable) that does not name
    // it. That is LL201's fix for a volatile arg, by hand.
    let (arg, other, oi) = if nu == "ARG" { (u, l, lower) } else { (l, u, upper) };
    if let Command::Arg { args } = &arg.command {
        let expands = step(oi).map(|s| s.inputs.expands.as_slice()).unwrap_or(&[]);
        // A RUN's command is expanded by its shell, not by BuildKit: read it.
        let script = match &other.command {
            Command::Run { command, .. } => {
                let mut t = command.args.join(" ");
                for h in &other.heredocs {
                    t.push_str(&h.content);
                }
                t
            }
            _ => String::new(),
        };
        let named = args.iter().any(|a| {
            expands.contains(&a.name)
                || crate::tips::tip2::volatile_before_stable::mentions(&script, &a.name)
        });
        let blind = match &other.command {
            Command::Copy(_) | Command::Add(_) | Command::Workdir { .. } => true,
            Command::Run { .. } => crate::tips::tip2::volatile_before_stable::env_blind(other),
            _ => false,
        };
        if (nu == "ARG") != (nl == "ARG") && blind && !named {
            return None;
        }
    }
    // Instructions that change the environment of what follows.
    for (na, nb) in [(nu, nl), (nl, nu)] {
        match na {
            "ENV" | "ARG"
                if matches!(
                    nb,
                    "RUN" | "COPY" | "ADD" | "WORKDIR" | "USER" | "ENV" | "ARG"
                ) =>
            {
                return Some(format!("{na} sets variables the {nb} may use"));
            }
            "WORKDIR" if matches!(nb, "RUN" | "COPY" | "ADD" | "WORKDIR") => {
                return Some(format!("WORKDIR changes the directory the {nb} works in"));
            }
            "USER" if matches!(nb, "RUN" | "COPY" | "ADD" | "WORKDIR") => {
                return Some(format!("USER changes who runs the {nb}"))
            }
            "SHELL" if nb == "RUN" => return Some("SHELL changes how the RUN runs".into()),
            "VOLUME" if nb == "RUN" => {
                return Some("a RUN after VOLUME cannot change the volume's contents".into())
            }
            "ONBUILD" => return Some("ONBUILD order is the trigger order".into()),
            _ => {}
        }
    }
    let free =
        |i: usize| step(i).is_some_and(|s: &Step| is_context_free_install(s, &df.instructions[i]));
    match (nu, nl) {
        ("RUN", "RUN") if !(free(upper) && free(lower)) => {
            Some("a RUN may use what the RUN before it produced".into())
        }
        ("RUN", "COPY" | "ADD") if !free(upper) => Some(format!(
            "the {nl} may overwrite files the RUN created, or the RUN may read them"
        )),
        ("COPY" | "ADD", "RUN") if !free(lower) => {
            Some(format!("the RUN may read files the {nu} brings in"))
        }
        ("COPY" | "ADD", "COPY" | "ADD") => {
            let dest = |i: usize| {
                step(i).map(|s| {
                    let d = match &df.instructions[i].command {
                        Command::Copy(c) | Command::Add(c) => c.dest.clone(),
                        _ => String::new(),
                    };
                    if d.starts_with('/') {
                        d
                    } else {
                        format!(
                            "{}/{}",
                            s.inputs.workdir.trim_end_matches('/'),
                            d.trim_start_matches("./")
                        )
                    }
                })
            };
            match (dest(upper), dest(lower)) {
                (Some(a), Some(b))
                    if paths_overlap(a.trim_end_matches("/."), b.trim_end_matches("/.")) =>
                {
                    Some(
                        "both copy into the same folder: the later one may overwrite the earlier"
                            .into(),
                    )
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// `src` with instruction `lower` moved above `upper` (whole lines).
pub fn swap(src: &str, df: &Dockerfile, upper: usize, lower: usize) -> String {
    let block = super::line_range(src, df.instructions[lower].span);
    let to = super::line_range(src, df.instructions[upper].span).start as usize;
    super::apply_edits(src, &super::move_lines(src, block, to)).0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocker(src: &str, upper: usize) -> Option<String> {
        let df = crate::parse(src);
        let m = crate::model::build(&df, src);
        swap_blocker(&df, &m, upper, upper + 1)
    }

    #[test]
    fn safe_and_unsafe_swaps() {
        let src = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y curl\nRUN pip install -r requirements.txt\nEXPOSE 80\n";
        assert_eq!(blocker(src, 2), None, "an install by name may pass a COPY");
        assert!(
            blocker(src, 3).unwrap().contains("RUN"),
            "two RUNs where one reads files"
        );
        assert!(blocker(src, 1).unwrap().contains("WORKDIR"));
        assert!(blocker(src, 0).unwrap().contains("FROM"));
        assert_eq!(blocker(src, 4), None, "metadata moves freely");
        let df = crate::parse(src);
        assert_eq!(
            swap(src, &df, 2, 3),
            "FROM python:3.12\nWORKDIR /app\nRUN apt-get update && apt-get install -y curl\nCOPY . .\nRUN pip install -r requirements.txt\nEXPOSE 80\n"
        );
        let two = "FROM a\nCOPY a.txt /x/\nCOPY b.txt /x/\nCOPY c.txt /y/\n";
        assert!(blocker(two, 1).is_some());
        assert_eq!(blocker(two, 2), None);
    }

    #[test]
    fn an_instruction_the_file_ends_inside_does_not_move_up() {
        let open = "FROM a\nCOPY a.txt /x/\nRUN apt-get install -y curl \\\n# end\n";
        assert_eq!(
            blocker(open, 1).as_deref(),
            Some("the file ends inside line 3's line continuation: moved up, it would join the line below it")
        );
        let closed = "FROM a\nCOPY a.txt /x/\nRUN apt-get install -y curl\n# end\n";
        assert_eq!(blocker(closed, 1), None);
    }

    #[test]
    fn an_arg_passes_only_steps_that_cannot_see_it() {
        let src = "FROM debian\nARG GIT_SHA\nRUN apt-get install -y curl\nRUN echo $GIT_SHA\nCOPY $GIT_SHA /x\nRUN make\nARG V\nCOPY a /b\n";
        assert_eq!(blocker(src, 1), None, "past a package RUN that does not name it");
        let df = crate::parse(src);
        let m = crate::model::build(&df, src);
        assert!(swap_blocker(&df, &m, 1, 3).is_some(), "not past a RUN that names it");
        assert!(swap_blocker(&df, &m, 1, 4).is_some(), "not past a COPY that expands it");
        assert!(swap_blocker(&df, &m, 1, 5).is_some(), "not past `make`, which may read it");
        assert_eq!(blocker(src, 6), None, "past a COPY that does not name it");
    }
}
