//! The actions of the tools (spec §4.6), as methods of [`System`]: each
//! checks its arguments against what discovery found, in upstream's order
//! and with upstream's messages and return values, then acts.

mod cache;
mod ramdisk;

pub use cache::{query_stats, writeback_missing, Stats};

use crate::discover::{self, Roots};
use crate::error::{Error, Result};
use crate::model::{CacheMapping, RamDisk};
use crate::startup::Modules;
use std::os::unix::ffi::OsStrExt;

/// The outcome of a successful action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    /// The device created or acted on (`rd3`, `rc-wt_sdb`, ...).
    pub device: Vec<u8>,
    /// What the tools print: `Attached device rd3 of size 64 Mbytes.`
    pub message: Vec<u8>,
}

/// The RAM disks and cache mappings of the system, discovered once per
/// run (spec §4.5), and where its kernel interfaces live.
#[derive(Debug, Clone)]
pub struct System {
    pub roots: Roots,
    pub modules: Modules,
    pub disks: Vec<RamDisk>,
    pub mappings: Vec<CacheMapping>,
}

impl System {
    /// Discovers RAM disks and mappings under `roots`. A failure aborts
    /// every action (exit 255).
    pub fn discover(roots: Roots, modules: Modules) -> Result<Self> {
        let disks = discover::ram_disks(&roots)?;
        let mappings = discover::cache_mappings(&roots)?;
        Ok(System {
            roots,
            modules,
            disks,
            mappings,
        })
    }

    /// The RAM disk called exactly `name`.
    pub fn disk(&self, name: &[u8]) -> Option<&RamDisk> {
        self.disks.iter().find(|d| d.name.as_bytes() == name)
    }

    /// What `-l` lists: the RAM disks and mappings, or `Unable to locate
    /// any RapidDisk devices.` (-ENOENT) when there is no RAM disk.
    pub fn list(&self) -> Result<(&[RamDisk], &[CacheMapping])> {
        if self.disks.is_empty() {
            return Err(no_devices(-libc::ENOENT));
        }
        Ok((&self.disks, &self.mappings))
    }

    /// The mapping called exactly `name`.
    pub fn mapping(&self, name: &[u8]) -> Option<&CacheMapping> {
        self.mappings.iter().find(|m| m.device.as_bytes() == name)
    }

    /// The first mapping that uses RAM disk `rd` as its cache.
    fn mapping_with_cache(&self, rd: &[u8]) -> Option<&CacheMapping> {
        self.mappings.iter().find(|m| m.cache.as_bytes() == rd)
    }

    /// Whether `device` (a `/dev/...` path) is mounted; `func` names the
    /// upstream function in the message of an unreadable mtab, `code` is
    /// that failure's return value.
    fn mounted(&self, func: &str, code: i32, device: &[u8]) -> Result<bool> {
        crate::mtab::mounted(&self.roots.mtab, device).map_err(|e| {
            let err = crate::error::strerror(&e);
            // cache_device_map swaps path and error (spec §4.6.5)
            let msg = if func == "cache_device_map" {
                format!("{func}: fopen: {}, {err}", self.roots.mtab.display())
            } else {
                format!("{func}: fopen: {}: {err}", self.roots.mtab.display())
            };
            Error::new(code, msg)
        })
    }
}

/// Concatenates message parts; names stay raw bytes.
fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// `Error. Device {name} does not exist.`
fn no_such_device(code: i32, name: &[u8]) -> Error {
    Error::new(code, cat(&[b"Error. Device ", name, b" does not exist."]))
}

/// `{name} is currently mounted. Please "umount" and retry.`
fn is_mounted(code: i32, name: &[u8]) -> Error {
    let tail = b" is currently mounted. Please \"umount\" and retry.";
    Error::new(code, cat(&[name, tail]))
}

/// `Unable to locate any RapidDisk devices.`
fn no_devices(code: i32) -> Error {
    Error::new(code, "Unable to locate any RapidDisk devices.")
}

/// `Error. Unable to remove {rd}. This RapidDisk device is currently mapped
/// as a cache drive to {mapping}.`
fn mapped_cache(code: i32, rd: &[u8], mapping: &CacheMapping) -> Error {
    let msg = cat(&[
        b"Error. Unable to remove ",
        rd,
        b". This RapidDisk device is currently mapped as a cache drive to ",
        mapping.device.as_bytes(),
        b".",
    ]);
    Error::new(code, msg)
}

/// `/dev/{name}`.
fn dev_path(name: &[u8]) -> Vec<u8> {
    cat(&[b"/dev/", name])
}

#[cfg(test)]
mod tests;
