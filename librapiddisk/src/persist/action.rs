//! Saving to and restoring from a file, for the command, the C interface
//! and the daemon alike: the messages and return values they all give.

use super::apply::{apply, SystemExecutor};
use super::{order, plan, save, Document};
use crate::ops::System;
use std::path::Path;

/// The message of success, or the return value and message of failure.
pub type Outcome = Result<String, (i32, String)>;

/// `--save`: writes the document of `sys` to `path`; the warnings go to
/// `warn`.
pub fn save_to(sys: &System, path: &Path, warn: &mut dyn FnMut(&str)) -> Outcome {
    let shown = path.display().to_string();
    let tree = crate::nvmet::Nvmet::new(&sys.roots);
    let saved = save::document(sys, &tree, &save::keys_dir(path))
        .map_err(|e| (-libc::EIO, format!("Error. Unable to save: {e}.")))?;
    for w in &saved.warnings {
        warn(w);
    }
    let doc = saved.doc;
    let io_error = |what: String, e: std::io::Error| {
        let err = crate::error::strerror(&e);
        (
            -e.raw_os_error().unwrap_or(libc::EIO),
            format!("Error. Unable to write {what}: {err}."),
        )
    };
    save::write_secrets(&saved.secrets)
        .map_err(|e| io_error(format!("the secret files of {shown}"), e))?;
    save::write_file(path, &doc.to_text()).map_err(|e| io_error(shown.clone(), e))?;
    let (disks, maps) = (doc.ram_disks.len(), doc.cache_mappings.len());
    Ok(match &doc.nvmet {
        None => format!("Saved {disks} RAM disk(s) and {maps} cache mapping(s) to {shown}."),
        Some(n) => format!(
            "Saved {disks} RAM disk(s), {maps} cache mapping(s), {} NVMe port(s) and {} NVMe export(s) to {shown}.",
            n.ports.len(),
            n.exports.len()
        ),
    })
}

/// `--restore`: recreates the configuration of the document at `path`,
/// its NVMe part only `with_nvme` (at boot that part comes later, once the
/// network and the nvmet modules are there).
pub fn restore_from(sys: &System, path: &Path, with_nvme: bool) -> Outcome {
    let shown = path.display().to_string();
    let text = std::fs::read(path).map_err(|e| {
        let err = crate::error::strerror(&e);
        (
            -e.raw_os_error().unwrap_or(libc::EIO),
            format!("Error. Unable to read {shown}: {err}."),
        )
    })?;
    let mut doc = Document::parse(&text).map_err(|e| {
        (
            -libc::EINVAL,
            format!("Error. {shown} is not a usable configuration: {e}."),
        )
    })?;
    if !with_nvme {
        doc.nvmet = None;
    }
    let tree = crate::nvmet::Nvmet::new(&sys.roots);
    let plan = plan::plan(&doc, sys, &tree, order::probe(&sys.roots.dev)).map_err(|e| {
        (
            -libc::EEXIST,
            format!("Error. Unable to restore {shown}: {e}. Nothing was changed."),
        )
    })?;
    let mut exec = SystemExecutor {
        roots: sys.roots.clone(),
        modules: sys.modules,
        nvmet: tree,
    };
    apply(&plan.steps, &mut exec).map_err(|f| (-1, f.message()))?;
    Ok(format!(
        "Restored {shown}: {} step(s) done, {} device(s) kept as they were.",
        plan.steps.len(),
        plan.kept.len()
    ))
}
