//! The build context: which folder it is, its `.dockerignore` and its file
//! list, walked the way `docker build` walks it (excluded folders skipped).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use layerlab_core::simulate::{DockerIgnore, Folder};
use layerlab_core::simulate::BuildContext;

/// More files than this is not a build context but a mistake (`--context /`).
const MAX_FILES: usize = 500_000;

/// The context folder for `file`: `--context`, else the Dockerfile's folder
/// (`.` for a bare name); none for stdin without `--context`.
pub fn dir_for(file: &str, context: Option<&str>) -> Option<PathBuf> {
    match context {
        Some(dir) => Some(PathBuf::from(dir)),
        None if file == "-" => None,
        None => Path::new(file).parent().map(|p| {
            if p.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                p.to_path_buf()
            }
        }),
    }
}

/// Reads a build context folder: its `.dockerignore` (at most `max` bytes)
/// and the paths of its files, relative and `/`-separated, sorted.
///
/// The folders are walked as the core's [`DockerIgnore::folder`] says
/// `docker build` walks them: an excluded folder is not entered unless an
/// exception (`!pattern`) may re-include something in it, and an excluded
/// folder that cannot be read is skipped; a folder that is sent to the
/// builder and cannot be read is an error, as it is for docker.
pub fn read(dir: &Path, max: u64) -> Result<BuildContext, String> {
    if !dir.is_dir() {
        return Err(format!("--context {}: not a directory", dir.display()));
    }
    let dockerignore = crate::input::read_lossy(&dir.join(".dockerignore"), max).transpose()?;
    let ignore = DockerIgnore::parse(dockerignore.as_deref().unwrap_or(""));
    let mut files = Vec::new();
    // (folder, its path relative to the context, whether it is excluded)
    let mut todo = vec![(dir.to_path_buf(), String::new(), false)];
    while let Some((d, rel, excluded)) = todo.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(entries) => entries,
            Err(_) if excluded => continue,
            Err(e) => {
                return Err(format!(
                    "{}: {e} (a folder of the build context: docker build cannot read it either; exclude it in .dockerignore)",
                    d.display()
                ))
            }
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            // `file_type` does not follow symlinks: a link to a folder is a file.
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                match ignore.folder(&path) {
                    Folder::Skipped => {}
                    walked => todo.push((e.path(), path, walked == Folder::Excluded)),
                }
            } else {
                files.push(path);
            }
            if files.len() > MAX_FILES {
                return Err(format!(
                    "--context {}: more than 500,000 files",
                    dir.display()
                ));
            }
        }
    }
    files.sort();
    Ok(BuildContext {
        files: Some(files),
        dockerignore,
    })
}

/// The build contexts `check` has read, by folder: files of one folder
/// share one walk of it (and its error).
#[derive(Default)]
pub struct Contexts(HashMap<PathBuf, Result<Rc<BuildContext>, String>>);

impl Contexts {
    /// The context for `file`: `--context`, else the file's folder (none
    /// for stdin).
    pub fn get(
        &mut self,
        file: &str,
        context: Option<&str>,
        max: u64,
    ) -> Result<Rc<BuildContext>, String> {
        let Some(dir) = dir_for(file, context) else {
            return Ok(Rc::default());
        };
        self.0
            .entry(dir)
            .or_insert_with_key(|dir| read(dir, max).map(Rc::new))
            .clone()
    }
}
