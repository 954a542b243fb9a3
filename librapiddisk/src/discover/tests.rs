use super::*;
use crate::fixture::Tree;

fn names(disks: &[RamDisk]) -> Vec<OsString> {
    disks.iter().map(|d| d.name.clone()).collect()
}

#[test]
fn ram_disks_in_raw_directory_order_with_sizes() {
    let tree = Tree::new()
        .block("rd0", 131072)
        .block("rd1", 2048)
        .block("rd10", 1)
        .block("sda", 100)
        .block("xrd0", 100);
    let disks = ram_disks(&tree.roots).unwrap();
    assert_eq!(
        names(&disks),
        Tree::raw_order(&tree.roots.sys_block(), "rd")
    );
    let size = |n: &str| disks.iter().find(|d| d.name == n).unwrap().size;
    assert_eq!(size("rd0"), 67108864);
    assert_eq!(size("rd1"), 1048576);
    assert_eq!(size("rd10"), 512);
}

#[test]
fn missing_node_gives_usage_minus_two_and_unavailable() {
    let tree = Tree::new().block("rd0", 8);
    let disk = &ram_disks(&tree.roots).unwrap()[0];
    assert_eq!(disk.usage, USAGE_OPEN_FAILED);
    assert_eq!(disk.lock, LockStatus::Unavailable);
}

#[test]
fn plain_file_node_gives_usage_minus_five_and_unavailable() {
    let tree = Tree::new().block("rd0", 8).file("dev/rd0", b"");
    let disk = &ram_disks(&tree.roots).unwrap()[0];
    assert_eq!(disk.usage, USAGE_IOCTL_FAILED);
    assert_eq!(disk.lock, LockStatus::Unavailable);
}

#[test]
fn no_ram_disks_is_an_empty_list() {
    assert!(ram_disks(&Tree::new().block("sda", 1).roots)
        .unwrap()
        .is_empty());
}

#[test]
fn unreadable_size_is_fatal_read_info_error() {
    let tree = Tree::new();
    fs::create_dir_all(tree.roots.sys_block().join("rd0")).unwrap();
    let err = ram_disks(&tree.roots).unwrap_err();
    let path = tree.roots.sys_block().join("rd0/size");
    let want = format!(
        "read_info: fopen: No such file or directory, {}",
        path.display()
    );
    assert_eq!(err.message(), want.as_bytes());
    assert_eq!(err.exit_status(), 255);
}

#[test]
fn missing_sys_block_is_scandir_error() {
    let tree = Tree::new();
    fs::remove_dir_all(tree.roots.sys_block()).unwrap();
    let err = ram_disks(&tree.roots).unwrap_err();
    assert_eq!(
        err.message(),
        b"search_rdsk_targets: scandir: No such file or directory"
    );
    assert_eq!(err.code(), -1);
}

#[test]
fn read_info_drops_last_byte_and_reads_at_most_64() {
    let tree = Tree::new()
        .file("a", b"VBOX HARDDISK\n")
        .file("b", b"12")
        .file("c", b"")
        .file("d", &[b'x'; 100]);
    let root = tree.roots.sys.parent().unwrap();
    assert_eq!(read_info(&root.join("a")).unwrap(), b"VBOX HARDDISK");
    assert_eq!(read_info(&root.join("b")).unwrap(), b"1");
    assert_eq!(read_info(&root.join("c")).unwrap(), b"");
    assert_eq!(read_info(&root.join("d")).unwrap(), vec![b'x'; 63]);
}

#[test]
fn leading_number_reads_like_strtoull() {
    assert_eq!(leading_number(b"131072"), 131072);
    assert_eq!(leading_number(b" 42abc"), 42);
    assert_eq!(leading_number(b"x1"), 0);
    assert_eq!(leading_number(b""), 0);
    assert_eq!(leading_number(b"99999999999999999999999"), u64::MAX);
}

#[test]
fn mappings_with_cache_and_source_in_raw_order() {
    let tree = Tree::new()
        .mapping("rc-wt_sdb", "dm-0", &["rd0", "sdb"])
        .mapping("rc-wa_sdc1", "dm-1", &["sdc1", "rd1"])
        .mapping("rc-wb_sdd", "dm-2", &["rd2", "sdd"])
        .mapping("other", "dm-3", &["rd3"]);
    let maps = cache_mappings(&tree.roots).unwrap();
    let order: Vec<_> = maps.iter().map(|m| m.device.clone()).collect();
    assert_eq!(order, Tree::raw_order(&tree.roots.dev.join("mapper"), "rc"));
    let wa = maps.iter().find(|m| m.device == "rc-wa_sdc1").unwrap();
    assert_eq!(
        (wa.cache.as_os_str(), wa.source.as_os_str()),
        ("rd1".as_ref(), "sdc1".as_ref())
    );
    assert_eq!(maps.len(), 3);
}

#[test]
fn short_link_after_long_link_resolves_quirk_18_fixed() {
    // upstream reads ../dm-9 after ../dm-10 as ../dm-90 and fails
    let tree = Tree::new()
        .mapping("rc-wt_a", "dm-10", &["rd0", "sda"])
        .mapping("rc-wt_b", "dm-9", &["rd1", "sdb"]);
    let maps = cache_mappings(&tree.roots).unwrap();
    let b = maps.iter().find(|m| m.device == "rc-wt_b").unwrap();
    assert_eq!(b.cache, "rd1");
    assert_eq!(b.source, "sdb");
}

#[test]
fn slaves_starting_with_dot_are_ignored_and_last_wins() {
    let tree = Tree::new().mapping("rc-wt_x", "dm-0", &[".hidden", "sdx"]);
    let maps = cache_mappings(&tree.roots).unwrap();
    assert_eq!(maps[0].source, "sdx");
    assert_eq!(maps[0].cache, "");
}

#[test]
fn link_to_missing_dm_is_existance_error() {
    let tree = Tree::new();
    std::os::unix::fs::symlink("../dm-7", tree.roots.dev.join("mapper/rc-wt_x")).unwrap();
    let err = cache_mappings(&tree.roots).unwrap_err();
    assert_eq!(
        err.message(),
        b"search_cache_targets: EXISTANCE: No such file or directory"
    );
    assert_eq!(err.exit_status(), 255);
}

#[test]
fn regular_file_in_mapper_is_no_mapping() {
    // upstream fails every command here with "readlink: Invalid argument"
    let tree =
        Tree::new()
            .file("dev/mapper/rc-wt_x", b"")
            .mapping("rc-wa_y", "dm-1", &["rd0", "sdb"]);
    let maps = cache_mappings(&tree.roots).unwrap();
    assert_eq!(maps.len(), 1);
    assert_eq!(maps[0].device, "rc-wa_y");
}

#[test]
fn missing_slaves_dir_is_scandir_error() {
    let tree = Tree::new();
    std::os::unix::fs::symlink("../dm-0", tree.roots.dev.join("mapper/rc-wt_x")).unwrap();
    fs::create_dir_all(tree.roots.sys_block().join("dm-0")).unwrap();
    let err = cache_mappings(&tree.roots).unwrap_err();
    assert_eq!(
        err.message(),
        b"search_cache_targets: scandir: No such file or directory"
    );
}

#[test]
fn missing_mapper_dir_is_scandir_error() {
    let tree = Tree::new();
    fs::remove_dir_all(tree.roots.dev.join("mapper")).unwrap();
    let err = cache_mappings(&tree.roots).unwrap_err();
    assert_eq!(
        err.message(),
        b"search_cache_targets: scandir: No such file or directory"
    );
}

#[test]
fn default_roots_are_the_real_paths() {
    let roots = Roots::default();
    assert_eq!(roots.sys_block(), Path::new("/sys/block"));
    assert_eq!(roots.dev, Path::new("/dev"));
    assert_eq!(roots.mtab, Path::new("/etc/mtab"));
}

#[test]
fn device_node_in_mapper_resolves_through_sys_dev_block() {
    // without udev symlinks libdevmapper creates nodes; upstream fails there
    let tree = Tree::new().mapping("rc-wt_real", "dm-5", &["rd0", "sdb"]);
    fs::remove_file(tree.roots.dev.join("mapper/rc-wt_real")).unwrap();
    let node = std::ffi::CString::new(
        tree.roots
            .dev
            .join("mapper/rc-wt_real")
            .as_os_str()
            .as_bytes(),
    )
    .unwrap();
    // SAFETY: valid path; creating a node needs root, as the project's tests do
    let rc = unsafe { libc::mknod(node.as_ptr(), libc::S_IFBLK | 0o600, libc::makedev(253, 5)) };
    assert_eq!(rc, 0, "mknod: {}", io::Error::last_os_error());
    let by_number = tree.roots.sys.join("dev/block");
    fs::create_dir_all(&by_number).unwrap();
    std::os::unix::fs::symlink("../../devices/virtual/block/dm-5", by_number.join("253:5"))
        .unwrap();
    let maps = cache_mappings(&tree.roots).unwrap();
    assert_eq!(
        (maps[0].cache.as_os_str(), maps[0].source.as_os_str()),
        ("rd0".as_ref(), "sdb".as_ref())
    );
}
