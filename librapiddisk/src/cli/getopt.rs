//! Short options parsed the way glibc's getopt(3) parses them, which is
//! what upstream uses: GNU permutation (non-options anywhere are skipped),
//! clustered flags (`-gl`), attached or separate arguments (`-a64`,
//! `-a 64`), `--` ends the options, and the diagnostics glibc prints.
//! A pure function, so it can be tested against the real getopt.

/// One result of the scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opt {
    /// A known option and its argument, if it takes one.
    Found(u8, Option<Vec<u8>>),
    /// An unknown option character (`getopt` returned `?`).
    Invalid(u8),
    /// A known option whose argument is missing at the end (`?`).
    MissingArgument(u8),
    /// A long option (`--name VALUE` or `--name=VALUE`) and its value.
    Long(&'static str, Vec<u8>),
    /// `--name` that no long option has.
    UnknownLong(Vec<u8>),
    /// A long option at the end without its value.
    LongMissingArgument(&'static str),
}

impl Opt {
    /// glibc's message for a failure, without the trailing newline.
    pub fn diagnostic(&self, argv0: &[u8]) -> Option<Vec<u8>> {
        let (text, c): (&[u8], u8) = match self {
            Opt::Found(..) | Opt::Long(..) => return None,
            Opt::Invalid(c) => (b": invalid option -- '", *c),
            Opt::MissingArgument(c) => (b": option requires an argument -- '", *c),
            Opt::UnknownLong(name) => {
                return Some([argv0, b": unrecognized option '--", name, b"'"].concat())
            }
            Opt::LongMissingArgument(name) => {
                let tail = b"' requires an argument";
                return Some([argv0, b": option '--", name.as_bytes(), tail].concat());
            }
        };
        Some([argv0, text, &[c], b"'"].concat())
    }
}

/// How `optstring` treats option `c`: `None` if unknown, else whether it
/// takes an argument.
fn takes_argument(optstring: &[u8], c: u8) -> Option<bool> {
    if c == b':' {
        return None;
    }
    let at = optstring.iter().position(|&o| o == c)?;
    Some(optstring.get(at + 1) == Some(&b':'))
}

/// Scans `args` (without argv[0]) and returns the options in order, up to
/// and including the first failure (upstream stops there). With
/// `posixly_correct` (the POSIXLY_CORRECT environment variable) the scan
/// stops at the first non-option, as glibc does. (`rapiddisk` itself
/// scans with its long options; the tests compare this plain scan with
/// glibc's.)
#[cfg(test)]
pub fn getopt(args: &[Vec<u8>], optstring: &[u8], posixly_correct: bool) -> Vec<Opt> {
    scan(args, optstring, &[], posixly_correct, false)
}

/// The scan of [`getopt`], with long options `longs` (each takes a value;
/// names match exactly) and, with `keep_going`, on past failures the way
/// a loop that keeps calling getopt sees them. Without long options an
/// argument `--x` is the cluster `-`, `x`, as for getopt(3).
pub fn scan(
    args: &[Vec<u8>],
    optstring: &[u8],
    longs: &[&'static str],
    posixly_correct: bool,
    keep_going: bool,
) -> Vec<Opt> {
    let spec = Longs {
        with_value: longs,
        ..Longs::default()
    };
    scan_longs(args, optstring, &spec, posixly_correct, keep_going)
}

/// The long options of a scan.
#[derive(Debug, Clone, Copy, Default)]
pub struct Longs<'a> {
    /// Options that take a value (`--name VALUE` or `--name=VALUE`).
    pub with_value: &'a [&'static str],
    /// Options whose value is only `--name=VALUE`; `--name` alone gives an
    /// empty value.
    pub optional: &'a [&'static str],
    /// An argument `--x` that names no long option is scanned as the
    /// short-option cluster `-`, `x`, as getopt(3) sees it, so commands that
    /// gained long options keep their old diagnostics.
    pub unknown_as_short: bool,
}

/// [`scan`] with long options described by `longs`.
pub fn scan_longs(
    args: &[Vec<u8>],
    optstring: &[u8],
    longs: &Longs,
    posixly_correct: bool,
    keep_going: bool,
) -> Vec<Opt> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == b"--" {
            break;
        }
        if arg.len() < 2 || arg[0] != b'-' {
            if posixly_correct {
                break;
            }
            continue;
        }
        let has_longs = !longs.with_value.is_empty() || !longs.optional.is_empty();
        if has_longs && arg.starts_with(b"--") && (!longs.unknown_as_short || longs.knows(arg)) {
            let (opt, used) = long(&arg[2..], args.get(i), longs);
            i += usize::from(used);
            let failed = !matches!(opt, Opt::Long(..));
            found.push(opt);
            if failed && !keep_going {
                return found;
            }
            continue;
        }
        let mut at = 1;
        while at < arg.len() {
            let c = arg[at];
            at += 1;
            match takes_argument(optstring, c) {
                None => {
                    found.push(Opt::Invalid(c));
                    if !keep_going {
                        return found;
                    }
                }
                Some(false) => found.push(Opt::Found(c, None)),
                Some(true) if at < arg.len() => {
                    found.push(Opt::Found(c, Some(arg[at..].to_vec())));
                    break;
                }
                Some(true) => match args.get(i) {
                    Some(value) => {
                        found.push(Opt::Found(c, Some(value.clone())));
                        i += 1;
                        break;
                    }
                    None => {
                        found.push(Opt::MissingArgument(c));
                        return found;
                    }
                },
            }
        }
    }
    found
}

/// One long option `body` (after `--`); `next` is the following argument,
/// taken as the value when there is no `=`. Returns whether it was taken.
fn long(body: &[u8], next: Option<&Vec<u8>>, longs: &Longs) -> (Opt, bool) {
    let (name, value) = split_long(body);
    if let Some(&known) = longs.optional.iter().find(|l| l.as_bytes() == name) {
        return (Opt::Long(known, value.unwrap_or_default()), false);
    }
    let Some(&known) = longs.with_value.iter().find(|l| l.as_bytes() == name) else {
        return (Opt::UnknownLong(body.to_vec()), false);
    };
    match (value, next) {
        (Some(value), _) => (Opt::Long(known, value), false),
        (None, Some(next)) => (Opt::Long(known, next.clone()), true),
        (None, None) => (Opt::LongMissingArgument(known), false),
    }
}

/// The name and the `=` value, if any, of a long option's `body`.
fn split_long(body: &[u8]) -> (&[u8], Option<Vec<u8>>) {
    match body.iter().position(|&b| b == b'=') {
        Some(eq) => (&body[..eq], Some(body[eq + 1..].to_vec())),
        None => (body, None),
    }
}

impl Longs<'_> {
    /// Whether argument `arg` (`--name...`) names one of these options.
    fn knows(&self, arg: &[u8]) -> bool {
        let (name, _) = split_long(&arg[2..]);
        let is = |l: &&str| l.as_bytes() == name;
        self.with_value.iter().any(is) || self.optional.iter().any(is)
    }
}

#[cfg(test)]
mod tests;
