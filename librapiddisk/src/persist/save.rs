//! The document of what discovery found, and writing it to a file
//! without ever leaving a half-written one.

use super::document::{Document, MappingEntry, RamDiskEntry, VERSION};
use super::save_nvmet::{self, SecretToWrite};
use super::stable::stable_path;
use crate::model::LockStatus;
use crate::ops::System;
use std::io::Write;
use std::path::Path;

/// What a save writes: the document, the secrets it names, and the
/// warnings about what it could not save as well as wanted.
#[derive(Debug)]
pub struct Saved {
    pub doc: Document,
    pub secrets: Vec<SecretToWrite>,
    pub warnings: Vec<String>,
}

/// The document of `sys` and of the nvmet tree `nvmet` (secrets to go to
/// `keys_dir`), with a warning for each source saved by its plain
/// `/dev/<name>` because udev made no stable link to it.
pub fn document(
    sys: &System,
    nvmet: &crate::nvmet::Nvmet,
    keys_dir: &Path,
) -> Result<Saved, String> {
    let mut warnings = Vec::new();
    let mut ram_disks = Vec::new();
    for d in &sys.disks {
        let name = d.name.to_str().ok_or("a RAM disk name is not UTF-8")?;
        if d.lock == LockStatus::Unavailable {
            return Err(format!("the read-only state of {name} cannot be read"));
        }
        ram_disks.push(RamDiskEntry {
            name: name.to_string(),
            size: d.size,
            read_only: d.lock == LockStatus::Locked,
        });
    }
    let mut cache_mappings = Vec::new();
    for m in &sys.mappings {
        let (Some(name), Some(cache), Some(source)) =
            (m.device.to_str(), m.cache.to_str(), m.source.to_str())
        else {
            return Err("a mapping or device name is not UTF-8".into());
        };
        if cache.is_empty() || source.is_empty() {
            return Err(format!("mapping {name} lacks its RAM disk or its source"));
        }
        let source = stable_path(&sys.roots, source).unwrap_or_else(|| {
            warnings.push(format!(
                "Warning. {source} (the source of {name}) has no link under /dev/disk; saved as /dev/{source}, which may name another disk after a reboot."
            ));
            format!("/dev/{source}")
        });
        cache_mappings.push(MappingEntry {
            name: name.to_string(),
            cache: cache.to_string(),
            mode: m.mode().into(),
            source,
            writeback_options: m.writeback.clone().filter(|w| !w.is_default()),
        });
    }
    let devices: Vec<&str> = (ram_disks.iter().map(|d| d.name.as_str()))
        .chain(cache_mappings.iter().map(|m| m.name.as_str()))
        .collect();
    let (nvmet, secrets) = save_nvmet::section(nvmet, &devices, keys_dir, &mut warnings)?;
    let doc = Document {
        version: VERSION,
        ram_disks,
        cache_mappings,
        nvmet,
    };
    doc.check()?;
    Ok(Saved {
        doc,
        secrets,
        warnings,
    })
}

/// The directory of the secret files of the document at `path`.
pub fn keys_dir(path: &Path) -> std::path::PathBuf {
    path.parent().unwrap_or(Path::new(".")).join("keys")
}

/// Writes the secrets to files only root can read, in a directory only
/// root can enter.
pub fn write_secrets(secrets: &[SecretToWrite]) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    for s in secrets {
        if let Some(dir) = s.path.parent() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        write_file_mode(&s.path, &s.text, 0o600)?;
    }
    Ok(())
}

/// Writes `text` to `path` through a temporary file in the same directory
/// and a rename, creating the directory (the old file stays whole if
/// anything fails).
pub fn write_file(path: &Path, text: &[u8]) -> std::io::Result<()> {
    write_file_mode(path, text, 0o644)
}

/// `write_file` with the file's permission bits.
fn write_file_mode(path: &Path, text: &[u8], mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .open(&tmp)?;
        file.write_all(text)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
