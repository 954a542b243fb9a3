//! What the library says about itself and about the last failure.

use super::call;
use core::ffi::{c_char, CStr};

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("the version has no NUL"),
    };

/// The message of the last failed call on this thread ("" if the last
/// call succeeded); valid until the next call on this thread.
#[no_mangle]
pub extern "C" fn rapiddisk_last_error() -> *const c_char {
    call::last_error()
}

/// The version of RapidDisk this library implements (`9.2.0`); static.
#[no_mangle]
pub extern "C" fn rapiddisk_version() -> *const c_char {
    VERSION.as_ptr()
}
