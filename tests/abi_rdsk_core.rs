//! include/rdsk_core.h against module/rdsk: every function has the same
//! signature on both sides, the shared structs have the same layout and
//! the constants the same values. A mismatch fails to compile or to pass.
#![allow(non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]

use rdsk::ffi::{self, RdskCmd, RdskUsage};

mod abi_common;
use abi_common::{same_layout, same_signature};

mod layout {
    include!(concat!(env!("OUT_DIR"), "/rdsk_core_layout.rs"));
}

#[allow(improper_ctypes)]
mod fns {
    pub type rdsk = ::rdsk::ffi::Rdsk;
    pub type rdsk_usage = ::rdsk::ffi::RdskUsage;
    pub type rdsk_cmd = ::rdsk::ffi::RdskCmd;
    include!(concat!(env!("OUT_DIR"), "/rdsk_core_fns.rs"));
}

#[test]
fn functions_match_the_header() {
    use core::ffi::{c_char, c_int, c_void};
    use fns::{rdsk as Rd, rdsk_cmd, rdsk_usage};
    same_signature! {
        rdsk_create: (u64, *mut *mut Rd) -> c_int = ffi::rdsk_create;
        rdsk_destroy: (*mut Rd) -> () = ffi::rdsk_destroy;
        rdsk_resize: (*mut Rd, u64) -> c_int = ffi::rdsk_resize;
        rdsk_read: (*const Rd, u64, *mut u8, u32) -> c_int = ffi::rdsk_read;
        rdsk_write: (*const Rd, u64, *const u8, u32, *mut *mut c_void) -> c_int = ffi::rdsk_write;
        rdsk_zero: (*const Rd, u64, u64, *mut c_void) -> c_int = ffi::rdsk_zero;
        rdsk_free_all: (*const Rd, *mut c_void) -> () = ffi::rdsk_free_all;
        rdsk_get_usage: (*const Rd, *mut rdsk_usage) -> () = ffi::rdsk_get_usage;
        rdsk_mgmt_parse: (*const u8, usize, *mut rdsk_cmd) -> c_int = ffi::rdsk_mgmt_parse;
        rdsk_check_attach: (u64, u64, u64, u64) -> c_int = ffi::rdsk_check_attach;
        rdsk_reason_text: (c_int) -> *const c_char = ffi::rdsk_reason_text;
        rdsk_cb_alloc_page: () -> *mut c_void = ::rdsk::mem::rdsk_cb_alloc_page;
        rdsk_cb_free_page: (*mut c_void) -> () = ::rdsk::mem::rdsk_cb_free_page;
        rdsk_cb_retire_page: (*mut c_void, *mut c_void) -> () = ::rdsk::mem::rdsk_cb_retire_page;
        rdsk_cb_kzalloc: (usize) -> *mut c_void = ::rdsk::mem::rdsk_cb_kzalloc;
        rdsk_cb_kfree: (*mut c_void) -> () = ::rdsk::mem::rdsk_cb_kfree;
        rdsk_cb_bug: (u32) -> () = ::rdsk::mem::rdsk_cb_bug;
    }
}

#[test]
fn structs_match_the_header() {
    same_layout!(
        layout::rdsk_usage,
        RdskUsage,
        [nr_sectors, pages, max_sector]
    );
    same_layout!(layout::rdsk_cmd, RdskCmd, [op, reserved, number, size]);
}

#[test]
fn constants_match_the_header() {
    use rdsk::mgmt::Reason;
    assert_eq!(layout::RDSK_NEED_PAGE as i32, ffi::RDSK_NEED_PAGE);
    assert_eq!(layout::rdsk_op_RDSK_OP_ATTACH, ffi::RDSK_OP_ATTACH);
    assert_eq!(layout::rdsk_op_RDSK_OP_DETACH, ffi::RDSK_OP_DETACH);
    assert_eq!(layout::rdsk_op_RDSK_OP_RESIZE, ffi::RDSK_OP_RESIZE);
    let reasons = [
        (layout::rdsk_reason_RDSK_R_UNSUPPORTED, Reason::Unsupported),
        (layout::rdsk_reason_RDSK_R_BAD_NUMBER, Reason::BadNumber),
        (layout::rdsk_reason_RDSK_R_TRAILING, Reason::Trailing),
        (layout::rdsk_reason_RDSK_R_MAX_NUMBER, Reason::MaxNumber),
        (layout::rdsk_reason_RDSK_R_MAX_DEVICES, Reason::MaxDevices),
        (layout::rdsk_reason_RDSK_R_SIZE_ALIGN, Reason::SizeAlign),
        (layout::rdsk_reason_RDSK_R_EXISTS, Reason::Exists),
        (layout::rdsk_reason_RDSK_R_NO_DEVICE, Reason::NoDevice),
        (
            layout::rdsk_reason_RDSK_R_BELOW_WRITTEN,
            Reason::BelowWritten,
        ),
        (layout::rdsk_reason_RDSK_R_BUSY, Reason::Busy),
        (layout::rdsk_reason_RDSK_R_NO_MEMORY, Reason::NoMemory),
    ];
    for (c, rust) in reasons {
        assert_eq!(c as i32, rust as i32, "{rust:?}");
    }
    assert_eq!(layout::rdsk_reason_RDSK_OK, 0);
}
