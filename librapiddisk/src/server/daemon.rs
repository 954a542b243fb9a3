//! Start-up and shutdown of `rapiddiskd` (spec §6.2), in upstream's order:
//! real-uid root check, options, module check, single instance, detach,
//! pid file, signals, HTTP; then wait for a stop signal. Everything the
//! process touches comes in through [`Env`], so host tests run it on
//! fixture trees in the foreground.

use super::detach::detach;
use super::http::{self, Http};
use super::log::{Log, Priority, Sink};
use super::options::{self, Outcome};
use super::{instance, signals, Server};
use crate::discover::Roots;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the daemon runs.
#[derive(Clone)]
pub struct Env {
    pub roots: Roots,
    /// The real user id (upstream checks `getuid`, not the effective one).
    pub uid: u32,
    /// `/proc`, scanned for other instances.
    pub proc_dir: PathBuf,
    /// `/run/rapiddiskd.pid`
    pub pid_file: PathBuf,
    /// `/tmp`, where a detached verbose daemon writes its stdout/stderr.
    pub log_dir: PathBuf,
    pub posixly_correct: bool,
    /// syslog (the real one is opened as `rapiddiskd`, LOG_PID, LOG_DAEMON).
    pub sink: Arc<dyn Sink>,
}

/// A started daemon.
pub struct Running {
    http: Http,
    log: Arc<Log>,
    pid_file: PathBuf,
}

const EXITING: &[u8] = b"Daemon exiting.";

/// Runs the daemon with `argv` (argv[0] included) until a stop signal;
/// returns the exit status.
pub fn main(argv: &[Vec<u8>], env: &Env, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    match start(argv, env, stdout, stderr) {
        Ok(running) => {
            let signal = signals::wait();
            running.log_signal(&signal);
            running.stop()
        }
        Err(status) => status,
    }
}

/// Everything up to serving. `Err` is the exit status of a refused start
/// (what to say has been said).
pub fn start(
    argv: &[Vec<u8>],
    env: &Env,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Running, u8> {
    if env.uid != 0 {
        let _ = stderr
            .write_all(b"\nYou must be root or contain sudo permissions to initiate this\n\n");
        return Err(243);
    }
    let argv0 = argv.first().map_or(&b"rapiddiskd"[..], |a| a.as_slice());
    let parsed = options::parse(
        argv0,
        argv.get(1..).unwrap_or_default(),
        env.posixly_correct,
    );
    for d in &parsed.diagnostics {
        let _ = stderr.write_all(&[&d[..], b"\n"].concat());
    }
    let o = match parsed.outcome {
        Outcome::Run(o) => o,
        Outcome::Help => {
            return Err(print(
                stdout,
                &[&options::version(), options::HELP].concat(),
            ))
        }
        Outcome::Version => return Err(print(stdout, &options::version())),
        Outcome::Fail(msg) => {
            if !msg.is_empty() {
                let _ = stderr.write_all(&[&msg[..], b"\n"].concat());
            }
            return Err(1);
        }
    };
    let log = Arc::new(Log {
        sink: env.sink.clone(),
        verbose: o.verbose,
    });
    let refuse = |why: &[u8]| {
        log.line(Priority::Err, why);
        log.line(Priority::Err, EXITING);
        255
    };
    if crate::startup::require_modules(&env.roots).is_err() {
        return Err(refuse(b"main, The needed modules are not loaded..."));
    }
    match instance::count(&env.proc_dir, b"rapiddiskd") {
        Ok(n) if n <= 1 => {}
        _ => return Err(refuse(b"main, The daemon is already running...")),
    }
    // this project's options: read while the terminal can still be told
    let config = match config(&o) {
        Ok(config) => config,
        Err(why) => {
            let _ = stderr.write_all(&[why.as_bytes(), b"\n"].concat());
            return Err(refuse(why.as_bytes()));
        }
    };
    let ready = if o.foreground {
        None
    } else {
        match detach(&log, &env.log_dir) {
            Ok(ready) => Some(ready),
            Err(e) => {
                let why = format!("Unable to daemonize: {}.", crate::error::strerror(&e));
                return Err(refuse(why.as_bytes()));
            }
        }
    };
    write_pid_file(&log, env);
    log.line(Priority::Info, b"Starting daemon...");
    signals::block();
    let server = Arc::new(Server::new(env.roots.clone(), log.clone(), config.token));
    let http = match Http::start(server, &config.http) {
        Ok(http) => http,
        Err(e) => {
            let why = format!(
                "Error creating MHD Daemon: {}, mgmt_thread.",
                crate::error::strerror(&e)
            );
            let _ = std::fs::remove_file(&env.pid_file);
            return Err(refuse(why.as_bytes()));
        }
    };
    if let Some(ready) = ready {
        ready.notify();
    }
    Ok(Running {
        http,
        log,
        pid_file: env.pid_file.clone(),
    })
}

fn print(stdout: &mut dyn Write, text: &str) -> u8 {
    let _ = stdout.write_all(text.as_bytes());
    0
}

/// What the options configure beyond the port.
struct Config {
    http: http::Config,
    token: Option<Vec<u8>>,
}

fn config(o: &options::Options) -> Result<Config, String> {
    let mut http = http::Config::new(o.port);
    http.address = o.listen;
    let read = |p: &PathBuf| {
        std::fs::read(p).map_err(|e| format!("{}: {}", p.display(), crate::error::strerror(&e)))
    };
    if let Some(tls) = &o.tls {
        http.tls = Some((read(&tls.cert)?, read(&tls.key)?));
    }
    let token = match &o.token_file {
        Some(path) => Some(super::auth::read_token(path)?),
        None => None,
    };
    Ok(Config { http, token })
}

/// `<pid>\n`; a failure is only logged.
fn write_pid_file(log: &Log, env: &Env) {
    let path = env.pid_file.display();
    let mut file = match std::fs::File::create(&env.pid_file) {
        Ok(file) => file,
        Err(_) => {
            return log.line(
                Priority::Err,
                format!("Impossible to open pidfile {path}.").as_bytes(),
            )
        }
    };
    if writeln!(file, "{}", std::process::id()).is_err() {
        log.line(
            Priority::Err,
            format!("Impossible to write to pidfile {path}.").as_bytes(),
        );
    }
}

impl Running {
    /// The port being served.
    pub fn port(&self) -> u16 {
        self.http.port()
    }

    /// The stop signal's log lines; stderr gets one whether verbose or not.
    fn log_signal(&self, signal: &str) {
        let line = format!("Signal_handler function, SIGNAL received: {signal}.");
        self.log
            .sink
            .stderr(format!("rapiddiskd: {line}\n").as_bytes());
        self.log.sink.syslog(Priority::Info, line.as_bytes());
    }

    /// Stops serving, says so, removes the pid file; exit status 0.
    pub fn stop(self) -> u8 {
        drop(self.http);
        self.log.line(
            Priority::Info,
            b"Daemon loop function exiting: mgmt_thread.",
        );
        if let Err(e) = std::io::stdout().flush() {
            let why = format!("Error flushing file descriptors: {e}, main.");
            self.log.line(Priority::Err, why.as_bytes());
        }
        self.log.line(Priority::Info, EXITING);
        let _ = std::fs::remove_file(&self.pid_file);
        0
    }
}
