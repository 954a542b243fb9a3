//! The JSON documents of `rapiddisk -j -l`, `-j -s NAME` and `-j -q`, as
//! malloc'd strings without the command's final newline.

use super::args::{bytes, OutString};
use super::call::{call, system};
use crate::json::render;
use crate::resources;
use core::ffi::{c_char, c_int};

/// The RAM disks and cache mappings (`{"volumes": [...]}`).
///
/// # Safety
/// `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_list_json(out: *mut *mut c_char) -> c_int {
    call(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { OutString::new("rapiddisk_list_json", out) }?;
        let sys = system()?;
        let (disks, mappings) = sys.list()?;
        out.set(&render::list(disks, mappings))
    })
}

/// The statistics of mapping `name` (`{"statistics": [...]}`).
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `out` is NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_stats_json(name: *const c_char, out: *mut *mut c_char) -> c_int {
    const FUNC: &str = "rapiddisk_stats_json";
    call(|| {
        // SAFETY: the caller's contract.
        // *out is NULL from here on, even when name is NULL
        let (out, name) = unsafe { (OutString::new(FUNC, out)?, bytes(FUNC, "name", name)?) };
        let stats = system()?.stats(name, true)?;
        out.set(&stats.json(name))
    })
}

/// Memory and the block devices worth caching (`{"resources": [...]}`).
///
/// # Safety
/// `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_resources_json(out: *mut *mut c_char) -> c_int {
    call(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { OutString::new("rapiddisk_resources_json", out) }?;
        let sys = system()?;
        out.set(&render::resources(&resources::resources(&sys.roots)?))
    })
}

/// Frees a document of the calls above; NULL is ignored.
///
/// # Safety
/// `text` is NULL or a document of this library not freed yet.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_free(text: *mut c_char) {
    // SAFETY: documents are allocated with malloc (args::OutString::set).
    unsafe { libc::free(text.cast()) }
}
