use super::ramdisk::attach_index;
use super::*;
use crate::fixture::Tree;
use crate::model::CacheMode;

fn mgmt_text(tree: &Tree) -> String {
    String::from_utf8(std::fs::read(tree.roots.mgmt()).unwrap()).unwrap()
}

/// The exit status and message of a failed action.
fn failure<T: std::fmt::Debug>(r: Result<T>) -> (u8, String) {
    let e = r.unwrap_err();
    (e.exit_status(), e.to_string())
}

fn ok_message(r: Result<Done>) -> String {
    String::from_utf8(r.unwrap().message).unwrap()
}

#[test]
fn attach_index_follows_upstream_examples() {
    let pick = |names: &[&str]| attach_index(names.iter().map(|n| n.as_bytes()));
    assert_eq!(pick(&[]), 0);
    assert_eq!(pick(&["rd0", "rd1"]), 2);
    assert_eq!(pick(&["rd0", "rd2"]), 1);
    assert_eq!(pick(&["rd1", "rd2"]), 0);
    // substring test kept: rd1 counts as present when rd10 exists
    assert_eq!(pick(&["rd10"]), 0);
    // where upstream finds nothing (it would write "attach -1"), the lowest
    // free number is used
    assert_eq!(pick(&["rd0rd1"]), 0);
    assert_eq!(pick(&["rd0", "rd1rd2"]), 1);
    assert_eq!(pick(&["rd0x", "rd1x", "rd2x"]), 3);
}

#[test]
fn attach_writes_the_command_and_reports_the_name() {
    let tree = Tree::new();
    let sys = tree.system(&["rd0", "rd2"], &[]);
    let done = sys.attach(b"1GB").unwrap();
    assert_eq!(done.device, b"rd1");
    assert_eq!(done.message, b"Attached device rd1 of size 953 Mbytes.");
    assert_eq!(mgmt_text(&tree), "rapiddisk attach 1 999292928\n");
}

#[test]
fn attach_size_errors() {
    let tree = Tree::new();
    let sys = tree.system(&[], &[]);
    let invalid = (
        234,
        "Error. Invalid argument(s) or values entered.".to_string(),
    );
    assert_eq!(failure(sys.attach(b"100KB")), invalid);
    assert_eq!(failure(sys.attach(b"0")), invalid);
    assert_eq!(
        failure(sys.attach(b"64M")),
        (
            234,
            "Error during matching of size in string '64M': 'no match'.".into()
        )
    );
    // 2^44 MiB is more bytes than a u64 holds: refused, nothing written
    assert_eq!(failure(sys.attach(b"17592186044416")), invalid);
    assert_eq!(mgmt_text(&tree), "");
}

#[test]
fn detach_checks_in_order() {
    let tree = Tree::new().file("etc/mtab", b"/dev/rd2 /mnt ext4 rw 0 0\n");
    let none = tree.system(&[], &[]);
    assert_eq!(
        failure(none.detach(b"rd0")),
        (234, "Unable to locate any RapidDisk devices.".into())
    );
    let sys = tree.system(
        &["rd0", "rd1", "rd2", "rd3"],
        &[("rc-wt_sdb", "rd1", "sdb")],
    );
    assert_eq!(failure(sys.detach(b"")).0, 234);
    assert_eq!(
        failure(sys.detach(b"rd5")),
        (255, "Error. Device rd5 does not exist.".into())
    );
    // a prefix of an existing name is not that device
    assert_eq!(failure(sys.detach(b"rd")).0, 255);
    assert_eq!(
        failure(sys.detach(b"rd1")),
        (255, "Error. Unable to remove rd1. This RapidDisk device is currently mapped as a cache drive to rc-wt_sdb.".into())
    );
    assert_eq!(
        failure(sys.detach(b"rd2")),
        (
            255,
            "rd2 is currently mounted. Please \"umount\" and retry.".into()
        )
    );
    assert_eq!(mgmt_text(&tree), "");
    assert_eq!(ok_message(sys.detach(b"rd3")), "Detached device rd3.");
    assert_eq!(mgmt_text(&tree), "rapiddisk detach 3\n");
}

#[test]
fn detach_without_mtab_names_it() {
    let tree = Tree::new();
    std::fs::remove_file(&tree.roots.mtab).unwrap();
    let sys = tree.system(&["rd0"], &[]);
    let want = format!(
        "mem_device_detach: fopen: {}: No such file or directory",
        tree.roots.mtab.display()
    );
    assert_eq!(failure(sys.detach(b"rd0")), (254, want));
}

#[test]
fn resize_checks_in_order() {
    let tree = Tree::new().file("dev/rd0", b"");
    let none = tree.system(&[], &[]);
    assert_eq!(failure(none.resize(b"rd0", b"128")).0, 234);
    let sys = tree.system(&["rd0", "rd1"], &[]);
    assert_eq!(
        failure(sys.resize(b"rd0", b"")),
        (
            234,
            "Error during matching of size in string '': 'no match'.".into()
        )
    );
    assert_eq!(failure(sys.resize(b"", b"128")).0, 234);
    assert_eq!(failure(sys.resize(b"rd0", b"0")).0, 234);
    assert_eq!(
        failure(sys.resize(b"rd9", b"128")),
        (254, "Error. Device rd9 does not exist.".into())
    );
    assert_eq!(
        failure(sys.resize(b"rd1", b"128")),
        (
            254,
            "mem_device_resize: open: No such file or directory".into()
        )
    );
    // a plain file is no RAM disk: the ioctl fails
    assert_eq!(
        failure(sys.resize(b"rd0", b"128")),
        (
            251,
            "mem_device_resize: ioctl: Inappropriate ioctl for device".into()
        )
    );
    assert_eq!(mgmt_text(&tree), "");
}

#[test]
fn flush_checks_in_order() {
    let tree = Tree::new()
        .file("etc/mtab", b"/dev/rd2 /mnt ext4 rw 0 0\n")
        .file("dev/rd3", b"");
    let sys = tree.system(
        &["rd1", "rd2", "rd3", "rd4"],
        &[("rc-wa_sdc1", "rd1", "sdc1")],
    );
    assert_eq!(failure(sys.flush(b"")).0, 254);
    assert_eq!(
        failure(sys.flush(b"rd7")),
        (254, "Error. Device rd7 does not exist.".into())
    );
    assert_eq!(
        failure(sys.flush(b"rd1")),
        (240, "Error. Unable to remove rd1. This RapidDisk device is currently mapped as a cache drive to rc-wa_sdc1.".into())
    );
    assert_eq!(failure(sys.flush(b"rd2")).0, 240);
    assert_eq!(
        failure(sys.flush(b"rd3")),
        (
            251,
            "mem_device_flush: ioctl: Inappropriate ioctl for device".into()
        )
    );
    assert_eq!(
        failure(sys.flush(b"rd4")),
        (
            254,
            "mem_device_flush: open: No such file or directory".into()
        )
    );
}

#[test]
fn lock_checks_in_order() {
    let tree = Tree::new().file("dev/rd0", b"");
    let sys = tree.system(&["rd0", "rd1"], &[]);
    assert_eq!(failure(sys.set_locked(b"", true)).0, 234);
    assert_eq!(
        failure(sys.set_locked(b"rd7", false)),
        (254, "Error. Device rd7 does not exist.".into())
    );
    assert_eq!(
        failure(sys.set_locked(b"rd1", true)),
        (
            254,
            "mem_device_lock: open: No such file or directory".into()
        )
    );
    assert_eq!(
        failure(sys.set_locked(b"rd0", true)),
        (
            251,
            "mem_device_lock: ioctl: Inappropriate ioctl for device".into()
        )
    );
}

#[test]
fn map_checks_in_order() {
    let tree = Tree::new().file(
        "etc/mtab",
        b"/dev/rd2 /mnt ext4 rw 0 0\n/dev/sdm1 /m ext4 rw 0 0\n",
    );
    let maps = [("rc-wt_sdb", "rd0", "sdb")];
    let mut sys = tree.system(&["rd0", "rd1", "rd2"], &maps);
    let busy = "Error. At least one of your cache/source devices is currently mapped to rc-wt_sdb.";
    let cases: &[(&str, &str, u8, &str)] = &[
        ("", "/dev/sdz", 234, "Error. Invalid argument(s) or values entered."),
        ("rd1", "", 234, "Error. Invalid argument(s) or values entered."),
        ("rd9", "/dev/sdz", 254, "Error. Device rd9 does not exist."),
        ("rd1", "sdz", 255, "Error. Source device does not seem to be a normal block device listed in the /dev directory path."),
        ("rd0", "/dev/sde", 255, busy),
        ("rd1", "/dev/sdb", 255, busy),
        ("rd2", "/dev/sdz", 255, "rd2 is currently mounted. Please \"umount\" and retry."),
        // a mounted partition protects its disk
        ("rd1", "/dev/sdm", 255, "/dev/sdm is currently mounted. Please \"umount\" and retry."),
        ("rd1", "/dev/rapiddisk-no-such-source", 254, "cache_device_map: open: No such file or directory"),
        // /dev/null opens but is no block device
        ("rd1", "/dev/null", 251, "cache_device_map: ioctl: Inappropriate ioctl for device"),
    ];
    for (rd, source, code, message) in cases {
        let got = failure(sys.map(rd.as_bytes(), source.as_bytes(), CacheMode::WriteThrough));
        assert_eq!(got, (*code, message.to_string()), "{rd} {source}");
    }
    sys.modules.writeback = false;
    assert_eq!(
        failure(sys.map(b"rd1", b"/dev/null", CacheMode::Writeback)),
        (
            255,
            "Please ensure that the dm-writecache module is loaded and retry.".into()
        )
    );
}

#[test]
fn map_without_mtab_uses_upstream_argument_order() {
    let tree = Tree::new();
    std::fs::remove_file(&tree.roots.mtab).unwrap();
    let sys = tree.system(&["rd0"], &[]);
    let want = format!(
        "cache_device_map: fopen: {}, No such file or directory",
        tree.roots.mtab.display()
    );
    assert_eq!(
        failure(sys.map(b"rd0", b"/dev/sdz", CacheMode::WriteAround)),
        (255, want)
    );
}

#[test]
fn unmap_checks_in_order() {
    let tree = Tree::new().file("etc/mtab", b"/dev/mapper/rc-wa_sdc /mnt ext4 rw 0 0\n");
    let maps = [
        ("rc-wa_sdc", "rd1", "sdc"),
        ("rc-wt_rapiddisk_missing", "rd2", "sdd"),
    ];
    let sys = tree.system(&["rd1", "rd2"], &maps);
    assert_eq!(
        failure(sys.unmap(b"rc-wt_sdz")),
        (254, "Error. Cache target rc-wt_sdz does not exist.".into())
    );
    assert_eq!(
        failure(sys.unmap(b"rc-wa_sdc")),
        (
            240,
            "rc-wa_sdc is currently mounted. Please \"umount\" and retry.".into()
        )
    );
    // the mapping is in the list but not in device-mapper
    assert_eq!(
        failure(sys.unmap(b"rc-wt_rapiddisk_missing")),
        (255, "Error. Unable to unmap rc-wt_rapiddisk_missing. Please check to make sure nothing is wrong.".into())
    );
}

#[test]
fn unmap_of_writeback_that_cannot_flush_returns_one() {
    let tree = Tree::new();
    let sys = tree.system(&["rd1"], &[("rc-wb_rapiddisk_missing", "rd1", "sdd")]);
    assert_eq!(
        failure(sys.unmap(b"rc-wb_rapiddisk_missing")),
        (
            1,
            "Unable to flush dirty cache data to rc-wb_rapiddisk_missing.".into()
        )
    );
}

#[test]
fn stats_checks_and_exit_codes_per_format() {
    let tree = Tree::new();
    let none = tree.system(&["rd0"], &[]);
    assert_eq!(failure(none.stats(b"", false)).0, 234);
    assert_eq!(
        failure(none.stats(b"rc-wt_x", false)),
        (255, "No RapidDisk-Cache Mappings exist.".into())
    );
    let maps = [
        ("rc-wt_rapiddisk_missing", "rd0", "sdb"),
        ("rc-wb_rapiddisk_missing", "rd1", "sdc"),
    ];
    let sys = tree.system(&["rd0", "rd1"], &maps);
    let text = failure(sys.stats(b"rc-wt_sdz", false));
    assert_eq!(
        text,
        (254, "Error. Cache target rc-wt_sdz does not exist.".into())
    );
    assert_eq!(failure(sys.stats(b"rc-wt_sdz", true)).0, 255);
    // listed but unknown to device-mapper: no numbers
    assert_eq!(
        sys.stats(b"rc-wt_rapiddisk_missing", false),
        Ok(Stats::Unavailable)
    );
    assert_eq!(
        sys.stats(b"rc-wb_rapiddisk_missing", true),
        Ok(Stats::Unavailable)
    );
}
