//! Saving and restoring the configuration: the command's `--save` and
//! `--restore`, with the same document, messages and return values.
//! Warnings of a save (a source without a stable link) are not reported.

use super::args::optional;
use super::call::{call, system};
use crate::persist::action::{restore_from, save_to, Outcome};
use crate::persist::DEFAULT_FILE;
use crate::Error;
use core::ffi::{c_char, c_int};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The file argument: NULL for the default document.
///
/// # Safety
/// `file` is NULL or a NUL-terminated string.
unsafe fn file_arg<'a>(file: *const c_char) -> &'a Path {
    // SAFETY: the caller's contract.
    let bytes = unsafe { optional(file) }.unwrap_or(DEFAULT_FILE.as_bytes());
    Path::new(OsStr::from_bytes(bytes))
}

fn done(outcome: Outcome) -> crate::Result<()> {
    outcome
        .map(drop)
        .map_err(|(code, msg)| Error::new(code, msg))
}

/// Saves the configuration to `file` (`rapiddisk --save`).
///
/// # Safety
/// `file` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_save(file: *const c_char) -> c_int {
    call(|| {
        // SAFETY: the caller's contract.
        let path = unsafe { file_arg(file) };
        done(save_to(&system()?, path, &mut |_| {}))
    })
}

/// Restores the configuration of `file` (`rapiddisk --restore`).
///
/// # Safety
/// `file` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rapiddisk_restore(file: *const c_char) -> c_int {
    call(|| {
        // SAFETY: the caller's contract.
        let path = unsafe { file_arg(file) };
        done(restore_from(&system()?, path, true))
    })
}
