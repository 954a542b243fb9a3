//! What discovery finds: RAM disks and cache mappings (spec §4.5).

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// Usage value when `/dev/rdN` cannot be opened: upstream's `(u64)-2`.
pub const USAGE_OPEN_FAILED: u64 = -2i64 as u64;
/// Usage value when the usage ioctl fails: upstream's `(u64)-5`.
pub const USAGE_IOCTL_FAILED: u64 = -5i64 as u64;

/// The read-only state of a RAM disk as `BLKROGET` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockStatus {
    Unlocked,
    Locked,
    /// The device could not be opened or queried.
    Unavailable,
}

/// A RAM disk `rdN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RamDisk {
    pub name: OsString,
    /// Size in bytes.
    pub size: u64,
    /// Bytes in use (pages × 4096), or `USAGE_OPEN_FAILED`/`USAGE_IOCTL_FAILED`.
    pub usage: u64,
    pub lock: LockStatus,
}

/// The caching policy of a mapping, inferred from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheMode {
    WriteThrough,
    WriteAround,
    /// dm-writecache.
    Writeback,
}

impl CacheMode {
    /// Prefix `rc-wt` is write-through, `rc-wb` writeback, anything else
    /// write-around (spec §4.5).
    pub fn from_name(name: &[u8]) -> Self {
        if name.starts_with(b"rc-wt") {
            CacheMode::WriteThrough
        } else if name.starts_with(b"rc-wb") {
            CacheMode::Writeback
        } else {
            CacheMode::WriteAround
        }
    }

    /// The name prefix of a new mapping in this mode (`rc-wt_`, ...).
    pub fn prefix(self) -> &'static str {
        match self {
            CacheMode::WriteThrough => "rc-wt_",
            CacheMode::WriteAround => "rc-wa_",
            CacheMode::Writeback => "rc-wb_",
        }
    }
}

/// A device-mapper mapping `rc*` with its RAM disk and source slaves.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CacheMapping {
    pub device: OsString,
    /// The slave whose name starts with `rd` (empty if none).
    pub cache: OsString,
    /// The other slave (empty if none).
    pub source: OsString,
    /// The tunables in the table of a writeback mapping; `None` for the
    /// other modes or when the table could not be read.
    pub writeback: Option<crate::tunables::WritebackOptions>,
}

impl CacheMapping {
    pub fn mode(&self) -> CacheMode {
        CacheMode::from_name(self.device.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_from_name_prefix() {
        assert_eq!(CacheMode::from_name(b"rc-wt_sdb"), CacheMode::WriteThrough);
        assert_eq!(CacheMode::from_name(b"rc-wb_sdd"), CacheMode::Writeback);
        assert_eq!(CacheMode::from_name(b"rc-wa_sdc1"), CacheMode::WriteAround);
        // anything else is write-around, and only the prefix counts (quirk 30)
        assert_eq!(CacheMode::from_name(b"rcfoo"), CacheMode::WriteAround);
        assert_eq!(
            CacheMode::from_name(b"rc-wt_rc-wb_sdb"),
            CacheMode::WriteThrough
        );
    }

    #[test]
    fn prefixes_round_trip() {
        for mode in [
            CacheMode::WriteThrough,
            CacheMode::WriteAround,
            CacheMode::Writeback,
        ] {
            assert_eq!(CacheMode::from_name(mode.prefix().as_bytes()), mode);
        }
    }

    #[test]
    fn usage_sentinels_are_minus_two_and_minus_five() {
        assert_eq!(USAGE_OPEN_FAILED as i64, -2);
        assert_eq!(USAGE_IOCTL_FAILED as i64, -5);
        assert_eq!(USAGE_OPEN_FAILED / 1024, 18014398509481983);
    }
}
