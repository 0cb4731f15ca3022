//! Base images without a registry: `tests/buildkit/make-rootfs.sh` builds a
//! busybox rootfs with the stub package managers, `docker import` turns it
//! into an image, tagged with the name a scenario's `FROM` uses
//! (`python:3.12-slim`, `node:20`, …). Each tag gets its own rootfs variant
//! (so two base names never share an image id), and a "base image update"
//! re-imports a new variant under the same tag.

use super::daemon::Daemon;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

const PATH_ENV: &str = "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The base images imported so far: tag → its original image id.
pub struct BaseImages {
    script: PathBuf,
    dir: PathBuf,
    original: HashMap<String, String>,
    updates: u32,
    /// Extra `ENV` lines of every imported image (e.g. the stubs' `STUB_DL`).
    pub env: Vec<(String, String)>,
    /// Environment of `make-rootfs.sh` (`STUB_SHELL`, `STUB_EXTRA`: the
    /// corpus-apps suite's stub shell and files).
    pub script_env: Vec<(String, String)>,
}

impl BaseImages {
    pub fn new(dir: PathBuf) -> BaseImages {
        let script = crate::root().join("tests/buildkit/make-rootfs.sh");
        BaseImages {
            script,
            dir,
            original: HashMap::new(),
            updates: 0,
            env: Vec::new(),
            script_env: Vec::new(),
        }
    }

    fn import(&self, daemon: &Daemon, tag: &str, variant: &str) -> Result<String, String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
        let tar = self.dir.join("rootfs.tar");
        let out = Command::new("sh")
            .arg(&self.script)
            .arg(&tar)
            .arg(variant)
            .envs(self.script_env.iter().map(|(k, v)| (k, v)))
            .output()
            .map_err(|e| format!("{}: {e}", self.script.display()))?;
        if !out.status.success() {
            return Err(format!(
                "make-rootfs.sh failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let mut args = vec!["import".to_string(), "-c".into(), PATH_ENV.into()];
        for (k, v) in &self.env {
            args.extend(["-c".into(), format!("ENV {k}={v}")]);
        }
        args.extend([tar.to_string_lossy().into_owned(), tag.to_string()]);
        daemon.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// Makes `tag` name its original image (importing it the first time);
    /// undoes an earlier scenario's base update.
    pub fn ensure(&mut self, daemon: &Daemon, tag: &str) -> Result<(), String> {
        match self.original.get(tag) {
            Some(id) => daemon.run(&["tag", id, tag]).map(drop),
            None => {
                let id = self.import(daemon, tag, &format!("{tag} original"))?;
                self.original.insert(tag.to_string(), id);
                Ok(())
            }
        }
    }

    /// Imports `tag` anew (a fresh variant) with `extra` as `STUB_EXTRA`
    /// (the corpus-apps suite: files of that one image).
    pub fn import_with(&mut self, daemon: &Daemon, tag: &str, extra: Option<&std::path::Path>) -> Result<(), String> {
        let saved = self.script_env.clone();
        self.script_env.retain(|(k, _)| k != "STUB_EXTRA");
        if let Some(e) = extra {
            self.script_env.push(("STUB_EXTRA".into(), e.to_string_lossy().into_owned()));
        }
        let id = self.import(daemon, tag, &format!("{tag} original"));
        self.script_env = saved;
        let id = id?;
        self.original.insert(tag.to_string(), id);
        Ok(())
    }

    /// A base image update: new content under the same tag.
    pub fn update(&mut self, daemon: &Daemon, tag: &str) -> Result<(), String> {
        self.ensure(daemon, tag)?;
        self.updates += 1;
        self.import(daemon, tag, &format!("{tag} update {}", self.updates))
            .map(drop)
    }
}

/// The external images a Dockerfile's `FROM` lines name (not stages, not
/// `scratch`). Scenarios spell images literally (no `FROM ${ARG}`).
pub fn from_images(dockerfile: &str) -> Vec<String> {
    let mut stages: Vec<String> = Vec::new();
    let mut images = Vec::new();
    for line in dockerfile.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words
            .first()
            .is_none_or(|w| !w.eq_ignore_ascii_case("FROM"))
        {
            continue;
        }
        let rest: Vec<&str> = words[1..]
            .iter()
            .copied()
            .filter(|w| !w.starts_with("--"))
            .collect();
        let Some(image) = rest.first().map(|w| w.to_ascii_lowercase()) else {
            continue;
        };
        if image != "scratch" && !stages.contains(&image) && !images.contains(&image) {
            images.push(image);
        }
        if rest.len() >= 3 && rest[1].eq_ignore_ascii_case("as") {
            stages.push(rest[2].to_ascii_lowercase());
        }
    }
    images
}
