//! Size arguments of the daemon's routes: MiB as C `strtoull` base 10
//! reads them (spec §6.4): blanks and a sign first, junk after the digits
//! ignored, a negative number wrapping, no suffixes (quirk 34).

use crate::error::{strerror, Error};

/// A size that could not be read: the answer's message and, for the log,
/// the line upstream writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadSize {
    pub error: Error,
    pub log: String,
}

/// The MiB of `arg`: `Invalid size.` when out of range (ERANGE), `Not a
/// number.` when there are no digits.
pub fn mib(arg: &[u8]) -> Result<u64, BadSize> {
    let bad = |message: &str, log: String| BadSize {
        error: Error::new(-1, message),
        log,
    };
    match strtoull(arg) {
        Strtoull::Value(n) => Ok(n),
        Strtoull::Range => {
            let why = strerror(&std::io::Error::from_raw_os_error(libc::ERANGE));
            Err(bad("Invalid size.", format!("Invalid size., {why}")))
        }
        Strtoull::NoDigits => Err(bad("Not a number.", "Not a number.".into())),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Strtoull {
    Value(u64),
    Range,
    NoDigits,
}

/// What C's base-10 `strto*` functions read: blanks skipped, an optional
/// sign (true when negative), then the run of digits (may be empty).
pub(super) fn sign_and_digits(arg: &[u8]) -> (bool, &[u8]) {
    let blanks = arg
        .iter()
        .take_while(|b| b" \t\n\x0b\x0c\r".contains(b))
        .count();
    let rest = &arg[blanks..];
    let (negative, rest) = match rest.first() {
        Some(b'-') => (true, &rest[1..]),
        Some(b'+') => (false, &rest[1..]),
        _ => (false, rest),
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    (negative, &rest[..digits])
}

/// glibc `strtoull(arg, &end, 10)` as far as the daemon looks: the value,
/// ERANGE, or no digits consumed.
fn strtoull(arg: &[u8]) -> Strtoull {
    let (negative, digits) = sign_and_digits(arg);
    if digits.is_empty() {
        return Strtoull::NoDigits;
    }
    let value = digits.iter().try_fold(0u64, |n, &d| {
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    });
    match value {
        None => Strtoull::Range,
        Some(n) if negative => Strtoull::Value(n.wrapping_neg()),
        Some(n) => Strtoull::Value(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_strtoull() {
        let cases: &[(&str, Strtoull)] = &[
            ("128", Strtoull::Value(128)),
            ("12abc", Strtoull::Value(12)),
            ("  7", Strtoull::Value(7)),
            ("+9", Strtoull::Value(9)),
            ("-5", Strtoull::Value(18446744073709551611)),
            ("0", Strtoull::Value(0)),
            ("18446744073709551615", Strtoull::Value(u64::MAX)),
            ("18446744073709551616", Strtoull::Range),
            ("99999999999999999999999", Strtoull::Range),
            ("-99999999999999999999999", Strtoull::Range),
            ("abc", Strtoull::NoDigits),
            ("", Strtoull::NoDigits),
            ("-", Strtoull::NoDigits),
            (" +x1", Strtoull::NoDigits),
        ];
        for (arg, want) in cases {
            assert_eq!(&strtoull(arg.as_bytes()), want, "{arg:?}");
        }
    }

    #[test]
    fn messages_of_bad_sizes() {
        let e = mib(b"99999999999999999999999").unwrap_err();
        assert_eq!(e.error.message(), b"Invalid size.");
        assert_eq!(e.log, "Invalid size., Numerical result out of range");
        let e = mib(b"abc").unwrap_err();
        assert_eq!(
            (e.error.message(), e.log.as_str()),
            (&b"Not a number."[..], "Not a number.")
        );
        assert_eq!(mib(b"64"), Ok(64));
    }
}
