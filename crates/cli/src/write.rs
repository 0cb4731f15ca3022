//! `fix --write`: every file is written in full or none is, and new files
//! never land outside the build context.
//!
//! Each file is first written to a temporary file in its own folder and
//! synced; only when all of them are complete are they renamed over their
//! targets (new files first, the Dockerfile last). A full disk, a read-only
//! folder or a refused path therefore leaves every file as it was.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// A file to write.
pub struct Planned {
    /// Where it goes (the real file, symlinks resolved, for the Dockerfile).
    path: PathBuf,
    /// How messages name it: the path as the user gave it.
    shown: String,
    content: Vec<u8>,
    /// The file it replaces, whose permissions (and owner, when allowed)
    /// the new one keeps; `None` for a file that does not exist yet.
    replaces: Option<std::fs::Metadata>,
}

impl Planned {
    /// Whether the file is created (rather than rewritten).
    pub fn is_new(&self) -> bool {
        self.replaces.is_none()
    }

    pub fn shown(&self) -> &str {
        &self.shown
    }
}

/// Rewriting the Dockerfile `file`: the file it names, through a symlink the
/// file the link points to (the link stays). It must be writable, as for an
/// in-place write: a read-only Dockerfile is not replaced behind its mode.
pub fn rewrite(file: &str, content: String) -> Result<Planned, String> {
    let path = std::fs::canonicalize(file).map_err(|e| format!("{file}: {e}"))?;
    let replaces = std::fs::metadata(&path).map_err(|e| format!("{file}: {e}"))?;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .map_err(|e| format!("{file}: {e}; nothing was written"))?;
    Ok(Planned {
        path,
        shown: file.to_string(),
        content: content.into_bytes(),
        replaces: Some(replaces),
    })
}

/// Creating the file `rel` (as a fix names it: `.dockerignore`,
/// `compose.yaml`) in the context folder `context`; `None` when a file is
/// there already (it is never overwritten). Refused when `rel` or the folder
/// it lands in leaves the context (`..`, a symlinked folder), and when the
/// path is a symlink, dangling or not: writing through it could create a file
/// anywhere.
pub fn create(context: &Path, rel: &str, content: &str) -> Result<Option<Planned>, String> {
    let shown = context.join(rel).display().to_string();
    let root = std::fs::canonicalize(context).map_err(|e| format!("{}: {e}", context.display()))?;
    let rel_path = Path::new(rel);
    let name = rel_path.file_name();
    let outside = || {
        format!(
            "{shown}: outside the build context {}; refusing to write it, nothing was written",
            root.display()
        )
    };
    if name.is_none()
        || !rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(outside());
    }
    // `..` and symlinked folders resolved: the folder must still be inside.
    let folder = root.join(rel_path.parent().unwrap_or(Path::new("")));
    let folder = std::fs::canonicalize(&folder).map_err(|e| format!("{shown}: {e}"))?;
    if !folder.starts_with(&root) {
        return Err(outside());
    }
    let path = folder.join(name.unwrap_or_default());
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_symlink() => {
            let to = std::fs::read_link(&path)
                .map(|t| format!(" (to {})", t.display()))
                .unwrap_or_default();
            Err(format!(
                "{shown}: is a symbolic link{to}; refusing to write through it, nothing was written (remove the link, or leave the fix out with --disable)"
            ))
        }
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Some(Planned {
            path,
            shown,
            content: content.as_bytes().to_vec(),
            replaces: None,
        })),
        Err(e) => Err(format!("{shown}: {e}")),
    }
}

/// Writes every planned file or none: all temporary files first, then the
/// renames, new files before rewritten ones. On a failure the temporary
/// files (and any new file already renamed) are removed and the error names
/// the file and the OS error.
pub fn commit(files: &[Planned]) -> Result<(), String> {
    let mut temps: Vec<PathBuf> = Vec::new();
    let cleanup = |temps: &[PathBuf]| {
        for t in temps {
            let _ = std::fs::remove_file(t);
        }
    };
    for f in files {
        match write_temp(f, &mut temps) {
            Ok(()) => {}
            Err(e) => {
                cleanup(&temps);
                return Err(format!("{}: {e}; nothing was written", f.shown));
            }
        }
    }
    // New files first: until the last rename, undoing means deleting them.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| !files[i].is_new());
    let mut created: Vec<&Path> = Vec::new();
    for (n, &i) in order.iter().enumerate() {
        let f = &files[i];
        if let Err(e) = std::fs::rename(&temps[i], &f.path) {
            let rest: Vec<PathBuf> = order[n..].iter().map(|&j| temps[j].clone()).collect();
            cleanup(&rest);
            for c in &created {
                let _ = std::fs::remove_file(c);
            }
            return Err(format!("{}: {e}; nothing was written", f.shown));
        }
        if f.is_new() {
            created.push(&f.path);
        }
    }
    // Make the renames durable: sync each folder (best effort).
    for f in files {
        if let Some(dir) = f.path.parent() {
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
    }
    Ok(())
}

/// Writes `f`'s content to a fresh temporary file beside it (pushed onto
/// `temps` as soon as it exists), with the replaced file's permissions, and
/// syncs it to disk.
fn write_temp(f: &Planned, temps: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let dir = f.path.parent().unwrap_or(Path::new("."));
    let name = f.path.file_name().unwrap_or_default().to_string_lossy();
    let mut n = 0;
    let (temp, mut file) = loop {
        let temp = dir.join(format!(".{name}.layerlab-{}-{n}.tmp", std::process::id()));
        // `create_new` never follows a symlink or reuses a file.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => break (temp, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    };
    temps.push(temp);
    if let Some(meta) = &f.replaces {
        keep_owner(&file, meta);
        file.set_permissions(meta.permissions())?;
    }
    file.write_all(&f.content)?;
    file.sync_all()
}

/// Gives the new file the replaced file's owner when they differ (root
/// fixing someone's Dockerfile); a user who may not is left the owner.
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, meta: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    if let Ok(now) = file.metadata() {
        if (now.uid(), now.gid()) != (meta.uid(), meta.gid()) {
            let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
        }
    }
}

#[cfg(not(unix))]
fn keep_owner(_: &std::fs::File, _: &std::fs::Metadata) {}
