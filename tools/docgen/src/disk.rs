//! The repository on disk: the inputs the renderer reads, and the rendered
//! files compared with, or written over, the committed ones.

use std::path::{Path, PathBuf};

use crate::Files;

/// The directories whose pages are all generated.
const GENERATED_DIRS: [&str; 3] = [
    "docs/resources",
    "docs/data-sources",
    "docs/ephemeral-resources",
];

/// A file's text, `None` when it does not exist.
pub(crate) fn read_optional(path: &Path) -> Result<Option<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Every `*.md` in `dir` (none when it does not exist), sorted by name.
pub(crate) fn markdown_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// How a generated file on disk differs from the rendered one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// Rendered, but not on disk.
    Missing(PathBuf),
    /// On disk with other content.
    Stale(PathBuf),
    /// A generated page on disk whose type the schema no longer has.
    Extra(PathBuf),
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Missing(path) => write!(f, "missing: {}", path.display()),
            Difference::Stale(path) => write!(f, "stale:   {}", path.display()),
            Difference::Extra(path) => {
                write!(
                    f,
                    "extra:   {} (no such type in the schema)",
                    path.display()
                )
            }
        }
    }
}

/// Generated pages on disk (relative paths) that `files` does not have.
fn extra_pages(root: &Path, files: &Files) -> Result<Vec<PathBuf>, String> {
    let mut extra = Vec::new();
    for dir in GENERATED_DIRS {
        for path in markdown_files(&root.join(dir))? {
            let relative = path
                .strip_prefix(root)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if !files.contains_key(relative) {
                extra.push(relative.to_path_buf());
            }
        }
    }
    Ok(extra)
}

/// What differs between the rendered `files` and the repository at `root`:
/// pages missing or stale on disk, then generated pages the schema no longer
/// has. Empty when the committed docs are fresh.
pub fn differences(root: &Path, files: &Files) -> Result<Vec<Difference>, String> {
    let mut out = Vec::new();
    for (path, text) in files {
        match read_optional(&root.join(path))? {
            None => out.push(Difference::Missing(path.clone())),
            Some(on_disk) if on_disk != *text => out.push(Difference::Stale(path.clone())),
            Some(_) => {}
        }
    }
    out.extend(extra_pages(root, files)?.into_iter().map(Difference::Extra));
    Ok(out)
}

/// Writes the rendered `files` under `root` and removes the generated pages
/// the schema no longer has; afterwards [`differences`] is empty.
pub fn write(root: &Path, files: &Files) -> Result<(), String> {
    let io = |path: &Path, e: std::io::Error| format!("{}: {e}", path.display());
    for path in extra_pages(root, files)? {
        let full = root.join(&path);
        std::fs::remove_file(&full).map_err(|e| io(&full, e))?;
    }
    for (path, text) in files {
        let full = root.join(path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        std::fs::write(&full, text).map_err(|e| io(&full, e))?;
    }
    Ok(())
}
