//! The C interface of librapiddisk.so (`include/rapiddisk.h`): one
//! `rapiddisk_*` function per action of the command, over the safe API.
//!
//! Every call discovers the system afresh (as one run of `rapiddisk`
//! does), returns 0 or the value the command would exit with (its low
//! byte), and leaves the message of a failure for
//! [`rapiddisk_last_error`]. NULL arguments are `-EINVAL`; panics are
//! caught and never cross the boundary. The header is checked against
//! these signatures by the root package's `tests/abi_librapiddisk.rs`.

mod actions;
mod args;
mod call;
mod documents;
mod info;

pub use actions::{
    rapiddisk_attach, rapiddisk_detach, rapiddisk_flush, rapiddisk_lock, rapiddisk_map,
    rapiddisk_resize, rapiddisk_unmap,
};
pub use documents::{
    rapiddisk_free, rapiddisk_list_json, rapiddisk_resources_json, rapiddisk_stats_json,
};
pub use info::{rapiddisk_last_error, rapiddisk_version};

/// `enum rapiddisk_mode`: the caching policy of a new mapping.
pub type Mode = core::ffi::c_uint;
/// Write-through (`rc-wt_`): writes go to cache and source.
pub const RAPIDDISK_WRITE_THROUGH: Mode = 0;
/// Write-around (`rc-wa_`): writes go to the source only.
pub const RAPIDDISK_WRITE_AROUND: Mode = 1;
/// Writeback through dm-writecache (`rc-wb_`).
pub const RAPIDDISK_WRITEBACK: Mode = 2;

/// The smallest name buffer attach and map accept, NUL included: the
/// longest device-mapper name (`DM_NAME_LEN`) is 127 bytes.
pub const RAPIDDISK_NAME_MAX: usize = 128;

#[cfg(test)]
mod tests;
