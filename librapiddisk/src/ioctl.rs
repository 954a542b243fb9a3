//! The block-device ioctls the tools use (spec §1.6). The RapidDisk numbers
//! are raw integers, not `_IO`-encoded.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::path::Path;

/// Highest written sector (u64).
pub const RD_GET_STATS: libc::c_ulong = 0x0529;
/// Pages in use (u64).
pub const RD_GET_USAGE: libc::c_ulong = 0x0530;
/// Free all data (argument ignored).
pub const RD_BLKFLSBUF: libc::c_ulong = 0x0531;
/// Set read-only (int).
pub const BLKROSET: libc::c_ulong = 0x125D;
/// Get read-only (int).
pub const BLKROGET: libc::c_ulong = 0x125E;
/// Size in 512-byte sectors (unsigned long).
pub const BLKGETSIZE: libc::c_ulong = 0x1260;

/// Opens a device write-only, as upstream does for every RAM disk ioctl.
pub fn open_wronly(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).open(path)
}

/// Issues `request` with a pointer to `value` (in/out).
fn ioctl_ptr<T>(file: &File, request: libc::c_ulong, value: &mut T) -> io::Result<()> {
    // SAFETY: `value` is a valid, exclusively borrowed T for the call, and
    // every request used with it takes a pointer to that type.
    let rc = unsafe { libc::ioctl(file.as_raw_fd(), request, value as *mut T) };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// `BLKROGET`: whether the device is read-only.
pub fn read_only(file: &File) -> io::Result<bool> {
    let mut ro: libc::c_int = 0;
    ioctl_ptr(file, BLKROGET, &mut ro)?;
    Ok(ro != 0)
}

/// `BLKROSET`: makes the device read-only or read-write.
pub fn set_read_only(file: &File, ro: bool) -> io::Result<()> {
    let mut value = libc::c_int::from(ro);
    ioctl_ptr(file, BLKROSET, &mut value)
}

/// `RD_GET_USAGE`: pages allocated by a RAM disk.
pub fn usage_pages(file: &File) -> io::Result<u64> {
    let mut pages = 0u64;
    ioctl_ptr(file, RD_GET_USAGE, &mut pages)?;
    Ok(pages)
}

/// `RD_GET_STATS`: highest written end sector of a RAM disk.
pub fn max_sector(file: &File) -> io::Result<u64> {
    let mut sectors = 0u64;
    ioctl_ptr(file, RD_GET_STATS, &mut sectors)?;
    Ok(sectors)
}

/// `BLKGETSIZE`: size in 512-byte sectors.
pub fn size_sectors(file: &File) -> io::Result<u64> {
    let mut sectors: libc::c_ulong = 0;
    ioctl_ptr(file, BLKGETSIZE, &mut sectors)?;
    Ok(sectors)
}

/// `RD_BLKFLSBUF`: frees all data of a RAM disk.
pub fn flush(file: &File) -> io::Result<()> {
    // SAFETY: the argument is ignored by the driver; no memory is passed.
    let rc = unsafe { libc::ioctl(file.as_raw_fd(), RD_BLKFLSBUF, 0 as libc::c_ulong) };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ioctls_on_a_regular_file_fail_with_enotty() {
        let file = tempfile::tempfile().unwrap();
        let errno = |r: io::Error| r.raw_os_error();
        assert_eq!(read_only(&file).map_err(errno), Err(Some(libc::ENOTTY)));
        assert_eq!(usage_pages(&file).map_err(errno), Err(Some(libc::ENOTTY)));
        assert_eq!(max_sector(&file).map_err(errno), Err(Some(libc::ENOTTY)));
        assert_eq!(size_sectors(&file).map_err(errno), Err(Some(libc::ENOTTY)));
        assert_eq!(
            set_read_only(&file, true).map_err(errno),
            Err(Some(libc::ENOTTY))
        );
        assert_eq!(flush(&file).map_err(errno), Err(Some(libc::ENOTTY)));
    }
}
