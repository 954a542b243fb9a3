//! The actions: RAM disks (attach, detach, resize, flush, lock) and cache
//! mappings (map, unmap), each one run of the command's `-a`, `-d`, `-r`,
//! `-f`, `-L`/`-U`, `-m` and `-u`.

use super::args::{bytes, NameBuf};
use super::call::{call, system};
use super::{Mode, RAPIDDISK_WRITEBACK, RAPIDDISK_WRITE_AROUND, RAPIDDISK_WRITE_THROUGH};
use crate::{CacheMode, Error};
use core::ffi::{c_char, c_int};

/// Attaches a new RAM disk of `size_mib` MiB and writes its name (`rdN`)
/// to `name` unless that is NULL.
///
/// # Safety
/// `name` is NULL or writable for `name_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_attach(
    size_mib: u64,
    name: *mut c_char,
    name_len: usize,
) -> c_int {
    call(|| {
        let buf = NameBuf::new("rapiddisk_attach", name, name_len)?;
        let done = system()?.attach(size_mib.to_string().as_bytes())?;
        // SAFETY: the caller's contract.
        unsafe { NameBuf::write(buf, &done.device) }
    })
}

/// Detaches RAM disk `rd` (`rd0`).
///
/// # Safety
/// `rd` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_detach(rd: *const c_char) -> c_int {
    call(|| {
        // SAFETY: the caller's contract.
        let rd = unsafe { bytes("rapiddisk_detach", "rd", rd) }?;
        system()?.detach(rd).map(drop)
    })
}

/// Resizes RAM disk `rd` to `size_mib` MiB.
///
/// # Safety
/// `rd` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_resize(rd: *const c_char, size_mib: u64) -> c_int {
    call(|| {
        // SAFETY: the caller's contract.
        let rd = unsafe { bytes("rapiddisk_resize", "rd", rd) }?;
        system()?
            .resize(rd, size_mib.to_string().as_bytes())
            .map(drop)
    })
}

/// Frees all data of RAM disk `rd`.
///
/// # Safety
/// `rd` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_flush(rd: *const c_char) -> c_int {
    call(|| {
        // SAFETY: the caller's contract.
        let rd = unsafe { bytes("rapiddisk_flush", "rd", rd) }?;
        system()?.flush(rd).map(drop)
    })
}

/// Makes RAM disk `rd` read-only (`read_only` non-zero) or read-write.
///
/// # Safety
/// `rd` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_lock(rd: *const c_char, read_only: c_int) -> c_int {
    call(|| {
        // SAFETY: the caller's contract.
        let rd = unsafe { bytes("rapiddisk_lock", "rd", rd) }?;
        system()?.set_locked(rd, read_only != 0).map(drop)
    })
}

/// Maps `source` (`/dev/...`) behind RAM disk `rd` in `mode` and writes
/// the mapping's name (`rc-wt_sdb`) to `name` unless that is NULL.
///
/// # Safety
/// `rd` and `source` are NULL or NUL-terminated strings; `name` is NULL or
/// writable for `name_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_map(
    rd: *const c_char,
    source: *const c_char,
    mode: Mode,
    name: *mut c_char,
    name_len: usize,
) -> c_int {
    const FUNC: &str = "rapiddisk_map";
    call(|| {
        // SAFETY: the caller's contract.
        let (rd, source) = unsafe { (bytes(FUNC, "rd", rd)?, bytes(FUNC, "source", source)?) };
        let mode = match mode {
            RAPIDDISK_WRITE_THROUGH => CacheMode::WriteThrough,
            RAPIDDISK_WRITE_AROUND => CacheMode::WriteAround,
            RAPIDDISK_WRITEBACK => CacheMode::Writeback,
            other => {
                let msg = format!("{FUNC}: unknown mode {other}");
                return Err(Error::new(-libc::EINVAL, msg));
            }
        };
        let buf = NameBuf::new(FUNC, name, name_len)?;
        let done = system()?.map(rd, source, mode)?;
        // SAFETY: the caller's contract.
        unsafe { NameBuf::write(buf, &done.device) }
    })
}

/// Removes mapping `name` (`rc-wt_sdb`); a writeback mapping writes its
/// dirty blocks back first.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_unmap(name: *const c_char) -> c_int {
    call(|| {
        // SAFETY: the caller's contract.
        let name = unsafe { bytes("rapiddisk_unmap", "name", name) }?;
        system()?.unmap(name).map(drop)
    })
}
