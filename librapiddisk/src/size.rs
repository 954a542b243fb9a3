//! Size arguments of `-a` and `-c` (spec §4.6.2), matched with PCRE2 and
//! the exact upstream pattern, converted to MiB.

use crate::error::{Error, Result};
use pcre2::bytes::Regex;
use std::sync::OnceLock;

/// The upstream pattern, verbatim: `\d` is ASCII only (no UCP), suffixes
/// are case-sensitive, and `$` also matches before a final newline.
pub const PATTERN: &str = r"^(\d+)(B|KB|KiB|MB|MiB|GB|GiB)?$";

fn regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(PATTERN).expect("size pattern compiles"))
}

/// The MiB value of a size argument, which may be 0. An argument that does
/// not match is an error (-EINVAL) with upstream's regex message.
pub fn size_mib(arg: &[u8]) -> Result<u64> {
    let fail = |why: &str| {
        let mut msg = b"Error during matching of size in string '".to_vec();
        msg.extend_from_slice(arg);
        msg.extend_from_slice(format!("': '{why}'.").as_bytes());
        Error::new(-libc::EINVAL, msg)
    };
    let caps = match regex().captures(arg) {
        Ok(Some(caps)) => caps,
        // "no match" is PCRE2's own text for PCRE2_ERROR_NOMATCH
        Ok(None) => return Err(fail("no match")),
        Err(e) => return Err(fail(&e.to_string())),
    };
    let n = strtoull_digits(caps.get(1).expect("group 1 always matches").as_bytes());
    let suffix = caps.get(2).map_or(&b""[..], |m| m.as_bytes());
    Ok(to_mib(n, suffix))
}

/// A size argument in MiB that must be non-zero: 0 (for example `0`,
/// `100KB`, `1B`) is `Error. Invalid argument(s) or values entered.`.
pub fn parse_size(arg: &[u8]) -> Result<u64> {
    match size_mib(arg)? {
        0 => Err(Error::invalid_args()),
        mib => Ok(mib),
    }
}

/// `strtoull` of ASCII digits: saturates at `u64::MAX` without an error.
fn strtoull_digits(digits: &[u8]) -> u64 {
    digits
        .iter()
        .try_fold(0u64, |n, d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })
        .unwrap_or(u64::MAX)
}

/// Floor of `n * mul / div`, computed exactly. Upstream computes in
/// `long double` and converts to u64; a quotient beyond u64 (only reachable
/// with `GB`) comes out of that x86-64 conversion as 0, which then reads as
/// an invalid size, so it is 0 here too.
fn scaled(n: u64, mul: u64, div: u64) -> u64 {
    u64::try_from(u128::from(n) * u128::from(mul) / u128::from(div)).unwrap_or(0)
}

fn to_mib(n: u64, suffix: &[u8]) -> u64 {
    const MIB: u64 = 1 << 20;
    match suffix {
        b"B" => n / MIB,
        b"KB" => scaled(n, 1000, MIB),
        b"KiB" => n / 1024,
        b"MB" => scaled(n, 1_000_000, MIB),
        b"GB" => scaled(n, 1_000_000_000, MIB),
        b"GiB" => n.wrapping_mul(1024),
        _ => n, // none or MiB
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mib(arg: &str) -> u64 {
        size_mib(arg.as_bytes()).unwrap()
    }

    fn no_match(arg: &[u8]) {
        let err = size_mib(arg).unwrap_err();
        let mut want = b"Error during matching of size in string '".to_vec();
        want.extend_from_slice(arg);
        want.extend_from_slice(b"': 'no match'.");
        assert_eq!(err.message(), &want[..], "{arg:?}");
        assert_eq!(err.exit_status(), 234);
    }

    #[test]
    fn spec_examples() {
        assert_eq!(mib("64"), 64);
        assert_eq!(mib("1GB"), 953);
        assert_eq!(mib("2GiB"), 2048);
        assert_eq!(mib("100KB"), 0);
    }

    #[test]
    fn every_suffix() {
        assert_eq!(mib("5"), 5);
        assert_eq!(mib("1048576B"), 1);
        assert_eq!(mib("2097151B"), 1);
        assert_eq!(mib("1048576KB"), 1000);
        assert_eq!(mib("1049KB"), 1);
        assert_eq!(mib("1048KB"), 0);
        assert_eq!(mib("2048KiB"), 2);
        assert_eq!(mib("2047KiB"), 1);
        assert_eq!(mib("1MB"), 0);
        assert_eq!(mib("2MB"), 1);
        assert_eq!(mib("1000MB"), 953);
        assert_eq!(mib("7MiB"), 7);
        assert_eq!(mib("3GB"), 2861);
        assert_eq!(mib("3GiB"), 3072);
    }

    #[test]
    fn final_newline_is_accepted_by_dollar() {
        assert_eq!(mib("64\n"), 64);
        assert_eq!(mib("1GiB\n"), 1024);
        no_match(b"64\n\n");
    }

    #[test]
    fn rejected_forms_give_the_regex_message() {
        for arg in [
            &b""[..],
            b"64M",
            b"64 MB",
            b" 64",
            b"64mb",
            b"64kb",
            b"64Gib",
            b"-1",
            b"+1",
            b"1.5GB",
            b"GB",
            b"0x10",
            b"\xd9\xa1", // ARABIC-INDIC DIGIT ONE: \d is ASCII only
        ] {
            no_match(arg);
        }
    }

    #[test]
    fn zero_results_are_invalid_arguments() {
        for arg in ["0", "100KB", "1B", "0GiB", "1023KiB"] {
            let err = parse_size(arg.as_bytes()).unwrap_err();
            assert_eq!(err, Error::invalid_args(), "{arg}");
        }
        assert_eq!(parse_size(b"128").unwrap(), 128);
        assert_eq!(parse_size(b"64M").unwrap_err().exit_status(), 234);
    }

    #[test]
    fn huge_numbers_saturate() {
        let max = u64::MAX;
        // strtoull saturates at 2^64-1 without an error
        assert_eq!(mib("99999999999999999999999"), max);
        assert_eq!(mib("99999999999999999999999MiB"), max);
        assert_eq!(mib("18446744073709551615B"), max >> 20);
        assert_eq!(mib("99999999999999999999999KiB"), max / 1024);
        assert_eq!(mib("18446744073709551615KB"), 17592186044415999);
        assert_eq!(mib("18446744073709551615MB"), 17592186044415999999);
    }

    #[test]
    fn gib_wraps_and_gb_overflow_is_zero() {
        assert_eq!(mib("18014398509481984GiB"), 0); // 2^54 * 2^10 = 2^64
        assert_eq!(mib("18014398509481985GiB"), 1024);
        assert_eq!(mib("19342813113834066GB"), 18446744073709550857);
        assert_eq!(mib("19342813113834067GB"), 0);
    }
}
