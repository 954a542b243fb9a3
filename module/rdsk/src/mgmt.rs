//! The `/sys/kernel/rapiddisk/mgmt` command language.
//!
//! ```text
//! rapiddisk attach <N> <SIZE>
//! rapiddisk detach <N>
//! rapiddisk resize <N> <SIZE>
//! ```
//! Numbers use C's base-0 convention (`0x` hex, leading `0` octal, else
//! decimal) and exactly one character separates N from SIZE, as upstream.
//! Unlike upstream, a missing or overflowing number or text after the last
//! number (other than whitespace) is refused instead of read as 0.

use core::ffi::CStr;

/// Largest N: the kernel's MINORMASK.
pub const MAX_NUMBER: u64 = (1 << 20) - 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Attach { number: u64, size: u64 },
    Detach { number: u64 },
    Resize { number: u64, size: u64 },
}

/// Why a management command is refused (values of `enum rdsk_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum Reason {
    Unsupported = 1,
    BadNumber = 2,
    Trailing = 3,
    MaxNumber = 4,
    MaxDevices = 5,
    SizeAlign = 6,
    Exists = 7,
    NoDevice = 8,
    BelowWritten = 9,
    Busy = 10,
    NoMemory = 11,
}

impl Reason {
    pub fn from_code(code: i32) -> Option<Reason> {
        use Reason::*;
        [
            Unsupported,
            BadNumber,
            Trailing,
            MaxNumber,
            MaxDevices,
            SizeAlign,
            Exists,
            NoDevice,
            BelowWritten,
            Busy,
            NoMemory,
        ]
        .into_iter()
        .find(|r| *r as i32 == code)
    }

    /// The kernel log text (after the `rapiddisk: ` prefix).
    pub fn text(self) -> &'static CStr {
        match self {
            Reason::Unsupported => c"Unsupported command.",
            Reason::BadNumber => c"Invalid number in command.",
            Reason::Trailing => c"Unexpected text after the command.",
            Reason::MaxNumber => c"Reached maximum value for the attached disk.",
            Reason::MaxDevices => c"Reached maximum number of attached disks.",
            Reason::SizeAlign => c"Invalid size input. Size must be a multiple of sector size 512.",
            Reason::Exists => c"Device already exists.",
            Reason::NoDevice => c"No such device.",
            Reason::BelowWritten => c"Please specify a larger size for resizing.",
            Reason::Busy => c"Device is in use.",
            Reason::NoMemory => c"Out of memory.",
        }
    }
}

const ATTACH: &[u8] = b"rapiddisk attach ";
const DETACH: &[u8] = b"rapiddisk detach ";
const RESIZE: &[u8] = b"rapiddisk resize ";

fn digit(c: u8, radix: u64) -> Option<u64> {
    let v = match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => return None,
    } as u64;
    (v < radix).then_some(v)
}

/// Parse an unsigned number with C base-0 rules; returns the value and the
/// rest of the input. At least one digit is required; overflow is refused.
fn parse_number(s: &[u8]) -> Result<(u64, &[u8]), Reason> {
    let (radix, body) = match s {
        [b'0', b'x' | b'X', c, ..] if digit(*c, 16).is_some() => (16, &s[2..]),
        [b'0', ..] => (8, s),
        _ => (10, s),
    };
    let len = body
        .iter()
        .take_while(|c| digit(**c, radix).is_some())
        .count();
    if len == 0 {
        return Err(Reason::BadNumber);
    }
    let (digits, rest) = body.split_at_checked(len).ok_or(Reason::BadNumber)?;
    let mut value: u64 = 0;
    for &c in digits {
        let d = digit(c, radix).ok_or(Reason::BadNumber)?;
        value = value
            .checked_mul(radix)
            .and_then(|v| v.checked_add(d))
            .ok_or(Reason::BadNumber)?;
    }
    Ok((value, rest))
}

/// Skip the one separator character between N and SIZE.
fn separator(s: &[u8]) -> Result<&[u8], Reason> {
    s.get(1..).ok_or(Reason::BadNumber)
}

fn end(s: &[u8]) -> Result<(), Reason> {
    if s.iter()
        .all(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0))
    {
        Ok(())
    } else {
        Err(Reason::Trailing)
    }
}

fn number_and_size(s: &[u8]) -> Result<(u64, u64), Reason> {
    let (number, rest) = parse_number(s)?;
    let (size, rest) = parse_number(separator(rest)?)?;
    end(rest)?;
    Ok((number, size))
}

pub fn parse(line: &[u8]) -> Result<Command, Reason> {
    if let Some(args) = line.strip_prefix(ATTACH) {
        let (number, size) = number_and_size(args)?;
        Ok(Command::Attach { number, size })
    } else if let Some(args) = line.strip_prefix(RESIZE) {
        let (number, size) = number_and_size(args)?;
        Ok(Command::Resize { number, size })
    } else if let Some(args) = line.strip_prefix(DETACH) {
        let (number, rest) = parse_number(args)?;
        end(rest)?;
        Ok(Command::Detach { number })
    } else {
        Err(Reason::Unsupported)
    }
}

/// Upstream's attach checks, in upstream's order (the existence check
/// follows in the shim, which owns the device list).
pub fn check_attach(number: u64, size: u64, attached: u64, max_nr: u64) -> Result<(), Reason> {
    if number > MAX_NUMBER {
        Err(Reason::MaxNumber)
    } else if attached >= max_nr {
        Err(Reason::MaxDevices)
    } else if !size.is_multiple_of(crate::SECTOR_SIZE) {
        Err(Reason::SizeAlign)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_lines() {
        assert_eq!(
            parse(b"rapiddisk attach 3 1048576\n"),
            Ok(Command::Attach {
                number: 3,
                size: 1 << 20
            })
        );
        assert_eq!(
            parse(b"rapiddisk detach 12\n"),
            Ok(Command::Detach { number: 12 })
        );
        assert_eq!(
            parse(b"rapiddisk resize 0 4096"),
            Ok(Command::Resize {
                number: 0,
                size: 4096
            })
        );
    }

    #[test]
    fn base_zero_numbers_and_one_char_separator() {
        assert_eq!(
            parse(b"rapiddisk attach 0x10,010\n"),
            Ok(Command::Attach {
                number: 16,
                size: 8
            })
        );
        assert_eq!(
            parse(b"rapiddisk detach 0\n"),
            Ok(Command::Detach { number: 0 })
        );
        // "0x" without a hex digit is the number 0 followed by "x"
        assert_eq!(parse(b"rapiddisk detach 0x"), Err(Reason::Trailing));
        // octal stops at 8
        assert_eq!(parse(b"rapiddisk detach 08"), Err(Reason::Trailing));
    }

    #[test]
    fn garbage_is_refused() {
        assert_eq!(parse(b""), Err(Reason::Unsupported));
        assert_eq!(parse(b"rapiddisk attach"), Err(Reason::Unsupported));
        assert_eq!(parse(b"rapiddisk attach \n"), Err(Reason::BadNumber));
        assert_eq!(parse(b"rapiddisk attach 1"), Err(Reason::BadNumber));
        assert_eq!(parse(b"rapiddisk attach 1  2"), Err(Reason::BadNumber));
        assert_eq!(parse(b"rapiddisk attach -1 512"), Err(Reason::BadNumber));
        assert_eq!(parse(b"rapiddisk attach 1 512x"), Err(Reason::Trailing));
        assert_eq!(
            parse(b"rapiddisk attach 1 99999999999999999999999"),
            Err(Reason::BadNumber)
        );
        assert_eq!(parse(b"RAPIDDISK detach 1"), Err(Reason::Unsupported));
    }

    #[test]
    fn attach_rules_in_order() {
        assert_eq!(
            check_attach(MAX_NUMBER + 1, 7, 9, 1),
            Err(Reason::MaxNumber)
        );
        assert_eq!(check_attach(1, 7, 1, 1), Err(Reason::MaxDevices));
        assert_eq!(check_attach(1, 7, 0, 1), Err(Reason::SizeAlign));
        assert_eq!(check_attach(MAX_NUMBER, 0, 0, 1), Ok(()));
    }

    #[test]
    fn every_reason_has_text() {
        for code in 1..=11 {
            let r = Reason::from_code(code).unwrap();
            assert_eq!(r as i32, code);
            assert!(!r.text().is_empty());
        }
        assert_eq!(Reason::from_code(0), None);
        assert_eq!(Reason::from_code(12), None);
    }
}
