//! `rapiddisk`: manages RAM disks and RAM caches. Everything it does is in
//! librapiddisk; this only hands over the real environment.

use rapiddisk::cli::{run, Env};
use rapiddisk::Roots;
use std::os::unix::ffi::OsStringExt;

fn main() {
    let argv: Vec<Vec<u8>> = std::env::args_os().map(|a| a.into_vec()).collect();
    let env = Env {
        roots: Roots::default(),
        // SAFETY: geteuid cannot fail and has no arguments.
        euid: unsafe { libc::geteuid() },
        posixly_correct: std::env::var_os("POSIXLY_CORRECT").is_some(),
    };
    let status = run(
        &argv,
        &env,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(i32::from(status));
}
