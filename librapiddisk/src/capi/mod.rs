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
mod nvmet;
mod persist;

pub use actions::{
    rapiddisk_attach, rapiddisk_detach, rapiddisk_flush, rapiddisk_lock, rapiddisk_map,
    rapiddisk_resize, rapiddisk_unmap,
};
pub use documents::{
    rapiddisk_free, rapiddisk_list_json, rapiddisk_resources_json, rapiddisk_stats_json,
};
pub use info::{rapiddisk_last_error, rapiddisk_version};
pub use nvmet::{
    rapiddisk_nvmet_export, rapiddisk_nvmet_port_disable, rapiddisk_nvmet_port_enable,
    rapiddisk_nvmet_ports_json, rapiddisk_nvmet_revalidate, rapiddisk_nvmet_targets_json,
    rapiddisk_nvmet_unexport,
};
pub use persist::{rapiddisk_restore, rapiddisk_save};

/// `enum rapiddisk_mode`: the caching policy of a new mapping.
pub type Mode = core::ffi::c_uint;
/// Write-through (`rc-wt_`): writes go to cache and source.
pub const RAPIDDISK_WRITE_THROUGH: Mode = 0;
/// Write-around (`rc-wa_`): writes go to the source only.
pub const RAPIDDISK_WRITE_AROUND: Mode = 1;
/// Writeback through dm-writecache (`rc-wb_`).
pub const RAPIDDISK_WRITEBACK: Mode = 2;

/// `enum rapiddisk_transport`: the transport of a new NVMe target port.
pub type TransportId = core::ffi::c_uint;
pub const RAPIDDISK_NVME_TCP: TransportId = 0;
pub const RAPIDDISK_NVME_RDMA: TransportId = 1;
pub const RAPIDDISK_NVME_LOOP: TransportId = 2;

/// `enum rapiddisk_adrfam`: which address of the interface a port uses.
pub type AdrfamId = core::ffi::c_uint;
/// IPv4 if the interface has one, else IPv6.
pub const RAPIDDISK_ADRFAM_AUTO: AdrfamId = 0;
pub const RAPIDDISK_ADRFAM_IPV4: AdrfamId = 1;
pub const RAPIDDISK_ADRFAM_IPV6: AdrfamId = 2;

/// The smallest name buffer attach and map accept, NUL included: the
/// longest device-mapper name (`DM_NAME_LEN`) is 127 bytes.
pub const RAPIDDISK_NAME_MAX: usize = 128;

#[cfg(test)]
mod tests;
