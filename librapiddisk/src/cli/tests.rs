//! Whole runs of the command against fixture trees: the spec's Appendix
//! A.2 and A.4 outputs, start-up checks, header and help rules.

use super::*;
use crate::fixture::Tree;

/// Both modules loaded, rd0 and rd2 present (64 MiB), no mappings.
fn loaded() -> Tree {
    Tree::new()
        .file("sys/kernel/rapiddisk/mgmt", b"")
        .file("sys/module/rapiddisk_cache/refcnt", b"0\n")
        .block("rd0", 131072)
        .block("rd2", 131072)
}

struct Ran {
    code: u8,
    stdout: String,
    stderr: String,
}

fn run_as(tree: &Tree, euid: u32, args: &[&str]) -> Ran {
    let (code, stdout, stderr) = tree.run_cli(euid, args);
    Ran {
        code,
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

fn run(tree: &Tree, args: &[&str]) -> Ran {
    run_as(tree, 0, args)
}

fn mgmt(tree: &Tree) -> String {
    String::from_utf8(std::fs::read(tree.roots.mgmt()).unwrap()).unwrap()
}

/// (stdout, exit) of a run.
fn outcome(tree: &Tree, args: &[&str]) -> (String, u8) {
    let r = run(tree, args);
    (r.stdout, r.code)
}

#[test]
fn root_is_checked_before_anything_even_help() {
    let r = run_as(&Tree::new(), 1000, &["-h"]);
    assert_eq!(r.code, 243);
    assert_eq!(
        r.stdout,
        "\nYou must be root or contain sudo permissions to initiate this.\n\n"
    );
}

#[test]
fn module_messages_go_to_stderr() {
    let r = run(&Tree::new(), &["-v"]);
    assert_eq!((r.code, r.stdout.as_str()), (255, ""));
    assert_eq!(
        r.stderr,
        "Please ensure that the RapidDisk module is loaded and retry.\n"
    );
    let tree = Tree::new()
        .file("sys/kernel/rapiddisk/mgmt", b"")
        .file("sys/module/rapiddisk/refcnt", b"0\n");
    let r = run(&tree, &["-l"]);
    assert_eq!(r.code, 255);
    assert_eq!(
        r.stderr,
        "Please ensure that the RapidDisk-Cache module is loaded and retry.\n"
    );
}

#[test]
fn header_help_and_version() {
    let tree = loaded();
    let header = help::header();
    assert!(header.starts_with(&format!("rapiddisk {}\n", env!("CARGO_PKG_VERSION"))));
    assert!(header.ends_with("\n\n") && header.matches('\n').count() == 3);
    assert_eq!(outcome(&tree, &["-v"]), (header.clone(), 0));
    assert_eq!(outcome(&tree, &["-j", "-v"]), (header.clone(), 0));
    let help = format!("{header}{}", help::HELP);
    assert_eq!(outcome(&tree, &["-g", "-h", "-z"]), (help.clone(), 0));
    assert_eq!(outcome(&tree, &["-V"]), (help.clone(), 255));
    // no action: the header is printed once, -g or not
    assert_eq!(outcome(&tree, &[]), (help.clone(), 255));
    assert_eq!(outcome(&tree, &["-g"]), (help.clone(), 255));
    let r = run(&tree, &["-l", "-k"]);
    assert_eq!((r.code, r.stdout), (255, help));
    assert_eq!(r.stderr, "rapiddisk: invalid option -- 'k'\n");
    let r = run(&tree, &["-a"]);
    assert_eq!(r.stderr, "rapiddisk: option requires an argument -- 'a'\n");
    // every flag of the option string is described in the help
    for flag in OPTSTRING
        .iter()
        .filter(|c| c.is_ascii_alphabetic() && **c != b'V')
    {
        let shown = format!("-{}", *flag as char);
        assert!(help::HELP.contains(&shown), "{shown} missing from help");
    }
    // and every long option
    let tunables = crate::tunables::VALUE_OPTIONS
        .iter()
        .chain(&crate::tunables::FLAG_OPTIONS);
    for long in tunables.chain(&["save", "restore", "adrfam", "dhchap-key", "dhchap-ctrl-key"]) {
        assert!(
            help::HELP.contains(&format!("--{long}")),
            "--{long} missing from help"
        );
    }
}

#[test]
fn appendix_a4_messages_and_exits() {
    let cases: &[(&[&str], &str, u8)] = &[
        (&["-g", "-a", "100KB"], "Error. Invalid argument(s) or values entered.", 234),
        (&["-g", "-a", "64M"], "Error during matching of size in string '64M': 'no match'.", 234),
        (&["-g", "-d", "rd5"], "Error. Device rd5 does not exist.", 255),
        (&["-g", "-r", "rd9", "-c", "128"], "Error. Device rd9 does not exist.", 254),
        (&["-j", "-U", "rd7"], r#"{"status": "Failed", "message": "Error. Device rd7 does not exist."}"#, 254),
        (&["-g", "-m", "rd0", "-b", "/dev/sdz", "-p", "wb"], "Please ensure that the dm-writecache module is loaded and retry.", 255),
        (&["-g", "-m", "rd0", "-b", "sdz"], "Error. Source device does not seem to be a normal block device listed in the /dev directory path.", 255),
        (&["-g", "-m", "rd0", "-b", "/dev/rapiddisk-sdz"], "cache_device_map: open: No such file or directory", 254),
        (&["-g", "-u", "rc-wt_sdz"], "Error. Cache target rc-wt_sdz does not exist.", 254),
        (&["-g", "-s", "rc-wt_sdz"], "No RapidDisk-Cache Mappings exist.", 255),
        (&["-j", "-s", "rc-wt_sdz"], r#"{"status": "Failed", "message": "No RapidDisk-Cache Mappings exist."}"#, 255),
        (&["-g", "-i", "eth0"], "Error. Invalid port number.", 234),
        (&["-g", "-X"], "Error. Invalid port number.", 234),
        (&["-g", "-e"], "Error. Invalid argument(s) or values entered.", 234),
        (&["-g", "-p", "wb", "-l"], "Please ensure that the dm-writecache module is loaded and retry.", 255),
    ];
    let tree = loaded();
    for (args, message, code) in cases {
        assert_eq!(
            outcome(&tree, args),
            (format!("{message}\n"), *code),
            "{args:?}"
        );
    }
    assert_eq!(mgmt(&tree), "", "no failed action wrote a command");
}

#[test]
fn attach_and_detach_write_the_commands() {
    let tree = loaded();
    let r = outcome(&tree, &["-g", "-a", "64"]);
    assert_eq!(r, ("Attached device rd1 of size 64 Mbytes.\n".into(), 0));
    assert_eq!(mgmt(&tree), "rapiddisk attach 1 67108864\n");
    let r = outcome(&tree, &["-j", "-a", "1GB"]);
    let want = r#"{"status": "Success", "message": "Attached device rd1 of size 953 Mbytes."}"#;
    assert_eq!(r, (format!("{want}\n"), 0));
    assert_eq!(mgmt(&tree), "rapiddisk attach 1 999292928\n");
    assert_eq!(
        outcome(&tree, &["-g", "-d", "rd2"]),
        ("Detached device rd2.\n".into(), 0)
    );
    assert_eq!(mgmt(&tree), "rapiddisk detach 2\n");
    // the header comes first without -g
    let r = run(&tree, &["-d", "rd0"]);
    assert_eq!(
        r.stdout,
        format!("{}Detached device rd0.\n", help::header())
    );
}

/// rd2, rd1, rd0 and the three mappings of Appendix A.2.
fn appendix_a2() -> Tree {
    let tree = Tree::new()
        .file("sys/kernel/rapiddisk/mgmt", b"")
        .file("sys/module/rapiddisk_cache/refcnt", b"0\n")
        .file("sys/module/dm_writecache/refcnt", b"0\n");
    let mut tree = tree;
    for rd in ["rd2", "rd1", "rd0"] {
        tree = tree.block(rd, 131072);
    }
    tree.mapping("rc-wb_sdd", "dm-2", &["rd2", "sdd"])
        .mapping("rc-wa_sdc1", "dm-1", &["rd1", "sdc1"])
        .mapping("rc-wt_sdb", "dm-0", &["rd0", "sdb"])
}

#[test]
fn list_follows_discovery_order_in_both_formats() {
    let tree = appendix_a2();
    let sys = System::discover(
        tree.roots.clone(),
        startup::require_modules(&tree.roots).unwrap(),
    )
    .unwrap();
    let r = run(&tree, &["-g", "-l"]);
    assert_eq!(
        (r.code, r.stdout),
        (
            0,
            String::from_utf8(text::list(&sys.disks, &sys.mappings)).unwrap()
        )
    );
    let r = run(&tree, &["-j", "-l"]);
    let json = String::from_utf8(render::list(&sys.disks, &sys.mappings)).unwrap();
    assert_eq!((r.code, r.stdout), (0, format!("{json}\n")));
    // the fixture holds Appendix A.2 in some directory order
    assert_eq!(sys.disks.len(), 3);
    assert!(json.contains(
        r#"{"device": "rc-wa_sdc1", "cache": "rd1", "source": "sdc1", "mode": "write-around"}"#
    ));
    assert!(json
        .contains(r#"{"device": "rd1", "size": 67108864, "usage": -2, "status": "unavailable"}"#));
}

#[test]
fn list_without_disks_is_enoent() {
    let tree = Tree::new()
        .file("sys/kernel/rapiddisk/mgmt", b"")
        .file("sys/module/rapiddisk_cache/refcnt", b"0\n");
    assert_eq!(
        outcome(&tree, &["-g", "-l"]),
        ("Unable to locate any RapidDisk devices.\n".into(), 254)
    );
}

#[test]
fn mapping_conflicts_and_busy_flush() {
    let tree = appendix_a2();
    let r = outcome(&tree, &["-g", "-m", "rd0", "-b", "/dev/sde"]);
    assert_eq!(
        r,
        (
            "Error. At least one of your cache/source devices is currently mapped to rc-wt_sdb.\n"
                .into(),
            255
        )
    );
    let r = outcome(&tree, &["-j", "-f", "rd1"]);
    let want = r#"{"status": "Failed", "message": "Error. Unable to remove rd1. This RapidDisk device is currently mapped as a cache drive to rc-wa_sdc1."}"#;
    assert_eq!(r, (format!("{want}\n"), 240));
}

#[test]
fn stats_of_a_mapping_device_mapper_does_not_know() {
    let tree = appendix_a2();
    let r = outcome(&tree, &["-j", "-s", "rc-wt_sdb"]);
    assert_eq!(r, ("{\"statistics\": [{\"cache_stats\": []}]}\n".into(), 0));
    let r = outcome(&tree, &["-g", "-s", "rc-wt_sdb"]);
    assert_eq!(
        r,
        (
            "Error. Unable to read the statistics of rc-wt_sdb.\n".into(),
            251
        )
    );
    let r = outcome(&tree, &["-g", "-s", "rc-wt_sdz"]);
    assert_eq!(r.1, 254);
    assert_eq!(outcome(&tree, &["-j", "-s", "rc-wt_sdz"]).1, 255);
}

#[test]
fn discovery_failure_aborts_every_action() {
    let tree = loaded();
    std::os::unix::fs::symlink("../dm-77", tree.roots.dev.join("mapper/rc-wt_sdq")).unwrap();
    for args in [&["-g", "-q"][..], &["-g", "-a", "64"], &["-g", "-N"]] {
        let r = outcome(&tree, args);
        assert_eq!(
            r,
            (
                "search_cache_targets: EXISTANCE: No such file or directory\n".into(),
                255
            )
        );
    }
    assert_eq!(mgmt(&tree), "");
}

#[test]
fn nvme_actions_on_a_tree_without_nvmet() {
    let tree = loaded();
    let not_loaded = format!("{}\n", crate::nvmet::NOT_LOADED);
    for args in [
        &["-g", "-N"][..],
        &["-g", "-n"],
        &["-g", "-i", "lo", "-P", "1"],
        &["-g", "-X", "-P", "1"],
        &["-g", "-e", "-b", "rd0"],
        &["-g", "-x", "-b", "rd0"],
        &["-g", "-R", "-b", "rd0"],
    ] {
        assert_eq!(outcome(&tree, args), (not_loaded.clone(), 255), "{args:?}");
    }
    let (json, code) = outcome(&tree, &["-j", "-N"]);
    assert_eq!(code, 255);
    assert!(json.starts_with(r#"{"status": "Failed", "message": "The NVMe Target"#));
    // no devices at all: upstream's Success (quirk 25)
    let empty = Tree::new()
        .file("sys/kernel/rapiddisk/mgmt", b"")
        .file("sys/module/rapiddisk_cache/refcnt", b"0\n");
    assert_eq!(
        outcome(&empty, &["-j", "-e", "-b", "rd0"]),
        (
            "{\"status\": \"Success\", \"message\": \"Unable to locate any RapidDisk devices.\"}\n"
                .into(),
            0
        )
    );
}

#[test]
fn nvme_listings_and_argument_checks_on_a_fixture_tree() {
    let tree = loaded()
        .file("sys/kernel/config/nvmet/ports/1/addr_traddr", b"10.0.0.1\n")
        .file("sys/kernel/config/nvmet/ports/1/addr_trtype", b"tcp\n")
        .file("sys/kernel/config/nvmet/subsystems/.keep", b"");
    std::fs::create_dir_all(
        tree.roots
            .sys
            .join("kernel/config/nvmet/ports/1/subsystems"),
    )
    .unwrap();
    assert_eq!(
        outcome(&tree, &["-g", "-N"]),
        (
            "Exported NVMe Ports\n\n\t1: Port: 1 - 10.0.0.1 (tcp)\n".into(),
            0
        )
    );
    assert_eq!(
        outcome(&tree, &["-j", "-N"]),
        ("{\"targets\": [{\"nvmet_ports\": [{\"port\": 1, \"address\": \"10.0.0.1\", \"protocol\": \"tcp\"}]}]}\n".into(), 0)
    );
    assert_eq!(
        outcome(&tree, &["-g", "-n"]),
        ("NVMe Target Exports\n\n\tNone.\n\n".into(), 0)
    );
    let cases: &[(&[&str], &str, u8)] = &[
        (
            &["-g", "-i", "lo", "-P", "2", "--adrfam", "ip6"],
            "Error. Invalid address family: use --adrfam ipv4 or ipv6.",
            234,
        ),
        (
            &["-g", "-i", "lo", "-P", "1"],
            "Error. NVMe Target Port 1 already exists.",
            255,
        ),
        (
            &["-g", "-X", "-P", "5"],
            "Error. NVMe Target Port 5 does not exist.",
            255,
        ),
        (
            &["-g", "-e", "-b", "rd9"],
            "Error. Device rd9 does not exist.",
            255,
        ),
        (
            &["-g", "-e", "-b", "rd0", "-P", "3"],
            "Error. Port 3 does not exist.",
            255,
        ),
        (
            &["-g", "-R", "-b", "rd5"],
            "Error. Device rd5 does not exist.",
            255,
        ),
        (
            &["-g", "-x"],
            "Error. Invalid argument(s) or values entered.",
            234,
        ),
        (
            &["-g", "-R"],
            "Error. Invalid argument(s) or values entered.",
            234,
        ),
        (
            &["-g", "-e", "-b", "rd0", "--dhchap-key", "/k"],
            "Error. A DH-HMAC-CHAP secret needs an allowed host (-H HOSTNQN).",
            234,
        ),
    ];
    for (args, message, code) in cases {
        assert_eq!(
            outcome(&tree, args),
            (format!("{message}\n"), *code),
            "{args:?}"
        );
    }
    let r = run(&tree, &["-g", "--export"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (255, "rapiddisk: invalid option -- '-'\n")
    );
}

#[test]
fn nvme_option_garbage_never_changes_the_tree() {
    let tree = loaded().file("sys/kernel/config/nvmet/hosts/.keep", b"");
    let root = tree.roots.sys.join("kernel/config/nvmet");
    std::fs::create_dir_all(root.join("ports")).unwrap();
    std::fs::create_dir_all(root.join("subsystems")).unwrap();
    let junk = [
        "",
        "-",
        "x",
        "-1",
        "99999999999",
        "../../etc",
        "rd0%s",
        "\u{1}",
        "ipv6",
        "NULL",
    ];
    let actions = ["-N", "-n", "-X", "-x", "-R", "-e"];
    for action in actions {
        for value in junk {
            for param in ["-P", "-b", "-H", "-t", "--adrfam"] {
                let args = ["-g", action, param, value];
                let r = run(&tree, &args);
                assert!(r.code == 0 || r.code >= 234, "{args:?}: {}", r.code);
                assert!(!r.stdout.is_empty(), "{args:?}: a message");
            }
        }
    }
    let entries = |d: &str| std::fs::read_dir(root.join(d)).unwrap().count();
    assert_eq!(
        (entries("ports"), entries("subsystems"), entries("hosts")),
        (0, 0, 1)
    );
}
