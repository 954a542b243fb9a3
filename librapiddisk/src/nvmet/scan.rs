//! Reading the nvmet tree (spec §5.3): ports, the (port, subsystem) links,
//! and the exported namespaces. Directory order is kept as the kernel
//! lists it; names starting with `.` are skipped.

use super::{name, Nvmet};
use crate::atoi::atoi;
use crate::discover::read_info;
use crate::error::{Error, Result};
use std::ffi::OsString;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// A port directory: its number, `addr_traddr` and `addr_trtype`
/// (`UNDEFINED` when empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    pub port: i32,
    pub address: Vec<u8>,
    pub protocol: Vec<u8>,
}

/// A subsystem linked to a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedPort {
    pub port: Port,
    pub nqn: Vec<u8>,
}

/// One namespace of a subsystem, with the subsystem's hosts and ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub nqn: Vec<u8>,
    pub namespace: i32,
    pub device: Vec<u8>,
    /// `enable` through `atoi`.
    pub enabled: i32,
    pub allowed_hosts: Vec<Vec<u8>>,
    pub assigned_ports: Vec<Port>,
}

/// The entries of `dir` not starting with `.`, in directory order.
pub(super) fn entries(dir: &Path) -> io::Result<Vec<OsString>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?.file_name();
        if !entry.as_bytes().starts_with(b".") {
            names.push(entry);
        }
    }
    Ok(names)
}

/// `entries`, as raw bytes.
pub(super) fn entry_names(dir: &Path) -> io::Result<Vec<Vec<u8>>> {
    Ok(entries(dir)?
        .into_iter()
        .map(|n| n.as_bytes().to_vec())
        .collect())
}

fn scandir_failed(func: &str, err: &io::Error) -> Error {
    Error::os(-1, func, "scandir", err)
}

/// `read_info`, with `UNDEFINED` for an empty value.
fn info_or_undefined(file: &Path) -> Result<Vec<u8>> {
    let value = read_info(file)?;
    Ok(if value.is_empty() {
        b"UNDEFINED".to_vec()
    } else {
        value
    })
}

impl Nvmet {
    fn read_port(&self, dir_name: &[u8]) -> Result<Port> {
        let dir = self.ports_dir().join(name(dir_name));
        Ok(Port {
            port: atoi(dir_name),
            address: info_or_undefined(&dir.join("addr_traddr"))?,
            protocol: info_or_undefined(&dir.join("addr_trtype"))?,
        })
    }

    /// Every port directory (`-N`).
    pub fn ports(&self) -> Result<Vec<Port>> {
        self.require_loaded()?;
        let names = entry_names(&self.ports_dir())
            .map_err(|e| scandir_failed("nvmet_scan_all_ports", &e))?;
        names.iter().map(|n| self.read_port(n)).collect()
    }

    /// One record per (port, linked subsystem); ports without links give
    /// none.
    pub fn linked_ports(&self) -> Result<Vec<LinkedPort>> {
        self.require_loaded()?;
        let fail = |e: io::Error| scandir_failed("nvmet_scan_ports", &e);
        let mut linked = Vec::new();
        for port_name in entry_names(&self.ports_dir()).map_err(fail)? {
            let dir = self.ports_dir().join(name(&port_name)).join("subsystems");
            let nqns = entry_names(&dir).map_err(fail)?;
            if nqns.is_empty() {
                continue;
            }
            let port = self.read_port(&port_name)?;
            linked.extend(nqns.into_iter().map(|nqn| LinkedPort {
                port: port.clone(),
                nqn,
            }));
        }
        Ok(linked)
    }

    /// One record per namespace of every subsystem (`-n`).
    pub fn targets(&self) -> Result<Vec<Target>> {
        let linked = self.linked_ports()?;
        let fail = |e: io::Error| scandir_failed("nvmet_scan_subsystem", &e);
        let mut targets = Vec::new();
        for nqn in entry_names(&self.root.join("subsystems")).map_err(fail)? {
            let dir = self.subsystem_dir(&nqn);
            let namespaces = entry_names(&dir.join("namespaces")).map_err(fail)?;
            if namespaces.is_empty() {
                continue;
            }
            let allowed_hosts = entry_names(&dir.join("allowed_hosts")).map_err(fail)?;
            let assigned_ports: Vec<Port> = linked
                .iter()
                .filter(|l| l.nqn == nqn)
                .map(|l| l.port.clone())
                .collect();
            for ns in namespaces {
                let ns_dir = dir.join("namespaces").join(name(&ns));
                targets.push(Target {
                    nqn: nqn.clone(),
                    namespace: atoi(&ns),
                    device: read_info(&ns_dir.join("device_path"))?,
                    enabled: atoi(&read_info(&ns_dir.join("enable"))?),
                    allowed_hosts: allowed_hosts.clone(),
                    assigned_ports: assigned_ports.clone(),
                });
            }
        }
        Ok(targets)
    }
}
