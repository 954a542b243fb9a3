//! The long options of `rapiddisk`, all of this project: the tunables of
//! a writeback mapping (`-m RD -b DEV -p wb --high-watermark 60 ...`),
//! saving or restoring the configuration (`--save[=FILE]`,
//! `--restore[=FILE] [--without-nvme]`), and the NVMe port family and host secrets
//! (`--adrfam`, `--dhchap-key`, `--dhchap-ctrl-key`). Upstream's short options are unchanged; an unknown
//! `--x` still gets getopt(3)'s diagnostic.

use super::getopt::Longs;
use super::options::{Action, Options};
use crate::tunables::{FLAG_OPTIONS, VALUE_OPTIONS};

/// The NVMe options, each with a value.
const NVME_OPTIONS: [&str; 3] = ["adrfam", "dhchap-key", "dhchap-ctrl-key"];

/// `--save` and `--restore`, whose file is given as `--save=FILE`, and
/// the flag that leaves the NVMe part out of a restore.
const CONFIG_OPTIONS: [&str; 3] = ["save", "restore", "without-nvme"];

/// The long options for the scan.
pub fn spec() -> Longs<'static> {
    const OPTIONAL: [&str; 5] = [
        FLAG_OPTIONS[0],
        FLAG_OPTIONS[1],
        CONFIG_OPTIONS[0],
        CONFIG_OPTIONS[1],
        CONFIG_OPTIONS[2],
    ];
    const WITH_VALUE: [&str; 10] = [
        VALUE_OPTIONS[0],
        VALUE_OPTIONS[1],
        VALUE_OPTIONS[2],
        VALUE_OPTIONS[3],
        VALUE_OPTIONS[4],
        VALUE_OPTIONS[5],
        VALUE_OPTIONS[6],
        NVME_OPTIONS[0],
        NVME_OPTIONS[1],
        NVME_OPTIONS[2],
    ];
    Longs {
        with_value: &WITH_VALUE,
        optional: &OPTIONAL,
        unknown_as_short: true,
    }
}

/// Applies long option `name` with `value` to `o`; the error is the line
/// to print (exit status 234, invalid argument).
pub fn apply(o: &mut Options, name: &str, value: Vec<u8>) -> Result<(), String> {
    match name {
        "save" | "restore" => {
            o.action = Some(if name == "save" {
                Action::Save
            } else {
                Action::Restore
            });
            o.config_file = (!value.is_empty()).then_some(value);
            Ok(())
        }
        "without-nvme" if !value.is_empty() => {
            Err("Error. Option --without-nvme takes no value.".to_string())
        }
        "without-nvme" => {
            o.without_nvme = true;
            Ok(())
        }
        "adrfam" => {
            o.adrfam = Some(value);
            Ok(())
        }
        "dhchap-key" => {
            o.dhchap_key = Some(value);
            Ok(())
        }
        "dhchap-ctrl-key" => {
            o.dhchap_ctrl_key = Some(value);
            Ok(())
        }
        tunable => o.tunables.set_option(tunable, &value),
    }
}

#[cfg(test)]
mod tests;
