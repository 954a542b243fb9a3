//! One C API call: the thread's last error, panics kept on this side, and
//! the discovery every call starts with.

use crate::{startup, Error, Result, Roots, System};
use core::ffi::{c_char, c_int};
use std::any::Any;
use std::cell::RefCell;
use std::ffi::CString;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    /// The message of the last failed call on this thread ("" after a
    /// successful one).
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Replaces this thread's last error (cut at a NUL, which C cannot show).
fn set_last_error(message: &[u8]) {
    let end = message
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(message.len());
    let text = CString::new(&message[..end]).unwrap_or_default();
    // at thread exit the slot is gone; there is nobody left to read it
    let _ = LAST_ERROR.try_with(|e| *e.borrow_mut() = text);
}

/// This thread's last error; valid until the next call replaces it.
pub(super) fn last_error() -> *const c_char {
    LAST_ERROR
        .try_with(|e| e.borrow().as_ptr())
        .unwrap_or(c"".as_ptr())
}

/// Runs the body of a call: clears the last error, and turns a failure or
/// a panic into the return value and the last error.
pub(super) fn call(body: impl FnOnce() -> Result<()>) -> c_int {
    set_last_error(b"");
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|p| Err(panicked(&*p)));
    match outcome {
        Ok(()) => 0,
        Err(err) => {
            set_last_error(err.message());
            // no failure may read as success
            if err.code() == 0 {
                -1
            } else {
                err.code()
            }
        }
    }
}

/// A panic is a bug of the library; the caller gets -EIO and its text.
fn panicked(payload: &(dyn Any + Send)) -> Error {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("panic");
    Error::new(-libc::EIO, format!("librapiddisk: internal error: {what}"))
}

/// The system as one `rapiddisk` run sees it: both modules loaded
/// (`Please ensure that the RapidDisk module is loaded and retry.`, -1),
/// then RAM disks and mappings discovered.
pub(super) fn system() -> Result<System> {
    let roots = roots();
    let modules = startup::require_modules(&roots)?;
    System::discover(roots, modules)
}

#[cfg(not(test))]
fn roots() -> Roots {
    Roots::default()
}

#[cfg(test)]
thread_local! {
    /// The fixture tree the calls of a host test run against.
    pub(super) static TEST_ROOTS: RefCell<Option<Roots>> = const { RefCell::new(None) };
}

#[cfg(test)]
fn roots() -> Roots {
    TEST_ROOTS
        .with(|r| r.borrow().clone())
        .expect("the test set its fixture roots")
}
