//! The changes made to the nvmet configfs tree, behind one trait so host
//! tests can run the operations on a fixture that behaves like configfs
//! (attribute files appear with their directory and go with it).

use std::fs::{self, DirBuilder, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::DirBuilderExt;
use std::path::Path;

/// The five changes an operation makes; reads use `std::fs` directly.
pub trait ConfigFs {
    fn mkdir(&self, dir: &Path) -> io::Result<()>;
    fn rmdir(&self, dir: &Path) -> io::Result<()>;
    fn symlink(&self, target: &Path, link: &Path) -> io::Result<()>;
    fn unlink(&self, link: &Path) -> io::Result<()>;
    /// Writes `value` with one open/write/close; the error says which of
    /// the three failed, because configfs refuses a value on write or close.
    fn write(&self, file: &Path, value: &[u8]) -> Result<(), WriteError>;
}

/// Where an attribute write failed.
#[derive(Debug)]
pub enum WriteError {
    Open(io::Error),
    Write(io::Error),
}

/// The kernel's configfs.
pub struct KernelFs;

impl ConfigFs for KernelFs {
    fn mkdir(&self, dir: &Path) -> io::Result<()> {
        DirBuilder::new().mode(0o755).create(dir)
    }

    fn rmdir(&self, dir: &Path) -> io::Result<()> {
        fs::remove_dir(dir)
    }

    fn symlink(&self, target: &Path, link: &Path) -> io::Result<()> {
        std::os::unix::fs::symlink(target, link)
    }

    fn unlink(&self, link: &Path) -> io::Result<()> {
        fs::remove_file(link)
    }

    fn write(&self, file: &Path, value: &[u8]) -> Result<(), WriteError> {
        let mut f = OpenOptions::new()
            .write(true)
            .open(file)
            .map_err(WriteError::Open)?;
        // one write call: a configfs store sees the whole value at once
        let n = f.write(value).map_err(WriteError::Write)?;
        if n != value.len() {
            return Err(WriteError::Write(io::Error::from_raw_os_error(libc::EIO)));
        }
        close_checked(f).map_err(WriteError::Write)
    }
}

/// Closes `f` and reports the error of close(2), which `File`'s drop
/// ignores.
fn close_checked(f: fs::File) -> io::Result<()> {
    use std::os::fd::IntoRawFd;
    let fd = f.into_raw_fd();
    // SAFETY: `fd` was just released by the File and is closed once here.
    if unsafe { libc::close(fd) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
