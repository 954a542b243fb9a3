//! `GET /metrics`: the Prometheus text exposition format (version 0.0.4)
//! of the RAM disks, the cache mappings' counters and the daemon's own
//! request counts. Rendering is a pure function of what was gathered.

use crate::model::{CacheMapping, LockStatus, RamDisk, USAGE_IOCTL_FAILED, USAGE_OPEN_FAILED};
use crate::ops::Stats;
use crate::stats::{CACHE_KEYS, WRITECACHE_KEYS};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::os::unix::ffi::OsStrExt;
use std::sync::Mutex;

/// The content type of the exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Requests answered, by route and HTTP status.
#[derive(Default)]
pub struct Requests(Mutex<BTreeMap<(&'static str, u16), u64>>);

impl Requests {
    pub fn count(&self, route: &'static str, status: u16) {
        let mut counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *counts.entry((route, status)).or_default() += 1;
    }

    pub fn snapshot(&self) -> Vec<((&'static str, u16), u64)> {
        let counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        counts.iter().map(|(k, v)| (*k, *v)).collect()
    }
}

/// What one scrape found.
pub struct Scrape<'a> {
    /// Discovery succeeded (otherwise the device lists are empty).
    pub discovered: bool,
    pub disks: &'a [RamDisk],
    pub mappings: &'a [(CacheMapping, Stats)],
    pub requests: &'a [((&'static str, u16), u64)],
}

/// One metric family: its header and its samples (labels, value).
struct Family {
    name: String,
    kind: &'static str,
    help: String,
    samples: Vec<(String, String)>,
}

impl Family {
    fn new(name: impl Into<String>, kind: &'static str, help: impl Into<String>) -> Self {
        Family {
            name: name.into(),
            kind,
            help: help.into(),
            samples: Vec::new(),
        }
    }

    fn sample(&mut self, labels: &[(&str, &[u8])], value: impl ToString) {
        let labels: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
            .collect();
        self.samples.push((labels.join(","), value.to_string()));
    }

    /// Nothing for a family without samples.
    fn write(&self, out: &mut String) {
        if self.samples.is_empty() {
            return;
        }
        let _ = writeln!(out, "# HELP {} {}", self.name, self.help);
        let _ = writeln!(out, "# TYPE {} {}", self.name, self.kind);
        for (labels, value) in &self.samples {
            if labels.is_empty() {
                let _ = writeln!(out, "{} {value}", self.name);
            } else {
                let _ = writeln!(out, "{}{{{labels}}} {value}", self.name);
            }
        }
    }
}

/// A label value: `\`, `"` and newlines escaped; other bytes as UTF-8
/// (invalid sequences replaced).
fn escape(value: &[u8]) -> String {
    String::from_utf8_lossy(value)
        .replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

fn disk_families(disks: &[RamDisk]) -> Vec<Family> {
    let mut size = Family::new(
        "rapiddisk_ramdisk_size_bytes",
        "gauge",
        "Size of the RAM disk.",
    );
    let mut used = Family::new(
        "rapiddisk_ramdisk_used_bytes",
        "gauge",
        "Memory holding data of the RAM disk.",
    );
    let mut read_only = Family::new(
        "rapiddisk_ramdisk_read_only",
        "gauge",
        "1 when the RAM disk is locked read-only.",
    );
    for d in disks {
        let label = [("device", d.name.as_bytes())];
        size.sample(&label, d.size);
        // the sentinel values of a failed query are no usage
        if d.usage != USAGE_OPEN_FAILED && d.usage != USAGE_IOCTL_FAILED {
            used.sample(&label, d.usage);
        }
        match d.lock {
            LockStatus::Locked => read_only.sample(&label, 1),
            LockStatus::Unlocked => read_only.sample(&label, 0),
            LockStatus::Unavailable => {}
        }
    }
    vec![size, used, read_only]
}

fn key_name(key: &std::ffi::CStr) -> String {
    key.to_string_lossy().into_owned()
}

fn mapping_families(mappings: &[(CacheMapping, Stats)]) -> Vec<Family> {
    let mut info = Family::new(
        "rapiddisk_mapping_info",
        "gauge",
        "A cache mapping, its RAM disk, source and mode (always 1).",
    );
    let mut cache: Vec<Family> = CACHE_KEYS
        .iter()
        .map(|k| {
            let k = key_name(k);
            let help = format!("The {k} counter of the rapiddisk-cache mapping.");
            Family::new(format!("rapiddisk_cache_{k}_total"), "counter", help)
        })
        .collect();
    let mut ratio = Family::new(
        "rapiddisk_cache_read_hit_ratio",
        "gauge",
        "Cache hits per read of the rapiddisk-cache mapping (0 before any read).",
    );
    // dm-writecache: errors and block counts are states, the rest counts
    let mut writeback: Vec<Family> = WRITECACHE_KEYS
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let k = key_name(k);
            let bare = k.strip_prefix("num_").unwrap_or(&k);
            let help = format!("The {k} value of the dm-writecache mapping.");
            if i < 4 {
                Family::new(format!("rapiddisk_writecache_{bare}"), "gauge", help)
            } else {
                Family::new(
                    format!("rapiddisk_writecache_{bare}_total"),
                    "counter",
                    help,
                )
            }
        })
        .collect();
    for (m, stats) in mappings {
        let mode = crate::json::render::mode_word(m.mode()).as_bytes();
        info.sample(
            &[
                ("mapping", m.device.as_bytes()),
                ("cache", m.cache.as_bytes()),
                ("source", m.source.as_bytes()),
                ("mode", mode),
            ],
            1,
        );
        let label = [("mapping", m.device.as_bytes())];
        match stats {
            Stats::Cache(s) => {
                for (family, v) in cache.iter_mut().zip(s.values) {
                    family.sample(&label, v);
                }
                let (reads, hits) = (s.values[0], s.values[2]);
                let r = if reads == 0 {
                    0.0
                } else {
                    f64::from(hits) / f64::from(reads)
                };
                ratio.sample(&label, r);
            }
            Stats::Writeback(s) => {
                for (family, v) in writeback.iter_mut().zip(s.values) {
                    family.sample(&label, v);
                }
            }
            Stats::Unavailable => {}
        }
    }
    let mut all = vec![info];
    all.append(&mut cache);
    all.push(ratio);
    all.append(&mut writeback);
    all
}

fn daemon_families(scrape: &Scrape) -> Vec<Family> {
    let mut ok = Family::new(
        "rapiddiskd_discovery_success",
        "gauge",
        "1 when this scrape could list the RAM disks and mappings.",
    );
    ok.sample(&[], u8::from(scrape.discovered));
    let mut requests = Family::new(
        "rapiddiskd_requests_total",
        "counter",
        "HTTP requests answered, by route and status code.",
    );
    for ((route, code), n) in scrape.requests {
        let code = code.to_string();
        requests.sample(&[("route", route.as_bytes()), ("code", code.as_bytes())], n);
    }
    vec![ok, requests]
}

/// The exposition text of a scrape.
pub fn render(scrape: &Scrape) -> String {
    let mut out = String::new();
    let families = disk_families(scrape.disks)
        .into_iter()
        .chain(mapping_families(scrape.mappings))
        .chain(daemon_families(scrape));
    for family in families {
        family.write(&mut out);
    }
    out
}
