//! Single instance (spec §6.2 step 4, quirk 37): count the processes whose
//! command name is exactly `rapiddiskd`; no lock file.

use std::fs;
use std::io;
use std::path::Path;

/// The command name between the parentheses of a `/proc/<pid>/stat`
/// line (the name may itself hold `)`, so up to the last one).
fn comm(stat: &[u8]) -> Option<&[u8]> {
    let open = stat.iter().position(|&b| b == b'(')?;
    let close = stat.iter().rposition(|&b| b == b')')?;
    (close > open).then(|| &stat[open + 1..close])
}

/// How many processes under `proc` are called `name`. A stat file that
/// cannot be parsed fails the count, as upstream; one whose process ended
/// during the scan is skipped (upstream failed then too).
pub fn count(proc: &Path, name: &[u8]) -> io::Result<usize> {
    let mut n = 0;
    for entry in fs::read_dir(proc)? {
        let entry = entry?;
        let pid = entry.file_name();
        if pid.is_empty() || !pid.as_encoded_bytes().iter().all(u8::is_ascii_digit) {
            continue;
        }
        let stat = match fs::read(entry.path().join("stat")) {
            Ok(stat) => stat,
            Err(e)
                if e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ESRCH) =>
            {
                continue
            }
            Err(e) => return Err(e),
        };
        let found = comm(&stat).ok_or_else(|| io::Error::other("malformed stat file"))?;
        n += usize::from(found == name);
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proc_tree(entries: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (pid, stat) in entries {
            let d = dir.path().join(pid);
            fs::create_dir(&d).unwrap();
            fs::write(d.join("stat"), stat).unwrap();
        }
        dir
    }

    #[test]
    fn counts_exact_names_only() {
        let dir = proc_tree(&[
            ("1", "1 (systemd) S 0"),
            ("10", "10 (rapiddiskd) S 1"),
            ("11", "11 (rapiddiskd2) S 1"),
            ("12", "12 (x) rapiddiskd) S 1"),
            ("self", "not a pid"),
        ]);
        assert_eq!(count(dir.path(), b"rapiddiskd").unwrap(), 1);
        fs::create_dir(dir.path().join("13")).unwrap();
        fs::write(dir.path().join("13/stat"), "13 (rapiddiskd) R 1").unwrap();
        assert_eq!(count(dir.path(), b"rapiddiskd").unwrap(), 2);
    }

    #[test]
    fn malformed_stat_fails_and_vanished_process_is_skipped() {
        let dir = proc_tree(&[("5", "5 rapiddiskd S 1")]);
        assert!(count(dir.path(), b"rapiddiskd").is_err());
        let dir = proc_tree(&[("6", "6 (rapiddiskd) S 1")]);
        fs::create_dir(dir.path().join("7")).unwrap(); // no stat: gone
        assert_eq!(count(dir.path(), b"rapiddiskd").unwrap(), 1);
        assert!(count(&dir.path().join("none"), b"x").is_err());
    }

    #[test]
    fn comm_takes_the_last_parenthesis() {
        assert_eq!(comm(b"1 (a) b) S"), Some(&b"a) b"[..]));
        assert_eq!(comm(b"1 )x( S"), None);
    }
}
