//! The constructor arguments of a `rapiddisk-cache` table line:
//! `<source> <cache /dev/rdN> [<cache sectors> [<mode> [<associativity>]]]`.

/// Why a table line is refused; `text()` is the `ti->error` string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum Reason {
    Argc = 1,
    NotRapidDisk = 2,
    Size = 3,
    Mode = 4,
    Assoc = 5,
    NoMemory = 6,
}

impl Reason {
    pub fn from_code(code: i32) -> Option<Reason> {
        use Reason::*;
        [Argc, NotRapidDisk, Size, Mode, Assoc, NoMemory]
            .into_iter()
            .find(|r| *r as i32 == code)
    }

    pub fn text(self) -> &'static core::ffi::CStr {
        match self {
            Reason::Argc => c"rapiddisk-cache: Need at least 2 arguments",
            Reason::NotRapidDisk => {
                c"rapiddisk-cache: Invalid cache device. Not a RapidDisk volume."
            }
            Reason::Size => c"rapiddisk-cache: Invalid cache size",
            Reason::Mode => c"rapiddisk-cache: Invalid mode",
            Reason::Assoc => c"rapiddisk-cache: Invalid cache associativity",
            Reason::NoMemory => c"rapiddisk-cache: Unable to allocate memory",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    WriteThrough,
    WriteAround,
}

/// What the text of a table line asks for (devices are looked up by the shim).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Args {
    /// cache size in sectors; None: the whole cache device
    pub size: Option<u64>,
    pub mode: Mode,
    pub assoc: u32,
}

pub const DEFAULT_ASSOC: u32 = 512;
const CACHE_PREFIX: &[u8] = b"/dev/rd";

/// The kernel's kstrtoul/kstrtoint base 10: optional '+', digits, at most
/// one trailing newline, no overflow.
fn strict_decimal(s: &[u8], max: u64) -> Option<u64> {
    let s = s.strip_suffix(b"\n").unwrap_or(s);
    let s = s.strip_prefix(b"+").unwrap_or(s);
    if s.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    (v <= max).then_some(v)
}

/// Parse the words after `rapiddisk-cache` (argv[0] is the source path).
pub fn parse(argv: &[&[u8]]) -> Result<Args, Reason> {
    if argv.len() < 2 {
        return Err(Reason::Argc);
    }
    if !argv.get(1).is_some_and(|c| c.starts_with(CACHE_PREFIX)) {
        return Err(Reason::NotRapidDisk);
    }
    let size = match argv.get(2) {
        Some(s) => Some(strict_decimal(s, u64::MAX).ok_or(Reason::Size)?),
        None => None,
    };
    // upstream took any integer (non-zero: write-around); only 0 and 1 mean
    // something, so anything else is refused
    let mode = match argv.get(3).map(|m| strict_decimal(m, 1)) {
        None | Some(Some(0)) => Mode::WriteThrough,
        Some(Some(_)) => Mode::WriteAround,
        Some(None) => return Err(Reason::Mode),
    };
    let assoc = match argv.get(4) {
        Some(a) => strict_decimal(a, i32::MAX as u64).ok_or(Reason::Assoc)? as u32,
        None => DEFAULT_ASSOC,
    };
    if !assoc.is_power_of_two() {
        return Err(Reason::Assoc);
    }
    Ok(Args { size, mode, assoc })
}

/// Cache geometry once the cache device's size is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub blocks: u64,
    pub sets: u64,
    pub assoc: u32,
    pub mode: Mode,
}

/// Blocks: the requested sectors in whole 4 KiB blocks, rounded down to a
/// multiple of the associativity; it must fit the device and hold one set.
pub fn geometry(args: &Args, cache_dev_sectors: u64) -> Result<Geometry, Reason> {
    let size = args.size.unwrap_or(cache_dev_sectors);
    let assoc = core::num::NonZeroU64::new(args.assoc as u64).ok_or(Reason::Assoc)?;
    let blocks = (size >> crate::BLOCK_SHIFT) / assoc * assoc.get();
    if blocks
        .checked_mul(crate::BLOCK_SECTORS)
        .is_none_or(|s| s > cache_dev_sectors)
    {
        return Err(Reason::Size);
    }
    if blocks == 0 {
        return Err(Reason::Assoc);
    }
    Ok(Geometry {
        blocks,
        sets: blocks / assoc,
        assoc: args.assoc,
        mode: args.mode,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(words: &[&str]) -> Result<Args, Reason> {
        let v: std::vec::Vec<&[u8]> = words.iter().map(|w| w.as_bytes()).collect();
        parse(&v)
    }

    #[test]
    fn defaults_and_full_lines() {
        assert_eq!(
            p(&["/dev/sdb", "/dev/rd0"]),
            Ok(Args {
                size: None,
                mode: Mode::WriteThrough,
                assoc: 512
            })
        );
        assert_eq!(
            p(&["/dev/sdb", "/dev/rd3", "131072", "1", "64", "extra"]),
            Ok(Args {
                size: Some(131072),
                mode: Mode::WriteAround,
                assoc: 64
            })
        );
        assert_eq!(
            p(&["/dev/sdb", "/dev/rd3", "+8\n", "0"]).unwrap().size,
            Some(8)
        );
    }

    #[test]
    fn rejections() {
        assert_eq!(p(&["/dev/sdb"]), Err(Reason::Argc));
        assert_eq!(p(&["/dev/sdb", "/dev/sdc"]), Err(Reason::NotRapidDisk));
        assert_eq!(p(&["/dev/sdb", "/dev/rd0", "12x"]), Err(Reason::Size));
        assert_eq!(p(&["/dev/sdb", "/dev/rd0", ""]), Err(Reason::Size));
        assert_eq!(p(&["/dev/sdb", "/dev/rd0", "-5"]), Err(Reason::Size));
        assert_eq!(
            p(&["/dev/sdb", "/dev/rd0", "99999999999999999999"]),
            Err(Reason::Size)
        );
        assert_eq!(p(&["/dev/sdb", "/dev/rd0", "8", "2"]), Err(Reason::Mode));
        assert_eq!(p(&["/dev/sdb", "/dev/rd0", "8", "wt"]), Err(Reason::Mode));
        assert_eq!(
            p(&["/dev/sdb", "/dev/rd0", "8", "0", "0"]),
            Err(Reason::Assoc)
        );
        assert_eq!(
            p(&["/dev/sdb", "/dev/rd0", "8", "0", "3"]),
            Err(Reason::Assoc)
        );
        assert_eq!(
            p(&["/dev/sdb", "/dev/rd0", "8", "0", "-4"]),
            Err(Reason::Assoc)
        );
        assert_eq!(
            p(&["/dev/sdb", "/dev/rd0", "8", "0", "4294967296"]),
            Err(Reason::Assoc)
        );
    }

    #[test]
    fn geometry_rules() {
        let a = Args {
            size: None,
            mode: Mode::WriteThrough,
            assoc: 512,
        };
        let g = geometry(&a, 131072).unwrap();
        assert_eq!((g.blocks, g.sets), (16384, 32));
        // rounded down to whole sets
        let g = geometry(
            &Args {
                size: Some(131072 + 4088 + 7),
                ..a
            },
            1 << 30,
        )
        .unwrap();
        assert_eq!(g.blocks, 16384);
        assert_eq!(
            geometry(
                &Args {
                    size: Some(139264),
                    ..a
                },
                131072
            ),
            Err(Reason::Size)
        );
        assert_eq!(geometry(&a, 4095), Err(Reason::Assoc));
        assert_eq!(geometry(&Args { assoc: 1, ..a }, 8).unwrap().sets, 1);
    }
}
