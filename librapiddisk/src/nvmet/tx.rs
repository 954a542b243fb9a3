//! A journal of the changes one operation makes to the configfs tree, so a
//! step that fails can undo every earlier change of the same call (in
//! reverse order) and leave the tree exactly as it was.

use super::fs::{ConfigFs, WriteError};
use crate::error::{strerror, Error};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// How to undo one change.
enum Undo {
    Rmdir(PathBuf),
    Unlink(PathBuf),
    Write(PathBuf, Vec<u8>),
    Relink {
        target: PathBuf,
        link: PathBuf,
    },
    /// A removed directory and the attribute values to give it again.
    Recreate(PathBuf, Vec<(PathBuf, Vec<u8>)>),
}

pub struct Tx<'a> {
    fs: &'a dyn ConfigFs,
    undo: Vec<Undo>,
    /// Directories this call created: writes inside them need no undo,
    /// the directory's removal takes their values with it.
    created: Vec<PathBuf>,
}

/// The current value of an attribute without its newline; `None` when it
/// cannot be read (write-only attributes such as `revalidate_size`).
pub fn current(file: &Path) -> Option<Vec<u8>> {
    let mut value = fs::read(file).ok()?;
    if value.last() == Some(&b'\n') {
        value.pop();
    }
    Some(value)
}

impl<'a> Tx<'a> {
    pub fn new(fs: &'a dyn ConfigFs) -> Self {
        Tx {
            fs,
            undo: Vec::new(),
            created: Vec::new(),
        }
    }

    pub fn mkdir(&mut self, dir: &Path) -> io::Result<()> {
        self.fs.mkdir(dir)?;
        self.created.push(dir.to_path_buf());
        self.undo.push(Undo::Rmdir(dir.to_path_buf()));
        Ok(())
    }

    pub fn symlink(&mut self, target: &Path, link: &Path) -> io::Result<()> {
        self.fs.symlink(target, link)?;
        self.undo.push(Undo::Unlink(link.to_path_buf()));
        Ok(())
    }

    /// Writes `value` unless the attribute holds it already: the kernel
    /// refuses some rewrites of an unchanged value (a namespace's
    /// `device_path` while enabled, `attr_model` once discovered).
    pub fn write(&mut self, file: &Path, value: &[u8]) -> Result<(), WriteError> {
        let old = current(file);
        if old.as_deref() == Some(value) {
            return Ok(());
        }
        self.fs.write(file, value)?;
        let inside_new_dir = self.created.iter().any(|d| file.starts_with(d));
        if let (Some(old), false) = (old, inside_new_dir) {
            self.undo.push(Undo::Write(file.to_path_buf(), old));
        }
        Ok(())
    }

    pub fn unlink(&mut self, link: &Path) -> io::Result<()> {
        // configfs resolves a relative target against the caller's working
        // directory, so the link is put back with its absolute target
        let target = fs::canonicalize(link)?;
        self.fs.unlink(link)?;
        self.undo.push(Undo::Relink {
            target,
            link: link.to_path_buf(),
        });
        Ok(())
    }

    /// Removes `dir`; `keep` names the attributes an undo writes back into
    /// the directory it makes again (the rest are the kernel's defaults).
    pub fn rmdir(&mut self, dir: &Path, keep: &[&str]) -> io::Result<()> {
        let values = keep
            .iter()
            .map(|name| dir.join(name))
            .filter_map(|file| current(&file).map(|v| (file, v)))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        self.fs.rmdir(dir)?;
        self.undo.push(Undo::Recreate(dir.to_path_buf(), values));
        Ok(())
    }

    /// Keeps the changes.
    pub fn commit(self) {}

    /// Undoes every change in reverse order and returns `err`; if an undo
    /// step fails too, the message says which, so nothing is left unsaid.
    pub fn abort(self, err: Error) -> Error {
        let fs = self.fs;
        let mut failures = Vec::new();
        for undo in self.undo.into_iter().rev() {
            if let Err(what) = undo_one(fs, undo) {
                failures.push(what);
            }
        }
        if failures.is_empty() {
            return err;
        }
        let mut msg = err.message().to_vec();
        msg.extend_from_slice(b" Rollback incomplete: ");
        msg.extend_from_slice(failures.join("; ").as_bytes());
        msg.push(b'.');
        Error::new(err.code(), msg)
    }
}

fn undo_one(fs: &dyn ConfigFs, undo: Undo) -> Result<(), String> {
    let say =
        |op: &str, path: &Path, e: &io::Error| format!("{op} {}: {}", path.display(), strerror(e));
    let write = |file: &Path, value: &[u8]| {
        fs.write(file, value).map_err(|e| match e {
            WriteError::Open(e) | WriteError::Write(e) => say("write", file, &e),
        })
    };
    match undo {
        Undo::Rmdir(dir) => fs.rmdir(&dir).map_err(|e| say("rmdir", &dir, &e)),
        Undo::Unlink(link) => fs.unlink(&link).map_err(|e| say("unlink", &link, &e)),
        Undo::Write(file, old) => write(&file, &old),
        Undo::Relink { target, link } => fs
            .symlink(&target, &link)
            .map_err(|e| say("symlink", &link, &e)),
        Undo::Recreate(dir, values) => {
            fs.mkdir(&dir).map_err(|e| say("mkdir", &dir, &e))?;
            values.iter().try_for_each(|(file, v)| write(file, v))
        }
    }
}
