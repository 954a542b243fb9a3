//! Memory and reporting callbacks implemented by the C shim (or by
//! [`crate::host`] on the host). See `include/rdsk_core.h`.
use core::ffi::c_void;
use core::ptr;
use core::sync::atomic::{AtomicPtr, Ordering};

extern "C" {
    /// A zero-filled, page-aligned page (kernel virtual address) or null;
    /// only used outside the I/O path (create, resize).
    pub fn rdsk_cb_alloc_page() -> *mut c_void;
    pub fn rdsk_cb_free_page(page: *mut c_void);
    /// Free `page` once no reader can still see it (after an RCU grace period).
    pub fn rdsk_cb_retire_page(ctx: *mut c_void, page: *mut c_void);
    pub fn rdsk_cb_kzalloc(size: usize) -> *mut c_void;
    pub fn rdsk_cb_kfree(ptr: *mut c_void);
    pub fn rdsk_cb_bug(line: u32);
}

/// Where unpublished pages go.
#[derive(Clone, Copy)]
pub struct Retire(pub *mut c_void);

impl Retire {
    pub fn page(self, page: *mut u8) {
        // SAFETY: page came from rdsk_cb_alloc_page and is no longer published.
        unsafe { rdsk_cb_retire_page(self.0, page.cast()) }
    }
}

pub fn alloc_page() -> *mut u8 {
    // SAFETY: plain allocation call.
    unsafe { rdsk_cb_alloc_page().cast() }
}

/// A zeroed page handed in by the caller of a write, used at most once.
pub struct Spare<'a>(pub &'a mut *mut u8);

/// The write met a missing page and the caller has no spare one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedPage;

impl Spare<'_> {
    fn take(&mut self) -> Result<*mut u8, NeedPage> {
        let page = core::mem::replace(self.0, core::ptr::null_mut());
        if page.is_null() {
            Err(NeedPage)
        } else {
            Ok(page)
        }
    }

    /// Publish the spare page in an empty slot. Returns the page now in
    /// the slot and whether this call published it; when another writer won,
    /// its page is returned and the spare stays. The page is returned rather
    /// than read again from the slot, which a discard may empty meanwhile.
    pub fn fill(&mut self, slot: &AtomicPtr<u8>) -> Result<(*mut u8, bool), NeedPage> {
        let page = self.take()?;
        match slot.compare_exchange(ptr::null_mut(), page, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => Ok((page, true)),
            Err(current) => {
                *self.0 = page;
                Ok((current, false))
            }
        }
    }
}

pub fn free_page(page: *mut u8) {
    // SAFETY: page came from alloc_page and nobody else refers to it.
    unsafe { rdsk_cb_free_page(page.cast()) }
}
