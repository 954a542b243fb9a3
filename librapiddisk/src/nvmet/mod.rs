//! NVMe-oF target management through the kernel's nvmet configfs tree
//! (spec §5): scans and listings, port creation and removal, export,
//! unexport and revalidation. Every operation returns the spec's message
//! and return value and prints nothing, so the command, the daemon and
//! the C interface share it. Changes are transactional: a failed step
//! undoes what the same call changed before it.

mod auth;
mod export;
mod fs;
mod listing;
mod network;
mod port;
mod revalidate;
mod scan;
mod tx;
mod unexport;

pub use auth::{Secret, SecretFile};
pub(crate) use export::device_path;
pub use export::Export;
pub use fs::{ConfigFs, KernelFs, WriteError};
pub use listing::{ports_json, ports_text, targets_json, targets_text};
pub use network::{Network, SystemNetwork};
pub use port::{AddressFamily, PortRequest, Transport};
pub use scan::{LinkedPort, Port, Target};
pub use unexport::Unexport;

use crate::discover::Roots;
use crate::error::{strerror, Error, Result};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The message of every NVMe action when configfs has no nvmet tree.
pub const NOT_LOADED: &str = "The NVMe Target subsystem is not loaded. Please load the nvmet and nvmet-tcp (or nvme-loop) kernel modules and ensure that the kernel user configuration filesystem is mounted.";

/// The NQN prefix of every RapidDisk export (spec §5.2).
const NQN_PREFIX: &[u8] = b"nqn.2021-06.org.rapiddisk:";

/// The nvmet tree and the machine facts the operations use.
pub struct Nvmet {
    /// `/sys/kernel/config/nvmet`
    pub root: PathBuf,
    /// `/sys/class/net`
    pub net_class: PathBuf,
    /// `/sys/module`: a loaded `nvme_loop` shows there.
    pub sys_module: PathBuf,
    /// `/lib/modules/<release>`: `modules.alias` tells whether the
    /// kernel has `nvme-loop` as a module that is not loaded yet.
    pub modules_dir: PathBuf,
    fs: Box<dyn ConfigFs>,
    network: Box<dyn Network>,
}

impl Nvmet {
    /// The real system, with `/sys` at `roots.sys`.
    pub fn new(roots: &Roots) -> Self {
        Nvmet::with(
            roots,
            Box::new(KernelFs),
            Box::new(SystemNetwork),
            Path::new("/lib/modules").join(kernel_release()),
        )
    }

    /// A tree under `roots` changed through `fs`, on `network`.
    pub fn with(
        roots: &Roots,
        fs: Box<dyn ConfigFs>,
        network: Box<dyn Network>,
        modules_dir: PathBuf,
    ) -> Self {
        Nvmet {
            root: roots.sys.join("kernel/config/nvmet"),
            net_class: roots.sys.join("class/net"),
            sys_module: roots.sys.join("module"),
            modules_dir,
            fs,
            network,
        }
    }

    /// Step 1 of every action: the tree exists.
    fn require_loaded(&self) -> Result<()> {
        if self.root.is_dir() {
            Ok(())
        } else {
            Err(Error::new(-1, NOT_LOADED))
        }
    }

    fn ports_dir(&self) -> PathBuf {
        self.root.join("ports")
    }

    fn port_dir(&self, port: i32) -> PathBuf {
        self.ports_dir().join(port.to_string())
    }

    fn subsystem_dir(&self, nqn: &[u8]) -> PathBuf {
        self.root.join("subsystems").join(name(nqn))
    }

    fn host_dir(&self, host: &[u8]) -> PathBuf {
        self.root.join("hosts").join(name(host))
    }

    /// `nqn.2021-06.org.rapiddisk:<hostname>-<device>`; `func` names the
    /// upstream function in the message of a failure.
    fn nqn(&self, device: &[u8], func: &str) -> Result<Vec<u8>> {
        let host = self.network.hostname().map_err(|e| {
            Error::new(
                -1,
                format!(
                    "Error. Unable to obtain hostname. {func}: gethostname: {}",
                    strerror(&e)
                ),
            )
        })?;
        Ok([NQN_PREFIX, &host, b"-", device].concat())
    }
}

/// A path component from raw bytes.
fn name(bytes: &[u8]) -> &std::ffi::OsStr {
    std::ffi::OsStr::from_bytes(bytes)
}

/// A path as raw bytes for a message.
fn shown(path: &Path) -> &[u8] {
    path.as_os_str().as_bytes()
}

/// `<lead><func>: <call>: <strerror>` with return value -1, the shape of
/// every NVMe failure message.
fn failed(lead: &[u8], func: &str, call: &str, err: &io::Error) -> Error {
    let tail = format!("{func}: {call}: {}", strerror(err));
    Error::new(-1, [lead, tail.as_bytes()].concat())
}

/// The failure of a checked attribute write: upstream's message for an
/// open failure (`open_lead`), our own for a value the kernel refused.
fn write_failed(open_lead: &[u8], file: &Path, func: &str, err: WriteError) -> Error {
    match err {
        WriteError::Open(e) => failed(open_lead, func, "fopen", &e),
        WriteError::Write(e) => {
            let lead = [b"Error. Unable to write ", shown(file), b". "].concat();
            failed(&lead, func, "write", &e)
        }
    }
}

/// `Error. Unable to open {path}. `, the lead of most open failures.
fn unable_to_open(path: &Path) -> Vec<u8> {
    [b"Error. Unable to open ", shown(path), b". "].concat()
}

/// Concatenates message parts.
fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// The release of the running kernel (`uname -r`).
fn kernel_release() -> String {
    // SAFETY: utsname is plain data; uname fills it.
    let mut uts: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to the struct.
    if unsafe { libc::uname(&mut uts) } != 0 {
        return String::new();
    }
    // SAFETY: uname NUL-terminates the field.
    let release = unsafe { std::ffi::CStr::from_ptr(uts.release.as_ptr()) };
    release.to_string_lossy().into_owned()
}

#[cfg(test)]
pub(crate) mod fake;
#[cfg(test)]
mod tests;
