//! Host stand-ins for the shim callbacks (tests and fuzzers).
use core::ffi::c_void;
use std::alloc::{alloc_zeroed, dealloc, Layout};

/// The size header; as large as the strictest alignment of the values
/// kept in this memory (the cache-line counters of `slot::Shared`).
const HEADER: usize = 64;

#[no_mangle]
pub extern "C" fn rcache_cb_vzalloc(size: usize) -> *mut c_void {
    let Ok(layout) = Layout::from_size_align(size + HEADER, HEADER) else {
        return core::ptr::null_mut();
    };
    // SAFETY: non-zero size; the header stores the size for vfree.
    unsafe {
        let p = alloc_zeroed(layout);
        p.cast::<usize>().write(size);
        p.add(HEADER).cast()
    }
}

#[no_mangle]
pub extern "C" fn rcache_cb_vfree(ptr: *mut c_void) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: ptr came from rcache_cb_vzalloc.
    unsafe {
        let p = ptr.cast::<u8>().sub(HEADER);
        let size = p.cast::<usize>().read();
        dealloc(p, Layout::from_size_align_unchecked(size + HEADER, HEADER));
    }
}

#[no_mangle]
pub extern "C" fn rcache_cb_bug(line: u32) {
    std::eprintln!("rcache: BUG at line {line}");
}
