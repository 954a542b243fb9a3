//! Paths of block devices that survive a reboot: udev's links under
//! `/dev/disk/by-id`, `by-uuid` and `by-partuuid` (in that preference),
//! and the way back from such a path to the device node it points to.

use crate::discover::Roots;
use std::fs;
use std::path::{Path, PathBuf};

/// The link directories, most stable first.
const LINK_DIRS: [&str; 3] = ["disk/by-id", "disk/by-uuid", "disk/by-partuuid"];

/// A stable `/dev/...` path for block device `name` (`sdb`, `loop0`,
/// `dm-3`), or `None` when udev made no link to it. Among several links of
/// one directory the first by name is taken, so saving twice gives the
/// same document.
pub fn stable_path(roots: &Roots, name: &str) -> Option<String> {
    let node = roots.dev.join(name);
    for dir in LINK_DIRS {
        let Ok(entries) = fs::read_dir(roots.dev.join(dir)) else {
            continue;
        };
        let mut links: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| points_to(&e.path(), &node))
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        links.sort();
        if let Some(first) = links.first() {
            return Some(format!("/dev/{dir}/{first}"));
        }
    }
    None
}

/// Whether link `link` resolves to device node `node`.
fn points_to(link: &Path, node: &Path) -> bool {
    match (fs::canonicalize(link), fs::canonicalize(node)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The device node `/dev/<name>` that the saved `path` leads to now (a
/// `/dev/...` path under `roots`), or `None` when it leads nowhere.
pub fn resolve(roots: &Roots, path: &str) -> Option<String> {
    let rel = path.strip_prefix("/dev/")?;
    let real: PathBuf = fs::canonicalize(roots.dev.join(rel)).ok()?;
    let dev = fs::canonicalize(&roots.dev).ok()?;
    let name = real.strip_prefix(&dev).ok()?.to_str()?;
    (!name.is_empty()).then(|| format!("/dev/{name}"))
}
