//! The C arguments: strings in, names and documents out. Every pointer is
//! checked for NULL before anything is done.

use super::RAPIDDISK_NAME_MAX;
use crate::{Error, Result};
use core::ffi::{c_char, CStr};
use std::ptr;

/// `-EINVAL`: `<func>: <what> is NULL`.
fn null(func: &str, what: &str) -> Error {
    Error::new(-libc::EINVAL, format!("{func}: {what} is NULL"))
}

/// The bytes of the C string `ptr` (any bytes but NUL, UTF-8 or not).
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string that outlives `'a`.
pub(super) unsafe fn bytes<'a>(func: &str, what: &str, ptr: *const c_char) -> Result<&'a [u8]> {
    if ptr.is_null() {
        return Err(null(func, what));
    }
    // SAFETY: non-NULL and NUL-terminated per the contract.
    Ok(unsafe { CStr::from_ptr(ptr) }.to_bytes())
}

/// The bytes of `ptr`, or `None` for NULL (an optional argument).
///
/// # Safety
/// As for [`bytes`].
pub(super) unsafe fn optional<'a>(ptr: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: the caller's contract; NULL was checked.
    (!ptr.is_null()).then(|| unsafe { CStr::from_ptr(ptr) }.to_bytes())
}

/// A caller's buffer for the name of a new device. It is checked before
/// the action, so a too small buffer never leaves a device behind that
/// the caller cannot name.
pub(super) struct NameBuf {
    ptr: *mut c_char,
    len: usize,
}

impl NameBuf {
    /// NULL: the caller does not want the name. Otherwise `len` must be at
    /// least `RAPIDDISK_NAME_MAX` (-ERANGE).
    pub(super) fn new(func: &str, ptr: *mut c_char, len: usize) -> Result<Option<NameBuf>> {
        if ptr.is_null() {
            return Ok(None);
        }
        if len < RAPIDDISK_NAME_MAX {
            let msg = format!(
                "{func}: the name buffer holds {len} bytes, {RAPIDDISK_NAME_MAX} are needed"
            );
            return Err(Error::new(-libc::ERANGE, msg));
        }
        Ok(Some(NameBuf { ptr, len }))
    }

    /// Writes `name` and a NUL.
    ///
    /// # Safety
    /// The buffer given to `new` is writable for its length.
    pub(super) unsafe fn write(this: Option<NameBuf>, name: &[u8]) -> Result<()> {
        let Some(buf) = this else { return Ok(()) };
        if name.len() >= buf.len {
            // cannot happen: device names are shorter than DM_NAME_LEN
            let msg = b"the new device's name does not fit the buffer: ";
            return Err(Error::new(-libc::ERANGE, [&msg[..], name].concat()));
        }
        // SAFETY: name.len() + 1 <= len bytes are writable per the contract.
        unsafe {
            ptr::copy_nonoverlapping(name.as_ptr(), buf.ptr.cast::<u8>(), name.len());
            *buf.ptr.add(name.len()) = 0;
        }
        Ok(())
    }
}

/// Where a call stores a document it allocates: `*out` is NULL until the
/// call succeeds.
pub(super) struct OutString(*mut *mut c_char);

impl OutString {
    /// # Safety
    /// `out` is NULL or valid for writing one pointer.
    pub(super) unsafe fn new(func: &str, out: *mut *mut c_char) -> Result<OutString> {
        if out.is_null() {
            return Err(null(func, "out"));
        }
        // SAFETY: valid for writes per the contract.
        unsafe { *out = ptr::null_mut() };
        Ok(OutString(out))
    }

    /// Stores a malloc'd NUL-terminated copy of `text` (which holds no
    /// NUL: JSON escapes it).
    pub(super) fn set(self, text: &[u8]) -> Result<()> {
        // SAFETY: malloc of a non-zero size; checked for NULL below.
        let copy = unsafe { libc::malloc(text.len() + 1) }.cast::<u8>();
        if copy.is_null() {
            return Err(Error::new(-libc::ENOMEM, "Out of memory."));
        }
        // SAFETY: `copy` has text.len() + 1 bytes; `self.0` was checked in new.
        unsafe {
            ptr::copy_nonoverlapping(text.as_ptr(), copy, text.len());
            *copy.add(text.len()) = 0;
            *self.0 = copy.cast();
        }
        Ok(())
    }
}
