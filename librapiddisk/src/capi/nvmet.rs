//! NVMe-oF target management: the command's `-N`, `-n`, `-i`, `-X`, `-e`,
//! `-x` and `-R`, with the same checks, messages and return values.

use super::args::{bytes, optional, OutString};
use super::call::{call, system};
use super::{AdrfamId, TransportId};
use super::{RAPIDDISK_ADRFAM_AUTO, RAPIDDISK_ADRFAM_IPV4, RAPIDDISK_ADRFAM_IPV6};
use super::{RAPIDDISK_NVME_LOOP, RAPIDDISK_NVME_RDMA, RAPIDDISK_NVME_TCP};
use crate::nvmet::{
    self, AddressFamily, Export, Nvmet, PortRequest, SecretFile, Transport, Unexport,
};
use crate::{Error, Result};
use core::ffi::{c_char, c_int};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// A port number of the interface: -1 means every port.
fn port_arg(port: c_int) -> Option<i32> {
    (port != -1).then_some(port)
}

fn invalid(func: &str, what: &str) -> Error {
    Error::new(-libc::EINVAL, format!("{func}: invalid {what}"))
}

/// The NVMe ports as JSON (`rapiddisk -j -N`).
///
/// # Safety
/// `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_nvmet_ports_json(out: *mut *mut c_char) -> c_int {
    call(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { OutString::new("rapiddisk_nvmet_ports_json", out) }?;
        let sys = system()?;
        out.set(&nvmet::ports_json(&Nvmet::new(&sys.roots).ports()?))
    })
}

/// The exported namespaces as JSON (`rapiddisk -j -n`).
///
/// # Safety
/// `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_nvmet_targets_json(out: *mut *mut c_char) -> c_int {
    call(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { OutString::new("rapiddisk_nvmet_targets_json", out) }?;
        let sys = system()?;
        out.set(&nvmet::targets_json(&Nvmet::new(&sys.roots).targets()?))
    })
}

/// Creates target port `port` (`rapiddisk -i IFACE -P PORT -t ...`).
///
/// # Safety
/// `iface` is NULL (loop only) or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_nvmet_port_enable(
    port: c_int,
    iface: *const c_char,
    transport: TransportId,
    adrfam: AdrfamId,
) -> c_int {
    const FUNC: &str = "rapiddisk_nvmet_port_enable";
    call(|| {
        let transport = match transport {
            RAPIDDISK_NVME_TCP => Transport::Tcp,
            RAPIDDISK_NVME_RDMA => Transport::Rdma,
            RAPIDDISK_NVME_LOOP => Transport::Loop,
            _ => return Err(invalid(FUNC, "transport")),
        };
        let family = match adrfam {
            RAPIDDISK_ADRFAM_AUTO => AddressFamily::Auto,
            RAPIDDISK_ADRFAM_IPV4 => AddressFamily::Ipv4,
            RAPIDDISK_ADRFAM_IPV6 => AddressFamily::Ipv6,
            _ => return Err(invalid(FUNC, "address family")),
        };
        let interface = match (unsafe { optional(iface) }, transport) {
            (Some(name), _) => name,
            (None, Transport::Loop) => b"NULL",
            // SAFETY: NULL, so only the error is made
            (None, _) => unsafe { bytes(FUNC, "iface", iface) }?,
        };
        let sys = system()?;
        let req = PortRequest {
            port,
            interface,
            transport,
            family,
        };
        Nvmet::new(&sys.roots).enable_port(&req).map(drop)
    })
}

/// Removes target port `port` (`rapiddisk -X -P PORT`).
#[no_mangle]
pub extern "C" fn rapiddisk_nvmet_port_disable(port: c_int) -> c_int {
    call(|| {
        let sys = system()?;
        Nvmet::new(&sys.roots).disable_port(port).map(drop)
    })
}

/// A secret file argument.
fn secret(path: Option<&[u8]>) -> Result<Option<SecretFile>> {
    path.map(|p| SecretFile::load_or_generate(Path::new(OsStr::from_bytes(p))))
        .transpose()
}

/// Exports `device` on `port` (-1: every port) to `host` (NULL: any host),
/// optionally with DH-HMAC-CHAP secret files (`rapiddisk -e`).
///
/// # Safety
/// `device` is NULL or a NUL-terminated string; the others are NULL or
/// NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_nvmet_export(
    device: *const c_char,
    port: c_int,
    host: *const c_char,
    host_key_file: *const c_char,
    ctrl_key_file: *const c_char,
) -> c_int {
    call(|| {
        // SAFETY: the caller's contract.
        let (device, host, host_key, ctrl_key) = unsafe {
            (
                bytes("rapiddisk_nvmet_export", "device", device)?,
                optional(host).unwrap_or_default(),
                optional(host_key_file),
                optional(ctrl_key_file),
            )
        };
        let sys = system()?;
        let (host_secret, ctrl_secret) = (secret(host_key)?, secret(ctrl_key)?);
        let req = Export {
            device,
            port: port_arg(port),
            host,
            host_secret: host_secret.as_ref(),
            ctrl_secret: ctrl_secret.as_ref(),
        };
        Nvmet::new(&sys.roots).export(&sys, &req).map(drop)
    })
}

/// Stops exporting `device` on `port` (-1: every port) to `host` (NULL:
/// the whole target) (`rapiddisk -x`).
///
/// # Safety
/// `device` is NULL or a NUL-terminated string; `host` likewise.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_nvmet_unexport(
    device: *const c_char,
    port: c_int,
    host: *const c_char,
) -> c_int {
    call(|| {
        // SAFETY: the caller's contract.
        let (device, host) = unsafe {
            (
                bytes("rapiddisk_nvmet_unexport", "device", device)?,
                optional(host).unwrap_or_default(),
            )
        };
        let sys = system()?;
        let req = Unexport {
            device,
            port: port_arg(port),
            host,
        };
        Nvmet::new(&sys.roots).unexport(&req).map(drop)
    })
}

/// Makes the namespace of `device` take its new size (`rapiddisk -R`).
///
/// # Safety
/// `device` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_nvmet_revalidate(device: *const c_char) -> c_int {
    call(|| {
        // SAFETY: the caller's contract.
        let device = unsafe { bytes("rapiddisk_nvmet_revalidate", "device", device) }?;
        let sys = system()?;
        Nvmet::new(&sys.roots).revalidate(&sys, device).map(drop)
    })
}
