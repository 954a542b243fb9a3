//! Saving and restoring the configuration (`--save`, `--restore`): one
//! versioned JSON document (docs/rapiddisk-configuration.schema.json) with
//! the RAM disks and cache mappings, written from what discovery finds and
//! recreated by a plan of steps that is applied with an undo for each.

pub mod action;
pub mod apply;
mod apply_nvmet;
pub mod document;
pub mod nvme_entries;
pub mod order;
pub mod plan;
pub mod plan_nvmet;
pub mod save;
pub mod save_nvmet;
pub mod stable;

pub use document::{Document, MappingEntry, RamDiskEntry};

/// Where `--save` and `--restore` keep the document unless told.
pub const DEFAULT_FILE: &str = "/etc/rapiddisk/rapiddisk.json";

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_nvmet;
