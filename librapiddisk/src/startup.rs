//! The checks every `rapiddisk` run makes before it parses options (spec
//! §4.1): root, and the kernel modules it drives.

use crate::discover::{list, Roots};
use crate::error::{Error, Result};

/// Which optional kernel features are present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Modules {
    /// dm-writecache is loaded as a module (`/sys/module/dm_writecache`):
    /// writeback mappings are possible. A built-in dm-writecache has no
    /// such entry and counts as absent, as upstream.
    pub writeback: bool,
}

/// Refuses to run unless the effective uid is 0.
pub fn require_root(euid: u32) -> Result<()> {
    if euid == 0 {
        return Ok(());
    }
    Err(Error::new(
        -libc::EACCES,
        "\nYou must be root or contain sudo permissions to initiate this.\n",
    ))
}

/// Both RapidDisk modules must be loaded; reports whether writeback is
/// available. The messages go to stderr (exit 255), never as JSON.
pub fn require_modules(roots: &Roots) -> Result<Modules> {
    if !roots.mgmt().exists() {
        return Err(Error::new(
            -1,
            "Please ensure that the RapidDisk module is loaded and retry.",
        ));
    }
    let modules = list(&roots.sys.join("module"), b"")
        .map_err(|e| Error::os(-1, "check_loaded_modules", "scandir", &e))?;
    if !modules.iter().any(|m| m == "rapiddisk_cache") {
        return Err(Error::new(
            -1,
            "Please ensure that the RapidDisk-Cache module is loaded and retry.",
        ));
    }
    Ok(Modules {
        writeback: modules.iter().any(|m| m == "dm_writecache"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Tree;

    #[test]
    fn root_only() {
        assert!(require_root(0).is_ok());
        let err = require_root(1000).unwrap_err();
        assert_eq!(err.exit_status(), 243);
        assert_eq!(
            err.message(),
            b"\nYou must be root or contain sudo permissions to initiate this.\n"
        );
    }

    #[test]
    fn modules_in_order_of_checks() {
        let tree = Tree::new();
        let err = require_modules(&tree.roots).unwrap_err();
        assert_eq!(
            (err.exit_status(), err.to_string().as_str()),
            (
                255,
                "Please ensure that the RapidDisk module is loaded and retry."
            )
        );
        let tree = tree.file("sys/kernel/rapiddisk/mgmt", b"");
        let err = require_modules(&tree.roots).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("check_loaded_modules: scandir: "));
        // a prefix of the name is not the module
        let tree = tree.file("sys/module/rapiddisk_cachex/x", b"");
        let err = require_modules(&tree.roots).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Please ensure that the RapidDisk-Cache module is loaded and retry."
        );
        let tree = tree.file("sys/module/rapiddisk_cache/x", b"");
        assert_eq!(
            require_modules(&tree.roots),
            Ok(Modules { writeback: false })
        );
        let tree = tree.file("sys/module/dm_writecache/x", b"");
        assert_eq!(
            require_modules(&tree.roots),
            Ok(Modules { writeback: true })
        );
    }
}
