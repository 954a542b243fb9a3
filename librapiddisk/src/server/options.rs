//! The command line of `rapiddiskd` (spec §6.1): upstream's `?dhp:vV`
//! with its port checks and quirks (an invalid option means `-d`, quirk
//! 36), plus this project's long options, whose mistakes stop the start.

use crate::cli::getopt::{scan, Opt};
use std::net::IpAddr;
use std::path::PathBuf;

/// The exact upstream option string.
pub const OPTSTRING: &[u8] = b"?dhp:vV";
/// This project's options; each takes a value.
pub const LONG_OPTIONS: &[&str] = &["listen", "token-file", "tls-cert", "tls-key"];

/// The port upstream listens on.
pub const DEFAULT_PORT: u16 = 9118;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `-d` (or an invalid option): stay in the foreground.
    pub foreground: bool,
    /// `-d` or `-V`: log lines on stderr too.
    pub verbose: bool,
    pub port: u16,
    /// `--listen`: one address; all IPv4 addresses when `None`.
    pub listen: Option<IpAddr>,
    /// `--token-file`: bearer-token access control.
    pub token_file: Option<PathBuf>,
    /// `--tls-cert` and `--tls-key`: HTTPS.
    pub tls: Option<Tls>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            foreground: false,
            verbose: false,
            port: DEFAULT_PORT,
            listen: None,
            token_file: None,
            tls: None,
        }
    }
}

/// How parsing ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Run(Options),
    /// `-h`: help on stdout, exit 0.
    Help,
    /// `-v`: version on stdout, exit 0.
    Version,
    /// A bad value: the message for stderr, exit 1.
    Fail(Vec<u8>),
}

/// The outcome and getopt's diagnostics (stderr, printed first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub diagnostics: Vec<Vec<u8>>,
    pub outcome: Outcome,
}

const PORT_RANGE: &str = "The provided port number should be > 0 and <= 65535.";

/// Upstream's port checks, in order; trailing junk is accepted (`80x`).
pub fn port(arg: &[u8]) -> Result<u16, &'static str> {
    if arg.len() >= 6 {
        return Err(PORT_RANGE);
    }
    // strtol base 10 (fewer than 6 bytes cannot overflow, so its errno
    // check never fires)
    let (negative, digits) = super::size::sign_and_digits(arg);
    if digits.is_empty() {
        return Err("The provided port is not a number.");
    }
    let n = digits
        .iter()
        .fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
    let n = if negative { -n } else { n };
    u16::try_from(n).ok().filter(|&p| p > 0).ok_or(PORT_RANGE)
}

/// `--listen`: an IPv4 or IPv6 address (IPv6 optionally in brackets).
fn address(arg: &[u8]) -> Result<IpAddr, Vec<u8>> {
    let text = std::str::from_utf8(arg).unwrap_or("");
    let bare = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    bare.parse()
        .map_err(|_| [b"--listen: not an IPv4 or IPv6 address: ", arg].concat())
}

/// Parses `args` (without argv[0]); `argv0` names the program in getopt's
/// diagnostics.
pub fn parse(argv0: &[u8], args: &[Vec<u8>], posixly_correct: bool) -> Parsed {
    let mut o = Options::default();
    let mut diagnostics = Vec::new();
    let (mut cert, mut key) = (None, None);
    let done = |diagnostics, outcome| Parsed {
        diagnostics,
        outcome,
    };
    for opt in scan(args, OPTSTRING, LONG_OPTIONS, posixly_correct, true) {
        diagnostics.extend(opt.diagnostic(argv0));
        match opt {
            Opt::Found(b'd', _) => (o.foreground, o.verbose) = (true, true),
            Opt::Found(b'V', _) => o.verbose = true,
            Opt::Found(b'h', _) => return done(diagnostics, Outcome::Help),
            Opt::Found(b'v', _) => return done(diagnostics, Outcome::Version),
            Opt::Found(b'p', arg) => match port(&arg.unwrap_or_default()) {
                Ok(p) => o.port = p,
                Err(msg) => return done(diagnostics, Outcome::Fail(msg.into())),
            },
            Opt::Long("listen", arg) => match address(&arg) {
                Ok(a) => o.listen = Some(a),
                Err(msg) => return done(diagnostics, Outcome::Fail(msg)),
            },
            Opt::Long("token-file", arg) => o.token_file = Some(path(arg)),
            Opt::Long("tls-cert", arg) => cert = Some(path(arg)),
            Opt::Long("tls-key", arg) => key = Some(path(arg)),
            // a mistake in a new option must not start an open daemon
            Opt::UnknownLong(_) | Opt::LongMissingArgument(_) => {
                return done(diagnostics, Outcome::Fail(Vec::new()))
            }
            // -?, an invalid option or a missing -p value: as -d
            _ => (o.foreground, o.verbose) = (true, true),
        }
    }
    o.tls = match (cert, key) {
        (Some(cert), Some(key)) => Some(Tls { cert, key }),
        (None, None) => None,
        _ => {
            let msg = b"--tls-cert and --tls-key go together.".to_vec();
            return done(diagnostics, Outcome::Fail(msg));
        }
    };
    done(diagnostics, Outcome::Run(o))
}

fn path(arg: Vec<u8>) -> PathBuf {
    <std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(arg).into()
}

/// The `-v` text: the version line, a line about the daemon, a blank line.
pub fn version() -> String {
    format!(
        "rapiddiskd {}\nThe REST interface of rapiddisk-rs: RAM disks and RAM caches over HTTP.\n\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// The `-h` text.
pub const HELP: &str = "\
Usage: rapiddiskd [-d] [-V] [-p PORT] [--listen ADDR] [--token-file FILE]
                  [--tls-cert FILE --tls-key FILE]

Serves the rapiddisk actions over HTTP (by default on every IPv4 address,
port 9118). Without -d it detaches from the terminal and writes its pid to
/run/rapiddiskd.pid.

  -d                  stay in the foreground and log to stderr as well
  -V                  log to stderr as well; detached, stderr and stdout go
                      to /tmp/rapiddiskd_err.log and /tmp/rapiddiskd_out.log
  -p PORT             listen on PORT (1 to 65535) instead of 9118
  -h                  show this help
  -v                  show the version
  --listen ADDR       listen on this IPv4 or IPv6 address only
  --token-file FILE   require 'Authorization: Bearer TOKEN' on every request,
                      TOKEN being the content of FILE (mode 0600 or stricter)
  --tls-cert FILE     serve HTTPS with this PEM certificate (chain) ...
  --tls-key FILE      ... and this PEM private key

Routes: see rapiddiskd(8), or GET /v1/openapi.json.
";
