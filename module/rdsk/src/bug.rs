//! Broken invariants: report through the shim, then trap in Rust itself so
//! objtool sees a terminating instruction.

#[cold]
#[inline(never)]
pub fn bug(line: u32) -> ! {
    // SAFETY: the callback only logs.
    unsafe { crate::mem::rdsk_cb_bug(line) };
    #[cfg(any(test, feature = "host"))]
    panic!("rdsk: broken invariant at line {line}");
    #[cfg(not(any(test, feature = "host")))]
    // SAFETY: ud2 raises an invalid-opcode trap; the kernel reports it.
    unsafe {
        core::arch::asm!("ud2", options(noreturn, nostack))
    }
}

/// `kbug_on!(cond)`: BUG() when `cond` holds.
macro_rules! kbug_on {
    ($cond:expr) => {
        if $cond {
            $crate::bug::bug(line!())
        }
    };
}
pub(crate) use kbug_on;
