//! `rapiddiskd`: the REST daemon of rapiddisk-rs. Everything it does is in
//! librapiddisk (`server`); this only hands over the real environment.

use rapiddisk::server::daemon::{main as run, Env};
use rapiddisk::server::log;
use rapiddisk::Roots;
use std::os::unix::ffi::OsStringExt;
use std::sync::Arc;

fn main() {
    let argv: Vec<Vec<u8>> = std::env::args_os().map(|a| a.into_vec()).collect();
    let env = Env {
        roots: Roots::default(),
        // SAFETY: getuid cannot fail and has no arguments.
        uid: unsafe { libc::getuid() },
        proc_dir: "/proc".into(),
        pid_file: "/run/rapiddiskd.pid".into(),
        log_dir: "/tmp".into(),
        posixly_correct: std::env::var_os("POSIXLY_CORRECT").is_some(),
        sink: Arc::new(log::System::open()),
    };
    // not locked: the HTTP threads log to stderr while main waits
    let status = run(&argv, &env, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(i32::from(status));
}
