//! The command line of `rapiddisk` (spec §4.3): the last action option
//! wins, parameters are kept independently, `-h`/`-v` act at once.

use super::getopt::{scan_longs, Opt};
use super::longs;
use crate::atoi::atoi;
use crate::model::CacheMode;
use crate::tunables::WritebackOptions;

/// The exact upstream option string.
pub const OPTSTRING: &[u8] = b"?:a:b:c:d:ef:gH:hi:jL:lm:NnP:p:qRr:s:t:U:u:VvXx";

/// What the run is to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Attach,
    Detach,
    Resize,
    Flush,
    Lock,
    Unlock,
    List,
    Map,
    Unmap,
    Stats,
    Resources,
    ListNvmePorts,
    ListNvme,
    EnableNvmePort,
    DisableNvmePort,
    ExportNvme,
    UnexportNvme,
    RevalidateNvme,
    /// `--save[=FILE]`
    Save,
    /// `--restore[=FILE]`
    Restore,
}

pub use crate::nvmet::Transport;

/// Everything the options set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Options {
    pub action: Option<Action>,
    /// `-d -f -L -m -r -s -U -u`: the device acted on.
    pub device: Vec<u8>,
    /// `-a`/`-c`: one size string, as upstream keeps it.
    pub size: Option<Vec<u8>>,
    /// `-b`: the source of `-m`, the device of the NVMe actions.
    pub backing: Vec<u8>,
    /// `-H`/`-i`: one value, the last of the two wins.
    pub host: Vec<u8>,
    /// `-P` through `atoi`; `None` when not given.
    pub port: Option<i32>,
    pub mode: Option<CacheMode>,
    pub transport: Transport,
    pub no_header: bool,
    pub json: bool,
    /// `--adrfam ipv4|ipv6`: the address family of a new tcp/rdma port.
    pub adrfam: Option<Vec<u8>>,
    /// `--dhchap-key FILE`: the allowed host's DH-HMAC-CHAP secret.
    pub dhchap_key: Option<Vec<u8>>,
    /// `--dhchap-ctrl-key FILE`: the controller's secret (bidirectional).
    pub dhchap_ctrl_key: Option<Vec<u8>>,
    /// The long options of a writeback mapping (boxed: most runs have none).
    pub tunables: Box<WritebackOptions>,
    /// The file of `--save=FILE`/`--restore=FILE`; `None` for the default.
    pub config_file: Option<Vec<u8>>,
    /// `--without-nvme`: `--restore` leaves the document's NVMe part out
    /// (the boot unit restores it later, once the network is up).
    pub without_nvme: bool,
}

impl Options {
    /// The cache mode, write-through unless `-p` said otherwise.
    pub fn cache_mode(&self) -> CacheMode {
        self.mode.unwrap_or(CacheMode::WriteThrough)
    }
}

/// How parsing ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Run `Options`.
    Run(Options),
    /// `-h`: header and help, exit 0.
    Help,
    /// `-v`: header, exit 0.
    Version,
    /// A bad option (`diagnostic` for stderr, if getopt printed one), `-V`
    /// or `-?`: header and help, exit 255.
    Usage { diagnostic: Option<Vec<u8>> },
    /// A long option with a bad value: the line to print, exit 234.
    Refused(String),
}

/// Parses `args` (without argv[0]); `argv0` names the program in getopt's
/// diagnostics.
pub fn parse(argv0: &[u8], args: &[Vec<u8>], posixly_correct: bool) -> Parsed {
    let mut o = Options::default();
    for opt in scan_longs(args, OPTSTRING, &longs::spec(), posixly_correct, false) {
        let (c, arg) = match opt {
            Opt::Found(c, arg) => (c, arg.unwrap_or_default()),
            Opt::Long(name, value) => match longs::apply(&mut o, name, value) {
                Ok(()) => continue,
                Err(msg) => return Parsed::Refused(msg),
            },
            failed => {
                return Parsed::Usage {
                    diagnostic: failed.diagnostic(argv0),
                }
            }
        };
        let mut act = |action, device: Option<Vec<u8>>| {
            o.action = Some(action);
            if let Some(device) = device {
                o.device = device;
            }
        };
        match c {
            b'a' => {
                act(Action::Attach, None);
                o.size = Some(arg);
            }
            b'd' => act(Action::Detach, Some(arg)),
            b'f' => act(Action::Flush, Some(arg)),
            b'L' => act(Action::Lock, Some(arg)),
            b'U' => act(Action::Unlock, Some(arg)),
            b'm' => act(Action::Map, Some(arg)),
            b'r' => act(Action::Resize, Some(arg)),
            b's' => act(Action::Stats, Some(arg)),
            b'u' => act(Action::Unmap, Some(arg)),
            b'l' => act(Action::List, None),
            b'q' => act(Action::Resources, None),
            b'N' => act(Action::ListNvmePorts, None),
            b'n' => act(Action::ListNvme, None),
            b'e' => act(Action::ExportNvme, None),
            b'x' => act(Action::UnexportNvme, None),
            b'X' => act(Action::DisableNvmePort, None),
            b'R' => act(Action::RevalidateNvme, None),
            b'i' => {
                act(Action::EnableNvmePort, None);
                o.host = arg;
            }
            b'b' => o.backing = arg,
            b'c' => o.size = Some(arg),
            b'H' => o.host = arg,
            b'P' => o.port = Some(atoi(&arg)),
            b'p' => {
                o.mode = Some(match &arg[..] {
                    b"wa" => CacheMode::WriteAround,
                    b"wb" => CacheMode::Writeback,
                    // anything else, typos included, is write-through
                    _ => CacheMode::WriteThrough,
                })
            }
            b't' => {
                o.transport = match &arg[..] {
                    b"rdma" => Transport::Rdma,
                    b"loop" => Transport::Loop,
                    _ => Transport::Tcp,
                }
            }
            b'g' => o.no_header = true,
            b'j' => o.json = true,
            b'h' => return Parsed::Help,
            b'v' => return Parsed::Version,
            // -V and -? are in the option string without an action
            _ => return Parsed::Usage { diagnostic: None },
        }
    }
    Parsed::Run(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(list: &[&str]) -> Parsed {
        let args: Vec<Vec<u8>> = list.iter().map(|a| a.as_bytes().to_vec()).collect();
        parse(b"rapiddisk", &args, false)
    }

    fn options(list: &[&str]) -> Options {
        match run(list) {
            Parsed::Run(o) => o,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn last_action_wins_and_parameters_stay() {
        let o = options(&["-a", "64", "-d", "rd1", "-l"]);
        assert_eq!(o.action, Some(Action::List));
        assert_eq!(
            (o.device.as_slice(), o.size.as_deref()),
            (&b"rd1"[..], Some(&b"64"[..]))
        );
        let o = options(&["-r", "rd0", "-c", "128"]);
        assert_eq!(o.action, Some(Action::Resize));
        assert_eq!(o.size.as_deref(), Some(&b"128"[..]));
        assert_eq!(options(&[]).action, None);
    }

    #[test]
    fn modes_and_transports_fall_back_to_defaults() {
        let mode = |p: &str| options(&["-p", p]).cache_mode();
        assert_eq!(mode("wa"), CacheMode::WriteAround);
        assert_eq!(mode("wb"), CacheMode::Writeback);
        assert_eq!(mode("wt"), CacheMode::WriteThrough);
        assert_eq!(mode("WB"), CacheMode::WriteThrough);
        assert_eq!(options(&[]).cache_mode(), CacheMode::WriteThrough);
        let t = |v: &str| options(&["-t", v]).transport;
        assert_eq!(
            (t("rdma"), t("loop"), t("tcpx")),
            (Transport::Rdma, Transport::Loop, Transport::Tcp)
        );
    }

    #[test]
    fn port_is_atoi_and_host_is_shared_with_interface() {
        let port = |p: &str| options(&["-P", p]).port;
        assert_eq!(port("4420"), Some(4420));
        assert_eq!(port("x"), Some(0));
        assert_eq!(port(" -3z"), Some(-3));
        assert_eq!(port("4294967297"), Some(1));
        assert_eq!(options(&[]).port, None);
        let o = options(&["-H", "nqn.host", "-i", "eth0"]);
        assert_eq!(
            (o.host.as_slice(), o.action),
            (&b"eth0"[..], Some(Action::EnableNvmePort))
        );
        assert_eq!(options(&["-i", "eth0", "-H", "h"]).host, b"h");
    }

    #[test]
    fn immediate_options_stop_parsing() {
        assert_eq!(run(&["-l", "-h", "-z"]), Parsed::Help);
        assert_eq!(run(&["-g", "-v", "-a"]), Parsed::Version);
        assert_eq!(run(&["-V"]), Parsed::Usage { diagnostic: None });
        assert_eq!(run(&["-?x"]), Parsed::Usage { diagnostic: None });
        // an invalid option before -h wins
        assert_eq!(
            run(&["-z", "-h"]),
            Parsed::Usage {
                diagnostic: Some(b"rapiddisk: invalid option -- 'z'".to_vec())
            }
        );
    }

    #[test]
    fn long_options_take_values_and_unknown_ones_are_refused() {
        let o = options(&["--adrfam=ipv6", "-i", "lo", "-P", "1"]);
        assert_eq!(o.adrfam.as_deref(), Some(&b"ipv6"[..]));
        let o = options(&["-e", "--dhchap-key", "/k", "--dhchap-ctrl-key=/c"]);
        assert_eq!(
            (o.dhchap_key.as_deref(), o.dhchap_ctrl_key.as_deref()),
            (Some(&b"/k"[..]), Some(&b"/c"[..]))
        );
        assert_eq!(
            run(&["--dhchap"]),
            Parsed::Usage {
                // an unknown long option keeps getopt(3)'s old diagnostic
                diagnostic: Some(b"rapiddisk: invalid option -- '-'".to_vec())
            }
        );
        assert_eq!(
            run(&["-e", "--adrfam"]),
            Parsed::Usage {
                diagnostic: Some(b"rapiddisk: option '--adrfam' requires an argument".to_vec())
            }
        );
    }

    #[test]
    fn flags() {
        let o = options(&["-gj"]);
        assert!(o.no_header && o.json);
    }
}
