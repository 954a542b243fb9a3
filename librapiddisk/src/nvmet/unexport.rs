//! Unexport (`-x -b DEVICE [-P PORT] [-H HOSTNQN]`, spec §5.8): upstream's
//! checks, messages and order, as one transaction, with the host NQN
//! matched exactly (upstream's unescaped regex let `.` match anything and
//! glued the remaining names together).

use super::scan::{entry_names, Target};
use super::tx::Tx;
use super::{cat, failed, name, shown, unable_to_open, write_failed, Nvmet};
use crate::error::{Error, Result};
use crate::ops::Done;
use std::io;
use std::path::Path;

/// What an unexport asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unexport<'a> {
    /// Not checked against the discovered devices, as upstream.
    pub device: &'a [u8],
    pub port: Option<i32>,
    /// The host to remove; empty to remove the whole target.
    pub host: &'a [u8],
}

const FUNC: &str = "nvmet_unexport_volume";

/// The attributes a removed host directory gets back on undo.
const HOST_ATTRS: [&str; 4] = [
    "dhchap_key",
    "dhchap_ctrl_key",
    "dhchap_hash",
    "dhchap_dhgroup",
];

/// What the scan says about this NQN, port and host (spec §5.8 step 2).
struct Facts {
    nqn_exported: bool,
    port_linked: bool,
    /// The NQN is linked to a port other than the one given.
    other_ports: bool,
    host_elsewhere: bool,
    host_here: bool,
}

fn facts(targets: &[Target], nqn: &[u8], req: &Unexport) -> Facts {
    let ours = || targets.iter().filter(|t| t.nqn == nqn);
    let on_port = |t: &Target, p| t.assigned_ports.iter().any(|a| a.port == p);
    let host = |t: &Target| !req.host.is_empty() && t.allowed_hosts.iter().any(|h| h == req.host);
    Facts {
        nqn_exported: ours().next().is_some(),
        port_linked: req.port.is_some_and(|p| ours().any(|t| on_port(t, p))),
        other_ports: req
            .port
            .is_some_and(|p| ours().any(|t| t.assigned_ports.iter().any(|a| a.port != p))),
        host_elsewhere: targets.iter().any(|t| t.nqn != nqn && host(t)),
        host_here: ours().any(host),
    }
}

fn exists(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

impl Nvmet {
    /// Unexports `req.device` (spec §5.8): removes one host, or the target
    /// from one port or from all; a failed step undoes the earlier ones.
    pub fn unexport(&self, req: &Unexport) -> Result<Done> {
        let nqn = self.nqn(req.device, FUNC)?;
        let targets = self.targets()?;
        let f = facts(&targets, &nqn, req);
        let nqn_shown = String::from_utf8_lossy(&nqn).into_owned();
        if !f.nqn_exported {
            return Err(Error::new(-1, format!("NQN {nqn_shown} does not exists!")));
        }
        if let (Some(p), false) = (req.port, f.port_linked) {
            return Err(Error::new(
                -1,
                format!("NQN {nqn_shown} on port {p} does not exists!"),
            ));
        }
        if !req.host.is_empty() && !f.host_here {
            let msg = cat(&[
                b"Error. Host name '",
                req.host,
                b"' is not in the list of allowed hosts for this NQN: '",
                &nqn,
                b"'",
            ]);
            return Err(Error::new(-1, msg));
        }
        let mut tx = Tx::new(&*self.fs);
        match self.unexport_steps(&mut tx, &nqn, req, &f) {
            Ok(message) => {
                tx.commit();
                Ok(Done {
                    device: nqn,
                    message,
                })
            }
            Err(err) => Err(tx.abort(err)),
        }
    }

    fn unexport_steps(
        &self,
        tx: &mut Tx,
        nqn: &[u8],
        req: &Unexport,
        f: &Facts,
    ) -> Result<Vec<u8>> {
        let subsys = self.subsystem_dir(nqn);
        let hosts_dir = subsys.join("allowed_hosts");
        let mut hosts = entry_names(&hosts_dir).map_err(|e| {
            let lead = cat(&[b"Error. Unable to access ", shown(&hosts_dir), b". "]);
            failed(&lead, FUNC, "scandir", &e)
        })?;
        if !hosts.is_empty() && req.host.is_empty() {
            let msg = cat(&[
                b"Error. No host provided, but one or more target(s) is/are still mapped to NQN(s): ",
                &hosts.join(&b' '),
                b". Please remove them first.",
            ]);
            return Err(Error::new(-1, msg));
        }
        if !hosts.is_empty() {
            let link = hosts_dir.join(name(req.host));
            if exists(&link) {
                tx.unlink(&link).map_err(|e| {
                    let lead = cat(&[b"Error. Unable to remove link ", shown(&link), b". "]);
                    failed(&lead, FUNC, "unlink", &e)
                })?;
            }
            hosts.retain(|h| h != req.host);
            let host_dir = self.host_dir(req.host);
            if !f.host_elsewhere && exists(&host_dir) {
                tx.rmdir(&host_dir, &HOST_ATTRS).map_err(|e| {
                    let lead = cat(&[b"Error. Unable to remove dir ", shown(&host_dir), b". "]);
                    failed(&lead, FUNC, "rmdir", &e)
                })?;
            }
            if !hosts.is_empty() {
                return Ok(cat(&[
                    b"Warning. One or more target(s) is/are still mapped to NQN(s): ",
                    &hosts.join(&b' '),
                    b". Please remove them first.",
                ]));
            }
        }
        self.unlink_ports(tx, nqn, req.port)?;
        if let (Some(p), true, true) = (req.port, f.port_linked, f.other_ports) {
            return Ok(format!(
                "Warning. The NQN was removed from port {p}, but is still exported on other ports."
            )
            .into_bytes());
        }
        self.remove_target(tx, &subsys)?;
        Ok(cat(&[
            b"Block device ",
            req.device,
            b" has been removed from the NVMe Target subsystem.",
        ]))
    }

    /// Unlinks the NQN from `port`, or from every port.
    fn unlink_ports(&self, tx: &mut Tx, nqn: &[u8], port: Option<i32>) -> Result<()> {
        let ports_dir = self.ports_dir();
        let unlink = |tx: &mut Tx, p: &[u8], lead: &dyn Fn(&Path) -> Vec<u8>, call: &str| {
            let link = ports_dir.join(name(p)).join("subsystems").join(name(nqn));
            if !exists(&link) {
                return Ok(());
            }
            tx.unlink(&link)
                .map_err(|e: io::Error| failed(&lead(&link), FUNC, call, &e))
        };
        match port {
            Some(p) => {
                let lead = |_: &Path| {
                    format!("Error. Unable to remove link of NQN from port {p}. ").into_bytes()
                };
                unlink(tx, p.to_string().as_bytes(), &lead, "unlink")
            }
            None => {
                let names = entry_names(&ports_dir).map_err(|e| {
                    let lead = cat(&[
                        b"Error. Unable to scan NVMe Target ports directory for ",
                        shown(&ports_dir),
                        b". ",
                    ]);
                    failed(&lead, FUNC, "scandir", &e)
                })?;
                // upstream's words, "rmdir" included, for a failed unlink
                let lead =
                    |link: &Path| cat(&[b"Error. Unable to remove NQN ", shown(link), b". "]);
                names.iter().try_for_each(|p| unlink(tx, p, &lead, "rmdir"))
            }
        }
    }

    /// Disables and removes the namespace and the subsystem.
    fn remove_target(&self, tx: &mut Tx, subsys: &Path) -> Result<()> {
        let any_host = subsys.join("attr_allow_any_host");
        tx.write(&any_host, b"0")
            .map_err(|e| write_failed(&unable_to_open(&any_host), &any_host, FUNC, e))?;
        let ns = subsys.join("namespaces/1");
        let enable = ns.join("enable");
        let lead = cat(&[
            b"Error. Unable to open namespace enable file ",
            shown(&enable),
            b". ",
        ]);
        tx.write(&enable, b"0")
            .map_err(|e| write_failed(&lead, &enable, FUNC, e))?;
        if exists(&ns) {
            tx.rmdir(&ns, &["device_path"]).map_err(|e| {
                let lead = cat(&[b"Error. Unable to remove namespace ", shown(&ns), b". "]);
                failed(&lead, FUNC, "rmdir", &e)
            })?;
        }
        if exists(subsys) {
            tx.rmdir(subsys, &["attr_model"]).map_err(|e| {
                let lead = cat(&[
                    b"Error. Unable to remove NQN from NVMe Target subsystem ",
                    shown(subsys),
                    b". ",
                ]);
                failed(&lead, FUNC, "rmdir", &e)
            })?;
        }
        Ok(())
    }
}
