//! Text output of `-l` (spec §4.6.4) and `-q` (§4.6.10), byte for byte.

use crate::model::{CacheMapping, LockStatus, RamDisk};
use crate::resources::Resources;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

fn lock_word(lock: LockStatus) -> &'static str {
    match lock {
        LockStatus::Locked => "Locked",
        LockStatus::Unlocked => "Unlocked",
        LockStatus::Unavailable => "Unavailable",
    }
}

/// Appends `parts` (text or raw bytes) to `out`; names stay raw bytes.
macro_rules! put {
    ($out:expr, $($part:expr),+ $(,)?) => {{
        $( $out.extend_from_slice(AsRef::<[u8]>::as_ref(&$part)); )+
    }};
}

/// One mapping line. Writeback is detected by substring here but by prefix
/// in JSON, and write-through by the first five characters (quirk 30).
fn mapping_line(out: &mut Vec<u8>, index: usize, m: &CacheMapping) {
    let name = m.device.as_bytes();
    // quirk 30: writeback by substring here, write-through by a 5-byte prefix
    let (label, mode) = if name.windows(5).any(|w| w == b"rc-wb") {
        ("dm-writecache Target  ", "WRITEBACK")
    } else if name.starts_with(b"rc-wt") {
        ("RapidDisk-Cache Target", "WRITE THROUGH")
    } else {
        ("RapidDisk-Cache Target", "WRITE AROUND")
    };
    put!(out, format!(" {label} {index}: "), name);
    put!(
        out,
        "\tCache: ",
        m.cache.as_bytes(),
        "  Target: ",
        m.source.as_bytes(),
        format!(" ({mode})\n")
    );
}

/// `-l` in text mode.
pub fn list(disks: &[RamDisk], mappings: &[CacheMapping]) -> Vec<u8> {
    let mut out = b"List of RapidDisk device(s):\n\n".to_vec();
    for (i, d) in disks.iter().enumerate() {
        put!(
            out,
            format!(" RapidDisk Device {}: ", i + 1),
            d.name.as_bytes()
        );
        let (size, usage) = (d.size / 1024, d.usage / 1024);
        let status = lock_word(d.lock);
        put!(
            out,
            format!("\tSize (KB): {size}\tUsage (KB): {usage}\tStatus: {status}\n")
        );
    }
    put!(out, "\nList of RapidDisk-Cache mapping(s):\n\n");
    if mappings.is_empty() {
        put!(out, "  None\n");
    }
    for (j, m) in mappings.iter().enumerate() {
        mapping_line(&mut out, j + 1, m);
    }
    put!(out, "\n");
    out
}

/// `-q` in text mode.
pub fn resources(res: &Resources) -> Vec<u8> {
    let mut out = Vec::new();
    let (total, free) = (res.memory.total, res.memory.free);
    // writes into a Vec cannot fail
    let _ = write!(
        out,
        "List of memory usage:\n\n Memory total: {total}\n Memory free: {free}\n\nList of block device(s):\n\n"
    );
    for (i, v) in res.volumes.iter().enumerate() {
        put!(
            out,
            format!(" Block Device {}:\n\tDevice: ", i + 1),
            v.device.as_bytes()
        );
        put!(
            out,
            format!("\n\tSize (MB): {}\n\tVendor: ", v.size / 1024 / 1024)
        );
        put!(out, v.vendor, "\n\tModel: ", v.model, "\n");
    }
    put!(out, "\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{a2_disks, a2_mappings, a3_resources};

    fn s(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn list_matches_appendix_a2() {
        let want = "List of RapidDisk device(s):\n\n \
RapidDisk Device 1: rd2\tSize (KB): 65536\tUsage (KB): 18014398509481983\tStatus: Unavailable\n \
RapidDisk Device 2: rd1\tSize (KB): 65536\tUsage (KB): 18014398509481983\tStatus: Unavailable\n \
RapidDisk Device 3: rd0\tSize (KB): 65536\tUsage (KB): 18014398509481983\tStatus: Unavailable\n\n\
List of RapidDisk-Cache mapping(s):\n\n \
dm-writecache Target   1: rc-wb_sdd\tCache: rd2  Target: sdd (WRITEBACK)\n \
RapidDisk-Cache Target 2: rc-wa_sdc1\tCache: rd1  Target: sdc1 (WRITE AROUND)\n \
RapidDisk-Cache Target 3: rc-wt_sdb\tCache: rd0  Target: sdb (WRITE THROUGH)\n\n";
        assert_eq!(s(list(&a2_disks(), &a2_mappings())), want);
    }

    #[test]
    fn list_without_mappings_says_none_and_shows_locks() {
        let mut disks = a2_disks();
        disks.truncate(2);
        disks[0].lock = LockStatus::Locked;
        disks[0].usage = 4096 * 3;
        disks[1].lock = LockStatus::Unlocked;
        let want = "List of RapidDisk device(s):\n\n \
RapidDisk Device 1: rd2\tSize (KB): 65536\tUsage (KB): 12\tStatus: Locked\n \
RapidDisk Device 2: rd1\tSize (KB): 65536\tUsage (KB): 18014398509481983\tStatus: Unlocked\n\n\
List of RapidDisk-Cache mapping(s):\n\n  None\n\n";
        assert_eq!(s(list(&disks, &[])), want);
    }

    #[test]
    fn writeback_by_substring_in_text_quirk_30() {
        let mut maps = a2_mappings();
        maps.truncate(1);
        maps[0].device = "rc-wt_rc-wb_sdb".into();
        assert!(s(list(&[], &maps)).contains(" dm-writecache Target   1: rc-wt_rc-wb_sdb\t"));
        maps[0].device = "rcx".into();
        assert!(s(list(&[], &maps)).contains("Target: sdd (WRITE AROUND)\n"));
    }

    #[test]
    fn non_utf8_names_are_printed_raw() {
        let mut disks = a2_disks();
        disks.truncate(1);
        disks[0].name = std::ffi::OsStr::from_bytes(b"rd\xff").to_os_string();
        assert!(list(&disks, &[]).windows(4).any(|w| w == b"rd\xff\t"));
    }

    #[test]
    fn resources_match_appendix_a3() {
        let want = "List of memory usage:\n\n Memory total: 25276063744\n Memory free: 22219788288\n\n\
List of block device(s):\n\n Block Device 1:\n\tDevice: nvme0n1\n\tSize (MB): 1\n\tVendor: UNAVAILABLE\n\t\
Model: Samsung\n Block Device 2:\n\tDevice: sda\n\tSize (MB): 25600\n\tVendor: ATA\n\tModel: VBOX\n\n";
        assert_eq!(s(resources(&a3_resources())), want);
    }

    #[test]
    fn resources_without_volumes() {
        let mut res = a3_resources();
        res.volumes.clear();
        assert!(s(resources(&res)).ends_with("List of block device(s):\n\n\n"));
    }
}
