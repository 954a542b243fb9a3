//! Daemonizing (spec §6.2 step 5): double fork, new session, `/` as the
//! working directory, umask 0, standard streams on `/dev/null` or the
//! verbose log files. The original process waits until the daemon says it
//! is serving (or has died) before it exits 0, so whoever started it (a
//! `Type=forking` unit, a script) finds the pid file and the port ready.

use super::log::Log;
use std::ffi::CString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The daemon's end of the readiness pipe.
pub struct Ready(libc::c_int);

impl Ready {
    /// Tells the original process to exit (closing the pipe does too).
    pub fn notify(self) {
        // SAFETY: our own pipe descriptor; one byte from a live buffer.
        unsafe { libc::write(self.0, b"r".as_ptr().cast(), 1) };
    }
}

impl Drop for Ready {
    fn drop(&mut self) {
        // SAFETY: closing our own descriptor once.
        unsafe { libc::close(self.0) };
    }
}

fn check(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

/// Opens `path` (created or truncated, mode 0664 under umask 0) or
/// `/dev/null` onto descriptor `fd`.
fn reopen(fd: libc::c_int, path: &Path, create: bool) -> io::Result<()> {
    let c = CString::new(path.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let flags = if create {
        libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC
    } else {
        libc::O_RDWR
    };
    // SAFETY: valid C string; the new descriptor is moved onto `fd`.
    unsafe {
        let new = check(libc::open(c.as_ptr(), flags, 0o664 as libc::c_uint))?;
        if new != fd {
            check(libc::dup2(new, fd))?;
            libc::close(new);
        }
    }
    Ok(())
}

/// Forks twice; returns in the daemon (the grandchild) only. Must be
/// called while the process has one thread.
pub fn detach(log: &Log, log_dir: &Path) -> io::Result<Ready> {
    let mut fds = [0; 2];
    // SAFETY: plain system calls of a single-threaded process; the exits
    // are _exit, so no destructor or atexit handler runs twice.
    unsafe {
        check(libc::pipe(fds.as_mut_ptr()))?;
        let (read_end, write_end) = (fds[0], fds[1]);
        if check(libc::fork())? > 0 {
            libc::close(write_end);
            let mut byte = 0u8;
            while libc::read(read_end, ptr(&mut byte), 1) < 0
                && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted
            {}
            log.verbose_line(b"First Non-Daemon exiting.");
            libc::_exit(0);
        }
        libc::close(read_end);
        check(libc::setsid())?;
        if check(libc::fork())? > 0 {
            log.verbose_line(b"Second Non-Daemon exiting.");
            libc::_exit(0);
        }
        check(libc::chdir(c"/".as_ptr()))?;
        libc::umask(0);
        let null = Path::new("/dev/null");
        reopen(0, null, false)?;
        if log.verbose {
            reopen(1, &log_dir.join("rapiddiskd_out.log"), true)?;
            reopen(2, &log_dir.join("rapiddiskd_err.log"), true)?;
        } else {
            reopen(1, null, false)?;
            reopen(2, null, false)?;
        }
        Ok(Ready(write_end))
    }
}

fn ptr(byte: &mut u8) -> *mut libc::c_void {
    std::ptr::from_mut(byte).cast()
}
