//! The daemon's log: syslog (facility LOG_DAEMON, opened as `rapiddiskd`
//! with the pid) and, when verbose, the same line on stderr after
//! `rapiddiskd: `. Messages are always data, never a format (upstream used
//! them as printf formats, quirk 35).

use std::io::Write;
use std::sync::Mutex;

/// syslog priorities the daemon uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    Err,
    Info,
}

impl Priority {
    fn raw(self) -> libc::c_int {
        match self {
            Priority::Err => libc::LOG_ERR,
            Priority::Info => libc::LOG_INFO,
        }
    }
}

/// Where log lines go.
pub trait Sink: Send + Sync {
    fn syslog(&self, priority: Priority, message: &[u8]);
    fn stderr(&self, line: &[u8]);
}

/// The real sink: syslog(3) and the process's stderr.
pub struct System;

impl System {
    /// `openlog("rapiddiskd", LOG_PID, LOG_DAEMON)`.
    pub fn open() -> Self {
        // SAFETY: the identity is a static C string, as openlog keeps the
        // pointer.
        unsafe { libc::openlog(c"rapiddiskd".as_ptr(), libc::LOG_PID, libc::LOG_DAEMON) };
        System
    }
}

impl Sink for System {
    fn syslog(&self, priority: Priority, message: &[u8]) {
        let text = c_text(message);
        // SAFETY: "%s" with one valid C string argument.
        unsafe { libc::syslog(priority.raw(), c"%s".as_ptr(), text.as_ptr()) };
    }

    fn stderr(&self, line: &[u8]) {
        // stderr may be /dev/null or gone; a log line is not worth failing
        let _ = std::io::stderr().lock().write_all(line);
    }
}

/// The bytes up to the first NUL, as a C string.
fn c_text(message: &[u8]) -> std::ffi::CString {
    let end = message
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(message.len());
    std::ffi::CString::new(&message[..end]).expect("no NUL before end")
}

/// A sink that keeps the lines, for tests.
#[derive(Default)]
pub struct Memory {
    pub syslog: Mutex<Vec<(Priority, Vec<u8>)>>,
    pub stderr: Mutex<Vec<u8>>,
}

impl Sink for Memory {
    fn syslog(&self, priority: Priority, message: &[u8]) {
        let mut lines = self.syslog.lock().unwrap_or_else(|e| e.into_inner());
        lines.push((priority, message.to_vec()));
    }

    fn stderr(&self, line: &[u8]) {
        let mut text = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
        text.extend_from_slice(line);
    }
}

/// The daemon's logger: a sink and whether stderr gets the lines too.
pub struct Log {
    pub sink: std::sync::Arc<dyn Sink>,
    pub verbose: bool,
}

impl Log {
    /// A syslog line, and with `verbose` the stderr line.
    pub fn line(&self, priority: Priority, message: &[u8]) {
        self.sink.syslog(priority, message);
        self.verbose_line(message);
    }

    /// Only the stderr line, when verbose.
    pub fn verbose_line(&self, message: &[u8]) {
        if self.verbose {
            self.sink
                .stderr(&[b"rapiddiskd: ", message, b"\n"].concat());
        }
    }

    /// An action's outcome: INFO when `code` >= 0, else ERR (an empty
    /// message is not logged).
    pub fn outcome(&self, code: i32, message: &[u8]) {
        if message.is_empty() {
            return;
        }
        let priority = if code >= 0 {
            Priority::Info
        } else {
            Priority::Err
        };
        self.line(priority, message);
    }
}
