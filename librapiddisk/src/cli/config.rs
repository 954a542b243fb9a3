//! `--save[=FILE]` and `--restore[=FILE]`: the document of the current
//! configuration written to FILE, or FILE's configuration recreated.
//! Warnings (a source saved without a stable path) go to stderr.

use super::options::{Action, Options};
use super::Out;
use crate::ops::System;
use crate::persist::apply::{apply, SystemExecutor};
use crate::persist::{order, plan, save, Document, DEFAULT_FILE};
use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

pub(super) fn run(
    sys: &System,
    o: &Options,
    action: Action,
    out: &mut Out,
    stderr: &mut dyn Write,
) -> u8 {
    let file = o.config_file.as_deref().unwrap_or(DEFAULT_FILE.as_bytes());
    let path = Path::new(OsStr::from_bytes(file));
    let shown = path.display().to_string();
    let result = if action == Action::Save {
        save_to(sys, path, &shown, stderr)
    } else {
        restore_from(sys, path, &shown)
    };
    match result {
        Ok(msg) => out.message(0, msg.as_bytes()),
        Err((code, msg)) => out.message(code, msg.as_bytes()),
    }
}

type Outcome = Result<String, (i32, String)>;

fn save_to(sys: &System, path: &Path, shown: &str, stderr: &mut dyn Write) -> Outcome {
    let tree = crate::nvmet::Nvmet::new(&sys.roots);
    let saved = save::document(sys, &tree, &save::keys_dir(path))
        .map_err(|e| (-libc::EIO, format!("Error. Unable to save: {e}.")))?;
    for w in &saved.warnings {
        let _ = writeln!(stderr, "{w}");
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
    save::write_file(path, &doc.to_text()).map_err(|e| io_error(shown.to_string(), e))?;
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

fn restore_from(sys: &System, path: &Path, shown: &str) -> Outcome {
    let text = std::fs::read(path).map_err(|e| {
        let err = crate::error::strerror(&e);
        (
            -e.raw_os_error().unwrap_or(libc::EIO),
            format!("Error. Unable to read {shown}: {err}."),
        )
    })?;
    let doc = Document::parse(&text).map_err(|e| {
        (
            -libc::EINVAL,
            format!("Error. {shown} is not a usable configuration: {e}."),
        )
    })?;
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
