//! librapiddisk: the control logic of the `rapiddisk` tools, as a typed API.
//!
//! Gathering (discovery, resources, device-mapper status) is separate from
//! rendering (`text`, `json`), so every output can be tested on the host
//! against fixture trees and the observed outputs of the interface spec.

mod atoi;
pub mod capi;
pub mod cli;
pub mod discover;
pub mod dm;
pub mod error;
pub mod ioctl;
pub mod json;
pub mod mgmt;
pub mod model;
pub mod mtab;
pub mod nvmet;
pub mod ops;
pub mod persist;
pub mod resources;
pub mod server;
pub mod size;
pub mod startup;
pub mod stats;
pub mod table;
pub mod text;
pub mod tunables;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod testdata;

pub use discover::Roots;
pub use error::{Error, Result};
pub use model::{CacheMapping, CacheMode, LockStatus, RamDisk};
pub use ops::{Done, Stats, System};
pub use startup::Modules;
