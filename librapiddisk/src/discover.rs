//! Discovery of RAM disks and cache mappings (spec §4.5). Directory
//! listings keep raw `read_dir` order and are never sorted (quirk 17).

use crate::error::{strerror, Error, Result};
use crate::ioctl;
use crate::model::{CacheMapping, LockStatus, RamDisk, USAGE_IOCTL_FAILED, USAGE_OPEN_FAILED};
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Where the kernel interfaces live: the real ones by default, fixture
/// trees in tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roots {
    /// `/sys`
    pub sys: PathBuf,
    /// `/dev`
    pub dev: PathBuf,
    /// `/etc/mtab`
    pub mtab: PathBuf,
}

impl Default for Roots {
    fn default() -> Self {
        Roots {
            sys: "/sys".into(),
            dev: "/dev".into(),
            mtab: "/etc/mtab".into(),
        }
    }
}

impl Roots {
    /// All three under one directory (`<root>/sys`, `<root>/dev`,
    /// `<root>/etc/mtab`).
    pub fn under(root: &Path) -> Self {
        Roots {
            sys: root.join("sys"),
            dev: root.join("dev"),
            mtab: root.join("etc/mtab"),
        }
    }

    /// `/sys/kernel/rapiddisk/mgmt`, the RAM disk module's control file.
    pub fn mgmt(&self) -> PathBuf {
        self.sys.join("kernel/rapiddisk/mgmt")
    }

    /// `/sys/block`
    pub fn sys_block(&self) -> PathBuf {
        self.sys.join("block")
    }
}

/// Names in `dir` that start with `prefix`, in raw directory order.
pub(crate) fn list(dir: &Path, prefix: &[u8]) -> io::Result<Vec<OsString>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name();
        if name.as_bytes().starts_with(prefix) {
            names.push(name);
        }
    }
    Ok(names)
}

/// Upstream's `read_info`: the first 64 bytes of a file minus the last byte
/// read (taken to be the newline). An empty file reads as empty (upstream
/// indexes before its buffer there). Failure is fatal for the action.
pub fn read_info(path: &Path) -> Result<Vec<u8>> {
    let fail = |e: io::Error| {
        Error::new(
            -1,
            format!("read_info: fopen: {}, {}", strerror(&e), path.display()),
        )
    };
    let mut buf = Vec::with_capacity(64);
    fs::File::open(path)
        .and_then(|f| f.take(64).read_to_end(&mut buf))
        .map_err(fail)?;
    buf.pop();
    Ok(buf)
}

/// The unsigned number at the start of `bytes`, as `strtoull` reads it
/// (leading blanks skipped, stops at the first non-digit, 0 if none,
/// saturating on overflow).
pub(crate) fn leading_number(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .try_fold(0u64, |n, d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })
        .unwrap_or(u64::MAX)
}

/// Size in bytes of `/sys/block/<name>`: 512 × its `size` file.
pub(crate) fn block_size_bytes(roots: &Roots, name: &OsStr) -> Result<u64> {
    let sectors = leading_number(&read_info(&roots.sys_block().join(name).join("size"))?);
    Ok(sectors.wrapping_mul(512))
}

/// Lock state of a RAM disk node: `BLKROGET` on a write-only open.
pub fn lock_status(node: &Path) -> LockStatus {
    match ioctl::open_wronly(node).and_then(|f| ioctl::read_only(&f)) {
        Ok(true) => LockStatus::Locked,
        Ok(false) => LockStatus::Unlocked,
        Err(_) => LockStatus::Unavailable,
    }
}

/// Usage in bytes of a RAM disk node, or upstream's `(u64)-2` (open failed)
/// / `(u64)-5` (ioctl failed).
pub fn usage(node: &Path) -> u64 {
    match ioctl::open_wronly(node) {
        Err(_) => USAGE_OPEN_FAILED,
        Ok(f) => {
            ioctl::usage_pages(&f).map_or(USAGE_IOCTL_FAILED, |pages| pages.wrapping_mul(4096))
        }
    }
}

/// Every `rd*` entry of `/sys/block` (`search_rdsk_targets`).
pub fn ram_disks(roots: &Roots) -> Result<Vec<RamDisk>> {
    let names = list(&roots.sys_block(), b"rd")
        .map_err(|e| Error::os(-1, "search_rdsk_targets", "scandir", &e))?;
    names
        .into_iter()
        .map(|name| {
            let node = roots.dev.join(&name);
            Ok(RamDisk {
                size: block_size_bytes(roots, &name)?,
                usage: usage(&node),
                lock: lock_status(&node),
                name,
            })
        })
        .collect()
}

const CACHE_FUNC: &str = "search_cache_targets";

/// Every `rc*` entry of `/dev/mapper` with its slaves (`search_cache_targets`).
pub fn cache_mappings(roots: &Roots) -> Result<Vec<CacheMapping>> {
    let mapper = roots.dev.join("mapper");
    let names = list(&mapper, b"rc").map_err(|e| Error::os(-1, CACHE_FUNC, "scandir", &e))?;
    let mut mappings = Vec::new();
    for device in names {
        if let Some(dm) = dm_name(roots, &mapper.join(&device))? {
            mappings.push(mapping(roots, device, &dm)?);
        }
    }
    Ok(mappings)
}

/// Mapping `device` with the slaves of its `dm-X` in `/sys/block`.
fn mapping(roots: &Roots, device: OsString, dm: &OsStr) -> Result<CacheMapping> {
    let dm_dir = roots.sys_block().join(dm);
    fs::metadata(&dm_dir).map_err(|e| Error::os(-1, CACHE_FUNC, "EXISTANCE", &e))?;
    let slaves =
        list(&dm_dir.join("slaves"), b"").map_err(|e| Error::os(-1, CACHE_FUNC, "scandir", &e))?;
    let mut mapping = CacheMapping {
        device,
        ..CacheMapping::default()
    };
    for slave in slaves
        .into_iter()
        .filter(|s| !s.as_bytes().starts_with(b"."))
    {
        // the last slave of each kind wins, as upstream
        if slave.as_bytes().starts_with(b"rd") {
            mapping.cache = slave;
        } else {
            mapping.source = slave;
        }
    }
    mapping.writeback = writeback_options(&mapping);
    Ok(mapping)
}

/// The tunables of a writeback mapping, read from its device-mapper table.
fn writeback_options(mapping: &CacheMapping) -> Option<crate::tunables::WritebackOptions> {
    if mapping.mode() != crate::CacheMode::Writeback {
        return None;
    }
    let table = crate::dm::table(mapping.device.to_str()?)?;
    crate::tunables::WritebackOptions::from_table(std::str::from_utf8(&table).ok()?)
}

/// The `dm-X` name behind a `/dev/mapper` entry, or `None` when the entry
/// is no mapping. Upstream reads the symlink into a reused 15-byte buffer
/// that is never terminated (quirk 18), so a shorter link after a longer
/// one breaks every command, and so does any entry that is not a symlink;
/// here the whole link is read and its last component taken. A device node
/// (no udev symlinks) is resolved through `/sys/dev/block/MAJ:MIN`; a
/// regular file or a node whose device is gone is skipped.
fn dm_name(roots: &Roots, entry: &Path) -> Result<Option<OsString>> {
    let readlink_err = |e: &io::Error| Error::os(-1, CACHE_FUNC, "readlink", e);
    let target = match fs::read_link(entry) {
        Ok(target) => target,
        Err(e) if e.raw_os_error() != Some(libc::EINVAL) => return Err(readlink_err(&e)),
        Err(_) => {
            let meta = fs::metadata(entry).map_err(|e| readlink_err(&e))?;
            if !meta.file_type().is_block_device() {
                return Ok(None);
            }
            let (major, minor) = (libc::major(meta.rdev()), libc::minor(meta.rdev()));
            let by_number = roots.sys.join(format!("dev/block/{major}:{minor}"));
            match fs::read_link(by_number) {
                Ok(target) => target,
                Err(_) => return Ok(None),
            }
        }
    };
    Ok(Some(
        target
            .file_name()
            .unwrap_or(target.as_os_str())
            .to_os_string(),
    ))
}

#[cfg(test)]
mod tests;
