//! Export (`-e -b DEVICE [-P PORT] [-H HOSTNQN]`, spec §5.7): upstream's
//! steps and messages, as one transaction, with checked attribute writes
//! and, on kernels with nvmet authentication, DH-HMAC-CHAP secrets for
//! the allowed host.

use super::auth::SecretFile;
use super::scan::entries;
use super::tx::Tx;
use super::{cat, failed, name, shown, unable_to_open, write_failed, Nvmet};
use crate::error::{Error, Result};
use crate::ops::{Done, System};
use std::path::Path;

/// What an export asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Export<'a> {
    /// A RAM disk (`rd3`) or a mapping name (`rc-wt_sdb`).
    pub device: &'a [u8],
    /// One port, or every port.
    pub port: Option<i32>,
    /// The one host allowed to connect; empty for any host.
    pub host: &'a [u8],
    /// The host's DH-HMAC-CHAP secret.
    pub host_secret: Option<&'a SecretFile>,
    /// The controller's secret, for bidirectional authentication.
    pub ctrl_secret: Option<&'a SecretFile>,
}

const FUNC: &str = "nvmet_export_volume";

fn exists(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

/// The block device behind `device`: `/dev/rdN` or `/dev/mapper/<name>`.
pub(crate) fn device_path(device: &[u8]) -> Vec<u8> {
    if device.starts_with(b"rd") {
        cat(&[b"/dev/", device])
    } else {
        cat(&[b"/dev/mapper/", device])
    }
}

impl Nvmet {
    /// Exports `req.device` (spec §5.7). A failed step undoes the earlier
    /// ones; generated secret files are written only when all succeeded.
    pub fn export(&self, sys: &System, req: &Export) -> Result<Done> {
        check_secret_arguments(req)?;
        self.require_loaded()?;
        if sys.disk(req.device).is_none() && sys.mapping(req.device).is_none() {
            let msg = cat(&[b"Error. Device ", req.device, b" does not exist."]);
            return Err(Error::new(-1, msg));
        }
        if let Some(port) = req.port {
            if !self.ports()?.iter().any(|p| p.port == port) {
                return Err(Error::new(
                    -1,
                    format!("Error. Port {port} does not exist."),
                ));
            }
        }
        let nqn = self.nqn(req.device, FUNC)?;
        let mut tx = Tx::new(&*self.fs);
        match self.export_steps(&mut tx, &nqn, req) {
            Ok(()) => {}
            Err(err) => return Err(tx.abort(err)),
        }
        for file in [req.host_secret, req.ctrl_secret].into_iter().flatten() {
            if let Err(err) = file.persist() {
                return Err(tx.abort(err));
            }
        }
        tx.commit();
        let host: &[u8] = if req.host.is_empty() {
            b"all hosts"
        } else {
            req.host
        };
        let port = match req.port {
            Some(p) => format!("port {p}"),
            None => "all ports".into(),
        };
        let message = cat(&[
            b"Block device ",
            req.device,
            b" has been mapped to ",
            host,
            format!(" through {port} as ").as_bytes(),
            &nqn,
            b".",
        ]);
        Ok(Done {
            device: nqn,
            message,
        })
    }

    fn export_steps(&self, tx: &mut Tx, nqn: &[u8], req: &Export) -> Result<()> {
        let subsys = self.subsystem_dir(nqn);
        if !exists(&subsys) {
            tx.mkdir(&subsys).map_err(|e| {
                let lead = cat(&[
                    b"Error. Unable to create target directory ",
                    shown(&subsys),
                    b". ",
                ]);
                failed(&lead, FUNC, "mkdir", &e)
            })?;
        }
        let any_host = subsys.join("attr_allow_any_host");
        let write = |tx: &mut Tx, file: &Path, value: &[u8], open_lead: &[u8]| {
            tx.write(file, value)
                .map_err(|e| write_failed(open_lead, file, FUNC, e))
        };
        let mut host_already_linked = false;
        if req.host.is_empty() {
            let hosts = subsys.join("allowed_hosts");
            let listed = entries(&hosts).map_err(|e| {
                let lead = cat(&[b"Error. Unable to access ", shown(&hosts), b". "]);
                failed(&lead, FUNC, "scandir", &e)
            })?;
            if !listed.is_empty() {
                return Err(Error::new(-1, "You did not specified any allowed host, but one or more already exist. Please remove existing host(s) or specify a new one."));
            }
            write(tx, &any_host, b"1", &unable_to_open(&any_host))?;
        } else {
            // the kernel refuses host links while any host is allowed
            write(tx, &any_host, b"0", &unable_to_open(&any_host))?;
            let host_dir = self.host_dir(req.host);
            if !exists(&host_dir) {
                tx.mkdir(&host_dir).map_err(|e| {
                    let lead = cat(&[
                        b"Error. Unable to create host directory ",
                        shown(&host_dir),
                        b". ",
                    ]);
                    failed(&lead, FUNC, "mkdir", &e)
                })?;
            }
            self.set_secrets(tx, &host_dir, req)?;
            let link = subsys.join("allowed_hosts").join(name(req.host));
            if exists(&link) {
                host_already_linked = true;
            } else {
                tx.symlink(&host_dir, &link).map_err(|e| {
                    failed(
                        b"Error. Unable to link host to target. ",
                        FUNC,
                        "symlink",
                        &e,
                    )
                })?;
            }
        }
        let ns = subsys.join("namespaces/1");
        if !host_already_linked {
            let model = subsys.join("attr_model");
            if model.exists() {
                let lead = cat(&[
                    b"Error. Unable to set model string to file ",
                    shown(&model),
                    b". ",
                ]);
                write(tx, &model, b"RapidDisk", &lead)?;
            }
            if !exists(&ns) {
                tx.mkdir(&ns).map_err(|e| {
                    let lead = cat(&[
                        b"Error. Unable to create namespace directory ",
                        shown(&ns),
                        b". ",
                    ]);
                    failed(&lead, FUNC, "mkdir", &e)
                })?;
            }
            let file = ns.join("device_path");
            let lead = cat(&[
                b"Error. Unable to open device_path file: ",
                shown(&file),
                b". ",
            ]);
            write(tx, &file, &device_path(req.device), &lead)?;
        }
        let enable = ns.join("enable");
        let lead = cat(&[
            b"Error. Unable to open namespace enable file ",
            shown(&enable),
            b". ",
        ]);
        write(tx, &enable, b"1", &lead)?;
        self.link_ports(tx, nqn, req.port)
    }

    /// Writes the host's secrets; a kernel without nvmet authentication
    /// has no `dhchap_key` attribute.
    fn set_secrets(&self, tx: &mut Tx, host_dir: &Path, req: &Export) -> Result<()> {
        let Some(host_secret) = req.host_secret else {
            return Ok(());
        };
        if !host_dir.join("dhchap_key").exists() {
            return Err(Error::new(-1, "Error. This kernel's NVMe target has no DH-HMAC-CHAP authentication (CONFIG_NVME_TARGET_AUTH); nothing was changed."));
        }
        let pairs = [
            ("dhchap_key", Some(host_secret)),
            ("dhchap_ctrl_key", req.ctrl_secret),
        ];
        for (attr, secret) in pairs {
            let Some(secret) = secret else { continue };
            let file = host_dir.join(attr);
            tx.write(&file, secret.secret.expose())
                .map_err(|e| write_failed(&unable_to_open(&file), &file, FUNC, e))?;
        }
        Ok(())
    }

    /// Links the subsystem to `port`, or to every port.
    fn link_ports(&self, tx: &mut Tx, nqn: &[u8], port: Option<i32>) -> Result<()> {
        let ports: Vec<Vec<u8>> = match port {
            Some(p) => vec![p.to_string().into_bytes()],
            None => super::scan::entry_names(&self.ports_dir())
                .map_err(|e| Error::os(-1, FUNC, "scandir", &e))?,
        };
        let subsys = self.subsystem_dir(nqn);
        for p in ports {
            let link = self
                .ports_dir()
                .join(name(&p))
                .join("subsystems")
                .join(name(nqn));
            if exists(&link) {
                continue;
            }
            tx.symlink(&subsys, &link).map_err(|e| {
                failed(
                    b"Error. Unable to create link of NQN to port. ",
                    FUNC,
                    "symlink",
                    &e,
                )
            })?;
        }
        Ok(())
    }
}

/// Secrets belong to one allowed host; a controller secret needs a host
/// secret.
fn check_secret_arguments(req: &Export) -> Result<()> {
    let any = req.host_secret.is_some() || req.ctrl_secret.is_some();
    if any && req.host.is_empty() {
        return Err(Error::new(
            -libc::EINVAL,
            "Error. A DH-HMAC-CHAP secret needs an allowed host (-H HOSTNQN).",
        ));
    }
    if req.ctrl_secret.is_some() && req.host_secret.is_none() {
        return Err(Error::new(
            -libc::EINVAL,
            "Error. A controller secret (--dhchap-ctrl-key) needs a host secret (--dhchap-key).",
        ));
    }
    Ok(())
}
