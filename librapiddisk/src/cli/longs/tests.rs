//! Whole runs with the long options against fixture trees.

use crate::fixture::Tree;

fn loaded() -> Tree {
    Tree::new()
        .file("sys/kernel/rapiddisk/mgmt", b"")
        .file("sys/module/rapiddisk_cache/refcnt", b"0\n")
        .file("sys/module/dm_writecache/refcnt", b"0\n")
        .block("rd0", 131072)
}

fn run_args(tree: &Tree, args: &[&str]) -> (u8, String, String) {
    let (code, out, err) = tree.run_cli(0, args);
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (code, text(out), text(err))
}

fn mgmt(tree: &Tree) -> Vec<u8> {
    std::fs::read(tree.roots.mgmt()).unwrap()
}

#[test]
fn unknown_double_dash_options_keep_getopts_diagnostic() {
    let (code, _, err) = run_args(&loaded(), &["-g", "--attach", "64"]);
    assert_eq!(code, 255);
    assert_eq!(err, "rapiddisk: invalid option -- '-'\n");
}

#[test]
fn bad_tunables_are_refused_before_anything_is_done() {
    let tree = loaded();
    let args = [
        "-g",
        "-m",
        "rd0",
        "-b",
        "/dev/sdb",
        "-p",
        "wb",
        "--high-watermark",
        "101",
    ];
    let (code, out, _) = run_args(&tree, &args);
    assert_eq!(code, 234);
    assert_eq!(
        out,
        "Error. --high-watermark takes a whole number from 0 to 100, not '101'.\n"
    );
    let args = [
        "-g",
        "-m",
        "rd0",
        "-b",
        "/dev/sdb",
        "-p",
        "wb",
        "--low-watermark=60",
    ];
    let (code, out, _) = run_args(&tree, &args);
    assert_eq!(code, 234);
    assert_eq!(
        out,
        "Error. The low watermark (60) must not be above the high watermark (50).\n"
    );
    let (code, out, _) = run_args(&tree, &["-g", "-m", "rd0", "-b", "/dev/sdb", "--cleaner"]);
    assert_eq!(
        (code, out.as_str()),
        (234, "Error. The writeback options need -p wb.\n")
    );
    let (code, out, _) = run_args(&tree, &["-j", "--cleaner=1", "-l"]);
    assert_eq!(code, 234);
    assert_eq!(out, "Error. Option --cleaner takes no value.\n");
    let (code, _, err) = run_args(&tree, &["-g", "-l", "--max-age"]);
    assert_eq!(
        (code, err.as_str()),
        (255, "rapiddisk: option '--max-age' requires an argument\n")
    );
    assert_eq!(mgmt(&tree), b"");
}

#[test]
fn save_refuses_an_unreadable_state_and_writes_nothing() {
    // the fixture's rd0 node cannot answer BLKROGET
    let tree = loaded().file("dev/rd0", b"");
    let file = tree
        .roots
        .sys
        .parent()
        .unwrap()
        .join("etc/rapiddisk/saved.json");
    let arg = format!("--save={}", file.display());
    let (code, out, _) = run_args(&tree, &["-g", &arg]);
    assert_eq!(code, 251);
    assert_eq!(
        out,
        "Error. Unable to save: the read-only state of rd0 cannot be read.\n"
    );
    assert!(!file.exists());
}

#[test]
fn restore_refusals_change_nothing() {
    let tree = loaded();
    let file = tree.roots.sys.parent().unwrap().join("c.json");
    let arg = format!("--restore={}", file.display());
    let (code, out, _) = run_args(&tree, &["-g", &arg]);
    assert_eq!(code, 254);
    assert_eq!(
        out,
        format!(
            "Error. Unable to read {}: No such file or directory.\n",
            file.display()
        )
    );
    std::fs::write(
        &file,
        br#"{"version": 2, "ram_disks": [], "cache_mappings": []}"#,
    )
    .unwrap();
    let (code, out, _) = run_args(&tree, &["-j", &arg]);
    assert_eq!(code, 234);
    let want = format!(
        "{{\"status\": \"Failed\", \"message\": \"Error. {} is not a usable configuration: format version 2 is newer than this rapiddisk reads (version 1).\"}}\n",
        file.display()
    );
    assert_eq!(out, want);
    // rd0 exists with 64 MiB; the document wants 32
    let doc = br#"{"version": 1, "ram_disks": [{"name": "rd0", "size": 33554432, "read_only": false}], "cache_mappings": []}"#;
    std::fs::write(&file, doc).unwrap();
    let (code, out, _) = run_args(&tree, &["-g", &arg]);
    assert_eq!(code, 239);
    assert!(out.ends_with(": rd0 exists with 67108864 bytes, the document has 33554432 bytes. Nothing was changed.\n"), "{out}");
    assert_eq!(mgmt(&tree), b"");
}

#[test]
fn restore_names_the_failed_step_and_what_could_not_be_undone() {
    // the fixture has no /dev/sdz: the map fails after rd4 was attached,
    // and the undo cannot see rd4 (a fixture does not grow disks)
    let tree = loaded();
    let file = tree.roots.sys.parent().unwrap().join("c.json");
    let doc = br#"{"version": 1,
        "ram_disks": [{"name": "rd4", "size": 8388608, "read_only": false}],
        "cache_mappings": [{"name": "rc-wt_sdz", "cache": "rd4", "mode": "write-through", "source": "/dev/sdz"}]}"#;
    std::fs::write(&file, doc).unwrap();
    let (code, out, _) = run_args(&tree, &["-g", &format!("--restore={}", file.display())]);
    assert_eq!(code, 255);
    assert_eq!(
        out,
        "Error. Unable to map rc-wt_sdz (rd4 in front of /dev/sdz): the source /dev/sdz does not exist. \
         Undoing failed too: undo of 'create RAM disk rd4 of 8 MiB': Error. Device rd4 does not exist.\n"
    );
    assert_eq!(mgmt(&tree), b"rapiddisk attach 4 8388608\n");
}

#[test]
fn without_nvme_goes_with_restore_and_takes_no_value() {
    let tree = loaded();
    for args in [
        &["-g", "--save", "--without-nvme"][..],
        &["-g", "-l", "--without-nvme"],
    ] {
        let (code, out, _) = run_args(&tree, args);
        assert_eq!(
            (code, out.as_str()),
            (234, "Error. --without-nvme goes with --restore.\n"),
            "{args:?}"
        );
    }
    let (code, out, _) = run_args(&tree, &["-g", "--restore", "--without-nvme=yes"]);
    assert_eq!(
        (code, out.as_str()),
        (234, "Error. Option --without-nvme takes no value.\n")
    );
}
