//! The environment of the spec's Appendix A, as model values.

use crate::model::{CacheMapping, LockStatus, RamDisk, USAGE_OPEN_FAILED};
use crate::resources::{Memory, Resources, Volume};

/// rd2, rd1, rd0 (readdir order), 64 MiB each, ioctls unavailable.
pub fn a2_disks() -> Vec<RamDisk> {
    ["rd2", "rd1", "rd0"]
        .into_iter()
        .map(|name| RamDisk {
            name: name.into(),
            size: 67108864,
            usage: USAGE_OPEN_FAILED,
            lock: LockStatus::Unavailable,
        })
        .collect()
}

pub fn a2_mappings() -> Vec<CacheMapping> {
    [
        ("rc-wb_sdd", "rd2", "sdd"),
        ("rc-wa_sdc1", "rd1", "sdc1"),
        ("rc-wt_sdb", "rd0", "sdb"),
    ]
    .into_iter()
    .map(|(device, cache, source)| CacheMapping {
        device: device.into(),
        cache: cache.into(),
        source: source.into(),
        writeback: None,
    })
    .collect()
}

pub fn a3_resources() -> Resources {
    let volume = |device: &str, size, vendor: &str, model: &str| Volume {
        device: device.into(),
        size,
        vendor: vendor.into(),
        model: model.into(),
    };
    Resources {
        memory: Memory {
            total: 25276063744,
            free: 22219788288,
        },
        volumes: vec![
            volume("nvme0n1", 1048576, "UNAVAILABLE", "Samsung"),
            volume("sda", 26843545600, "ATA", "VBOX"),
        ],
    }
}
