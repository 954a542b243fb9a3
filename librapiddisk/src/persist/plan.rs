//! What a restore does: compares the document with what exists and lists
//! the steps that create the rest. What exists as described is kept; what
//! exists differently is a conflict, refused before anything is done.

use super::document::{Document, MappingEntry, Mode};
use super::nvme_entries::{ExportEntry, HostEntry, PortEntry};
use super::order::DirOrder;
use super::stable::resolve;
use crate::model::LockStatus;
use crate::ops::System;
use std::os::unix::ffi::OsStrExt;

/// One step of a restore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Attach RAM disk `name` (its number kept) of `size` bytes.
    CreateDisk { name: String, size: u64 },
    /// Make RAM disk `name` read-only.
    Lock { name: String },
    /// Create the mapping as saved.
    Map(MappingEntry),
    /// Create the NVMe port as saved.
    NvmePort(PortEntry),
    /// Export a device over NVMe, with the secrets of its hosts.
    NvmeExport(ExportEntry, Vec<HostEntry>),
}

impl Step {
    /// The step as a message names it.
    pub fn describe(&self) -> String {
        match self {
            Step::CreateDisk { name, size } => {
                format!("create RAM disk {name} of {} MiB", size / (1024 * 1024))
            }
            Step::Lock { name } => format!("make {name} read-only"),
            Step::Map(m) => format!("map {} ({} in front of {})", m.name, m.cache, m.source),
            Step::NvmePort(p) => format!("create NVMe port {}", p.port),
            Step::NvmeExport(e, _) => format!("export {} over NVMe", e.device),
        }
    }
}

/// The steps, and the names of what is kept as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub kept: Vec<String>,
}

/// The plan that makes `sys` match `doc`; the error names a conflict.
/// The mappings are created so that a `/dev/mapper` listing in `order`
/// shows them as the document has them (the order they were saved in).
pub fn plan(
    doc: &Document,
    sys: &System,
    nvmet: &crate::nvmet::Nvmet,
    order: DirOrder,
) -> Result<Plan, String> {
    let mut plan = Plan::default();
    for d in &doc.ram_disks {
        let Some(found) = sys.disk(d.name.as_bytes()) else {
            plan.steps.push(Step::CreateDisk {
                name: d.name.clone(),
                size: d.size,
            });
            if d.read_only {
                plan.steps.push(Step::Lock {
                    name: d.name.clone(),
                });
            }
            continue;
        };
        if found.size != d.size {
            return Err(format!(
                "{} exists with {} bytes, the document has {} bytes",
                d.name, found.size, d.size
            ));
        }
        let locked = found.lock == LockStatus::Locked;
        if locked != d.read_only {
            let state = |ro: bool| if ro { "read-only" } else { "writable" };
            return Err(format!(
                "{} exists {}, the document has it {}",
                d.name,
                state(locked),
                state(d.read_only)
            ));
        }
        plan.kept.push(d.name.clone());
    }
    let mut maps = Vec::new();
    for m in &doc.cache_mappings {
        match sys.mapping(m.name.as_bytes()) {
            None => maps.push(Step::Map(m.clone())),
            Some(found) => {
                let source = resolve(&sys.roots, &m.source);
                let found_source = format!("/dev/{}", found.source.to_string_lossy());
                let tunables = found.writeback.clone().filter(|w| !w.is_default());
                let same = found.cache.as_bytes() == m.cache.as_bytes()
                    && source.as_deref() == Some(found_source.as_str())
                    && (m.mode != Mode::Writeback || tunables == m.writeback_options);
                if !same {
                    return Err(format!(
                        "{} exists, but not as the document describes it (RAM disk {}, source {})",
                        m.name, m.cache, m.source
                    ));
                }
                plan.kept.push(m.name.clone());
            }
        }
    }
    if order == DirOrder::Reverse {
        maps.reverse();
    }
    plan.steps.extend(maps);
    if let Some(section) = &doc.nvmet {
        super::plan_nvmet::plan(section, nvmet, &mut plan)?;
    }
    Ok(plan)
}
