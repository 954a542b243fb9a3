//! Fake /sys, /dev and /etc/mtab trees for host tests.

use crate::Roots;
use std::ffi::OsString;
use std::fs;
use std::path::Path;

pub struct Tree {
    _dir: tempfile::TempDir,
    pub roots: Roots,
}

impl Tree {
    /// Empty `sys/block`, `dev/mapper` and `etc/mtab`.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let roots = Roots::under(dir.path());
        fs::create_dir_all(roots.sys_block()).unwrap();
        fs::create_dir_all(roots.dev.join("mapper")).unwrap();
        Tree { _dir: dir, roots }.file("etc/mtab", b"")
    }

    /// Writes a file under the root, creating its parents.
    pub fn file(self, rel: &str, contents: &[u8]) -> Self {
        let path = self.roots.sys.parent().unwrap().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
        self
    }

    /// A block device in `sys/block` with `size` in sectors.
    pub fn block(self, name: &str, sectors: u64) -> Self {
        self.file(
            &format!("sys/block/{name}/size"),
            format!("{sectors}\n").as_bytes(),
        )
    }

    /// A mapping: `dev/mapper/<name>` -> `../<dm>`, and `sys/block/<dm>`
    /// with the given slaves.
    pub fn mapping(self, name: &str, dm: &str, slaves: &[&str]) -> Self {
        let mapper = self.roots.dev.join("mapper").join(name);
        std::os::unix::fs::symlink(format!("../{dm}"), mapper).unwrap();
        let dir = self.roots.sys_block().join(dm).join("slaves");
        fs::create_dir_all(&dir).unwrap();
        for slave in slaves {
            fs::create_dir(dir.join(slave)).unwrap();
        }
        self
    }

    /// A system with `disks` (64 MiB each, in this order) and `maps`
    /// (name, cache, source) over the tree, which gets a mgmt file.
    pub fn system(&self, disks: &[&str], maps: &[(&str, &str, &str)]) -> crate::ops::System {
        use crate::model::{CacheMapping, LockStatus, RamDisk};
        let mgmt = self.roots.mgmt();
        fs::create_dir_all(mgmt.parent().unwrap()).unwrap();
        fs::write(&mgmt, b"").unwrap();
        crate::ops::System {
            roots: self.roots.clone(),
            modules: crate::startup::Modules { writeback: true },
            disks: disks
                .iter()
                .map(|n| RamDisk {
                    name: n.into(),
                    size: 64 << 20,
                    usage: 0,
                    lock: LockStatus::Unlocked,
                })
                .collect(),
            mappings: maps
                .iter()
                .map(|(d, c, s)| CacheMapping {
                    device: d.into(),
                    cache: c.into(),
                    source: s.into(),
                    writeback: None,
                })
                .collect(),
        }
    }

    /// Runs `rapiddisk ARGS` on the tree as user `euid`: the exit code,
    /// stdout and stderr.
    pub fn run_cli(&self, euid: u32, args: &[&str]) -> (u8, Vec<u8>, Vec<u8>) {
        let argv: Vec<Vec<u8>> = std::iter::once("rapiddisk")
            .chain(args.iter().copied())
            .map(|a| a.as_bytes().to_vec())
            .collect();
        let env = crate::cli::Env {
            roots: self.roots.clone(),
            euid,
            posixly_correct: false,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = crate::cli::run(&argv, &env, &mut out, &mut err);
        (code, out, err)
    }

    /// The raw directory order of `dir`, which discovery must keep.
    pub fn raw_order(dir: &Path, prefix: &str) -> Vec<OsString> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().starts_with(prefix))
            .collect()
    }
}
