//! `--save[=FILE]` and `--restore[=FILE]`: the document of the current
//! configuration written to FILE, or FILE's configuration recreated.
//! Warnings (a source saved without a stable path) go to stderr.

use super::options::{Action, Options};
use super::Out;
use crate::ops::System;
use crate::persist::action::{restore_from, save_to};
use crate::persist::DEFAULT_FILE;
use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

pub(super) fn run(
    sys: &System,
    o: &Options,
    action: Action,
    out: &mut Out,
    stderr: &mut dyn Write,
) -> u8 {
    let file = o.config_file.as_deref().unwrap_or(DEFAULT_FILE.as_bytes());
    let path = Path::new(OsStr::from_bytes(file));
    let result = if action == Action::Save {
        save_to(sys, path, &mut |w| {
            let _ = writeln!(stderr, "{w}");
        })
    } else {
        restore_from(sys, path, !o.without_nvme)
    };
    match result {
        Ok(msg) => out.message(0, msg.as_bytes()),
        Err((code, msg)) => out.message(code, msg.as_bytes()),
    }
}
