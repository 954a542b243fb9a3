//! The NVMe-oF steps of a restore: ports and exports that do not exist
//! yet, after the devices they export. configfs lists a directory newest
//! first (on every kernel), so they are created in the reverse of the
//! saved (listing) order to list as saved.

use super::nvme_entries::{ExportEntry, Nvmet, PortEntry};
use super::plan::{Plan, Step};
use crate::nvmet::{Nvmet as Tree, Port, Target};

fn text(e: crate::Error) -> String {
    String::from_utf8_lossy(e.message()).into_owned()
}

/// Adds the steps of `section` to `plan`; the error names a conflict or
/// says nvmet is not loaded.
pub fn plan(section: &Nvmet, tree: &Tree, plan: &mut Plan) -> Result<(), String> {
    if section.ports.is_empty() && section.exports.is_empty() {
        return Ok(());
    }
    let ports = tree.ports().map_err(text)?;
    let targets = tree.targets().map_err(text)?;
    for p in section.ports.iter().rev() {
        match ports.iter().find(|o| o.port == i32::from(p.port)) {
            None => plan.steps.push(Step::NvmePort(p.clone())),
            Some(found) if same_port(p, found) => plan.kept.push(format!("NVMe port {}", p.port)),
            Some(_) => {
                return Err(format!(
                    "NVMe port {} exists, but not as the document describes it",
                    p.port
                ))
            }
        }
    }
    for e in section.exports.iter().rev() {
        let path = crate::nvmet::device_path(e.device.as_bytes());
        match targets.iter().find(|t| t.device == path) {
            None => {
                let hosts = section
                    .hosts
                    .iter()
                    .filter(|h| e.hosts.contains(&h.nqn))
                    .cloned()
                    .collect();
                plan.steps.push(Step::NvmeExport(e.clone(), hosts));
            }
            Some(found) if same_export(e, found) => {
                plan.kept.push(format!("the NVMe export of {}", e.device))
            }
            Some(_) => {
                return Err(format!(
                    "{} is exported over NVMe, but not as the document describes it",
                    e.device
                ))
            }
        }
    }
    Ok(())
}

fn same_port(p: &PortEntry, found: &Port) -> bool {
    let word = p.transport.transport().word();
    let address = p
        .listen
        .as_ref()
        .map_or("UNDEFINED", |a| a.address.as_str());
    found.protocol == word.as_bytes() && found.address == address.as_bytes()
}

fn same_export(e: &ExportEntry, found: &Target) -> bool {
    let mut ports: Vec<i32> = found.assigned_ports.iter().map(|p| p.port).collect();
    let mut want: Vec<i32> = e.ports.iter().map(|p| i32::from(*p)).collect();
    ports.sort_unstable();
    want.sort_unstable();
    let mut hosts: Vec<&[u8]> = found.allowed_hosts.iter().map(Vec::as_slice).collect();
    let mut want_hosts: Vec<&[u8]> = e.hosts.iter().map(|h| h.as_bytes()).collect();
    hosts.sort_unstable();
    want_hosts.sort_unstable();
    ports == want && hosts == want_hosts
}
