//! The one error type: a message in the spec's exact words and the C-style
//! return value whose low byte is the process exit status (spec §0, §4.7).

use std::io;

/// Result of a librapiddisk operation.
pub type Result<T> = std::result::Result<T, Error>;

/// A failed operation: `code` is upstream's return value (`-EINVAL`, `-1`,
/// `1`, ...), `message` the text printed as a line or in the JSON status
/// object. The message is bytes because it may quote arguments or device
/// names that are not UTF-8 (JSON then omits it, quirk 40).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", String::from_utf8_lossy(message))]
pub struct Error {
    code: i32,
    message: Vec<u8>,
}

impl Error {
    /// An error with return value `code` (for example `-libc::ENOENT`).
    pub fn new(code: i32, message: impl Into<Vec<u8>>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }

    /// `Error. Invalid argument(s) or values entered.` with `-EINVAL`.
    pub fn invalid_args() -> Self {
        Error::new(
            -libc::EINVAL,
            "Error. Invalid argument(s) or values entered.",
        )
    }

    /// A system call failure in upstream's `"<func>: <call>: <strerror>"` form.
    pub fn os(code: i32, func: &str, call: &str, err: &io::Error) -> Self {
        Error::new(code, format!("{func}: {call}: {}", strerror(err)))
    }

    /// The return value (negative errno, -1, or 1).
    pub fn code(&self) -> i32 {
        self.code
    }

    /// The process exit status: the return value & 0xFF.
    pub fn exit_status(&self) -> u8 {
        self.code as u8
    }

    /// The message bytes, without a trailing newline.
    pub fn message(&self) -> &[u8] {
        &self.message
    }
}

/// The C library's text for an error (`strerror`), without Rust's
/// " (os error N)" suffix.
pub fn strerror(err: &io::Error) -> String {
    let Some(errno) = err.raw_os_error() else {
        return err.to_string();
    };
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; the XSI strerror_r that
    // libc binds always NUL-terminates on success.
    let rc = unsafe { libc::strerror_r(errno, buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return format!("Unknown error {errno}");
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_status_is_low_byte_of_return_value() {
        let cases = [
            (-1, 255),
            (-2, 254),
            (-5, 251),
            (-12, 244),
            (-13, 243),
            (-16, 240),
            (-22, 234),
            (1, 1),
        ];
        for (code, exit) in cases {
            assert_eq!(Error::new(code, "x").exit_status(), exit, "code {code}");
        }
    }

    #[test]
    fn invalid_args_message_and_code() {
        let e = Error::invalid_args();
        assert_eq!(e.code(), -22);
        assert_eq!(
            e.message(),
            b"Error. Invalid argument(s) or values entered."
        );
        assert_eq!(
            e.to_string(),
            "Error. Invalid argument(s) or values entered."
        );
    }

    #[test]
    fn os_error_uses_plain_strerror_text() {
        let err = io::Error::from_raw_os_error(libc::ENOENT);
        let e = Error::os(-libc::ENOENT, "mem_device_resize", "open", &err);
        assert_eq!(
            e.message(),
            b"mem_device_resize: open: No such file or directory"
        );
        assert_eq!(e.exit_status(), 254);
    }

    #[test]
    fn strerror_of_busy_and_non_os_errors() {
        assert_eq!(
            strerror(&io::Error::from_raw_os_error(libc::EBUSY)),
            "Device or resource busy"
        );
        assert_eq!(strerror(&io::Error::other("plain")), "plain");
    }

    #[test]
    fn display_of_non_utf8_message_is_lossy_but_bytes_are_kept() {
        let e = Error::new(-1, b"rd\xff".to_vec());
        assert_eq!(e.message(), b"rd\xff");
        assert_eq!(e.to_string(), "rd\u{fffd}");
    }
}
