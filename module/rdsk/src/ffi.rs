//! The C entry points declared in `include/rdsk_core.h`. Only pointer
//! checks and type conversion happen here; the logic is in the modules.
use crate::errno::{EINVAL, ENOMEM};
use crate::mem::{self, Retire, Spare};
use crate::mgmt::{self, Command, Reason};
use crate::store::{RamDisk, ResizeError, WriteError};
use core::ffi::{c_char, c_void};

/// Opaque to C: `struct rdsk`.
pub type Rdsk = RamDisk;

#[repr(C)]
#[derive(Default)]
pub struct RdskUsage {
    pub nr_sectors: u64,
    pub pages: u64,
    pub max_sector: u64,
}

#[repr(C)]
#[derive(Default)]
pub struct RdskCmd {
    pub op: u32,
    pub reserved: u32,
    pub number: u64,
    pub size: u64,
}

pub const RDSK_NEED_PAGE: i32 = 1;
pub const RDSK_OP_ATTACH: u32 = 1;
pub const RDSK_OP_DETACH: u32 = 2;
pub const RDSK_OP_RESIZE: u32 = 3;

/// # Safety
/// `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn rdsk_create(nr_sectors: u64, out: *mut *mut Rdsk) -> i32 {
    let Some(out) = out.as_mut() else {
        return -EINVAL;
    };
    let mem = mem::rdsk_cb_kzalloc(core::mem::size_of::<Rdsk>()).cast::<Rdsk>();
    if mem.is_null() {
        return -ENOMEM;
    }
    match RamDisk::new(nr_sectors) {
        Some(rd) => {
            mem.write(rd);
            *out = mem;
            0
        }
        None => {
            mem::rdsk_cb_kfree(mem.cast());
            -ENOMEM
        }
    }
}

/// # Safety
/// `rd` came from rdsk_create and no I/O or reader remains.
#[no_mangle]
pub unsafe extern "C" fn rdsk_destroy(rd: *mut Rdsk) {
    if rd.is_null() {
        return;
    }
    rd.read().destroy();
    mem::rdsk_cb_kfree(rd.cast());
}

/// # Safety
/// `rd` came from rdsk_create; growth is serialized by the caller.
#[no_mangle]
pub unsafe extern "C" fn rdsk_resize(rd: *mut Rdsk, size_bytes: u64) -> i32 {
    let Some(rd) = rd.as_ref() else {
        return Reason::NoDevice as i32;
    };
    match rd.resize(size_bytes) {
        Ok(()) => 0,
        Err(ResizeError::Unaligned) => Reason::SizeAlign as i32,
        Err(ResizeError::BelowWritten) => Reason::BelowWritten as i32,
        Err(ResizeError::NoMemory) => Reason::NoMemory as i32,
    }
}

fn errno(r: Result<(), i32>) -> i32 {
    match r {
        Ok(()) => 0,
        Err(e) => -e,
    }
}

/// # Safety
/// `rd` came from rdsk_create; `buf` holds `len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn rdsk_read(rd: *const Rdsk, sector: u64, buf: *mut u8, len: u32) -> i32 {
    let Some(rd) = rd.as_ref() else {
        return -EINVAL;
    };
    if buf.is_null() {
        return -EINVAL;
    }
    errno(rd.read(sector, core::slice::from_raw_parts_mut(buf, len as usize)))
}

/// # Safety
/// `rd` came from rdsk_create; `buf` holds `len` readable bytes; `spare`
/// points to null or to a zeroed page from the page allocator.
#[no_mangle]
pub unsafe extern "C" fn rdsk_write(
    rd: *const Rdsk,
    sector: u64,
    buf: *const u8,
    len: u32,
    spare: *mut *mut c_void,
) -> i32 {
    let (Some(rd), Some(spare)) = (rd.as_ref(), spare.cast::<*mut u8>().as_mut()) else {
        return -EINVAL;
    };
    if buf.is_null() {
        return -EINVAL;
    }
    let data = core::slice::from_raw_parts(buf, len as usize);
    match rd.write(sector, data, &mut Spare(spare)) {
        Ok(()) => 0,
        Err(WriteError::Errno(e)) => -e,
        Err(WriteError::NeedPage) => RDSK_NEED_PAGE,
    }
}

/// # Safety
/// `rd` came from rdsk_create; `ctx` is what rdsk_cb_retire_page expects.
#[no_mangle]
pub unsafe extern "C" fn rdsk_zero(
    rd: *const Rdsk,
    sector: u64,
    nr_sectors: u64,
    retire_ctx: *mut c_void,
) -> i32 {
    let Some(rd) = rd.as_ref() else {
        return -EINVAL;
    };
    errno(rd.zero(sector, nr_sectors, Retire(retire_ctx)))
}

/// # Safety
/// As rdsk_zero.
#[no_mangle]
pub unsafe extern "C" fn rdsk_free_all(rd: *const Rdsk, retire_ctx: *mut c_void) {
    if let Some(rd) = rd.as_ref() {
        rd.free_all(Retire(retire_ctx))
    }
}

/// # Safety
/// `rd` came from rdsk_create; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn rdsk_get_usage(rd: *const Rdsk, out: *mut RdskUsage) {
    let (Some(rd), Some(out)) = (rd.as_ref(), out.as_mut()) else {
        return;
    };
    let u = rd.usage();
    *out = RdskUsage {
        nr_sectors: u.nr_sectors,
        pages: u.pages,
        max_sector: u.max_sector,
    };
}

/// # Safety
/// `buf` holds `len` readable bytes; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn rdsk_mgmt_parse(buf: *const u8, len: usize, out: *mut RdskCmd) -> i32 {
    let Some(out) = out.as_mut() else {
        return Reason::Unsupported as i32;
    };
    if buf.is_null() {
        return Reason::Unsupported as i32;
    }
    let (op, number, size) = match mgmt::parse(core::slice::from_raw_parts(buf, len)) {
        Ok(Command::Attach { number, size }) => (RDSK_OP_ATTACH, number, size),
        Ok(Command::Detach { number }) => (RDSK_OP_DETACH, number, 0),
        Ok(Command::Resize { number, size }) => (RDSK_OP_RESIZE, number, size),
        Err(r) => return r as i32,
    };
    *out = RdskCmd {
        op,
        reserved: 0,
        number,
        size,
    };
    0
}

#[no_mangle]
pub extern "C" fn rdsk_check_attach(number: u64, size: u64, attached: u64, max_nr: u64) -> i32 {
    match mgmt::check_attach(number, size, attached, max_nr) {
        Ok(()) => 0,
        Err(r) => r as i32,
    }
}

#[no_mangle]
pub extern "C" fn rdsk_reason_text(reason: i32) -> *const c_char {
    match Reason::from_code(reason) {
        Some(r) => r.text().as_ptr(),
        None => c"Unknown error.".as_ptr(),
    }
}
