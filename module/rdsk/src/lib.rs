//! The RAM disk core of `rapiddisk.ko`: a sparse page store addressed by
//! sector, byte copies across page boundaries, discard that frees pages,
//! usage counters, and the parser of `/sys/kernel/rapiddisk/mgmt`.
//!
//! The crate is built twice: by Kbuild as one kernel-safe object (no core
//! code may be linked, so nothing here may panic: every index is checked),
//! and by cargo with the `host` feature, where std stands in for the
//! kernel's page allocator so the same code runs under tests and fuzzers.
#![no_std]

#[cfg(any(test, feature = "host"))]
extern crate std;

mod bug;
mod copy;
pub mod ffi;
#[cfg(any(test, feature = "host"))]
pub mod host;
pub mod mem;
pub mod mgmt;
pub mod store;
pub mod tree;

/// Linux errno values used across the boundary.
pub mod errno {
    pub const EIO: i32 = 5;
    pub const ENOMEM: i32 = 12;
    pub const EINVAL: i32 = 22;
    pub const EAGAIN: i32 = 11;
}

pub const SECTOR_SHIFT: u32 = 9;
pub const SECTOR_SIZE: u64 = 1 << SECTOR_SHIFT;
pub const PAGE_SHIFT: u32 = 12;
pub const PAGE_SIZE: usize = 1 << PAGE_SHIFT;
pub const SECTORS_PER_PAGE: u64 = (PAGE_SIZE as u64) >> SECTOR_SHIFT;

#[cfg(not(any(test, feature = "host")))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    // never referenced in the kernel object (the symbol check proves it)
    bug::bug(line!())
}
