//! Host stand-ins for the kernel callbacks, so tests, benches and fuzzers
//! run the exact kernel code. Retired pages are parked until
//! [`free_retired`] because a concurrent reader may still copy from them.
use core::ffi::c_void;
use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use std::vec::Vec;

const PAGE: Layout = match Layout::from_size_align(crate::PAGE_SIZE, crate::PAGE_SIZE) {
    Ok(l) => l,
    Err(_) => panic!("page layout"),
};

/// Pages and blocks currently allocated through the callbacks (leak check).
pub static LIVE_ALLOCATIONS: AtomicI64 = AtomicI64::new(0);

struct Parked(*mut c_void);
// SAFETY: the pointer is only freed, never dereferenced, from the list.
unsafe impl Send for Parked {}
static RETIRED: Mutex<Vec<Parked>> = Mutex::new(Vec::new());

#[no_mangle]
pub extern "C" fn rdsk_cb_alloc_page() -> *mut c_void {
    LIVE_ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    // SAFETY: non-zero size layout.
    unsafe { alloc_zeroed(PAGE).cast() }
}

#[no_mangle]
pub extern "C" fn rdsk_cb_free_page(page: *mut c_void) {
    LIVE_ALLOCATIONS.fetch_sub(1, Ordering::Relaxed);
    // SAFETY: allocated by rdsk_cb_alloc_page with the same layout.
    unsafe { dealloc(page.cast(), PAGE) }
}

#[no_mangle]
pub extern "C" fn rdsk_cb_retire_page(_ctx: *mut c_void, page: *mut c_void) {
    RETIRED.lock().unwrap().push(Parked(page));
}

/// Free every retired page (call when no reader can still hold one).
pub fn free_retired() {
    let parked = std::mem::take(&mut *RETIRED.lock().unwrap());
    for p in parked {
        rdsk_cb_free_page(p.0);
    }
}

// kzalloc'd blocks carry their size in front so kfree can rebuild the layout
const HEADER: usize = 16;

#[no_mangle]
pub extern "C" fn rdsk_cb_kzalloc(size: usize) -> *mut c_void {
    let Ok(layout) = Layout::from_size_align(size + HEADER, HEADER) else {
        return core::ptr::null_mut();
    };
    LIVE_ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    // SAFETY: non-zero size; the header stores the size.
    unsafe {
        let p = alloc_zeroed(layout);
        p.cast::<usize>().write(size);
        p.add(HEADER).cast()
    }
}

#[no_mangle]
pub extern "C" fn rdsk_cb_kfree(ptr: *mut c_void) {
    if ptr.is_null() {
        return;
    }
    LIVE_ALLOCATIONS.fetch_sub(1, Ordering::Relaxed);
    // SAFETY: ptr came from rdsk_cb_kzalloc.
    unsafe {
        let p = ptr.cast::<u8>().sub(HEADER);
        let size = p.cast::<usize>().read();
        dealloc(p, Layout::from_size_align_unchecked(size + HEADER, HEADER));
    }
}

#[no_mangle]
pub extern "C" fn rdsk_cb_bug(line: u32) {
    std::eprintln!("rdsk: BUG at line {line}");
}

/// Write through the spare-page protocol, allocating as the kernel shim
/// does; returns the errno of a failed write.
pub fn write(rd: &crate::store::RamDisk, sector: u64, buf: &[u8]) -> Result<(), i32> {
    use crate::mem::Spare;
    use crate::store::WriteError;
    let mut spare: *mut u8 = core::ptr::null_mut();
    let result = loop {
        match rd.write(sector, buf, &mut Spare(&mut spare)) {
            Ok(()) => break Ok(()),
            Err(WriteError::Errno(e)) => break Err(e),
            Err(WriteError::NeedPage) => spare = rdsk_cb_alloc_page().cast(),
        }
    };
    if !spare.is_null() {
        rdsk_cb_free_page(spare.cast());
    }
    result
}
