//! Property tests of the `/sys/kernel/rapiddisk/mgmt` parser.
// the crate only links with std under `host` (else it brings its own panic handler)
#![cfg(feature = "host")]

use proptest::prelude::*;
use rdsk::mgmt::{parse, Command, Reason};

const PREFIXES: [&[u8]; 3] = [
    b"rapiddisk attach ",
    b"rapiddisk detach ",
    b"rapiddisk resize ",
];

#[derive(Debug, Clone, Copy)]
enum Base {
    Dec,
    Hex,
    HexUpper,
    Oct,
}

fn base() -> impl Strategy<Value = Base> {
    prop_oneof![
        Just(Base::Dec),
        Just(Base::Hex),
        Just(Base::HexUpper),
        Just(Base::Oct)
    ]
}

/// How C's base-0 convention spells `n`.
fn spell(n: u64, base: Base) -> String {
    match base {
        Base::Dec => format!("{n}"),
        Base::Hex => format!("{n:#x}"),
        Base::HexUpper => format!("0X{n:X}"),
        Base::Oct => format!("0{n:o}"),
    }
}

/// A command, its line and the base of the last number on it.
fn valid_line() -> impl Strategy<Value = (Command, String, Base)> {
    let args = (any::<u64>(), any::<u64>(), base(), base(), 0u8..3);
    // separator between N and SIZE, then optional trailing whitespace
    let sep = prop::sample::select(vec![" ", "\t", ",", ":", "\n"]);
    let tail = prop::sample::select(vec!["", "\n", " \n", "\r\n", "\t", "\0"]);
    (args, sep, tail).prop_map(|((number, size, b1, b2, op), sep, tail)| {
        let (n, s) = (spell(number, b1), spell(size, b2));
        match op {
            0 => (
                Command::Attach { number, size },
                format!("rapiddisk attach {n}{sep}{s}{tail}"),
                b2,
            ),
            1 => (
                Command::Resize { number, size },
                format!("rapiddisk resize {n}{sep}{s}{tail}"),
                b2,
            ),
            _ => (
                Command::Detach { number },
                format!("rapiddisk detach {n}{tail}"),
                b1,
            ),
        }
    })
}

/// The documented grammar, written independently of the parser: C base-0
/// numbers via `u64::from_str_radix`, one separator, optional whitespace.
fn reference(line: &[u8]) -> Result<Command, Reason> {
    fn num(s: &[u8]) -> Result<(u64, &[u8]), Reason> {
        let hex = s.len() > 2 && s[0] == b'0' && matches!(s[1], b'x' | b'X');
        let (radix, body) = if hex && s[2].is_ascii_hexdigit() {
            (16, &s[2..])
        } else if s.first() == Some(&b'0') {
            (8, s)
        } else {
            (10, s)
        };
        let len = body
            .iter()
            .take_while(|c| char::from(**c).is_digit(radix))
            .count();
        let digits = std::str::from_utf8(&body[..len]).unwrap();
        let n = u64::from_str_radix(digits, radix).map_err(|_| Reason::BadNumber)?;
        Ok((n, &body[len..]))
    }
    fn end(s: &[u8]) -> Result<(), Reason> {
        if s.iter().all(|c| b" \t\n\r\0".contains(c)) {
            Ok(())
        } else {
            Err(Reason::Trailing)
        }
    }
    let (op, args) = PREFIXES
        .iter()
        .enumerate()
        .find_map(|(i, p)| line.strip_prefix(*p).map(|a| (i, a)))
        .ok_or(Reason::Unsupported)?;
    let (number, rest) = num(args)?;
    if op == 1 {
        end(rest)?;
        return Ok(Command::Detach { number });
    }
    let rest = rest.get(1..).ok_or(Reason::BadNumber)?;
    let (size, rest) = num(rest)?;
    end(rest)?;
    Ok(match op {
        0 => Command::Attach { number, size },
        _ => Command::Resize { number, size },
    })
}

/// Pieces of almost-valid lines: numbers in every base, base markers
/// without digits, digits outside the base, u64::MAX and one more,
/// separators, whitespace, signs and junk.
const TOKENS: &[&str] = &[
    "0",
    "0x",
    "0X",
    "7",
    "08",
    "19",
    "ff",
    "0x1F",
    "0Xg",
    "017",
    "0x0",
    "18446744073709551615",
    "18446744073709551616",
    "0xffffffffffffffff",
    "0x10000000000000000",
    "02000000000000000000000",
    " ",
    "\t",
    "\n",
    "\r",
    "\0",
    ",",
    "-",
    "+",
    "x",
    "g",
    "\u{e9}",
];

proptest! {
    #[test]
    fn canonical_lines_round_trip(n in any::<u64>(), size in any::<u64>()) {
        prop_assert_eq!(
            parse(format!("rapiddisk attach {n} {size}\n").as_bytes()),
            Ok(Command::Attach { number: n, size })
        );
        prop_assert_eq!(
            parse(format!("rapiddisk resize {n} {size}\n").as_bytes()),
            Ok(Command::Resize { number: n, size })
        );
        prop_assert_eq!(
            parse(format!("rapiddisk detach {n}\n").as_bytes()),
            Ok(Command::Detach { number: n })
        );
    }

    #[test]
    fn any_base_round_trips((cmd, line, _) in valid_line()) {
        prop_assert_eq!(parse(line.as_bytes()), Ok(cmd), "{:?}", line);
    }

    #[test]
    fn arbitrary_bytes_without_prefix_are_unsupported(
        bytes in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let r = parse(&bytes);
        prop_assert_eq!(r, reference(&bytes));
        if !PREFIXES.iter().any(|p| bytes.starts_with(p)) {
            prop_assert_eq!(r, Err(Reason::Unsupported));
        }
    }

    /// Prefix plus bytes that look like numbers: the parser follows the
    /// reference grammar, and an accepted line means the same as its
    /// canonical spelling.
    #[test]
    fn number_like_bytes_follow_the_grammar(
        prefix in 0usize..3,
        body in prop::collection::vec(prop::sample::select(TOKENS), 0..8),
    ) {
        let mut line = PREFIXES[prefix].to_vec();
        line.extend(body.concat().bytes());
        prop_assert_eq!(parse(&line), reference(&line));
        let canonical = match parse(&line) {
            Ok(Command::Attach { number: n, size }) => format!("rapiddisk attach {n} {size}"),
            Ok(Command::Resize { number: n, size }) => format!("rapiddisk resize {n} {size}"),
            Ok(Command::Detach { number: n }) => format!("rapiddisk detach {n}"),
            Err(r) => {
                prop_assert!(r != Reason::Unsupported, "prefix is supported");
                return Ok(());
            }
        };
        prop_assert_eq!(parse(canonical.as_bytes()), parse(&line));
    }

    #[test]
    fn text_after_a_valid_line_is_refused(
        (_, line, last) in valid_line(),
        extra in any::<u8>(),
    ) {
        let whitespace = matches!(extra, b' ' | b'\t' | b'\n' | b'\r' | 0);
        // a digit of the last number's base would just extend that number
        let digit = extra.is_ascii_digit()
            || (matches!(last, Base::Hex | Base::HexUpper) && extra.is_ascii_hexdigit());
        prop_assume!(!whitespace && !digit);
        let mut bytes = line.into_bytes();
        bytes.push(extra);
        let r = parse(&bytes);
        prop_assert!(matches!(r, Err(Reason::Trailing | Reason::BadNumber)), "{:?}", r);
    }

    /// One more digit than a u64 (mostly) holds: refused, never wrapped.
    #[test]
    fn overflow_is_a_bad_number(n in any::<u64>(), extra in 1u64..10) {
        let dec = u128::from(n) * 10 + u128::from(extra);
        let hex = u128::from(n) * 16 + u128::from(extra);
        let fits = |v: u128| u64::try_from(v).map_err(|_| Reason::BadNumber);
        let line = format!("rapiddisk detach {dec}");
        let want = fits(dec).map(|number| Command::Detach { number });
        prop_assert_eq!(parse(line.as_bytes()), want);
        let line = format!("rapiddisk resize 1 {hex:#x}");
        let want = fits(hex).map(|size| Command::Resize { number: 1, size });
        prop_assert_eq!(parse(line.as_bytes()), want);
    }
}
