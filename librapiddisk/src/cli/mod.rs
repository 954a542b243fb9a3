//! The `rapiddisk` command (spec §4): start-up checks, options, discovery,
//! one action, output in text or JSON. The binary only supplies the real
//! environment; tests supply fixture trees.

mod config;
pub(crate) mod getopt;
mod help;
mod longs;
mod options;

pub use options::{parse, Action, Options, Parsed, Transport, OPTSTRING};

use crate::discover::Roots;
use crate::error::Error;
use crate::json::render;
use crate::nvmet::{self, AddressFamily, Export, Nvmet, PortRequest, SecretFile, Unexport};
use crate::ops::{writeback_missing, Done, System};
use crate::{resources, startup, text};
use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Where the command runs.
#[derive(Debug, Clone)]
pub struct Env {
    pub roots: Roots,
    /// The effective user id.
    pub euid: u32,
    /// POSIXLY_CORRECT is set: options end at the first non-option.
    pub posixly_correct: bool,
}

/// Output of a run: normal output goes to stdout, only the start-up module
/// messages and getopt's diagnostics to stderr.
pub(crate) struct Out<'a> {
    stdout: &'a mut dyn Write,
    json: bool,
}

impl Out<'_> {
    fn bytes(&mut self, bytes: &[u8]) {
        // a closed stdout is not worth a panic; the exit status still tells
        let _ = self.stdout.write_all(bytes);
    }

    /// A message line, or the JSON status object; returns the exit status.
    fn message(&mut self, code: i32, message: &[u8]) -> u8 {
        if self.json {
            self.bytes(&render::status(code, message));
        } else {
            self.bytes(message);
        }
        self.bytes(b"\n");
        code as u8
    }

    fn failure(&mut self, err: &Error) -> u8 {
        self.message(err.code(), err.message())
    }

    fn outcome(&mut self, result: crate::Result<Done>) -> u8 {
        match result {
            Ok(done) => self.message(0, &done.message),
            Err(err) => self.failure(&err),
        }
    }

    /// A data document (list, statistics, resources): text as is, JSON
    /// with a newline. Exit 0.
    fn data(&mut self, text: &[u8], json: &[u8]) -> u8 {
        if self.json {
            self.bytes(json);
            self.bytes(b"\n");
        } else {
            self.bytes(text);
        }
        0
    }
}

/// Runs `rapiddisk` with `argv` (argv[0] included) and returns the exit
/// status.
pub fn run(argv: &[Vec<u8>], env: &Env, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    if let Err(err) = startup::require_root(env.euid) {
        let _ = stdout.write_all(&[err.message(), b"\n"].concat());
        return err.exit_status();
    }
    let modules = match startup::require_modules(&env.roots) {
        Ok(modules) => modules,
        Err(err) => {
            let _ = stderr.write_all(&[err.message(), b"\n"].concat());
            return err.exit_status();
        }
    };
    let argv0 = argv.first().map_or(&b"rapiddisk"[..], |a| a.as_slice());
    let args = argv.get(1..).unwrap_or_default();
    let header = help::header();
    let mut out = Out {
        stdout,
        json: false,
    };
    let options = match parse(argv0, args, env.posixly_correct) {
        Parsed::Run(options) => options,
        Parsed::Version => {
            out.bytes(header.as_bytes());
            return 0;
        }
        Parsed::Help => {
            out.bytes([&header, help::HELP].concat().as_bytes());
            return 0;
        }
        Parsed::Usage { diagnostic } => {
            if let Some(d) = diagnostic {
                let _ = stderr.write_all(&[&d[..], b"\n"].concat());
            }
            out.bytes([&header, help::HELP].concat().as_bytes());
            return 255;
        }
        Parsed::Refused(msg) => return out.message(-libc::EINVAL, msg.as_bytes()),
    };
    let quiet = options.no_header || options.json;
    if !quiet {
        out.bytes(header.as_bytes());
    }
    out.json = options.json;
    if options.mode == Some(crate::CacheMode::Writeback) && !modules.writeback {
        return out.failure(&writeback_missing());
    }
    let system = match System::discover(env.roots.clone(), modules) {
        Ok(system) => system,
        Err(err) => return out.failure(&err),
    };
    let Some(action) = options.action else {
        if quiet {
            out.bytes(header.as_bytes());
        }
        out.bytes(help::HELP.as_bytes());
        return 255;
    };
    if options.without_nvme && action != Action::Restore {
        return out.message(-libc::EINVAL, b"Error. --without-nvme goes with --restore.");
    }
    if matches!(action, Action::Save | Action::Restore) {
        return config::run(&system, &options, action, &mut out, stderr);
    }
    act(&system, &options, action, &mut out)
}

fn act(sys: &System, o: &Options, action: Action, out: &mut Out) -> u8 {
    let dev = &o.device[..];
    let size = o.size.as_deref().unwrap_or_default();
    match action {
        Action::Attach => out.outcome(sys.attach(size)),
        Action::Detach => out.outcome(sys.detach(dev)),
        Action::Resize => out.outcome(sys.resize(dev, size)),
        Action::Flush => out.outcome(sys.flush(dev)),
        Action::Lock => out.outcome(sys.set_locked(dev, true)),
        Action::Unlock => out.outcome(sys.set_locked(dev, false)),
        Action::Map
            if o.cache_mode() != crate::CacheMode::Writeback && !o.tunables.is_default() =>
        {
            let msg = b"Error. The writeback options need -p wb.";
            out.message(-libc::EINVAL, msg)
        }
        Action::Map => out.outcome(sys.map_tuned(dev, &o.backing, o.cache_mode(), &o.tunables)),
        Action::Unmap => out.outcome(sys.unmap(dev)),
        Action::List => match sys.list() {
            Ok((disks, maps)) => out.data(&text::list(disks, maps), &render::list(disks, maps)),
            Err(err) => out.failure(&err),
        },
        Action::Stats => stats(sys, dev, out),
        Action::Resources => match resources::resources(&sys.roots) {
            Ok(res) => out.data(&text::resources(&res), &render::resources(&res)),
            Err(err) => out.failure(&err),
        },
        nvme => nvme_action(sys, nvme, o, out),
    }
}

fn stats(sys: &System, name: &[u8], out: &mut Out) -> u8 {
    let stats = match sys.stats(name, out.json) {
        Ok(stats) => stats,
        Err(err) => return out.failure(&err),
    };
    match stats.text() {
        Some(text) => out.data(&text, &stats.json(name)),
        // upstream crashes here in text mode (quirk 27)
        None if !out.json => {
            let msg = [&b"Error. Unable to read the statistics of "[..], name, b"."].concat();
            out.message(-libc::EIO, &msg)
        }
        None => out.data(b"", &stats.json(name)),
    }
}

/// The NVMe actions (spec §4.6.12, §5): the command line's checks, then
/// the operation of [`crate::nvmet`].
fn nvme_action(sys: &System, action: Action, o: &Options, out: &mut Out) -> u8 {
    let needs_port = matches!(action, Action::EnableNvmePort | Action::DisableNvmePort);
    let needs_device = matches!(
        action,
        Action::ExportNvme | Action::UnexportNvme | Action::RevalidateNvme
    );
    let port = match (o.port, needs_port) {
        (None, true) => return out.message(-libc::EINVAL, b"Error. Invalid port number."),
        (port, _) => port,
    };
    if needs_device && o.backing.is_empty() {
        return out.failure(&Error::invalid_args());
    }
    let nvmet = Nvmet::new(&sys.roots);
    let dev = &o.backing[..];
    match action {
        Action::ListNvmePorts => match nvmet.ports() {
            Ok(p) => out.data(&nvmet::ports_text(&p), &nvmet::ports_json(&p)),
            Err(err) => out.failure(&err),
        },
        Action::ListNvme => match nvmet.targets() {
            Ok(t) => out.data(&nvmet::targets_text(&t), &nvmet::targets_json(&t)),
            Err(err) => out.failure(&err),
        },
        Action::EnableNvmePort => {
            let family = match o.adrfam.as_deref().map(AddressFamily::parse) {
                None => AddressFamily::Auto,
                Some(Some(family)) => family,
                Some(None) => {
                    let msg = b"Error. Invalid address family: use --adrfam ipv4 or ipv6.";
                    return out.message(-libc::EINVAL, msg);
                }
            };
            out.outcome(nvmet.enable_port(&PortRequest {
                port: port.unwrap_or_default(),
                interface: &o.host,
                transport: o.transport,
                family,
            }))
        }
        Action::DisableNvmePort => out.outcome(nvmet.disable_port(port.unwrap_or_default())),
        Action::ExportNvme if sys.disks.is_empty() && sys.mappings.is_empty() => {
            // upstream answers Success here (quirk 25)
            out.message(0, b"Unable to locate any RapidDisk devices.")
        }
        Action::ExportNvme => {
            let load = |file: &Option<Vec<u8>>| {
                file.as_deref()
                    .map(|f| SecretFile::load_or_generate(Path::new(OsStr::from_bytes(f))))
                    .transpose()
            };
            let (host_secret, ctrl_secret) = match (load(&o.dhchap_key), load(&o.dhchap_ctrl_key)) {
                (Ok(h), Ok(c)) => (h, c),
                (Err(err), _) | (_, Err(err)) => return out.failure(&err),
            };
            out.outcome(nvmet.export(
                sys,
                &Export {
                    device: dev,
                    port,
                    host: &o.host,
                    host_secret: host_secret.as_ref(),
                    ctrl_secret: ctrl_secret.as_ref(),
                },
            ))
        }
        Action::UnexportNvme => out.outcome(nvmet.unexport(&Unexport {
            device: dev,
            port,
            host: &o.host,
        })),
        _ => out.outcome(nvmet.revalidate(sys, dev)),
    }
}

#[cfg(test)]
mod tests;
