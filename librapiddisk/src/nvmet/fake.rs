//! A configfs stand-in for host tests: a directory tree where `mkdir`
//! makes the attribute files and default groups the kernel would, `rmdir`
//! takes them away (and refuses while links or namespaces remain), and
//! writes follow the kernel's rules that the operations depend on. Any
//! one change can be made to fail, to test the rollback of every step.

use super::fs::{ConfigFs, WriteError};
use super::network::Network;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

pub struct FakeFs {
    /// With `dhchap_*` attributes in host directories.
    pub auth: bool,
    /// The index of the change that fails with EIO (0 is the first).
    pub fail_at: Cell<Option<usize>>,
    pub changes: Cell<usize>,
}

impl FakeFs {
    pub fn new(auth: bool) -> Self {
        FakeFs {
            auth,
            fail_at: Cell::new(None),
            changes: Cell::new(0),
        }
    }

    /// Counts a change; the chosen one fails.
    fn change(&self) -> io::Result<()> {
        let n = self.changes.get();
        self.changes.set(n + 1);
        if self.fail_at.get() == Some(n) {
            return Err(io::Error::from_raw_os_error(libc::EIO));
        }
        Ok(())
    }
}

fn parent_name(path: &Path) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    path.parent()
        .and_then(Path::file_name)
        .map_or(&b""[..], |n| n.as_bytes())
}

fn err(code: i32) -> io::Error {
    io::Error::from_raw_os_error(code)
}

fn read(file: &Path) -> String {
    fs::read_to_string(file)
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

/// Whether `dir` holds a link, or a directory only a user makes (a
/// namespace), anywhere below it.
fn pinned(dir: &Path) -> bool {
    let user_made_children = dir.file_name().is_some_and(|n| n == "namespaces");
    fs::read_dir(dir).into_iter().flatten().flatten().any(|e| {
        let kind = e.file_type().unwrap();
        kind.is_symlink() || (kind.is_dir() && (user_made_children || pinned(&e.path())))
    })
}

impl ConfigFs for FakeFs {
    fn mkdir(&self, dir: &Path) -> io::Result<()> {
        self.change()?;
        let (files, groups): (Vec<(&str, &str)>, Vec<&str>) = match parent_name(dir) {
            b"ports" => (
                vec![
                    ("addr_trtype", ""),
                    ("addr_adrfam", ""),
                    ("addr_traddr", ""),
                    ("addr_trsvcid", ""),
                ],
                vec!["subsystems", "referrals"],
            ),
            b"subsystems" => (
                vec![("attr_allow_any_host", "0"), ("attr_model", "Linux")],
                vec!["allowed_hosts", "namespaces"],
            ),
            b"namespaces" => (
                vec![
                    ("device_path", ""),
                    ("enable", "0"),
                    ("revalidate_size", ""),
                ],
                vec![],
            ),
            b"hosts" if self.auth => (
                vec![
                    ("dhchap_key", ""),
                    ("dhchap_ctrl_key", ""),
                    ("dhchap_hash", "hmac(sha256)"),
                    ("dhchap_dhgroup", "null"),
                ],
                vec![],
            ),
            b"hosts" => (vec![], vec![]),
            _ => return Err(err(libc::EPERM)),
        };
        fs::create_dir(dir)?;
        for (name, value) in files {
            fs::write(dir.join(name), format!("{value}\n"))?;
        }
        for group in groups {
            fs::create_dir(dir.join(group))?;
        }
        Ok(())
    }

    fn rmdir(&self, dir: &Path) -> io::Result<()> {
        self.change()?;
        if !dir.is_dir() {
            return Err(err(libc::ENOENT));
        }
        if pinned(dir) {
            return Err(err(libc::ENOTEMPTY));
        }
        fs::remove_dir_all(dir)
    }

    fn symlink(&self, target: &Path, link: &Path) -> io::Result<()> {
        self.change()?;
        if !target.is_dir() {
            return Err(err(libc::ENOENT));
        }
        match parent_name(link) {
            b"allowed_hosts" => {
                let subsys = link.parent().unwrap().parent().unwrap();
                if read(&subsys.join("attr_allow_any_host")) == "1" {
                    return Err(err(libc::EINVAL));
                }
            }
            b"subsystems" => {
                let port = link.parent().unwrap().parent().unwrap();
                if read(&port.join("addr_trtype")).is_empty() {
                    return Err(err(libc::EINVAL));
                }
            }
            _ => return Err(err(libc::EPERM)),
        }
        std::os::unix::fs::symlink(target, link)
    }

    fn unlink(&self, link: &Path) -> io::Result<()> {
        self.change()?;
        if !link.symlink_metadata()?.file_type().is_symlink() {
            return Err(err(libc::EPERM));
        }
        fs::remove_file(link)
    }

    fn write(&self, file: &Path, value: &[u8]) -> Result<(), WriteError> {
        self.change().map_err(WriteError::Write)?;
        if !file.is_file() {
            return Err(WriteError::Open(err(libc::ENOENT)));
        }
        let dir = file.parent().unwrap();
        let refused = match file.file_name().and_then(|n| n.to_str()) {
            Some("device_path") => read(&dir.join("enable")) == "1",
            Some("enable") => value == b"1" && read(&dir.join("device_path")).is_empty(),
            Some("attr_allow_any_host") => {
                value == b"1"
                    && fs::read_dir(dir.join("allowed_hosts"))
                        .unwrap()
                        .next()
                        .is_some()
            }
            Some("revalidate_size") => return Ok(()),
            _ => false,
        };
        if refused {
            return Err(WriteError::Write(err(libc::EINVAL)));
        }
        fs::write(file, [value, b"\n"].concat()).map_err(WriteError::Write)
    }
}

/// A machine with a host name and interfaces.
pub struct FakeNet {
    pub hostname: io::Result<Vec<u8>>,
    pub interfaces: Vec<(&'static str, Vec<IpAddr>)>,
}

impl Network for FakeNet {
    fn hostname(&self) -> io::Result<Vec<u8>> {
        match &self.hostname {
            Ok(h) => Ok(h.clone()),
            Err(e) => Err(err(e.raw_os_error().unwrap_or(libc::EIO))),
        }
    }

    fn addresses(&self, name: &[u8]) -> io::Result<Vec<IpAddr>> {
        Ok(self
            .interfaces
            .iter()
            .filter(|(n, _)| n.as_bytes() == name)
            .flat_map(|(_, a)| a.clone())
            .collect())
    }
}

/// Every entry under `root`: files with their contents, links with their
/// targets, directories as such; to compare a tree before and after.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, String> {
    let mut all = BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            let path = e.path();
            let kind = e.file_type().unwrap();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            let what = if kind.is_symlink() {
                format!("-> {}", fs::read_link(&path).unwrap().display())
            } else if kind.is_dir() {
                todo.push(path);
                "dir".into()
            } else {
                fs::read_to_string(&path).unwrap()
            };
            all.insert(rel, what);
        }
    }
    all
}

/// The tests keep a handle on the fake to pick the failing change.
impl<T: ConfigFs + ?Sized> ConfigFs for std::rc::Rc<T> {
    fn mkdir(&self, dir: &Path) -> io::Result<()> {
        (**self).mkdir(dir)
    }
    fn rmdir(&self, dir: &Path) -> io::Result<()> {
        (**self).rmdir(dir)
    }
    fn symlink(&self, target: &Path, link: &Path) -> io::Result<()> {
        (**self).symlink(target, link)
    }
    fn unlink(&self, link: &Path) -> io::Result<()> {
        (**self).unlink(link)
    }
    fn write(&self, file: &Path, value: &[u8]) -> Result<(), WriteError> {
        (**self).write(file, value)
    }
}
