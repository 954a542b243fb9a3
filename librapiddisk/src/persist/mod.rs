//! Saving and restoring the configuration (`--save`, `--restore`): one
//! versioned JSON document (docs/rapiddisk-configuration.schema.json) with
//! the RAM disks and cache mappings, written from what discovery finds and
//! recreated by a plan of steps that is applied with an undo for each.

pub mod apply;
pub mod document;
pub mod order;
pub mod plan;
pub mod save;
pub mod stable;

pub use document::{Document, MappingEntry, RamDiskEntry};

/// Where `--save` and `--restore` keep the document unless told.
pub const DEFAULT_FILE: &str = "/etc/rapiddisk/rapiddisk.json";

#[cfg(test)]
mod tests;
