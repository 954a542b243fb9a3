//! Saving and restoring the NVMe-oF part on the configfs stand-in: what a
//! save finds, a restore that rebuilds the same tree, a second restore
//! that keeps it, and the rollback of a restore failing at every change.

use super::apply::{apply, SystemExecutor};
use super::nvme_entries::{ExportEntry, TransportWord};
use super::order::DirOrder;
use super::plan::{plan, Step};
use super::save;
use crate::fixture::Tree;
use crate::nvmet::fake::{snapshot, FakeFs, FakeNet};
use crate::nvmet::{AddressFamily, Export, Nvmet, PortRequest, SecretFile, Transport};
use crate::ops::System;
use crate::startup::Modules;
use std::fs;
use std::rc::Rc;

const HOST: &str = "nqn.2014-08.org.nvmexpress:uuid:host-1";

/// A machine with rd0 and rd1, nvmet loaded with authentication.
struct Machine {
    tree: Tree,
    fake: Rc<FakeFs>,
}

impl Machine {
    fn new() -> Self {
        let tree = Tree::new().block("rd0", 131072).block("rd1", 131072);
        for dir in ["ports", "subsystems", "hosts"] {
            fs::create_dir_all(tree.roots.sys.join("kernel/config/nvmet").join(dir)).unwrap();
        }
        fs::create_dir_all(tree.roots.sys.join("class/net/lo")).unwrap();
        Machine {
            tree,
            fake: Rc::new(FakeFs::new(true)),
        }
    }

    fn nvmet(&self) -> Nvmet {
        let net = FakeNet {
            hostname: Ok(b"vm".to_vec()),
            interfaces: vec![("lo", vec!["127.0.0.1".parse().unwrap()])],
        };
        let base = self.tree.roots.sys.parent().unwrap();
        Nvmet::with(
            &self.tree.roots,
            Box::new(self.fake.clone()),
            Box::new(net),
            base.join("lib/modules/t"),
        )
    }

    /// The discovered system; the fixture has no ioctls, so the lock
    /// state is set by hand.
    fn sys(&self) -> System {
        let mut sys =
            System::discover(self.tree.roots.clone(), Modules { writeback: true }).unwrap();
        for d in &mut sys.disks {
            d.lock = crate::model::LockStatus::Unlocked;
        }
        sys
    }

    fn executor(&self) -> SystemExecutor {
        SystemExecutor {
            roots: self.tree.roots.clone(),
            modules: Modules { writeback: true },
            nvmet: self.nvmet(),
        }
    }

    fn keys(&self) -> std::path::PathBuf {
        self.tree
            .roots
            .sys
            .parent()
            .unwrap()
            .join("etc/rapiddisk/keys")
    }

    /// Port 1 on lo; rd0 to HOST with a secret, rd1 to any host.
    fn configure(&self) {
        let nvmet = self.nvmet();
        let sys = self.sys();
        let req = PortRequest {
            port: 1,
            interface: b"lo",
            transport: Transport::Tcp,
            family: AddressFamily::Auto,
        };
        nvmet.enable_port(&req).unwrap();
        let key = SecretFile::load_or_generate(&self.tree.roots.sys.join("../h.key")).unwrap();
        let export = |device: &'static str, host: &'static str, key| Export {
            device: device.as_bytes(),
            port: Some(1),
            host: host.as_bytes(),
            host_secret: key,
            ctrl_secret: None,
        };
        nvmet
            .export(&sys, &export("rd0", HOST, Some(&key)))
            .unwrap();
        nvmet.export(&sys, &export("rd1", "", None)).unwrap();
    }

    fn configfs(&self) -> std::collections::BTreeMap<std::path::PathBuf, String> {
        snapshot(&self.nvmet().root)
    }
}

fn saved(m: &Machine) -> save::Saved {
    save::document(&m.sys(), &m.nvmet(), &m.keys()).unwrap()
}

#[test]
fn save_finds_ports_exports_and_secrets_by_file() {
    let m = Machine::new();
    m.configure();
    let s = saved(&m);
    let n = s.doc.nvmet.clone().unwrap();
    assert_eq!(n.ports.len(), 1);
    assert_eq!(n.ports[0].transport, TransportWord::Tcp);
    let listen = n.ports[0].listen.as_ref().unwrap();
    assert_eq!(
        (listen.address.as_str(), listen.service),
        ("127.0.0.1", 4420)
    );
    let mut devices: Vec<&str> = n.exports.iter().map(|e| e.device.as_str()).collect();
    devices.sort_unstable();
    assert_eq!(devices, ["rd0", "rd1"]);
    let rd0 = n.exports.iter().find(|e| e.device == "rd0").unwrap();
    assert_eq!(
        rd0,
        &ExportEntry {
            device: "rd0".into(),
            ports: vec![1],
            hosts: vec![HOST.into()]
        }
    );
    // the secret is in a file next to the document, never in it
    let key = fs::read_to_string(m.tree.roots.sys.join("../h.key")).unwrap();
    let key_file = m.keys().join(format!("{HOST}.key"));
    assert_eq!(n.hosts[0].dhchap_key_file, key_file.display().to_string());
    assert_eq!(s.secrets.len(), 1);
    assert_eq!(s.secrets[0].text, key.as_bytes());
    assert!(!String::from_utf8(s.doc.to_text())
        .unwrap()
        .contains("DHHC-1"));
    save::write_secrets(&s.secrets).unwrap();
    use std::os::unix::fs::MetadataExt;
    assert_eq!(fs::metadata(&key_file).unwrap().mode() & 0o777, 0o600);
    assert_eq!(fs::metadata(m.keys()).unwrap().mode() & 0o777, 0o700);
}

/// The saved document of a configured machine, its secrets written, and
/// the machine emptied of NVMe (its RAM disks kept).
fn saved_and_emptied() -> (
    Machine,
    super::Document,
    std::collections::BTreeMap<std::path::PathBuf, String>,
) {
    let m = Machine::new();
    let empty = m.configfs();
    m.configure();
    let before = m.configfs();
    let s = saved(&m);
    save::write_secrets(&s.secrets).unwrap();
    let root = m.nvmet().root;
    for dir in ["ports", "subsystems", "hosts"] {
        fs::remove_dir_all(root.join(dir)).unwrap();
        fs::create_dir(root.join(dir)).unwrap();
    }
    assert_eq!(m.configfs(), empty);
    (m, s.doc, before)
}

#[test]
fn restore_rebuilds_the_same_tree_and_then_keeps_it() {
    let (m, doc, before) = saved_and_emptied();
    let p = plan(&doc, &m.sys(), &m.nvmet(), DirOrder::Unknown).unwrap();
    let steps: Vec<String> = p.steps.iter().map(Step::describe).collect();
    assert_eq!(steps[0], "create NVMe port 1");
    assert_eq!(steps.len(), 3, "{steps:?}");
    apply(&p.steps, &mut m.executor()).unwrap();
    assert_eq!(m.configfs(), before);
    let again = plan(&doc, &m.sys(), &m.nvmet(), DirOrder::Unknown).unwrap();
    assert_eq!(again.steps, []);
    assert_eq!(again.kept.len(), 2 + 3);
}

#[test]
fn a_restore_failing_at_any_change_leaves_configfs_as_it_was() {
    let (m, doc, before) = saved_and_emptied();
    let empty = m.configfs();
    let p = plan(&doc, &m.sys(), &m.nvmet(), DirOrder::Unknown).unwrap();
    for n in 0.. {
        m.fake.changes.set(0);
        m.fake.fail_at.set(Some(n));
        match apply(&p.steps, &mut m.executor()) {
            Ok(()) => break,
            Err(f) => {
                assert!(f.undo_failures.is_empty(), "change {n}: {f:?}");
                assert_eq!(m.configfs(), empty, "change {n}: {}", f.message());
            }
        }
    }
    m.fake.fail_at.set(None);
    assert_eq!(m.configfs(), before);
}

#[test]
fn a_missing_secret_file_or_a_different_port_is_refused() {
    let (m, doc, _) = saved_and_emptied();
    fs::remove_dir_all(m.keys()).unwrap();
    let p = plan(&doc, &m.sys(), &m.nvmet(), DirOrder::Unknown).unwrap();
    let f = apply(&p.steps, &mut m.executor()).unwrap_err();
    assert!(
        f.message().contains(&format!(
            "the secret file {}",
            m.keys().join(HOST).display()
        )),
        "{}",
        f.message()
    );
    assert!(f
        .message()
        .ends_with("does not exist. What this restore created was removed again."));
    let other = PortRequest {
        port: 1,
        interface: b"lo",
        transport: Transport::Rdma,
        family: AddressFamily::Auto,
    };
    m.nvmet().enable_port(&other).unwrap();
    let err = plan(&doc, &m.sys(), &m.nvmet(), DirOrder::Unknown).unwrap_err();
    assert_eq!(
        err,
        "NVMe port 1 exists, but not as the document describes it"
    );
}

#[test]
fn without_nvme_a_restore_leaves_the_nvme_part_for_later() {
    let m = Machine::new();
    m.configure();
    let s = saved(&m);
    save::write_secrets(&s.secrets).unwrap();
    let file = m.keys().with_file_name("rapiddisk.json");
    fs::write(&file, s.doc.to_text()).unwrap();
    // as early at boot: the RAM disks are there, nvmet is not loaded yet
    fs::remove_dir_all(m.tree.roots.sys.join("kernel/config/nvmet")).unwrap();
    let restore = |with_nvme| super::action::restore_from(&m.sys(), &file, with_nvme);
    let done = restore(false).unwrap();
    assert!(
        done.ends_with("0 step(s) done, 2 device(s) kept as they were."),
        "{done}"
    );
    let (code, msg) = restore(true).unwrap_err();
    assert_ne!(code, 0);
    assert!(msg.contains("NVMe"), "{msg}");
}
