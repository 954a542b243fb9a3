//! System resources for `-q` (spec §4.6.10): memory and the block devices
//! worth caching.

use crate::discover::{block_size_bytes, list, read_info, Roots};
use crate::error::{Error, Result};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Memory as `sysinfo(2)` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    pub total: u64,
    pub free: u64,
}

/// A block device of `/sys/block`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub device: OsString,
    /// Size in bytes.
    pub size: u64,
    /// First word of `device/vendor`, or `UNAVAILABLE`. Bytes, because the
    /// file may hold anything (JSON omits a non-UTF-8 value, quirk 40).
    pub vendor: Vec<u8>,
    /// First word of `device/model`, or `UNAVAILABLE`.
    pub model: Vec<u8>,
}

/// Everything `-q` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resources {
    pub memory: Memory,
    pub volumes: Vec<Volume>,
}

/// Total and free memory. Like upstream, the counts are taken without
/// multiplying by `mem_unit` (which is 1 on 64-bit Linux anyway).
pub fn memory() -> Result<Memory> {
    // SAFETY: sysinfo fills the zeroed struct we pass.
    let mut info: libc::sysinfo = unsafe { std::mem::zeroed() };
    if unsafe { libc::sysinfo(&mut info) } != 0 {
        return Err(Error::new(
            -libc::EIO,
            "Error. Unable to retrieve memory usage data.",
        ));
    }
    Ok(Memory {
        total: info.totalram,
        free: info.freeram,
    })
}

/// Whether `-q` lists a device: `sd*`, `nvme*` and `pmem*` only.
fn listed(name: &[u8]) -> bool {
    [&b"sd"[..], b"nvme", b"pmem"]
        .iter()
        .any(|p| name.starts_with(p))
}

/// `device/model` or `device/vendor`: cut at the first space or newline
/// (`VBOX HARDDISK` -> `VBOX`), or `UNAVAILABLE` when the file is missing.
fn first_word(path: &Path) -> Result<Vec<u8>> {
    if !path.exists() {
        return Ok(b"UNAVAILABLE".to_vec());
    }
    let mut text = read_info(path)?;
    if let Some(end) = text.iter().position(|&b| b == b' ' || b == b'\n') {
        text.truncate(end);
    }
    Ok(text)
}

/// The listed block devices of `/sys/block`, in raw directory order.
pub fn volumes(roots: &Roots) -> Result<Vec<Volume>> {
    let names = list(&roots.sys_block(), b"")
        .map_err(|e| Error::os(-1, "search_volumes_targets", "scandir", &e))?;
    names
        .into_iter()
        .filter(|n| listed(n.as_bytes()))
        .map(|device| {
            let dir = roots.sys_block().join(&device).join("device");
            Ok(Volume {
                size: block_size_bytes(roots, &device)?,
                model: first_word(&dir.join("model"))?,
                vendor: first_word(&dir.join("vendor"))?,
                device,
            })
        })
        .collect()
}

/// Memory and volumes together.
pub fn resources(roots: &Roots) -> Result<Resources> {
    Ok(Resources {
        memory: memory()?,
        volumes: volumes(roots)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Tree;

    fn appendix_tree() -> Tree {
        Tree::new()
            .block("nvme0n1", 2048)
            .file("sys/block/nvme0n1/device/model", b"Samsung SSD 970 EVO\n")
            .block("sda", 52428800)
            .file("sys/block/sda/device/model", b"VBOX HARDDISK   \n")
            .file("sys/block/sda/device/vendor", b"ATA     \n")
            .block("vda", 8)
            .block("rd0", 8)
            .block("dm-0", 8)
            .block("pmem0", 4096)
    }

    #[test]
    fn volumes_filtered_in_raw_order_with_first_words() {
        let tree = appendix_tree();
        let vols = volumes(&tree.roots).unwrap();
        let names: Vec<_> = vols.iter().map(|v| v.device.clone()).collect();
        let want: Vec<_> = Tree::raw_order(&tree.roots.sys_block(), "")
            .into_iter()
            .filter(|n| listed(n.as_bytes()))
            .collect();
        assert_eq!(names, want);
        assert_eq!(names.len(), 3);
        let sda = vols.iter().find(|v| v.device == "sda").unwrap();
        assert_eq!(
            (sda.size, &sda.vendor[..], &sda.model[..]),
            (26843545600, &b"ATA"[..], &b"VBOX"[..])
        );
        let nvme = vols.iter().find(|v| v.device == "nvme0n1").unwrap();
        assert_eq!(
            (nvme.size, &nvme.vendor[..], &nvme.model[..]),
            (1048576, &b"UNAVAILABLE"[..], &b"Samsung"[..])
        );
        let pmem = vols.iter().find(|v| v.device == "pmem0").unwrap();
        assert_eq!(pmem.model, b"UNAVAILABLE");
    }

    #[test]
    fn filter_keeps_sd_nvme_pmem_only() {
        for name in ["sda", "sdb1", "nvme0n1", "pmem0"] {
            assert!(listed(name.as_bytes()), "{name}");
        }
        for name in ["vda", "xvda", "mmcblk0", "dm-0", "rd0", "loop0", "s"] {
            assert!(!listed(name.as_bytes()), "{name}");
        }
    }

    #[test]
    fn model_without_newline_loses_its_last_byte() {
        // read_info drops the last byte whatever it is
        let tree = Tree::new()
            .block("sda", 8)
            .file("sys/block/sda/device/model", b"QEMU");
        assert_eq!(volumes(&tree.roots).unwrap()[0].model, b"QEM");
    }

    #[test]
    fn model_that_is_a_directory_is_fatal_read_info_error() {
        let tree = Tree::new().block("sda", 8);
        let model = tree.roots.sys_block().join("sda/device/model");
        std::fs::create_dir_all(&model).unwrap();
        let err = volumes(&tree.roots).unwrap_err();
        assert!(err
            .message()
            .starts_with(b"read_info: fopen: Is a directory, "));
        assert_eq!(err.exit_status(), 255);
    }

    #[test]
    fn missing_sys_block_is_scandir_error() {
        let tree = Tree::new();
        std::fs::remove_dir_all(tree.roots.sys_block()).unwrap();
        let err = volumes(&tree.roots).unwrap_err();
        assert_eq!(
            err.message(),
            b"search_volumes_targets: scandir: No such file or directory"
        );
    }

    #[test]
    fn memory_of_this_machine_is_plausible() {
        let mem = memory().unwrap();
        assert!(mem.total > 0);
        assert!(mem.free <= mem.total);
        assert_eq!(resources(&appendix_tree().roots).unwrap().volumes.len(), 3);
    }
}
