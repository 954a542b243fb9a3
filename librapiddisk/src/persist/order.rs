//! The order in which a restore creates cache mappings. The listing shows
//! `/dev/mapper` in raw directory order (quirk 17), and on devtmpfs that is
//! the order the links were made in (tmpfs with stable offsets, Linux 6.6
//! and later) or its reverse (the dcache list of older kernels). A restore
//! that creates the mappings in the order that gives back the saved listing
//! has to know which: a probe directory on the same file system tells.

use std::fs;
use std::path::Path;

/// How a directory of `/dev` lists its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirOrder {
    /// Oldest first.
    Creation,
    /// Newest first.
    Reverse,
    /// Neither (a hashed directory, or the probe failed): the document's
    /// order is as good as any.
    Unknown,
}

/// The order of directories under `dev`, found by making two entries in a
/// hidden probe directory there and reading them back.
pub fn probe(dev: &Path) -> DirOrder {
    let dir = dev.join(format!(".rapiddisk-order-{}", std::process::id()));
    if fs::create_dir(&dir).is_err() {
        return DirOrder::Unknown;
    }
    let order = (|| {
        fs::File::create(dir.join("a")).ok()?;
        fs::File::create(dir.join("b")).ok()?;
        let names: Vec<_> = fs::read_dir(&dir)
            .ok()?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        match names.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["a", "b"] => Some(DirOrder::Creation),
            ["b", "a"] => Some(DirOrder::Reverse),
            _ => None,
        }
    })()
    .unwrap_or(DirOrder::Unknown);
    let _ = fs::remove_file(dir.join("a"));
    let _ = fs::remove_file(dir.join("b"));
    let _ = fs::remove_dir(&dir);
    order
}
