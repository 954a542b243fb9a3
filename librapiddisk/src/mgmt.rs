//! Commands to the RAM disk module through `/sys/kernel/rapiddisk/mgmt`
//! (spec §1.4.3). Upstream writes through stdio and ignores the result, so
//! a refused command still reports success (quirk 19); here the command is
//! one `write(2)` and the kernel's answer is the result.

use crate::discover::Roots;
use crate::error::{strerror, Error, Result};
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::thread::sleep;
use std::time::Duration;

/// How often a command refused with EBUSY is tried: udev probes a new
/// disk for a moment after it appears, and the kernel refuses to detach an
/// open disk.
const BUSY_TRIES: u32 = 20;
const BUSY_PAUSE: Duration = Duration::from_millis(100);

/// Sends `command` (without the newline) on behalf of upstream function
/// `func`, whose name prefixes the failure messages.
pub fn send(roots: &Roots, func: &str, command: &str) -> Result<()> {
    let path = roots.mgmt();
    let line = format!("{command}\n");
    let mut tries = 0;
    loop {
        let mut file = OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&path)
            .map_err(|e| {
                let msg = format!("{func}: fopen: {}: {}", path.display(), strerror(&e));
                Error::new(-libc::ENOENT, msg)
            })?;
        match file.write(line.as_bytes()) {
            Ok(n) if n == line.len() => return Ok(()),
            Ok(_) => {
                return Err(write_error(
                    func,
                    &path,
                    &io::Error::from_raw_os_error(libc::EIO),
                ))
            }
            Err(e) if e.raw_os_error() == Some(libc::EBUSY) && tries + 1 < BUSY_TRIES => {
                tries += 1;
                sleep(BUSY_PAUSE);
            }
            Err(e) => return Err(write_error(func, &path, &e)),
        }
    }
}

fn write_error(func: &str, path: &std::path::Path, e: &io::Error) -> Error {
    let code = -e.raw_os_error().unwrap_or(libc::EIO);
    Error::new(
        code,
        format!("{func}: write: {}: {}", path.display(), strerror(e)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Tree;

    #[test]
    fn command_is_one_line_replacing_the_file() {
        let tree = Tree::new().file("sys/kernel/rapiddisk/mgmt", b"old contents here");
        send(
            &tree.roots,
            "mem_device_attach",
            "rapiddisk attach 1 67108864",
        )
        .unwrap();
        let got = std::fs::read(tree.roots.mgmt()).unwrap();
        assert_eq!(got, b"rapiddisk attach 1 67108864\n");
    }

    #[test]
    fn missing_mgmt_is_enoent_with_the_function_name() {
        let tree = Tree::new();
        let err = send(&tree.roots, "mem_device_detach", "rapiddisk detach 0").unwrap_err();
        assert_eq!(err.exit_status(), 254);
        let want = format!(
            "mem_device_detach: fopen: {}: No such file or directory",
            tree.roots.mgmt().display()
        );
        assert_eq!(err.to_string(), want);
    }

    #[test]
    fn refused_write_is_an_error_with_its_errno() {
        // /dev/full refuses every write with ENOSPC, as the kernel refuses
        // a bad command with EINVAL
        let tree = Tree::new();
        let mgmt = tree.roots.mgmt();
        std::fs::create_dir_all(mgmt.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink("/dev/full", &mgmt).unwrap();
        let roots = &tree.roots;
        let err = send(roots, "mem_device_attach", "rapiddisk attach 0 512").unwrap_err();
        assert_eq!(err.code(), -libc::ENOSPC);
        let want = format!(
            "mem_device_attach: write: {}: No space left on device",
            mgmt.display()
        );
        assert_eq!(err.to_string(), want);
    }
}
