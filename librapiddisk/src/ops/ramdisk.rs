//! RAM disk actions: attach, detach, resize, flush, lock/unlock (spec
//! §4.6.1, 4.6.3, 4.6.7, 4.6.9, 4.6.11).

use super::{cat, dev_path, is_mounted, mapped_cache, no_devices, no_such_device, Done, System};
use crate::error::{Error, Result};
use crate::{ioctl, mgmt, size};
use std::ffi::OsStr;
use std::fs::File;
use std::os::unix::ffi::OsStrExt;

const MIB: u64 = 1024 * 1024;

/// The number upstream picks for a new disk (quirk 20, kept so new disks
/// get the same names): with `n` disks, the highest `k <= n` such that
/// `rd<k>` is not a substring of the names joined with commas. Where that
/// finds nothing (upstream then writes `attach -1`), the lowest unused
/// number is taken instead.
pub fn attach_index<'a>(names: impl Iterator<Item = &'a [u8]> + Clone) -> u64 {
    let joined: Vec<u8> = names.clone().flat_map(|n| [b",", n].concat()).collect();
    let count = names.clone().count() as u64;
    let contains = |k: u64| {
        let needle = format!("rd{k}");
        joined.windows(needle.len()).any(|w| w == needle.as_bytes())
    };
    (0..=count)
        .rev()
        .find(|&k| !contains(k))
        .unwrap_or_else(|| {
            let taken = |k: u64| names.clone().any(|n| n == format!("rd{k}").as_bytes());
            (0..).find(|&k| !taken(k)).expect("a free number exists")
        })
}

/// The number of a RAM disk name: what follows `rd`.
fn number(rd: &[u8]) -> &OsStr {
    OsStr::from_bytes(rd.get(2..).unwrap_or_default())
}

impl System {
    /// Creates the next RAM disk, `size` being a size argument (`64`,
    /// `1GB`, ...).
    pub fn attach(&self, size: &[u8]) -> Result<Done> {
        self.attach_mib(size::parse_size(size)?)
    }

    /// Creates the next RAM disk of `mib` MiB (the daemon's unit; it does
    /// not refuse 0, the kernel does).
    pub fn attach_mib(&self, mib: u64) -> Result<Done> {
        let bytes = mib.checked_mul(MIB).ok_or_else(Error::invalid_args)?;
        let k = attach_index(self.disks.iter().map(|d| d.name.as_bytes()));
        let command = format!("rapiddisk attach {k} {bytes}");
        mgmt::send(&self.roots, "mem_device_attach", &command)?;
        Ok(Done {
            device: format!("rd{k}").into_bytes(),
            message: format!("Attached device rd{k} of size {mib} Mbytes.").into_bytes(),
        })
    }

    /// Removes RAM disk `rd` unless it is a cache or mounted.
    pub fn detach(&self, rd: &[u8]) -> Result<Done> {
        if self.disks.is_empty() {
            return Err(no_devices(-libc::EINVAL));
        }
        if rd.is_empty() {
            return Err(Error::invalid_args());
        }
        self.detach_known(rd)
    }

    /// Detach without the "no RAM disks" pre-check (the daemon's order:
    /// with no disks at all the answer is that `rd` does not exist).
    pub fn detach_known(&self, rd: &[u8]) -> Result<Done> {
        if self.disk(rd).is_none() {
            return Err(no_such_device(-1, rd));
        }
        if let Some(m) = self.mapping_with_cache(rd) {
            return Err(mapped_cache(-1, rd, m));
        }
        if self.mounted("mem_device_detach", -libc::ENOENT, &dev_path(rd))? {
            return Err(is_mounted(-1, rd));
        }
        let command = format!("rapiddisk detach {}", number(rd).to_string_lossy());
        mgmt::send(&self.roots, "mem_device_detach", &command)?;
        Ok(done(rd, &[b"Detached device ", rd, b"."]))
    }

    /// Sets the size of `rd` to the size argument `size` (`-c`), which
    /// must differ from the current size and exceed the highest sector
    /// written so far.
    pub fn resize(&self, rd: &[u8], size: &[u8]) -> Result<Done> {
        if self.disks.is_empty() {
            return Err(no_devices(-libc::EINVAL));
        }
        let mib = size::size_mib(size)?;
        if mib == 0 || rd.is_empty() {
            return Err(Error::invalid_args());
        }
        self.resize_mib(rd, mib)
    }

    /// Resize to `mib` MiB from the device check on (spec §4.6.7 steps
    /// 3-7), which is where the daemon joins the command.
    pub fn resize_mib(&self, rd: &[u8], mib: u64) -> Result<Done> {
        const FUNC: &str = "mem_device_resize";
        let disk = self
            .disk(rd)
            .ok_or_else(|| no_such_device(-libc::ENOENT, rd))?;
        let file = self.open_disk(FUNC, rd)?;
        let max = ioctl::max_sector(&file).map_err(|e| Error::os(-libc::EIO, FUNC, "ioctl", &e))?;
        let floor = max.saturating_mul(512) / MIB;
        if mib.wrapping_mul(1024) == disk.size / 1024 {
            let current = disk.size / MIB;
            let msg = format!(
                "Error. Size is currently set to {current} Mbytes. Please specify a size larger than {floor} Mbytes."
            );
            return Err(Error::new(-libc::EINVAL, msg));
        }
        if mib.saturating_mul(2048) <= max {
            let msg = format!("Error. Please specify a size larger than {floor} Mbytes.");
            return Err(Error::new(-libc::EINVAL, msg));
        }
        let bytes = mib.checked_mul(MIB).ok_or_else(Error::invalid_args)?;
        let command = format!("rapiddisk resize {} {bytes}", number(rd).to_string_lossy());
        mgmt::send(&self.roots, FUNC, &command)?;
        let mib = mib.to_string();
        Ok(done(
            rd,
            &[b"Resized device ", rd, b" to ", mib.as_bytes(), b" Mbytes."],
        ))
    }

    /// Frees all data of `rd` (it reads as zeroes afterwards).
    pub fn flush(&self, rd: &[u8]) -> Result<Done> {
        const FUNC: &str = "mem_device_flush";
        if self.disk(rd).is_none() {
            return Err(no_such_device(-libc::ENOENT, rd));
        }
        if let Some(m) = self.mapping_with_cache(rd) {
            return Err(mapped_cache(-libc::EBUSY, rd, m));
        }
        if self.mounted(FUNC, -libc::ENOENT, &dev_path(rd))? {
            return Err(is_mounted(-libc::EBUSY, rd));
        }
        let file = self.open_disk(FUNC, rd)?;
        ioctl::flush(&file).map_err(|e| Error::os(-libc::EIO, FUNC, "ioctl", &e))?;
        Ok(done(rd, &[b"Flushed all data from device ", rd, b"."]))
    }

    /// Makes `rd` read-only (`lock`) or read-write.
    pub fn set_locked(&self, rd: &[u8], lock: bool) -> Result<Done> {
        const FUNC: &str = "mem_device_lock";
        if rd.is_empty() {
            return Err(Error::invalid_args());
        }
        if self.disk(rd).is_none() {
            return Err(no_such_device(-libc::ENOENT, rd));
        }
        let file = self.open_disk(FUNC, rd)?;
        ioctl::set_read_only(&file, lock).map_err(|e| Error::os(-libc::EIO, FUNC, "ioctl", &e))?;
        let state: &[u8] = if lock { b"read-only" } else { b"read-write" };
        Ok(done(rd, &[b"Device ", rd, b" is now set to ", state]))
    }

    /// Opens `/dev/<rd>` for the RAM disk ioctls.
    fn open_disk(&self, func: &str, rd: &[u8]) -> Result<File> {
        ioctl::open_wronly(&self.roots.dev.join(OsStr::from_bytes(rd)))
            .map_err(|e| Error::os(-libc::ENOENT, func, "open", &e))
    }
}

fn done(device: &[u8], message: &[&[u8]]) -> Done {
    Done {
        device: device.to_vec(),
        message: cat(message),
    }
}
