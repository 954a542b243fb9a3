//! The JSON documents of the CLI (spec §4.4, §4.6.4, §4.6.8, §4.6.10). Each
//! function returns the document without the trailing newline, which the
//! CLI appends and the daemon does not.

use super::{wrap, Array, Object};
use crate::error::Error;
use crate::model::{CacheMapping, CacheMode, LockStatus, RamDisk};
use crate::resources::Resources;
use crate::stats::{CacheStats, WritecacheStats, CACHE_KEYS, WRITECACHE_KEYS};
use std::os::unix::ffi::OsStrExt;

/// `{"status": "Success"|"Failed", "message": ...}`: Success exactly when
/// `code` is 0; the message key is omitted when the message is empty.
pub fn status(code: i32, message: &[u8]) -> Vec<u8> {
    let mut obj = Object::new().string(c"status", if code == 0 { "Success" } else { "Failed" });
    if !message.is_empty() {
        obj = obj.string(c"message", message);
    }
    obj.dump()
}

/// The daemon's `checkServiceStatus`: `{"status": "OK", "version": ...}`.
pub fn service_status() -> Vec<u8> {
    Object::new()
        .string(c"status", "OK")
        .string(c"version", env!("CARGO_PKG_VERSION"))
        .dump()
}

/// The status object of a failed action.
pub fn error(err: &Error) -> Vec<u8> {
    status(err.code(), err.message())
}

fn lock_word(lock: LockStatus) -> &'static str {
    match lock {
        LockStatus::Locked => "locked",
        LockStatus::Unlocked => "unlocked",
        LockStatus::Unavailable => "unavailable",
    }
}

/// The `mode` word of the list (also the metrics' `mode` label).
pub(crate) fn mode_word(mode: CacheMode) -> &'static str {
    match mode {
        CacheMode::WriteThrough => "write-through",
        CacheMode::Writeback => "writeback",
        CacheMode::WriteAround => "write-around",
    }
}

/// `-l`: `{"volumes": [{"rapiddisk": [...]}, {"rapiddisk_cache": [...]}]}`.
pub fn list(disks: &[RamDisk], mappings: &[CacheMapping]) -> Vec<u8> {
    let disks: Array = disks
        .iter()
        .map(|d| {
            Object::new()
                .string(c"device", d.name.as_bytes())
                .int(c"size", d.size as i64)
                .int(c"usage", d.usage as i64)
                .string(c"status", lock_word(d.lock))
        })
        .collect();
    let mappings: Array = mappings
        .iter()
        .map(|m| {
            let obj = Object::new()
                .string(c"device", m.device.as_bytes())
                .string(c"cache", m.cache.as_bytes())
                .string(c"source", m.source.as_bytes())
                .string(c"mode", mode_word(m.mode()));
            // a key of this project, after upstream's
            match &m.writeback {
                Some(wb) => obj.object(c"writeback_options", wb.json()),
                None => obj,
            }
        })
        .collect();
    let volumes = Array::new()
        .push(wrap(c"rapiddisk", disks))
        .push(wrap(c"rapiddisk_cache", mappings));
    wrap(c"volumes", volumes).dump()
}

/// `{"statistics": [{"cache_stats": [<entry>...]}]}`.
fn statistics(entry: Option<Object>) -> Vec<u8> {
    let stats = wrap(c"cache_stats", entry.into_iter().collect());
    wrap(c"statistics", Array::new().push(stats)).dump()
}

/// `-s` of a rapiddisk-cache mapping.
pub fn cache_stats(device: &[u8], stats: &CacheStats) -> Vec<u8> {
    let entry = CACHE_KEYS
        .iter()
        .zip(stats.values)
        .fold(Object::new().string(c"device", device), |o, (k, v)| {
            o.int(k, v.into())
        });
    statistics(Some(entry))
}

/// `-s` of a dm-writecache mapping: `errors` is signed 32-bit, the rest
/// unsigned; the ten later counters appear only when expanded.
pub fn writecache_stats(device: &[u8], stats: &WritecacheStats) -> Vec<u8> {
    let shown = if stats.expanded {
        WRITECACHE_KEYS.len()
    } else {
        4
    };
    let mut entry = Object::new()
        .string(c"device", device)
        .int(c"errors", (stats.values[0] as i32).into());
    for (k, v) in WRITECACHE_KEYS.iter().zip(stats.values).take(shown).skip(1) {
        entry = entry.int(k, v.into());
    }
    statistics(Some(entry))
}

/// `-s` when the status query failed: `{"statistics": [{"cache_stats": []}]}`.
pub fn no_stats() -> Vec<u8> {
    statistics(None)
}

/// `-q`: `{"resources": [{"memory": [...]}, {"volumes": [...]}]}`.
pub fn resources(res: &Resources) -> Vec<u8> {
    let memory = Object::new()
        .int(c"mem_total", res.memory.total as i64)
        .int(c"mem_free", res.memory.free as i64);
    let volumes: Array = res
        .volumes
        .iter()
        .map(|v| {
            Object::new()
                .string(c"device", v.device.as_bytes())
                .int(c"size", v.size as i64)
                .string(c"vendor", &v.vendor)
                .string(c"model", &v.model)
        })
        .collect();
    let parts = Array::new()
        .push(wrap(c"memory", Array::new().push(memory)))
        .push(wrap(c"volumes", volumes));
    wrap(c"resources", parts).dump()
}

#[cfg(test)]
mod tests;
