//! The NVMe operations on a configfs stand-in: every message of spec §5,
//! the listings of Appendix A.5, and the rollback of every step.

use super::fake::{snapshot, FakeFs, FakeNet};
use super::*;
use crate::fixture::Tree;
use crate::ops::{Done, System};
use std::fs;
use std::net::IpAddr;
use std::rc::Rc;

struct Fixture {
    /// Keeps the temporary tree.
    _tree: Tree,
    nvmet: Nvmet,
    fs: Rc<FakeFs>,
    sys: System,
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn fixture_with(auth: bool, loaded: bool, hostname: io::Result<Vec<u8>>) -> Fixture {
    let tree = Tree::new();
    let base = tree.roots.sys.parent().unwrap().to_path_buf();
    if loaded {
        for dir in ["ports", "subsystems", "hosts"] {
            fs::create_dir_all(tree.roots.sys.join("kernel/config/nvmet").join(dir)).unwrap();
        }
    }
    for iface in ["lo", "eth0", "eth6", "dummy"] {
        fs::create_dir_all(tree.roots.sys.join("class/net").join(iface)).unwrap();
    }
    let modules_dir = base.join("lib/modules/test");
    fs::create_dir_all(&modules_dir).unwrap();
    let fake = Rc::new(FakeFs::new(auth));
    let net = FakeNet {
        hostname,
        interfaces: vec![
            ("lo", vec![ip("127.0.0.1"), ip("::1")]),
            ("eth0", vec![ip("10.0.0.1")]),
            ("eth6", vec![ip("fe80::1"), ip("2001:db8::5")]),
            ("dummy", vec![ip("fe80::2")]),
        ],
    };
    let nvmet = Nvmet::with(
        &tree.roots,
        Box::new(fake.clone()),
        Box::new(net),
        modules_dir,
    );
    let sys = tree.system(&["rd0", "rd1"], &[("rc-wt_sdb", "rd1", "sdb")]);
    Fixture {
        _tree: tree,
        nvmet,
        fs: fake,
        sys,
    }
}

fn fixture() -> Fixture {
    fixture_with(false, true, Ok(b"vm".to_vec()))
}

fn tcp(port: i32, iface: &str) -> PortRequest<'_> {
    PortRequest {
        port,
        interface: iface.as_bytes(),
        transport: Transport::Tcp,
        family: AddressFamily::Auto,
    }
}

fn message(r: Result<Done>) -> String {
    String::from_utf8(r.unwrap().message).unwrap()
}

fn failure(r: Result<Done>) -> (i32, String) {
    let e = r.unwrap_err();
    (e.code(), String::from_utf8_lossy(e.message()).into_owned())
}

/// An attribute without the newline configfs shows.
fn attr(f: &Fixture, rel: &str) -> String {
    let text = fs::read_to_string(f.nvmet.root.join(rel)).unwrap();
    text.strip_suffix('\n').unwrap_or(&text).to_string()
}

fn nqn(dev: &str) -> String {
    format!("nqn.2021-06.org.rapiddisk:vm-{dev}")
}

fn export<'a>(device: &'a str, port: Option<i32>, host: &'a str) -> Export<'a> {
    Export {
        device: device.as_bytes(),
        port,
        host: host.as_bytes(),
        ..Export::default()
    }
}

fn unexport<'a>(device: &'a str, port: Option<i32>, host: &'a str) -> Unexport<'a> {
    Unexport {
        device: device.as_bytes(),
        port,
        host: host.as_bytes(),
    }
}

/// Runs `op` failing at each change in turn until it succeeds: every
/// failure must leave the tree as it was and return -1. Returns the
/// number of changes of the successful run.
fn assert_rolls_back(f: &Fixture, op: &dyn Fn() -> Result<Done>) -> usize {
    let before = snapshot(&f.nvmet.root);
    for n in 0.. {
        f.fs.changes.set(0);
        f.fs.fail_at.set(Some(n));
        match op() {
            Ok(_) => {
                f.fs.fail_at.set(None);
                return n;
            }
            Err(e) => {
                assert_eq!(e.code(), -1, "step {n}: {e}");
                assert!(
                    !e.to_string().contains("Rollback incomplete"),
                    "step {n}: {e}"
                );
                assert_eq!(
                    snapshot(&f.nvmet.root),
                    before,
                    "step {n} failed with {e}, tree changed"
                );
            }
        }
    }
    unreachable!()
}

#[test]
fn every_action_reports_the_missing_nvmet_tree() {
    let f = fixture_with(false, false, Ok(b"vm".to_vec()));
    let n = &f.nvmet;
    let not_loaded = (-1, NOT_LOADED.to_string());
    assert_eq!(n.ports().unwrap_err().message(), NOT_LOADED.as_bytes());
    assert_eq!(n.targets().unwrap_err().message(), NOT_LOADED.as_bytes());
    assert_eq!(failure(n.enable_port(&tcp(1, "lo"))), not_loaded);
    assert_eq!(failure(n.disable_port(1)), not_loaded);
    assert_eq!(
        failure(n.export(&f.sys, &export("rd0", None, ""))),
        not_loaded
    );
    assert_eq!(failure(n.unexport(&unexport("rd0", None, ""))), not_loaded);
    assert_eq!(failure(n.revalidate(&f.sys, b"rd0")), not_loaded);
}

#[test]
fn tcp_port_on_lo_writes_the_four_attributes() {
    let f = fixture();
    assert_eq!(
        message(f.nvmet.enable_port(&tcp(3, "lo"))),
        "Successfully created port 3 set to tcp for interface lo (with IP address 127.0.0.1)."
    );
    let got: Vec<String> = ["addr_adrfam", "addr_traddr", "addr_trsvcid", "addr_trtype"]
        .iter()
        .map(|a| attr(&f, &format!("ports/3/{a}")))
        .collect();
    assert_eq!(got, ["ipv4", "127.0.0.1", "4420", "tcp"]);
    assert_eq!(
        failure(f.nvmet.enable_port(&tcp(3, "lo"))),
        (-1, "Error. NVMe Target Port 3 already exists.".into())
    );
}

#[test]
fn ipv6_ports_where_upstream_had_none() {
    let f = fixture();
    assert_eq!(
        message(f.nvmet.enable_port(&tcp(6, "eth6"))),
        "Successfully created port 6 set to tcp for interface eth6 (with IP address 2001:db8::5)."
    );
    assert_eq!(
        (
            attr(&f, "ports/6/addr_adrfam"),
            attr(&f, "ports/6/addr_traddr")
        ),
        ("ipv6".into(), "2001:db8::5".into())
    );
    let v6 = PortRequest {
        family: AddressFamily::Ipv6,
        ..tcp(7, "lo")
    };
    assert!(message(f.nvmet.enable_port(&v6)).ends_with("(with IP address ::1)."));
    assert_eq!(attr(&f, "ports/7/addr_adrfam"), "ipv6");
    let v4_only = PortRequest {
        family: AddressFamily::Ipv4,
        ..tcp(8, "eth6")
    };
    let no_address = "Error: nvmet_interface_ip_get: ioctl: Cannot assign requested address";
    assert_eq!(
        failure(f.nvmet.enable_port(&v4_only)),
        (
            -1,
            format!("Cannot find the IP address of interface eth6. {no_address}")
        )
    );
    // only a link-local address: unusable
    assert_eq!(
        failure(f.nvmet.enable_port(&tcp(8, "dummy"))),
        (
            -1,
            format!("Cannot find the IP address of interface dummy. {no_address}")
        )
    );
    assert_eq!(
        failure(f.nvmet.enable_port(&tcp(8, "nope"))),
        (-1, "Cannot find the IP address of interface nope. Error: nvmet_interface_ip_get: access: No such file or directory".into())
    );
    assert!(!f.nvmet.root.join("ports/8").exists());
    assert_eq!(AddressFamily::parse(b"ipv6"), Some(AddressFamily::Ipv6));
    assert_eq!(AddressFamily::parse(b"IPv6"), None);
}

#[test]
fn loop_ports_need_nvme_loop() {
    let f = fixture();
    let lp = PortRequest {
        transport: Transport::Loop,
        ..tcp(4, "NULL")
    };
    let before = snapshot(&f.nvmet.root);
    let (code, msg) = failure(f.nvmet.enable_port(&lp));
    assert_eq!((code, msg.contains("nvme-loop")), (-1, true), "{msg}");
    assert_eq!(snapshot(&f.nvmet.root), before);
    fs::write(
        f.nvmet.modules_dir.join("modules.alias"),
        "alias nvmet-transport-254 nvme_loop\n",
    )
    .unwrap();
    assert_eq!(
        message(f.nvmet.enable_port(&lp)),
        "Successfully created port 4 set for loop."
    );
    assert_eq!(attr(&f, "ports/4/addr_trtype"), "loop");
    assert_eq!(attr(&f, "ports/4/addr_traddr"), "");
    fs::remove_file(f.nvmet.modules_dir.join("modules.alias")).unwrap();
    fs::create_dir_all(f.nvmet.sys_module.join("nvme_loop")).unwrap();
    assert!(f.nvmet.enable_port(&PortRequest { port: 5, ..lp }).is_ok());
}

#[test]
fn an_address_in_use_on_a_linked_port_is_refused() {
    let f = fixture();
    f.nvmet.enable_port(&tcp(1, "lo")).unwrap();
    // a port without linked subsystems is not checked (upstream)
    f.nvmet.enable_port(&tcp(2, "lo")).unwrap();
    fs::remove_dir_all(f.nvmet.root.join("ports/2")).unwrap();
    f.nvmet.export(&f.sys, &export("rd0", Some(1), "")).unwrap();
    assert_eq!(
        failure(f.nvmet.enable_port(&tcp(2, "lo"))),
        (
            -1,
            "Error. Interface lo with IP address 127.0.0.1 is already in use on port 1.".into()
        )
    );
}

#[test]
fn port_creation_rolls_back_every_step() {
    let f = fixture();
    assert_eq!(
        assert_rolls_back(&f, &|| f.nvmet.enable_port(&tcp(1, "lo"))),
        5
    );
    let f = fixture();
    f.fs.fail_at.set(Some(2));
    let (_, msg) = failure(f.nvmet.enable_port(&tcp(1, "lo")));
    let file = f.nvmet.root.join("ports/1/addr_adrfam");
    assert_eq!(
        msg,
        format!(
            "Error. Unable to write {}. nvmet_enable_port: write: Input/output error",
            file.display()
        )
    );
}

#[test]
fn port_removal() {
    let f = fixture();
    assert_eq!(
        failure(f.nvmet.disable_port(1)),
        (-1, "Error. NVMe Target Port 1 does not exist.".into())
    );
    f.nvmet.enable_port(&tcp(1, "lo")).unwrap();
    f.nvmet.export(&f.sys, &export("rd0", None, "")).unwrap();
    assert_eq!(
        failure(f.nvmet.disable_port(1)),
        (-1, "This port is currently in use.".into())
    );
    f.nvmet.unexport(&unexport("rd0", None, "")).unwrap();
    assert_eq!(
        message(f.nvmet.disable_port(1)),
        "NVMe Target port 1 has been removed."
    );
    assert!(!f.nvmet.root.join("ports/1").exists());
}

#[test]
fn listings_match_appendix_a5() {
    let f = fixture();
    assert_eq!(
        ports_text(&f.nvmet.ports().unwrap()),
        b"Exported NVMe Ports\n\n\tNone.\n\n"
    );
    assert_eq!(
        targets_text(&f.nvmet.targets().unwrap()),
        b"NVMe Target Exports\n\n\tNone.\n\n"
    );
    assert_eq!(ports_json(&[]), br#"{"targets": [{"nvmet_ports": []}]}"#);
    assert_eq!(
        targets_json(&[]),
        br#"{"targets": [{"nvmet_targets": []}]}"#
    );
    fs::create_dir_all(f.nvmet.sys_module.join("nvme_loop")).unwrap();
    f.nvmet.enable_port(&tcp(1, "eth0")).unwrap();
    let lp = PortRequest {
        transport: Transport::Loop,
        ..tcp(2, "NULL")
    };
    f.nvmet.enable_port(&lp).unwrap();
    f.nvmet
        .export(&f.sys, &export("rd1", Some(1), "nqn.host1"))
        .unwrap();
    // ports come in directory order
    let order = Tree::raw_order(&f.nvmet.root.join("ports"), "");
    let line = |i: usize, name: &std::ffi::OsString| match name.to_str().unwrap() {
        "1" => (
            format!("\t{i}: Port: 1 - 10.0.0.1 (tcp)\n"),
            r#"{"port": 1, "address": "10.0.0.1", "protocol": "tcp"}"#,
        ),
        _ => (
            format!("\t{i}: Port: 2 - UNDEFINED (loop)\n"),
            r#"{"port": 2, "address": "UNDEFINED", "protocol": "loop"}"#,
        ),
    };
    let lines: Vec<_> = order
        .iter()
        .enumerate()
        .map(|(i, n)| line(i + 1, n))
        .collect();
    let text: String = lines.iter().map(|l| l.0.clone()).collect();
    let json: Vec<&str> = lines.iter().map(|l| l.1).collect();
    let ports = f.nvmet.ports().unwrap();
    assert_eq!(
        String::from_utf8(ports_text(&ports)).unwrap(),
        format!("Exported NVMe Ports\n\n{text}")
    );
    assert_eq!(
        String::from_utf8(ports_json(&ports)).unwrap(),
        format!(
            r#"{{"targets": [{{"nvmet_ports": [{}]}}]}}"#,
            json.join(", ")
        )
    );
    let targets = f.nvmet.targets().unwrap();
    assert_eq!(
        String::from_utf8(targets_text(&targets)).unwrap(),
        "NVMe Target Exports\n\n\t1: NQN: nqn.2021-06.org.rapiddisk:vm-rd1 \tNamespace: 1\tDevice: /dev/rd1 \tEnabled: True\n\t\tAllowed host: nqn.host1\n\t\tLinked port: 1\tIP address: 10.0.0.1 (tcp)\n"
    );
    assert_eq!(
        String::from_utf8(targets_json(&targets)).unwrap(),
        r#"{"targets": [{"nvmet_targets": [{"nqn": "nqn.2021-06.org.rapiddisk:vm-rd1", "namespace": 1, "device": "/dev/rd1", "enabled": "true", "allowed_hosts": [{"host": "nqn.host1"}], "assigned_ports": [{"port": 1, "address": "10.0.0.1", "protocol": "tcp"}]}]}]}"#
    );
    // enabled is "true" only for exactly 1; text says True for any non-zero
    fs::write(
        f.nvmet
            .root
            .join(format!("subsystems/{}/namespaces/1/enable", nqn("rd1"))),
        "2\n",
    )
    .unwrap();
    let targets = f.nvmet.targets().unwrap();
    assert!(String::from_utf8(targets_json(&targets))
        .unwrap()
        .contains(r#""enabled": "false""#));
    assert!(String::from_utf8(targets_text(&targets))
        .unwrap()
        .contains("Enabled: True"));
}

#[test]
fn export_to_all_hosts_on_all_ports() {
    let f = fixture();
    f.nvmet.enable_port(&tcp(1, "lo")).unwrap();
    f.nvmet.enable_port(&tcp(2, "eth0")).unwrap();
    assert_eq!(
        message(f.nvmet.export(&f.sys, &export("rc-wt_sdb", None, ""))),
        format!(
            "Block device rc-wt_sdb has been mapped to all hosts through all ports as {}.",
            nqn("rc-wt_sdb")
        )
    );
    let s = format!("subsystems/{}", nqn("rc-wt_sdb"));
    assert_eq!(attr(&f, &format!("{s}/attr_allow_any_host")), "1");
    assert_eq!(attr(&f, &format!("{s}/attr_model")), "RapidDisk");
    assert_eq!(
        attr(&f, &format!("{s}/namespaces/1/device_path")),
        "/dev/mapper/rc-wt_sdb"
    );
    assert_eq!(attr(&f, &format!("{s}/namespaces/1/enable")), "1");
    for p in ["1", "2"] {
        let link = f
            .nvmet
            .root
            .join(format!("ports/{p}/subsystems/{}", nqn("rc-wt_sdb")));
        assert_eq!(
            fs::read_link(link).unwrap(),
            f.nvmet.root.join(&s),
            "absolute target"
        );
    }
    // again: nothing to change, still a success
    let before = snapshot(&f.nvmet.root);
    assert!(f
        .nvmet
        .export(&f.sys, &export("rc-wt_sdb", None, ""))
        .is_ok());
    assert_eq!(snapshot(&f.nvmet.root), before);
}

#[test]
fn export_refusals_change_nothing() {
    let f = fixture();
    f.nvmet.enable_port(&tcp(1, "lo")).unwrap();
    f.nvmet
        .export(&f.sys, &export("rd0", Some(1), "nqn.host1"))
        .unwrap();
    let before = snapshot(&f.nvmet.root);
    assert_eq!(
        failure(f.nvmet.export(&f.sys, &export("rd7", None, ""))),
        (-1, "Error. Device rd7 does not exist.".into())
    );
    assert_eq!(
        failure(f.nvmet.export(&f.sys, &export("rd0", Some(9), ""))),
        (-1, "Error. Port 9 does not exist.".into())
    );
    assert_eq!(
        failure(f.nvmet.export(&f.sys, &export("rd0", None, ""))),
        (-1, "You did not specified any allowed host, but one or more already exist. Please remove existing host(s) or specify a new one.".into())
    );
    assert_eq!(snapshot(&f.nvmet.root), before);
    let f = fixture_with(
        false,
        true,
        Err(io::Error::from_raw_os_error(libc::ENAMETOOLONG)),
    );
    assert_eq!(
        failure(f.nvmet.export(&f.sys, &export("rd0", None, ""))),
        (-1, "Error. Unable to obtain hostname. nvmet_export_volume: gethostname: File name too long".into())
    );
}

#[test]
fn a_second_host_is_added_to_the_target() {
    let f = fixture();
    f.nvmet.enable_port(&tcp(1, "lo")).unwrap();
    f.nvmet
        .export(&f.sys, &export("rd0", Some(1), "nqn.host1"))
        .unwrap();
    assert_eq!(
        message(f.nvmet.export(&f.sys, &export("rd0", Some(1), "nqn.host2"))),
        format!(
            "Block device rd0 has been mapped to nqn.host2 through port 1 as {}.",
            nqn("rd0")
        )
    );
    let t = &f.nvmet.targets().unwrap()[0];
    let mut hosts = t.allowed_hosts.clone();
    hosts.sort();
    assert_eq!(hosts, [b"nqn.host1".to_vec(), b"nqn.host2".to_vec()]);
    assert_eq!(
        attr(
            &f,
            &format!("subsystems/{}/attr_allow_any_host", nqn("rd0"))
        ),
        "0"
    );
}

#[test]
fn export_rolls_back_every_step() {
    let f = fixture();
    f.nvmet.enable_port(&tcp(1, "lo")).unwrap();
    f.nvmet.enable_port(&tcp(2, "eth0")).unwrap();
    let steps = assert_rolls_back(&f, &|| {
        f.nvmet.export(&f.sys, &export("rd0", None, "nqn.host1"))
    });
    // subsystem, host, link, model, namespace, path, enable, 2 ports (a
    // new subsystem allows no host already: that write is skipped)
    assert_eq!(steps, 9);
    // a second host on the existing target, one port
    assert!(
        assert_rolls_back(&f, &|| f
            .nvmet
            .export(&f.sys, &export("rd0", Some(2), "nqn.host2")))
            >= 2
    );
}

#[test]
fn a_value_the_kernel_refuses_fails_the_export_and_is_rolled_back() {
    let f = fixture();
    f.nvmet.enable_port(&tcp(1, "lo")).unwrap();
    // an existing, enabled namespace of this NQN holding another path:
    // configfs refuses a new device_path while enabled
    let s = f.nvmet.root.join(format!("subsystems/{}", nqn("rd0")));
    f.fs.mkdir(&s).unwrap();
    f.fs.mkdir(&s.join("namespaces/1")).unwrap();
    f.fs.write(&s.join("namespaces/1/device_path"), b"/dev/other")
        .unwrap();
    f.fs.write(&s.join("namespaces/1/enable"), b"1").unwrap();
    let before = snapshot(&f.nvmet.root);
    let (code, msg) = failure(f.nvmet.export(&f.sys, &export("rd0", None, "")));
    let file = s.join("namespaces/1/device_path");
    assert_eq!(
        (code, msg),
        (
            -1,
            format!(
                "Error. Unable to write {}. nvmet_export_volume: write: Invalid argument",
                file.display()
            )
        )
    );
    assert_eq!(
        snapshot(&f.nvmet.root),
        before,
        "allow_any_host and model restored"
    );
}

/// rd0 on ports 1 and 2 for the given hosts.
fn exported(hosts: &[&str]) -> Fixture {
    let f = fixture();
    f.nvmet.enable_port(&tcp(1, "lo")).unwrap();
    f.nvmet.enable_port(&tcp(2, "eth0")).unwrap();
    if hosts.is_empty() {
        f.nvmet.export(&f.sys, &export("rd0", None, "")).unwrap();
    }
    for h in hosts {
        f.nvmet.export(&f.sys, &export("rd0", None, h)).unwrap();
    }
    f
}

#[test]
fn unexport_checks() {
    let f = exported(&["nqn.host1"]);
    let before = snapshot(&f.nvmet.root);
    assert_eq!(
        failure(f.nvmet.unexport(&unexport("rd1", None, ""))),
        (-1, format!("NQN {} does not exists!", nqn("rd1")))
    );
    assert_eq!(
        failure(f.nvmet.unexport(&unexport("rd0", Some(7), ""))),
        (-1, format!("NQN {} on port 7 does not exists!", nqn("rd0")))
    );
    assert_eq!(
        failure(f.nvmet.unexport(&unexport("rd0", None, "nqn.hostX"))),
        (-1, format!("Error. Host name 'nqn.hostX' is not in the list of allowed hosts for this NQN: '{}'", nqn("rd0")))
    );
    assert_eq!(
        failure(f.nvmet.unexport(&unexport("rd0", None, ""))),
        (-1, "Error. No host provided, but one or more target(s) is/are still mapped to NQN(s): nqn.host1. Please remove them first.".into())
    );
    assert_eq!(snapshot(&f.nvmet.root), before);
}

#[test]
fn host_nqns_match_exactly() {
    // upstream's regex `\s?host.1\s?` also matched `hostx1` and glued names
    let f = exported(&["host.1", "hostx1", "hostz"]);
    let order: Vec<String> = Tree::raw_order(
        &f.nvmet
            .root
            .join(format!("subsystems/{}/allowed_hosts", nqn("rd0"))),
        "",
    )
    .into_iter()
    .map(|n| n.into_string().unwrap())
    .filter(|n| n != "host.1")
    .collect();
    assert_eq!(
        message(f.nvmet.unexport(&unexport("rd0", None, "host.1"))),
        format!("Warning. One or more target(s) is/are still mapped to NQN(s): {}. Please remove them first.", order.join(" "))
    );
    assert!(!f.nvmet.root.join("hosts/host.1").exists());
    assert!(f.nvmet.root.join("hosts/hostx1").exists());
    assert_eq!(f.nvmet.targets().unwrap()[0].allowed_hosts.len(), 2);
}

#[test]
fn removing_the_last_host_tears_the_target_down() {
    let f = exported(&["nqn.host1"]);
    // the host is also allowed on another target: its directory stays
    f.nvmet
        .export(&f.sys, &export("rd1", Some(1), "nqn.host1"))
        .unwrap();
    assert_eq!(
        message(f.nvmet.unexport(&unexport("rd0", None, "nqn.host1"))),
        "Block device rd0 has been removed from the NVMe Target subsystem."
    );
    assert!(!f
        .nvmet
        .root
        .join(format!("subsystems/{}", nqn("rd0")))
        .exists());
    for p in ["1", "2"] {
        assert!(!f
            .nvmet
            .root
            .join(format!("ports/{p}/subsystems/{}", nqn("rd0")))
            .exists());
    }
    assert!(f.nvmet.root.join("hosts/nqn.host1").is_dir());
    message(f.nvmet.unexport(&unexport("rd1", None, "nqn.host1")));
    assert!(!f.nvmet.root.join("hosts/nqn.host1").exists());
    assert_eq!(
        fs::read_dir(f.nvmet.root.join("subsystems"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn unexport_from_one_of_two_ports_keeps_the_target() {
    let f = exported(&[]);
    assert_eq!(
        message(f.nvmet.unexport(&unexport("rd0", Some(1), ""))),
        "Warning. The NQN was removed from port 1, but is still exported on other ports."
    );
    let t = &f.nvmet.targets().unwrap()[0];
    assert_eq!(
        t.assigned_ports.iter().map(|p| p.port).collect::<Vec<_>>(),
        [2]
    );
    assert_eq!(
        message(f.nvmet.unexport(&unexport("rd0", Some(2), ""))),
        "Block device rd0 has been removed from the NVMe Target subsystem."
    );
    assert!(f.nvmet.targets().unwrap().is_empty());
}

#[test]
fn unexport_rolls_back_every_step() {
    let f = exported(&["nqn.host1"]);
    // unlink host, rmdir host, 2 port links, any-host is 0 already,
    // enable, namespace, subsystem
    assert_eq!(
        assert_rolls_back(&f, &|| f.nvmet.unexport(&unexport(
            "rd0",
            None,
            "nqn.host1"
        ))),
        7
    );
    let f = exported(&["a", "b"]);
    assert_eq!(
        assert_rolls_back(&f, &|| f.nvmet.unexport(&unexport("rd0", None, "a"))),
        2
    );
    let f = exported(&[]);
    assert_eq!(
        assert_rolls_back(&f, &|| f.nvmet.unexport(&unexport("rd0", None, ""))),
        6
    );
}

#[test]
fn revalidate() {
    let f = exported(&[]);
    assert_eq!(
        failure(f.nvmet.revalidate(&f.sys, b"rd9")),
        (-1, "Error. Device rd9 does not exist.".into())
    );
    assert_eq!(
        failure(f.nvmet.revalidate(&f.sys, b"rd1")),
        (
            -1,
            format!("Error. NQN export: {} does not exist.", nqn("rd1"))
        )
    );
    assert_eq!(
        message(f.nvmet.revalidate(&f.sys, b"rd0")),
        "NVMe Target Namespace size for rd0 revalidated."
    );
    fs::remove_file(f.nvmet.root.join(format!(
        "subsystems/{}/namespaces/1/revalidate_size",
        nqn("rd0")
    )))
    .unwrap();
    assert_eq!(
        failure(f.nvmet.revalidate(&f.sys, b"rd0")),
        (-1, "nvmet_revalidate_size: The kernel nvmet module version utilized does not support this function.".into())
    );
    let s = f.nvmet.root.join(format!("subsystems/{}", nqn("rd1")));
    fs::create_dir_all(s.join("namespaces")).unwrap();
    assert_eq!(
        failure(f.nvmet.revalidate(&f.sys, b"rd1")),
        (
            -1,
            "nvmet_revalidate_size: A RapidDisk defined namespace does not exist.".into()
        )
    );
}

#[test]
fn host_secrets_are_set_and_never_shown() {
    let f = fixture_with(true, true, Ok(b"vm".to_vec()));
    f.nvmet.enable_port(&tcp(1, "lo")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let host_file = SecretFile::load_or_generate(&dir.path().join("host.key")).unwrap();
    let ctrl_file = SecretFile::load_or_generate(&dir.path().join("ctrl.key")).unwrap();
    let req = Export {
        host_secret: Some(&host_file),
        ctrl_secret: Some(&ctrl_file),
        ..export("rd0", Some(1), "nqn.host1")
    };
    let done = message(f.nvmet.export(&f.sys, &req));
    let secret = String::from_utf8(host_file.secret.expose().to_vec()).unwrap();
    assert!(!done.contains(&secret));
    assert_eq!(attr(&f, "hosts/nqn.host1/dhchap_key"), secret);
    assert_eq!(
        attr(&f, "hosts/nqn.host1/dhchap_ctrl_key").as_bytes(),
        ctrl_file.secret.expose()
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("host.key")).unwrap(),
        format!("{secret}\n")
    );
    let listing = [
        targets_text(&f.nvmet.targets().unwrap()),
        targets_json(&f.nvmet.targets().unwrap()),
    ]
    .concat();
    assert!(!String::from_utf8(listing).unwrap().contains("DHHC-1"));
}

#[test]
fn secrets_without_kernel_support_change_nothing() {
    let f = fixture();
    f.nvmet.enable_port(&tcp(1, "lo")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("host.key");
    let host_file = SecretFile::load_or_generate(&key).unwrap();
    let before = snapshot(&f.nvmet.root);
    let req = Export {
        host_secret: Some(&host_file),
        ..export("rd0", Some(1), "nqn.host1")
    };
    let (code, msg) = failure(f.nvmet.export(&f.sys, &req));
    assert_eq!((code, msg.contains("no DH-HMAC-CHAP")), (-1, true), "{msg}");
    assert_eq!(snapshot(&f.nvmet.root), before);
    assert!(!key.exists(), "no secret file for a failed export");
    let any_host = Export {
        host_secret: Some(&host_file),
        ..export("rd0", Some(1), "")
    };
    assert_eq!(failure(f.nvmet.export(&f.sys, &any_host)).0, -libc::EINVAL);
    let ctrl_only = Export {
        ctrl_secret: Some(&host_file),
        ..export("rd0", Some(1), "h")
    };
    assert_eq!(failure(f.nvmet.export(&f.sys, &ctrl_only)).0, -libc::EINVAL);
}

#[test]
fn secret_export_rolls_back_every_step() {
    let f = fixture_with(true, true, Ok(b"vm".to_vec()));
    f.nvmet.enable_port(&tcp(1, "lo")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let host_file = SecretFile::load_or_generate(&dir.path().join("k")).unwrap();
    let req = Export {
        host_secret: Some(&host_file),
        ..export("rd0", Some(1), "nqn.host1")
    };
    assert_eq!(assert_rolls_back(&f, &|| f.nvmet.export(&f.sys, &req)), 9);
    assert!(dir.path().join("k").exists());
}
