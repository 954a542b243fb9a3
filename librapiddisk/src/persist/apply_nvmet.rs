//! Running and undoing the NVMe-oF steps of a restore on the nvmet tree.
//! An export step is several `-e` exports (one per host and port); when
//! one fails, the step removes the whole target again before it reports.

use super::nvme_entries::{ExportEntry, HostEntry, PortEntry};
use crate::nvmet::{Export, Nvmet, SecretFile, Unexport};
use crate::ops::System;
use std::path::Path;

fn text(e: crate::Error) -> String {
    String::from_utf8_lossy(e.message()).into_owned()
}

pub fn create_port(tree: &Nvmet, p: &PortEntry) -> Result<(), String> {
    let listen = match &p.listen {
        None => None,
        Some(a) => {
            let ip = a
                .address
                .parse()
                .map_err(|_| format!("'{}' is not an IP address", a.address))?;
            Some((ip, a.service))
        }
    };
    tree.restore_port(i32::from(p.port), p.transport.transport(), listen)
        .map_err(text)
}

pub fn remove_port(tree: &Nvmet, p: &PortEntry) -> Result<(), String> {
    tree.disable_port(i32::from(p.port)).map(drop).map_err(text)
}

/// A saved secret file, which must exist (a restore makes no secrets).
fn secret(path: &str) -> Result<SecretFile, String> {
    let file = SecretFile::load_or_generate(Path::new(path)).map_err(text)?;
    if file.generated {
        return Err(format!("the secret file {path} does not exist"));
    }
    Ok(file)
}

pub fn export(
    tree: &Nvmet,
    sys: &System,
    e: &ExportEntry,
    hosts: &[HostEntry],
) -> Result<(), String> {
    // newest first in configfs: the last saved host and port first
    let names: Vec<&str> = if e.hosts.is_empty() {
        vec![""]
    } else {
        e.hosts.iter().rev().map(String::as_str).collect()
    };
    let mut done = false;
    for host in names {
        let entry = hosts.iter().find(|h| h.nqn == host);
        let keys = entry.map(|h| {
            let ctrl = h.dhchap_ctrl_key_file.as_deref().map(secret).transpose()?;
            Ok::<_, String>((secret(&h.dhchap_key_file)?, ctrl))
        });
        let result = keys.transpose().and_then(|keys| {
            for port in e.ports.iter().rev() {
                let req = Export {
                    device: e.device.as_bytes(),
                    port: Some(i32::from(*port)),
                    host: host.as_bytes(),
                    host_secret: keys.as_ref().map(|k| &k.0),
                    ctrl_secret: keys.as_ref().and_then(|k| k.1.as_ref()),
                };
                tree.export(sys, &req).map_err(text)?;
                done = true;
            }
            Ok(())
        });
        if let Err(reason) = result {
            if done {
                let _ = unexport(tree, e);
            }
            return Err(reason);
        }
    }
    Ok(())
}

/// Removes the export: its hosts one by one (a whole target with hosts
/// is refused), then the target. Hosts not linked (yet) are skipped.
pub fn unexport(tree: &Nvmet, e: &ExportEntry) -> Result<(), String> {
    let path = crate::nvmet::device_path(e.device.as_bytes());
    let exported = |host: Option<&str>| {
        tree.targets().is_ok_and(|ts| {
            ts.iter().any(|t| {
                t.device == path
                    && host.is_none_or(|host| t.allowed_hosts.iter().any(|h| h == host.as_bytes()))
            })
        })
    };
    for host in e.hosts.iter().filter(|h| exported(Some(h))) {
        let req = Unexport {
            device: e.device.as_bytes(),
            port: None,
            host: host.as_bytes(),
        };
        tree.unexport(&req).map_err(text)?;
    }
    // removing the last host removes the target with it
    if !exported(None) {
        return Ok(());
    }
    let req = Unexport {
        device: e.device.as_bytes(),
        port: None,
        host: b"",
    };
    tree.unexport(&req).map(drop).map_err(text)
}
