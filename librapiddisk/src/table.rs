//! Names and dm table lines of new cache mappings (spec §3.1, §4.6.5).

use crate::model::CacheMode;

/// The last non-empty `/`-separated component of a source path
/// (`/dev/sdb` -> `sdb`, `/dev/mapper/rc-wa_sdb/` -> `rc-wa_sdb`).
pub fn basename(source: &str) -> &str {
    source.rsplit('/').find(|c| !c.is_empty()).unwrap_or("")
}

/// `rc-wt_<basename>`, `rc-wa_<basename>` or `rc-wb_<basename>`.
pub fn mapping_name(mode: CacheMode, source: &str) -> String {
    format!("{}{}", mode.prefix(), basename(source))
}

/// The single target of a mapping: its type and parameters (the target
/// starts at sector 0 and spans the source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub length: u64,
    pub kind: &'static str,
    pub params: String,
}

impl Target {
    /// The mapping of `source` (`src_sectors` long) cached by RAM disk `rd`
    /// (`rd_sectors` long) in `mode`.
    pub fn new(mode: CacheMode, source: &str, src_sectors: u64, rd: &str, rd_sectors: u64) -> Self {
        let (kind, params) = match mode {
            CacheMode::Writeback => ("writecache", format!("s {source} /dev/{rd} 4096 0")),
            CacheMode::WriteThrough => (
                "rapiddisk-cache",
                format!("{source} /dev/{rd} {rd_sectors} 0"),
            ),
            CacheMode::WriteAround => (
                "rapiddisk-cache",
                format!("{source} /dev/{rd} {rd_sectors} 1"),
            ),
        };
        Target {
            length: src_sectors,
            kind,
            params,
        }
    }

    /// The whole table line, as `dmsetup table` would take it.
    pub fn line(&self) -> String {
        format!("0 {} {} {}", self.length, self.kind, self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basename_is_last_non_empty_component() {
        assert_eq!(basename("/dev/sdb"), "sdb");
        assert_eq!(basename("/dev/mapper/rc-wa_sdb"), "rc-wa_sdb");
        assert_eq!(basename("/dev/disk/by-id/x"), "x");
        assert_eq!(basename("/dev/sdb//"), "sdb");
        assert_eq!(basename("/"), "");
    }

    #[test]
    fn names_per_mode() {
        assert_eq!(
            mapping_name(CacheMode::WriteThrough, "/dev/sdb"),
            "rc-wt_sdb"
        );
        assert_eq!(
            mapping_name(CacheMode::WriteAround, "/dev/sdc1"),
            "rc-wa_sdc1"
        );
        assert_eq!(
            mapping_name(CacheMode::Writeback, "/dev/mapper/rc-wa_sdb"),
            "rc-wb_rc-wa_sdb"
        );
    }

    #[test]
    fn table_lines_per_mode() {
        let wt = Target::new(CacheMode::WriteThrough, "/dev/sdb", 2097152, "rd0", 131072);
        assert_eq!(
            wt.line(),
            "0 2097152 rapiddisk-cache /dev/sdb /dev/rd0 131072 0"
        );
        let wa = Target::new(CacheMode::WriteAround, "/dev/sdb", 2097152, "rd1", 8);
        assert_eq!(wa.line(), "0 2097152 rapiddisk-cache /dev/sdb /dev/rd1 8 1");
        let wb = Target::new(CacheMode::Writeback, "/dev/mapper/rc-wa_sdb", 100, "rd2", 8);
        assert_eq!(
            wb.line(),
            "0 100 writecache s /dev/mapper/rc-wa_sdb /dev/rd2 4096 0"
        );
        assert_eq!((wb.kind, wb.length), ("writecache", 100));
    }
}
