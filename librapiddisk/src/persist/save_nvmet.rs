//! The NVMe-oF section of a saved document, read from the nvmet tree:
//! ports, the exports `-e` made (namespace 1 of a RapidDisk NQN) and the
//! allowed hosts' secrets, which go to root-only files next to the
//! document and are named there by path.

use super::nvme_entries::{
    Address, ExportEntry, Family, HostEntry, Nvmet, PortEntry, TransportWord,
};
use crate::nvmet::{Nvmet as Tree, Target};
use std::path::{Path, PathBuf};

/// The prefix of the NQNs `-e` makes (spec §5.2).
const NQN_PREFIX: &str = "nqn.2021-06.org.rapiddisk:";

/// A secret to write to a root-only file before the document.
#[derive(Debug, PartialEq, Eq)]
pub struct SecretToWrite {
    pub path: PathBuf,
    pub text: Vec<u8>,
}

/// What the nvmet tree adds to the document: `None` when nvmet is not
/// loaded. `devices` are the RAM disks and mappings being saved; exports
/// of anything else, and what `-e` does not make, are left out with a
/// warning.
pub fn section(
    tree: &Tree,
    devices: &[&str],
    keys_dir: &Path,
    warnings: &mut Vec<String>,
) -> Result<(Option<Nvmet>, Vec<SecretToWrite>), String> {
    if !tree.root.is_dir() {
        return Ok((None, Vec::new()));
    }
    let text = |e: crate::Error| String::from_utf8_lossy(e.message()).into_owned();
    let mut section = Nvmet::default();
    for p in tree.ports().map_err(text)? {
        section
            .ports
            .push(port_entry(tree, p.port, &p.protocol, &p.address)?);
    }
    let mut secrets = Vec::new();
    for t in tree.targets().map_err(text)? {
        let Some(export) = export_entry(&t, devices, warnings) else {
            continue;
        };
        for h in &export.hosts {
            if section.hosts.iter().any(|o| &o.nqn == h) {
                continue;
            }
            if let Some(host) = host_entry(tree, h, keys_dir, &mut secrets) {
                section.hosts.push(host);
            }
        }
        section.exports.push(export);
    }
    let empty = section.ports.is_empty() && section.exports.is_empty();
    Ok(((!empty).then_some(section), secrets))
}

/// An attribute of the nvmet tree without its newline ("" if unreadable).
fn attr(file: &Path) -> String {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

fn port_entry(
    tree: &Tree,
    port: i32,
    protocol: &[u8],
    address: &[u8],
) -> Result<PortEntry, String> {
    let dir = tree.root.join("ports").join(port.to_string());
    let number = u16::try_from(port).map_err(|_| format!("NVMe port {port} cannot be saved"))?;
    let transport = match protocol {
        b"tcp" => TransportWord::Tcp,
        b"rdma" => TransportWord::Rdma,
        b"loop" => {
            return Ok(PortEntry {
                port: number,
                transport: TransportWord::Loop,
                listen: None,
            })
        }
        other => {
            return Err(format!(
                "NVMe port {port} has the transport '{}', which cannot be saved",
                String::from_utf8_lossy(other)
            ))
        }
    };
    let family = match attr(&dir.join("addr_adrfam")).as_str() {
        "ipv4" => Family::Ipv4,
        "ipv6" => Family::Ipv6,
        other => {
            return Err(format!(
                "NVMe port {port} has the address family '{other}', which cannot be saved"
            ))
        }
    };
    let service = attr(&dir.join("addr_trsvcid"))
        .parse()
        .map_err(|_| format!("NVMe port {port} has no service number"))?;
    Ok(PortEntry {
        port: number,
        transport,
        listen: Some(Address {
            family,
            address: String::from_utf8_lossy(address).into_owned(),
            service,
        }),
    })
}

/// The device behind `device_path`: `rdN` or a mapping's name.
fn device_name(device_path: &[u8]) -> Option<&str> {
    let path = std::str::from_utf8(device_path).ok()?;
    path.strip_prefix("/dev/mapper/")
        .or_else(|| path.strip_prefix("/dev/").filter(|d| d.starts_with("rd")))
}

fn export_entry(t: &Target, devices: &[&str], warnings: &mut Vec<String>) -> Option<ExportEntry> {
    let nqn = String::from_utf8_lossy(&t.nqn);
    let mut skip = |why: &str| {
        warnings.push(format!(
            "Warning. The NVMe target {nqn} namespace {} is not saved: {why}.",
            t.namespace
        ));
        None
    };
    let device = match device_name(&t.device) {
        Some(d) if devices.contains(&d) => d.to_string(),
        _ => return skip("its device is neither a saved RAM disk nor a saved mapping"),
    };
    if !nqn.starts_with(NQN_PREFIX) || t.namespace != 1 {
        return skip("rapiddisk -e did not make it");
    }
    if t.assigned_ports.is_empty() {
        return skip("it is on no port");
    }
    let mut ports = Vec::new();
    for p in &t.assigned_ports {
        ports.push(u16::try_from(p.port).ok()?);
    }
    let hosts = t
        .allowed_hosts
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    Some(ExportEntry {
        device,
        ports,
        hosts,
    })
}

/// The host's entry when it has DH-HMAC-CHAP secrets; their files are
/// `<keys_dir>/<nqn>.key` and `<nqn>.ctrl.key`.
fn host_entry(
    tree: &Tree,
    nqn: &str,
    keys_dir: &Path,
    secrets: &mut Vec<SecretToWrite>,
) -> Option<HostEntry> {
    let dir = tree.root.join("hosts").join(nqn);
    let mut file_of = |attr_name: &str, suffix: &str| {
        let secret = attr(&dir.join(attr_name));
        if secret.is_empty() {
            return None;
        }
        let path = keys_dir.join(format!("{nqn}{suffix}"));
        let shown = path.display().to_string();
        secrets.push(SecretToWrite {
            path,
            text: format!("{secret}\n").into_bytes(),
        });
        Some(shown)
    };
    let key = file_of("dhchap_key", ".key")?;
    Some(HostEntry {
        nqn: nqn.to_string(),
        dhchap_key_file: key,
        dhchap_ctrl_key_file: file_of("dhchap_ctrl_key", ".ctrl.key"),
    })
}
