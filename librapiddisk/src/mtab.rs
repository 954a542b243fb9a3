//! The mount check of detach, map, unmap and flush (spec §4.6). Upstream
//! searches the first 64 KiB of `/etc/mtab` for the name as a substring,
//! so `rd1` counts as mounted when `rd10` is, and `board0` hides `rd0`
//! (quirk 21). Here a device counts as mounted when the source field of a
//! mount line names it, or one of its partitions, or resolves to the same
//! node; the whole file is read. The callers turn an open failure into
//! their own message.

use std::fs;
use std::io;
use std::path::Path;

/// Whether `device` (a `/dev/...` path as the kernel shows it in mtab) or a
/// partition of it is mounted according to `mtab`.
pub fn mounted(mtab: &Path, device: &[u8]) -> io::Result<bool> {
    let text = fs::read(mtab)?;
    if device.is_empty() {
        return Ok(false);
    }
    let resolved = canonical(device);
    Ok(text.split(|&b| b == b'\n').any(|line| {
        let field = line.split(|&b| b == b' ').next().unwrap_or(b"");
        names(field, device)
            || resolved
                .as_ref()
                .is_some_and(|c| canonical(field).as_ref() == Some(c))
    }))
}

/// Whether an mtab source field is `device` or a partition of it, named
/// the kernel's way: `sdb` -> `sdb1`, but `nvme0n1` -> `nvme0n1p2` and
/// `rd1` -> `rd1p1`, so `rd10` is not part of `rd1`. Device-mapper names
/// have no such rule and must match exactly.
fn names(field: &[u8], device: &[u8]) -> bool {
    let Some(rest) = field.strip_prefix(device) else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    if device.starts_with(b"/dev/mapper/") {
        return false;
    }
    let digits = if device.last().is_some_and(u8::is_ascii_digit) {
        rest.strip_prefix(b"p").unwrap_or_default()
    } else {
        rest
    };
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

/// The resolved path of an existing `/dev/...` node (symlinks such as
/// `/dev/mapper/x` -> `/dev/dm-3` followed), if any.
fn canonical(path: &[u8]) -> Option<std::path::PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    if !path.starts_with(b"/dev/") {
        return None;
    }
    fs::canonicalize(std::ffi::OsStr::from_bytes(path)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Tree;

    fn check(mtab: &[u8], device: &str) -> bool {
        let tree = Tree::new().file("etc/mtab", mtab);
        mounted(&tree.roots.mtab, device.as_bytes()).unwrap()
    }

    #[test]
    fn exact_device_and_partitions_count() {
        let mtab = b"/dev/rd10 /mnt ext4 rw 0 0\n/dev/sdb1 /b xfs rw 0 0\n";
        assert!(check(mtab, "/dev/rd10"));
        assert!(check(b"/dev/rd1p1 /m ext4 rw 0 0\n", "/dev/rd1"));
        assert!(check(mtab, "/dev/sdb"));
        assert!(check(mtab, "/dev/sdb1"));
        let nvme = b"/dev/nvme0n1p2 /n ext4 rw 0 0\n";
        assert!(check(nvme, "/dev/nvme0n1"));
    }

    #[test]
    fn other_names_sharing_a_prefix_do_not_count() {
        // upstream's substring search reports all of these as mounted
        let mtab = b"/dev/rd10 /mnt ext4 rw 0 0\n/dev/board0 /x ext4 rw 0 0\n\
/dev/mapper/rc-wt_sdb2 /y ext4 rw 0 0\n";
        assert!(!check(mtab, "/dev/rd1"));
        assert!(!check(mtab, "/dev/rd0"));
        assert!(!check(mtab, "/dev/mapper/rc-wt_sdb"));
        // names in other fields (mount point, options) are not devices
        assert!(!check(b"tmpfs /dev/rd2 tmpfs rw 0 0\n", "/dev/rd2"));
    }

    #[test]
    fn whole_file_is_read() {
        let mut text = b"x /x x x 0 0\n".repeat(10_000);
        text.extend_from_slice(b"/dev/rd0 /mnt ext4 rw 0 0\n");
        assert!(text.len() > 64 * 1024);
        assert!(check(&text, "/dev/rd0"));
    }

    #[test]
    fn empty_device_is_never_mounted() {
        assert!(!check(b"/dev/rd0 /mnt ext4 rw 0 0\n", ""));
        assert!(!names(b"/dev/rd0", b""));
    }

    #[test]
    fn missing_mtab_is_an_error() {
        let tree = Tree::new();
        std::fs::remove_file(&tree.roots.mtab).unwrap();
        let err = mounted(&tree.roots.mtab, b"/dev/rd0").unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ENOENT));
    }
}
