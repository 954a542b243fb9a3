//! Signals (spec §6.2 step 8): SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGINT
//! and SIGTERM stop the daemon, SIGPIPE is ignored by a no-op handler.
//! The stop signals are blocked before any thread starts (the HTTP threads
//! inherit the mask) and taken synchronously by the main thread.

use std::ffi::CStr;

const STOP: [libc::c_int; 6] = [
    libc::SIGHUP,
    libc::SIGUSR1,
    libc::SIGUSR2,
    libc::SIGALRM,
    libc::SIGINT,
    libc::SIGTERM,
];

extern "C" fn ignore(_: libc::c_int) {}

fn stop_set() -> libc::sigset_t {
    // SAFETY: sigset_t is plain data initialised by sigemptyset.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in STOP {
            libc::sigaddset(&mut set, s);
        }
        set
    }
}

/// Blocks the stop signals in this thread (and the threads it starts) and
/// installs the SIGPIPE handler.
pub fn block() {
    let set = stop_set();
    // SAFETY: valid set; a handler that does nothing is async-signal-safe.
    unsafe {
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = ignore as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGPIPE, &action, std::ptr::null_mut());
    }
}

/// Waits for a stop signal; returns its description (`Terminated`, ...).
pub fn wait() -> String {
    let set = stop_set();
    let mut signal = 0;
    // SAFETY: valid set and out pointer; strsignal returns a C string that
    // is copied at once.
    unsafe {
        while libc::sigwait(&set, &mut signal) != 0 {}
        CStr::from_ptr(libc::strsignal(signal))
            .to_string_lossy()
            .into_owned()
    }
}
