use super::*;
use crate::model::USAGE_IOCTL_FAILED;
use crate::testdata::{a2_disks, a2_mappings, a3_resources};

fn s(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap()
}

#[test]
fn status_success_failed_and_empty_message() {
    assert_eq!(
        s(status(0, b"Attached device rd1 of size 953 Mbytes.")),
        r#"{"status": "Success", "message": "Attached device rd1 of size 953 Mbytes."}"#
    );
    assert_eq!(
        s(status(-2, b"Error. Device rd7 does not exist.")),
        r#"{"status": "Failed", "message": "Error. Device rd7 does not exist."}"#
    );
    assert_eq!(s(status(-1, b"")), r#"{"status": "Failed"}"#);
    assert_eq!(s(status(0, b"")), r#"{"status": "Success"}"#);
    // 1 (the writeback flush failure) is a failure too
    assert!(s(status(1, b"x")).starts_with(r#"{"status": "Failed""#));
}

#[test]
fn status_of_error_and_non_utf8_message() {
    let err = Error::new(-16, "Error. Unable to remove rd1. This RapidDisk device is currently mapped as a cache drive to rc-wa_sdc1.");
    assert_eq!(
        s(error(&err)),
        r#"{"status": "Failed", "message": "Error. Unable to remove rd1. This RapidDisk device is currently mapped as a cache drive to rc-wa_sdc1."}"#
    );
    assert_eq!(
        s(error(&Error::new(-1, b"rd\xff".to_vec()))),
        r#"{"status": "Failed"}"#
    );
}

#[test]
fn list_matches_appendix_a2() {
    let want = r#"{"volumes": [{"rapiddisk": [{"device": "rd2", "size": 67108864, "usage": -2, "status": "unavailable"}, {"device": "rd1", "size": 67108864, "usage": -2, "status": "unavailable"}, {"device": "rd0", "size": 67108864, "usage": -2, "status": "unavailable"}]}, {"rapiddisk_cache": [{"device": "rc-wb_sdd", "cache": "rd2", "source": "sdd", "mode": "writeback"}, {"device": "rc-wa_sdc1", "cache": "rd1", "source": "sdc1", "mode": "write-around"}, {"device": "rc-wt_sdb", "cache": "rd0", "source": "sdb", "mode": "write-through"}]}]}"#;
    assert_eq!(s(list(&a2_disks(), &a2_mappings())), want);
}

#[test]
fn list_without_mappings_locks_and_ioctl_failure() {
    let mut disks = a2_disks();
    disks[0].lock = LockStatus::Locked;
    disks[0].usage = 8192;
    disks[1].lock = LockStatus::Unlocked;
    disks[2].usage = USAGE_IOCTL_FAILED;
    let want = r#"{"volumes": [{"rapiddisk": [{"device": "rd2", "size": 67108864, "usage": 8192, "status": "locked"}, {"device": "rd1", "size": 67108864, "usage": -2, "status": "unlocked"}, {"device": "rd0", "size": 67108864, "usage": -5, "status": "unavailable"}]}, {"rapiddisk_cache": []}]}"#;
    assert_eq!(s(list(&disks, &[])), want);
}

#[test]
fn list_mode_is_by_prefix_quirk_30() {
    let mut maps = a2_mappings();
    maps.truncate(1);
    maps[0].device = "rc-wt_rc-wb_sdb".into();
    assert!(s(list(&[], &maps)).contains(r#""mode": "write-through""#));
}

#[test]
fn cache_stats_match_appendix_a6() {
    let stats = CacheStats {
        values: [
            1108, 297349, 699, 134, 146086, 2, 34, 7, 13328, 409, 297349, 699, 284423,
        ],
    };
    let want = r#"{"statistics": [{"cache_stats": [{"device": "rc-wt_x", "reads": 1108, "writes": 297349, "cache_hits": 699, "replacement": 134, "write_replacement": 146086, "read_invalidates": 2, "write_invalidates": 34, "uncached_reads": 7, "uncached_writes": 13328, "disk_reads": 409, "disk_writes": 297349, "cache_reads": 699, "cache_writes": 284423}]}]}"#;
    assert_eq!(s(cache_stats(b"rc-wt_x", &stats)), want);
}

#[test]
fn cache_stats_values_are_unsigned_32_bit() {
    let stats = CacheStats::parse(b"4294967295");
    assert!(s(cache_stats(b"rc-wt_x", &stats)).contains(r#""reads": 4294967295, "writes": 0"#));
}

#[test]
fn writecache_stats_four_numbers_has_all_fifteen_keys() {
    let stats = WritecacheStats::parse(b"0 16320 16320 0");
    let want = r#"{"statistics": [{"cache_stats": [{"device": "rc-wb_sdd", "errors": 0, "num_blocks": 16320, "num_free_blocks": 16320, "num_wb_blocks": 0, "num_read_req": 0, "num_read_cache_hits": 0, "num_write_req": 0, "num_write_uncommitted_blk_hits": 0, "num_write_committed_blk_hits": 0, "num_write_cache_bypass": 0, "num_write_cache_alloc": 0, "num_write_freelist_blocked": 0, "num_flush_req": 0, "num_discard_req": 0}]}]}"#;
    assert_eq!(s(writecache_stats(b"rc-wb_sdd", &stats)), want);
}

#[test]
fn writecache_stats_not_expanded_and_signed_errors() {
    let stats = WritecacheStats {
        values: [u32::MAX, 1, 2, 3, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9],
        expanded: false,
    };
    let want = r#"{"statistics": [{"cache_stats": [{"device": "rc-wb_x", "errors": -1, "num_blocks": 1, "num_free_blocks": 2, "num_wb_blocks": 3}]}]}"#;
    assert_eq!(s(writecache_stats(b"rc-wb_x", &stats)), want);
}

#[test]
fn failed_stats_query_is_empty_cache_stats() {
    assert_eq!(s(no_stats()), r#"{"statistics": [{"cache_stats": []}]}"#);
}

#[test]
fn resources_match_appendix_a3() {
    let want = r#"{"resources": [{"memory": [{"mem_total": 25276063744, "mem_free": 22219788288}]}, {"volumes": [{"device": "nvme0n1", "size": 1048576, "vendor": "UNAVAILABLE", "model": "Samsung"}, {"device": "sda", "size": 26843545600, "vendor": "ATA", "model": "VBOX"}]}]}"#;
    assert_eq!(s(resources(&a3_resources())), want);
}

#[test]
fn resources_omit_non_utf8_vendor_quirk_40() {
    let mut res = a3_resources();
    res.volumes.truncate(1);
    res.volumes[0].vendor = b"\xc3(".to_vec();
    assert!(s(resources(&res))
        .contains(r#"{"device": "nvme0n1", "size": 1048576, "model": "Samsung"}"#));
}
