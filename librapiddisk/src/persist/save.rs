//! The document of what discovery found, and writing it to a file
//! without ever leaving a half-written one.

use super::document::{Document, MappingEntry, RamDiskEntry, VERSION};
use super::stable::stable_path;
use crate::model::LockStatus;
use crate::ops::System;
use std::io::Write;
use std::path::Path;

/// The document of `sys`, and a warning for each source saved by its
/// plain `/dev/<name>` because udev made no stable link to it.
pub fn document(sys: &System) -> Result<(Document, Vec<String>), String> {
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
    let doc = Document {
        version: VERSION,
        ram_disks,
        cache_mappings,
        nvmet: None,
    };
    doc.check()?;
    Ok((doc, warnings))
}

/// Writes `text` to `path` through a temporary file in the same directory
/// and a rename, creating the directory (the old file stays whole if
/// anything fails).
pub fn write_file(path: &Path, text: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(text)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
