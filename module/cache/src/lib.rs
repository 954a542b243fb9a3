//! The cache logic of `rapiddisk-cache.ko`: table arguments, the
//! set-associative map from source sectors to RAM disk blocks, block states,
//! replacement, invalidation, statistics and the status text.
//!
//! Built by Kbuild as one kernel-safe object (nothing here may panic or use
//! `core::fmt`), and by cargo with the `host` feature for tests. Read hits
//! run without a lock (`slot`); everything else runs under the target's
//! lock, held by the C shim around those calls (`map`).
#![no_std]

#[cfg(any(test, feature = "host"))]
extern crate std;

pub mod args;
mod bug;
pub mod ffi;
#[cfg(any(test, feature = "host"))]
pub mod host;
pub mod map;
pub mod slot;
pub mod status;
pub mod text;

/// Sectors per cache block (one 4 KiB page).
pub const BLOCK_SECTORS: u64 = 8;
pub const BLOCK_SHIFT: u32 = 3;

#[cfg(not(any(test, feature = "host")))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    bug::bug(line!())
}
