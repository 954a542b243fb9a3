//! The exposition text of `/metrics`.

use super::super::metrics::{render, Requests, Scrape};
use super::*;
use crate::model::{CacheMapping, LockStatus, RamDisk, USAGE_OPEN_FAILED};
use crate::ops::Stats;
use crate::stats::{CacheStats, WritecacheStats};

fn disk(name: &str, size: u64, usage: u64, lock: LockStatus) -> RamDisk {
    RamDisk {
        name: name.into(),
        size,
        usage,
        lock,
    }
}

fn mapping(device: &str, cache: &str, source: &str) -> CacheMapping {
    CacheMapping {
        device: device.into(),
        cache: cache.into(),
        source: source.into(),
        writeback: None,
    }
}

/// The sample lines of family `name` (HELP and TYPE checked once).
fn samples<'a>(text: &'a str, name: &str, kind: &str) -> Vec<&'a str> {
    assert_eq!(
        text.matches(&format!("# TYPE {name} {kind}\n")).count(),
        1,
        "{name}"
    );
    assert_eq!(
        text.matches(&format!("# HELP {name} ")).count(),
        1,
        "{name}"
    );
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
        .collect()
}

#[test]
fn disks_mappings_and_requests() {
    let disks = [
        disk("rd0", 64 << 20, 8192, LockStatus::Unlocked),
        disk("rd1", 1 << 30, USAGE_OPEN_FAILED, LockStatus::Locked),
    ];
    let mut cache = CacheStats::default();
    cache.values[0] = 40; // reads
    cache.values[2] = 10; // cache_hits
    cache.values[12] = 7; // cache_writes
    let mut wb = WritecacheStats::default();
    wb.values[1] = 16320;
    wb.values[6] = 3; // num_write_req
    let mappings = [
        (mapping("rc-wt_sdb", "rd0", "sdb"), Stats::Cache(cache)),
        (mapping("rc-wb_sdc", "rd1", "sdc"), Stats::Writeback(wb)),
        (mapping("rc-wa_\"x\\", "rd2", "sdd"), Stats::Unavailable),
    ];
    let requests = Requests::default();
    requests.count("/v1/checkServiceStatus", 200);
    requests.count("/v1/checkServiceStatus", 200);
    requests.count("unsupported", 400);
    let snapshot = requests.snapshot();
    let text = render(&Scrape {
        discovered: true,
        disks: &disks,
        mappings: &mappings,
        requests: &snapshot,
    });
    assert_eq!(
        samples(&text, "rapiddisk_ramdisk_size_bytes", "gauge"),
        [
            "rapiddisk_ramdisk_size_bytes{device=\"rd0\"} 67108864",
            "rapiddisk_ramdisk_size_bytes{device=\"rd1\"} 1073741824"
        ]
    );
    // a usage that could not be read is left out
    assert_eq!(
        samples(&text, "rapiddisk_ramdisk_used_bytes", "gauge"),
        ["rapiddisk_ramdisk_used_bytes{device=\"rd0\"} 8192"]
    );
    assert_eq!(
        samples(&text, "rapiddisk_ramdisk_read_only", "gauge"),
        [
            "rapiddisk_ramdisk_read_only{device=\"rd0\"} 0",
            "rapiddisk_ramdisk_read_only{device=\"rd1\"} 1"
        ]
    );
    assert_eq!(
        samples(&text, "rapiddisk_cache_reads_total", "counter"),
        ["rapiddisk_cache_reads_total{mapping=\"rc-wt_sdb\"} 40"]
    );
    assert_eq!(
        samples(&text, "rapiddisk_cache_cache_writes_total", "counter"),
        ["rapiddisk_cache_cache_writes_total{mapping=\"rc-wt_sdb\"} 7"]
    );
    assert_eq!(
        samples(&text, "rapiddisk_cache_read_hit_ratio", "gauge"),
        ["rapiddisk_cache_read_hit_ratio{mapping=\"rc-wt_sdb\"} 0.25"]
    );
    // all 13 counters of the cache target
    assert_eq!(text.matches("# TYPE rapiddisk_cache_").count(), 14);
    assert_eq!(
        samples(&text, "rapiddisk_writecache_blocks", "gauge"),
        ["rapiddisk_writecache_blocks{mapping=\"rc-wb_sdc\"} 16320"]
    );
    assert_eq!(
        samples(&text, "rapiddisk_writecache_write_req_total", "counter"),
        ["rapiddisk_writecache_write_req_total{mapping=\"rc-wb_sdc\"} 3"]
    );
    assert_eq!(text.matches("# TYPE rapiddisk_writecache_").count(), 14);
    // label values escaped
    assert!(text.contains("rapiddisk_mapping_info{mapping=\"rc-wa_\\\"x\\\\\",cache=\"rd2\",source=\"sdd\",mode=\"write-around\"} 1"));
    assert_eq!(
        samples(&text, "rapiddiskd_requests_total", "counter"),
        [
            "rapiddiskd_requests_total{route=\"/v1/checkServiceStatus\",code=\"200\"} 2",
            "rapiddiskd_requests_total{route=\"unsupported\",code=\"400\"} 1"
        ]
    );
    assert_eq!(
        samples(&text, "rapiddiskd_discovery_success", "gauge"),
        ["rapiddiskd_discovery_success 1"]
    );
    assert!(text.ends_with('\n'));
}

#[test]
fn empty_families_are_left_out() {
    let text = render(&Scrape {
        discovered: false,
        disks: &[],
        mappings: &[],
        requests: &[],
    });
    assert_eq!(text, "# HELP rapiddiskd_discovery_success 1 when this scrape could list the RAM disks and mappings.\n# TYPE rapiddiskd_discovery_success gauge\nrapiddiskd_discovery_success 0\n");
}

#[test]
fn the_route_counts_what_was_answered() {
    let tree = tree(&["rd0"]);
    let (s, _) = server(&tree, None);
    ask(&s, "GET", "/v1/checkServiceStatus");
    ask(&s, "GET", "/v1/nope");
    ask(&s, "DELETE", "/v1/nope");
    ask(&s, "POST", "/v1/createRapidDisk/");
    let text = String::from_utf8(ask(&s, "GET", "/metrics").body).unwrap();
    for line in [
        "rapiddiskd_requests_total{route=\"/v1/checkServiceStatus\",code=\"200\"} 1",
        "rapiddiskd_requests_total{route=\"unsupported\",code=\"400\"} 1",
        "rapiddiskd_requests_total{route=\"other_method\",code=\"400\"} 1",
        "rapiddiskd_requests_total{route=\"/v1/createRapidDisk\",code=\"400\"} 1",
        "rapiddisk_ramdisk_size_bytes{device=\"rd0\"} 67108864",
        "rapiddiskd_discovery_success 1",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
}
