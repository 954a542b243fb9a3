//! include/rapiddisk.h against librapiddisk's C interface (src/capi):
//! every function has the same signature on both sides, the header
//! declares exactly the functions the library exports, the constants have
//! the same values, and the header compiles as C99 and as C++.
#![allow(non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]

use rapiddisk::capi;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

#[allow(unused_imports, unused_macros)] // same_layout: no shared structs here
mod abi_common;
use abi_common::same_signature;

#[allow(improper_ctypes)]
mod fns {
    include!(concat!(env!("OUT_DIR"), "/rapiddisk_fns.rs"));
}

/// Checks the signatures and returns the names checked.
macro_rules! signatures {
    ($($name:ident: ($($arg:ty),*) -> $ret:ty = $rust:path;)*) => {{
        same_signature! { $($name: ($($arg),*) -> $ret = $rust;)* }
        [$(stringify!($name)),*].into_iter().map(String::from).collect::<BTreeSet<_>>()
    }};
}

fn checked() -> BTreeSet<String> {
    use core::ffi::{c_char, c_int};
    use fns::{rapiddisk_adrfam, rapiddisk_mode, rapiddisk_transport};
    signatures! {
        rapiddisk_attach: (u64, *mut c_char, usize) -> c_int = capi::rapiddisk_attach;
        rapiddisk_detach: (*const c_char) -> c_int = capi::rapiddisk_detach;
        rapiddisk_resize: (*const c_char, u64) -> c_int = capi::rapiddisk_resize;
        rapiddisk_flush: (*const c_char) -> c_int = capi::rapiddisk_flush;
        rapiddisk_lock: (*const c_char, c_int) -> c_int = capi::rapiddisk_lock;
        rapiddisk_map: (*const c_char, *const c_char, rapiddisk_mode, *mut c_char, usize) -> c_int = capi::rapiddisk_map;
        rapiddisk_unmap: (*const c_char) -> c_int = capi::rapiddisk_unmap;
        rapiddisk_list_json: (*mut *mut c_char) -> c_int = capi::rapiddisk_list_json;
        rapiddisk_stats_json: (*const c_char, *mut *mut c_char) -> c_int = capi::rapiddisk_stats_json;
        rapiddisk_resources_json: (*mut *mut c_char) -> c_int = capi::rapiddisk_resources_json;
        rapiddisk_free: (*mut c_char) -> () = capi::rapiddisk_free;
        rapiddisk_last_error: () -> *const c_char = capi::rapiddisk_last_error;
        rapiddisk_version: () -> *const c_char = capi::rapiddisk_version;
        rapiddisk_nvmet_ports_json: (*mut *mut c_char) -> c_int = capi::rapiddisk_nvmet_ports_json;
        rapiddisk_nvmet_targets_json: (*mut *mut c_char) -> c_int = capi::rapiddisk_nvmet_targets_json;
        rapiddisk_nvmet_port_enable: (c_int, *const c_char, rapiddisk_transport, rapiddisk_adrfam) -> c_int = capi::rapiddisk_nvmet_port_enable;
        rapiddisk_nvmet_port_disable: (c_int) -> c_int = capi::rapiddisk_nvmet_port_disable;
        rapiddisk_nvmet_export: (*const c_char, c_int, *const c_char, *const c_char, *const c_char) -> c_int = capi::rapiddisk_nvmet_export;
        rapiddisk_nvmet_unexport: (*const c_char, c_int, *const c_char) -> c_int = capi::rapiddisk_nvmet_unexport;
        rapiddisk_nvmet_revalidate: (*const c_char) -> c_int = capi::rapiddisk_nvmet_revalidate;
        rapiddisk_save: (*const c_char) -> c_int = capi::rapiddisk_save;
        rapiddisk_restore: (*const c_char) -> c_int = capi::rapiddisk_restore;
    }
}

/// The identifiers that follow `marker` in `text` (`pub fn NAME(`).
fn names_after(text: &str, marker: &str) -> BTreeSet<String> {
    text.match_indices(marker)
        .map(|(i, _)| {
            let rest = &text[i + marker.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            rest[..end].to_string()
        })
        .collect()
}

#[test]
fn functions_match_the_header() {
    let checked = checked();
    assert_eq!(checked.len(), 22);
    // every function bindgen found in the header is compared above
    let header = include_str!(concat!(env!("OUT_DIR"), "/rapiddisk_fns.rs"));
    assert_eq!(names_after(header, "pub fn "), checked);
}

#[test]
fn the_library_exports_what_the_header_declares() {
    // every #[no_mangle] function of src/capi, which are all the library
    // exports (nm -D of the .so shows exactly these)
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("librapiddisk/src/capi");
    let mut exported = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let text = text.replace(
            "#[no_mangle]\npub unsafe extern",
            "#[no_mangle]\npub extern",
        );
        exported.extend(names_after(&text, "#[no_mangle]\npub extern \"C\" fn "));
    }
    assert_eq!(exported, checked());
}

#[test]
fn constants_match_the_header() {
    assert_eq!(
        fns::rapiddisk_mode_RAPIDDISK_WRITE_THROUGH,
        capi::RAPIDDISK_WRITE_THROUGH
    );
    assert_eq!(
        fns::rapiddisk_mode_RAPIDDISK_WRITE_AROUND,
        capi::RAPIDDISK_WRITE_AROUND
    );
    assert_eq!(
        fns::rapiddisk_mode_RAPIDDISK_WRITEBACK,
        capi::RAPIDDISK_WRITEBACK
    );
    assert_eq!(fns::RAPIDDISK_NAME_MAX as usize, capi::RAPIDDISK_NAME_MAX);
    let transports = [
        (
            fns::rapiddisk_transport_RAPIDDISK_NVME_TCP,
            capi::RAPIDDISK_NVME_TCP,
        ),
        (
            fns::rapiddisk_transport_RAPIDDISK_NVME_RDMA,
            capi::RAPIDDISK_NVME_RDMA,
        ),
        (
            fns::rapiddisk_transport_RAPIDDISK_NVME_LOOP,
            capi::RAPIDDISK_NVME_LOOP,
        ),
    ];
    let families = [
        (
            fns::rapiddisk_adrfam_RAPIDDISK_ADRFAM_AUTO,
            capi::RAPIDDISK_ADRFAM_AUTO,
        ),
        (
            fns::rapiddisk_adrfam_RAPIDDISK_ADRFAM_IPV4,
            capi::RAPIDDISK_ADRFAM_IPV4,
        ),
        (
            fns::rapiddisk_adrfam_RAPIDDISK_ADRFAM_IPV6,
            capi::RAPIDDISK_ADRFAM_IPV6,
        ),
    ];
    for (header, rust) in transports.into_iter().chain(families) {
        assert_eq!(header, rust);
    }
}

/// Compiles a file that includes the header with `compiler` and `flags`.
fn compiles(compiler: &str, flags: &[&str], source: &str) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("rapiddisk-h-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(source);
    std::fs::write(
        &file,
        "#include <rapiddisk.h>\n#include <rapiddisk.h>\nint main(void) { return rapiddisk_version() == 0; }\n",
    )
    .unwrap();
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("include");
    let out = Command::new(compiler)
        .args(flags)
        .arg("-fsyntax-only")
        .arg("-I")
        .arg(&include)
        .arg(&file)
        .output()
        .map_err(|e| format!("{compiler}: {e}"))?;
    std::fs::remove_dir_all(&dir).ok();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn header_is_strict_c99_and_cxx() {
    let strict = ["-Wall", "-Wextra", "-Werror", "-pedantic-errors"];
    let c = [&["-std=c99"][..], &strict].concat();
    compiles("cc", &c, "check.c").unwrap();
    let cxx = [&["-std=c++11"][..], &strict].concat();
    compiles("c++", &cxx, "check.cc").unwrap();
}
