//! The configuration document: its types, its checks, and reading it.
//! Reading refuses a newer version, unknown fields, wrong types and values
//! out of range, each with a message that names the problem.

use super::nvme_entries::Nvmet;
use crate::model::CacheMode;
use crate::tunables::WritebackOptions;
use serde::{Deserialize, Serialize};

/// The version this release writes and reads.
pub const VERSION: u64 = 1;
/// RAM disk sizes are whole MiB, as `-a` and `-r` take them.
const MIB: u64 = 1024 * 1024;
/// The largest RAM disk size in the document: what the kernel's sector
/// count can hold in a signed 64-bit byte count.
const MAX_SIZE: u64 = (i64::MAX as u64 / MIB) * MIB;
/// device-mapper names are shorter than 128 bytes.
const DM_NAME_MAX: usize = 127;

/// The whole document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub version: u64,
    pub ram_disks: Vec<RamDiskEntry>,
    pub cache_mappings: Vec<MappingEntry>,
    /// NVMe-oF ports, hosts and exports; left out where nvmet is not
    /// loaded when saving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nvmet: Option<Nvmet>,
}

/// A RAM disk `rdN`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RamDiskEntry {
    pub name: String,
    /// Bytes, a whole number of MiB.
    pub size: u64,
    pub read_only: bool,
}

/// The cache modes by the words of the listing's JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    WriteThrough,
    WriteAround,
    Writeback,
}

impl From<CacheMode> for Mode {
    fn from(mode: CacheMode) -> Self {
        match mode {
            CacheMode::WriteThrough => Mode::WriteThrough,
            CacheMode::WriteAround => Mode::WriteAround,
            CacheMode::Writeback => Mode::Writeback,
        }
    }
}

impl From<Mode> for CacheMode {
    fn from(mode: Mode) -> Self {
        match mode {
            Mode::WriteThrough => CacheMode::WriteThrough,
            Mode::WriteAround => CacheMode::WriteAround,
            Mode::Writeback => CacheMode::Writeback,
        }
    }
}

/// A cache mapping `rc-wt_*`, `rc-wa_*` or `rc-wb_*`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingEntry {
    pub name: String,
    /// The RAM disk in front.
    pub cache: String,
    pub mode: Mode,
    /// The source by a path that survives reboots where one exists
    /// (`/dev/disk/by-id/...`, `/dev/disk/by-uuid/...`).
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writeback_options: Option<WritebackOptions>,
}

/// `rd` and digits without a leading zero.
pub fn is_ram_disk_name(name: &str) -> bool {
    let digits = name.strip_prefix("rd").unwrap_or("");
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && digits.parse::<u32>().is_ok()
}

impl RamDiskEntry {
    fn check(&self) -> Result<(), String> {
        if !is_ram_disk_name(&self.name) {
            return Err(format!(
                "'{}' is not a RAM disk name (rd0, rd1, ...)",
                self.name
            ));
        }
        if self.size == 0 || !self.size.is_multiple_of(MIB) || self.size > MAX_SIZE {
            return Err(format!(
                "the size of {} ({}) is not a whole number of MiB from 1 MiB to {MAX_SIZE} bytes",
                self.name, self.size
            ));
        }
        Ok(())
    }
}

impl MappingEntry {
    fn check(&self, disks: &[RamDiskEntry]) -> Result<(), String> {
        let prefix = CacheMode::from(self.mode).prefix();
        let rest = self.name.strip_prefix(prefix).unwrap_or("");
        if rest.is_empty() || self.name.len() > DM_NAME_MAX || self.name.contains('/') {
            return Err(format!(
                "'{}' is not a {:?} mapping name ({prefix}<name>, at most {DM_NAME_MAX} bytes, no '/')",
                self.name, self.mode
            ));
        }
        if !disks.iter().any(|d| d.name == self.cache) {
            return Err(format!(
                "mapping {} uses {}, which is not among the RAM disks",
                self.name, self.cache
            ));
        }
        if !self.source.starts_with("/dev/") {
            return Err(format!(
                "the source of {} is not a path under /dev",
                self.name
            ));
        }
        match (&self.writeback_options, self.mode) {
            (Some(_), Mode::WriteThrough | Mode::WriteAround) => Err(format!(
                "mapping {} has writeback options but is not a writeback mapping",
                self.name
            )),
            (Some(wb), Mode::Writeback) => wb
                .validate()
                .map_err(|e| format!("mapping {}: {}", self.name, e.trim_start_matches("Error. "))),
            (None, _) => Ok(()),
        }
    }
}

impl Document {
    /// Checks what the types alone do not: names, sizes, references,
    /// duplicates.
    pub fn check(&self) -> Result<(), String> {
        for (i, d) in self.ram_disks.iter().enumerate() {
            d.check()?;
            if self.ram_disks[..i].iter().any(|o| o.name == d.name) {
                return Err(format!("RAM disk {} is listed twice", d.name));
            }
        }
        for (i, m) in self.cache_mappings.iter().enumerate() {
            m.check(&self.ram_disks)?;
            let earlier = &self.cache_mappings[..i];
            if earlier.iter().any(|o| o.name == m.name) {
                return Err(format!("mapping {} is listed twice", m.name));
            }
            if let Some(o) = earlier.iter().find(|o| o.cache == m.cache) {
                return Err(format!(
                    "{} and {} use the same RAM disk {}",
                    o.name, m.name, m.cache
                ));
            }
        }
        if let Some(nvmet) = &self.nvmet {
            let devices: Vec<&str> = (self.ram_disks.iter().map(|d| d.name.as_str()))
                .chain(self.cache_mappings.iter().map(|m| m.name.as_str()))
                .collect();
            nvmet.check(&devices)?;
        }
        Ok(())
    }

    /// Reads a document; the error says what is wrong (the caller adds
    /// the file name).
    pub fn parse(text: &[u8]) -> Result<Self, String> {
        // the version first, so a newer document is refused as newer and
        // not for the fields it added
        let value: serde_json::Value =
            serde_json::from_slice(text).map_err(|e| format!("not a JSON document: {e}"))?;
        match value.get("version").map(serde_json::Value::as_u64) {
            None => return Err("no \"version\" field".into()),
            Some(None) => return Err("\"version\" is not a whole number".into()),
            Some(Some(v)) if v > VERSION => {
                return Err(format!(
                    "format version {v} is newer than this rapiddisk reads (version {VERSION})"
                ))
            }
            Some(Some(v)) if v < 1 => return Err(format!("format version {v} does not exist")),
            Some(Some(_)) => {}
        }
        let doc: Document = serde_json::from_value(value).map_err(|e| e.to_string())?;
        doc.check()?;
        Ok(doc)
    }

    /// The document as written: pretty JSON with a final newline.
    pub fn to_text(&self) -> Vec<u8> {
        let mut text = serde_json::to_vec_pretty(self).expect("plain data serializes");
        text.push(b'\n');
        text
    }
}
