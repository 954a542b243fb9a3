//! Revalidate (`-R -b DEVICE`, spec §5.9): the namespace takes the new size
//! of a resized device.

use super::fs::WriteError;
use super::{cat, unable_to_open, write_failed, Nvmet};
use crate::error::{Error, Result};
use crate::ops::{Done, System};

const FUNC: &str = "nvmet_revalidate_size";

impl Nvmet {
    pub fn revalidate(&self, sys: &System, device: &[u8]) -> Result<Done> {
        self.require_loaded()?;
        if sys.disk(device).is_none() && sys.mapping(device).is_none() {
            return Err(Error::new(
                -1,
                cat(&[b"Error. Device ", device, b" does not exist."]),
            ));
        }
        // a hostname failure is ignored here by upstream: the NQN then
        // names no subsystem
        let nqn = self.nqn(device, FUNC).unwrap_or_default();
        let subsys = self.subsystem_dir(&nqn);
        if nqn.is_empty() || !subsys.is_dir() {
            let msg = cat(&[b"Error. NQN export: ", &nqn, b" does not exist."]);
            return Err(Error::new(-1, msg));
        }
        let ns = subsys.join("namespaces/1");
        if !ns.is_dir() {
            let msg = format!("{FUNC}: A RapidDisk defined namespace does not exist.");
            return Err(Error::new(-1, msg));
        }
        let file = ns.join("revalidate_size");
        if !file.exists() {
            let msg = format!(
                "{FUNC}: The kernel nvmet module version utilized does not support this function."
            );
            return Err(Error::new(-1, msg));
        }
        // a one-shot trigger: written every time, nothing to undo
        self.fs
            .write(&file, b"1")
            .map_err(|e: WriteError| write_failed(&unable_to_open(&file), &file, FUNC, e))?;
        Ok(Done {
            device: nqn,
            message: cat(&[b"NVMe Target Namespace size for ", device, b" revalidated."]),
        })
    }
}
