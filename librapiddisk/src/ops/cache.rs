//! Cache mapping actions: map, unmap and statistics (spec §3, §4.6.5,
//! 4.6.6, 4.6.8).

use super::{cat, dev_path, is_mounted, no_such_device, Done, System};
use crate::error::{Error, Result};
use crate::json::render;
use crate::model::CacheMode;
use crate::stats::{CacheStats, WritecacheStats};
use crate::table::{mapping_name, Target};
use crate::tunables::WritebackOptions;
use crate::{dm, ioctl};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

/// The statistics of a mapping, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stats {
    Cache(CacheStats),
    Writeback(WritecacheStats),
    /// The device-mapper status query failed.
    Unavailable,
}

impl Stats {
    /// The `-s` text line; `None` when the numbers could not be read.
    pub fn text(&self) -> Option<Vec<u8>> {
        match self {
            Stats::Cache(s) => Some(s.text()),
            Stats::Writeback(s) => Some(s.text()),
            Stats::Unavailable => None,
        }
    }

    /// The `-j -s` document of mapping `device` (without the newline).
    pub fn json(&self, device: &[u8]) -> Vec<u8> {
        match self {
            Stats::Cache(s) => render::cache_stats(device, s),
            Stats::Writeback(s) => render::writecache_stats(device, s),
            Stats::Unavailable => render::no_stats(),
        }
    }
}

/// Writeback mappings are recognised by a substring, as upstream does.
fn is_writeback(name: &[u8]) -> bool {
    name.windows(5).any(|w| w == b"rc-wb")
}

/// The message of a mapping that does not exist.
fn no_such_target(code: i32, name: &[u8]) -> Error {
    Error::new(
        code,
        cat(&[b"Error. Cache target ", name, b" does not exist."]),
    )
}

impl System {
    /// Maps `source` behind RAM disk `rd` in `mode`; the new mapping is
    /// `rc-wt_<basename>`, `rc-wa_<basename>` or `rc-wb_<basename>`.
    pub fn map(&self, rd: &[u8], source: &[u8], mode: CacheMode) -> Result<Done> {
        self.map_tuned(rd, source, mode, &WritebackOptions::default())
    }

    /// `map` with the tunables of a writeback mapping (ignored otherwise).
    pub fn map_tuned(
        &self,
        rd: &[u8],
        source: &[u8],
        mode: CacheMode,
        tunables: &WritebackOptions,
    ) -> Result<Done> {
        if mode == CacheMode::Writeback && !self.modules.writeback {
            return Err(writeback_missing());
        }
        self.map_as(rd, source, mode, tunables, None)
    }

    /// `map` without the dm-writecache check, as the daemon maps (the
    /// kernel loads dm-writecache itself when a table needs it).
    pub fn map_ungated(&self, rd: &[u8], source: &[u8], mode: CacheMode) -> Result<Done> {
        self.map_as(rd, source, mode, &WritebackOptions::default(), None)
    }

    /// The map without the dm-writecache check; `name` replaces the name
    /// derived from the source (a restore recreates saved names).
    pub fn map_as(
        &self,
        rd: &[u8],
        source: &[u8],
        mode: CacheMode,
        tunables: &WritebackOptions,
        name: Option<&str>,
    ) -> Result<Done> {
        const FUNC: &str = "cache_device_map";
        if rd.is_empty() || source.is_empty() {
            return Err(Error::invalid_args());
        }
        if mode == CacheMode::Writeback {
            tunables
                .validate()
                .map_err(|msg| Error::new(-libc::EINVAL, msg))?;
        }
        if self.disk(rd).is_none() {
            return Err(no_such_device(-libc::ENOENT, rd));
        }
        if !source.starts_with(b"/dev/") {
            let msg = "Error. Source device does not seem to be a normal block device listed in the /dev directory path.";
            return Err(Error::new(-1, msg));
        }
        let in_use = self
            .mappings
            .iter()
            .find(|m| m.cache.as_bytes() == rd || m.source.as_bytes() == &source[5..]);
        if let Some(m) = in_use {
            let head = b"Error. At least one of your cache/source devices is currently mapped to ";
            return Err(Error::new(-1, cat(&[head, m.device.as_bytes(), b"."])));
        }
        if self.mounted(FUNC, -1, &dev_path(rd))? {
            return Err(is_mounted(-1, rd));
        }
        if self.mounted(FUNC, -1, source)? {
            return Err(is_mounted(-1, source));
        }
        let sectors = |path: &OsStr| {
            let file = std::fs::File::open(path)
                .map_err(|e| Error::os(-libc::ENOENT, FUNC, "open", &e))?;
            ioctl::size_sectors(&file).map_err(|e| Error::os(-libc::EIO, FUNC, "ioctl", &e))
        };
        let src_sectors = sectors(OsStr::from_bytes(source))?;
        let rd_sectors = sectors(self.roots.dev.join(OsStr::from_bytes(rd)).as_os_str())?;
        let create_failed = || {
            let msg = "Error. Unable to create map. Please verify all input values are correct.";
            Error::new(-1, msg)
        };
        // device-mapper names and tables are text; other bytes cannot map
        let (Ok(source_str), Ok(rd_str)) = (std::str::from_utf8(source), std::str::from_utf8(rd))
        else {
            return Err(create_failed());
        };
        let name = name.map_or_else(|| mapping_name(mode, source_str), str::to_string);
        let mut target = Target::new(mode, source_str, src_sectors, rd_str, rd_sectors);
        if mode == CacheMode::Writeback {
            target.tune(tunables);
        }
        dm::create(&name, &target).map_err(|_| create_failed())?;
        let message =
            format!("Command to map {name} with {rd_str} and {source_str} has been sent.");
        Ok(Done {
            device: name.into_bytes(),
            message: message.into_bytes(),
        })
    }

    /// Removes mapping `name`; a writeback mapping writes its dirty blocks
    /// back first.
    pub fn unmap(&self, name: &[u8]) -> Result<Done> {
        if self.mapping(name).is_none() {
            return Err(no_such_target(-libc::ENOENT, name));
        }
        let node = cat(&[b"/dev/mapper/", name]);
        if self.mounted("cache_device_unmap", -libc::ENOENT, &node)? {
            return Err(is_mounted(-libc::EBUSY, name));
        }
        let dm_name = std::str::from_utf8(name).unwrap_or("");
        if is_writeback(name) && dm::message(dm_name, "flush").is_err() {
            // upstream returns 1 here (quirk 29)
            let msg = cat(&[b"Unable to flush dirty cache data to ", name, b"."]);
            return Err(Error::new(1, msg));
        }
        dm::remove(dm_name).map_err(|_| {
            let msg = cat(&[
                b"Error. Unable to unmap ",
                name,
                b". Please check to make sure nothing is wrong.",
            ]);
            Error::new(-1, msg)
        })?;
        Ok(Done {
            device: name.to_vec(),
            message: cat(&[b"Command to unmap ", name, b" has been sent."]),
        })
    }

    /// The statistics of mapping `name`. `json` selects the not-found
    /// return value, which upstream gives differently per format (quirk 26).
    pub fn stats(&self, name: &[u8], json: bool) -> Result<Stats> {
        if name.is_empty() {
            return Err(Error::invalid_args());
        }
        if self.mappings.is_empty() {
            return Err(Error::new(-1, "No RapidDisk-Cache Mappings exist."));
        }
        if self.mapping(name).is_none() {
            return Err(no_such_target(if json { -1 } else { -libc::ENOENT }, name));
        }
        Ok(query_stats(name))
    }
}

/// The statistics of device-mapper device `name`, whether or not discovery
/// knows it (the daemon asks for any name); the kind follows the name.
pub fn query_stats(name: &[u8]) -> Stats {
    let params = std::str::from_utf8(name).ok().and_then(dm::status);
    match params {
        None => Stats::Unavailable,
        Some(p) if is_writeback(name) => Stats::Writeback(WritecacheStats::parse(&p)),
        Some(p) => Stats::Cache(CacheStats::parse(&p)),
    }
}

/// `-p wb` without dm-writecache (spec §4.5 step 0).
pub fn writeback_missing() -> Error {
    Error::new(
        -1,
        "Please ensure that the dm-writecache module is loaded and retry.",
    )
}
