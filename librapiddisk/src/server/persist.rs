//! `POST /v1/saveConfiguration[/NAME]` and `/v1/restoreConfiguration[/NAME]`:
//! `--save` and `--restore` on the default document or on file NAME of its
//! directory (the route allows no other path). Save warnings are logged.

use super::log::Priority;
use super::Server;
use crate::error::Error;
use crate::persist::action::{restore_from, save_to, Outcome};
use crate::persist::DEFAULT_FILE;
use crate::{startup, Done, Result, System};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The default document, or `name` next to it.
fn document_path(name: Option<&[u8]>) -> PathBuf {
    let default = Path::new(DEFAULT_FILE);
    match name {
        None => default.to_path_buf(),
        Some(n) => default.with_file_name(OsStr::from_bytes(n)),
    }
}

fn done(path: &Path, outcome: Outcome) -> Result<Done> {
    outcome
        .map(|message| Done {
            device: path.as_os_str().as_bytes().to_vec(),
            message: message.into_bytes(),
        })
        .map_err(|(code, msg)| Error::new(code, msg))
}

impl Server {
    /// The system with the module check of the command: a restore of a
    /// writeback mapping needs dm-writecache.
    fn checked_system(&self) -> Result<System> {
        let modules = startup::require_modules(&self.roots)?;
        System::discover(self.roots.clone(), modules)
    }

    pub(super) fn save_configuration(&self, name: Option<&[u8]>) -> Result<Done> {
        let path = document_path(name);
        let sys = self.checked_system()?;
        let outcome = save_to(&sys, &path, &mut |w| {
            self.log.line(Priority::Err, w.as_bytes())
        });
        done(&path, outcome)
    }

    pub(super) fn restore_configuration(&self, name: Option<&[u8]>) -> Result<Done> {
        let path = document_path(name);
        done(&path, restore_from(&self.checked_system()?, &path, true))
    }
}

#[cfg(test)]
mod tests {
    use super::document_path;
    use std::path::Path;

    #[test]
    fn names_stay_in_the_documents_directory() {
        assert_eq!(
            document_path(None),
            Path::new("/etc/rapiddisk/rapiddisk.json")
        );
        assert_eq!(
            document_path(Some(b"old.json")),
            Path::new("/etc/rapiddisk/old.json")
        );
    }
}
