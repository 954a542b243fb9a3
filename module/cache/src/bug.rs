//! Broken invariants: report through the shim, then trap (see module/rdsk).

extern "C" {
    fn rcache_cb_bug(line: u32);
}

#[cold]
#[inline(never)]
pub fn bug(line: u32) -> ! {
    // SAFETY: the callback only logs.
    unsafe { rcache_cb_bug(line) };
    #[cfg(any(test, feature = "host"))]
    panic!("rcache: broken invariant at line {line}");
    #[cfg(not(any(test, feature = "host")))]
    // SAFETY: ud2 raises an invalid-opcode trap; the kernel reports it.
    unsafe {
        core::arch::asm!("ud2", options(noreturn, nostack))
    }
}
