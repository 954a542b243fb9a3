//! The mount check of detach, map, unmap and flush: a substring search of
//! the first 64 KiB of `/etc/mtab` (quirk 21: `rd1` matches `rd10`). The
//! callers turn an open failure into their own message.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// How much of the file upstream reads.
const LIMIT: u64 = 64 * 1024;

/// Whether `needle` occurs anywhere in the first 64 KiB of `mtab`.
pub fn mentions(mtab: &Path, needle: &[u8]) -> io::Result<bool> {
    let mut text = Vec::new();
    File::open(mtab)?.take(LIMIT).read_to_end(&mut text)?;
    Ok(!needle.is_empty() && text.windows(needle.len()).any(|w| w == needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Tree;

    #[test]
    fn substring_matches_like_upstream() {
        let tree = Tree::new().file("etc/mtab", b"/dev/rd10 /mnt ext4 rw 0 0\n");
        let mtab = &tree.roots.mtab;
        assert!(mentions(mtab, b"rd10").unwrap());
        assert!(mentions(mtab, b"rd1").unwrap());
        assert!(!mentions(mtab, b"rd2").unwrap());
        assert!(!mentions(mtab, b"").unwrap());
    }

    #[test]
    fn only_first_64_kib_is_searched() {
        let mut text = vec![b'x'; 65536 - 2];
        text.extend_from_slice(b"rd0 rd1");
        let tree = Tree::new().file("etc/mtab", &text);
        assert!(!mentions(&tree.roots.mtab, b"rd0").unwrap());
        assert!(mentions(&tree.roots.mtab, b"rd").unwrap());
    }

    #[test]
    fn missing_mtab_is_an_error() {
        let tree = Tree::new();
        std::fs::remove_file(&tree.roots.mtab).unwrap();
        let err = mentions(&tree.roots.mtab, b"rd0").unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ENOENT));
    }
}
