//! The C interface against fixture trees, called as C calls it: return
//! values, last errors, buffers, and documents equal to the command's.

use super::call::TEST_ROOTS;
use super::*;
use crate::fixture::Tree;
use core::ffi::{c_char, c_int, CStr};
use std::ffi::CString;
use std::ptr;

/// Both modules loaded, rd0 and rd2 (64 MiB), mapping rc-wt_sdb on rd0;
/// the calls of this thread run against it.
fn loaded() -> Tree {
    let tree = Tree::new()
        .file("sys/kernel/rapiddisk/mgmt", b"")
        .file("sys/module/rapiddisk_cache/refcnt", b"0\n")
        .block("rd0", 131072)
        .block("rd2", 131072)
        .mapping("rc-wt_sdb", "dm-0", &["rd0", "sdb"]);
    use_tree(&tree);
    tree
}

fn use_tree(tree: &Tree) {
    TEST_ROOTS.with(|r| *r.borrow_mut() = Some(tree.roots.clone()));
}

fn last_error() -> String {
    // SAFETY: never NULL, valid until the next call on this thread.
    let text = unsafe { CStr::from_ptr(rapiddisk_last_error()) };
    text.to_str().unwrap().to_string()
}

fn mgmt(tree: &Tree) -> String {
    String::from_utf8(std::fs::read(tree.roots.mgmt()).unwrap()).unwrap()
}

/// What `rapiddisk -j ARGS` prints on the tree, without the newline.
fn command_json(tree: &Tree, args: &[&str]) -> (u8, Vec<u8>) {
    let argv: Vec<&str> = std::iter::once("-j").chain(args.iter().copied()).collect();
    let (code, mut out, _) = tree.run_cli(0, &argv);
    assert_eq!(out.pop(), Some(b'\n'));
    (code, out)
}

/// Calls a document function; returns its value and the document.
fn document(f: impl FnOnce(*mut *mut c_char) -> c_int) -> (c_int, Option<Vec<u8>>) {
    let mut out: *mut c_char = c"garbage".as_ptr().cast_mut();
    let rc = f(&mut out);
    if out.is_null() {
        return (rc, None);
    }
    // SAFETY: a NUL-terminated document of the library, freed once.
    let text = unsafe { CStr::from_ptr(out) }.to_bytes().to_vec();
    unsafe { rapiddisk_free(out) };
    (rc, Some(text))
}

#[test]
fn null_arguments_are_einval_before_anything_is_done() {
    // no fixture roots: anything past the argument checks would fail
    // differently
    let einval = -libc::EINVAL;
    let mut out: *mut c_char;
    // SAFETY (all calls): NULL or valid pointers, as the contract allows.
    unsafe {
        assert_eq!(rapiddisk_detach(ptr::null()), einval);
        assert_eq!(last_error(), "rapiddisk_detach: rd is NULL");
        assert_eq!(rapiddisk_resize(ptr::null(), 64), einval);
        assert_eq!(rapiddisk_flush(ptr::null()), einval);
        assert_eq!(rapiddisk_lock(ptr::null(), 1), einval);
        let mode = RAPIDDISK_WRITE_THROUGH;
        let name = ptr::null_mut();
        assert_eq!(
            rapiddisk_map(ptr::null(), c"/dev/sdb".as_ptr(), mode, name, 0),
            einval
        );
        assert_eq!(last_error(), "rapiddisk_map: rd is NULL");
        assert_eq!(
            rapiddisk_map(c"rd0".as_ptr(), ptr::null(), mode, name, 0),
            einval
        );
        assert_eq!(last_error(), "rapiddisk_map: source is NULL");
        assert_eq!(rapiddisk_unmap(ptr::null()), einval);
        assert_eq!(rapiddisk_list_json(ptr::null_mut()), einval);
        assert_eq!(last_error(), "rapiddisk_list_json: out is NULL");
        assert_eq!(rapiddisk_resources_json(ptr::null_mut()), einval);
        out = c"garbage".as_ptr().cast_mut();
        assert_eq!(rapiddisk_stats_json(ptr::null(), &mut out), einval);
        assert_eq!(last_error(), "rapiddisk_stats_json: name is NULL");
        assert_eq!(
            rapiddisk_stats_json(c"rc-wt_sdb".as_ptr(), ptr::null_mut()),
            einval
        );
        assert!(out.is_null());
        rapiddisk_free(ptr::null_mut());
    }
}

#[test]
fn a_panic_is_an_error_not_an_unwind() {
    // without fixture roots the discovery of a test panics
    // SAFETY: NULL name is allowed.
    let rc = unsafe { rapiddisk_attach(64, ptr::null_mut(), 0) };
    assert_eq!(rc, -libc::EIO);
    assert!(last_error().starts_with("librapiddisk: internal error: "));
}

#[test]
fn attach_writes_the_name_and_clears_the_last_error() {
    let tree = loaded();
    // SAFETY: NULL is allowed.
    assert_eq!(unsafe { rapiddisk_detach(ptr::null()) }, -libc::EINVAL);
    let mut name = [0x55 as c_char; RAPIDDISK_NAME_MAX];
    // SAFETY: the buffer has the length given.
    let rc = unsafe { rapiddisk_attach(64, name.as_mut_ptr(), name.len()) };
    assert_eq!((rc, last_error()), (0, String::new()));
    // SAFETY: the call wrote a NUL-terminated name.
    assert_eq!(unsafe { CStr::from_ptr(name.as_ptr()) }, c"rd1");
    assert_eq!(mgmt(&tree), "rapiddisk attach 1 67108864\n");
}

#[test]
fn small_name_buffer_is_erange_and_nothing_is_attached_or_mapped() {
    let tree = loaded();
    let mut name = [0 as c_char; RAPIDDISK_NAME_MAX - 1];
    // SAFETY: the buffer has the length given.
    let rc = unsafe { rapiddisk_attach(64, name.as_mut_ptr(), name.len()) };
    assert_eq!(rc, -libc::ERANGE);
    assert_eq!(
        last_error(),
        "rapiddisk_attach: the name buffer holds 127 bytes, 128 are needed"
    );
    let (rd, src) = (c"rd2".as_ptr(), c"/dev/sdc".as_ptr());
    // SAFETY: valid strings and buffer.
    let rc = unsafe { rapiddisk_map(rd, src, RAPIDDISK_WRITE_AROUND, name.as_mut_ptr(), 3) };
    assert_eq!(rc, -libc::ERANGE);
    assert_eq!(mgmt(&tree), "");
    assert_eq!(name, [0; RAPIDDISK_NAME_MAX - 1]);
}

#[test]
fn sizes_are_mib_and_zero_is_invalid() {
    let tree = loaded();
    // SAFETY: NULL name is allowed.
    let rc = unsafe { rapiddisk_attach(0, ptr::null_mut(), 0) };
    assert_eq!(rc, -libc::EINVAL);
    assert_eq!(
        last_error(),
        "Error. Invalid argument(s) or values entered."
    );
    // SAFETY: as above.
    let rc = unsafe { rapiddisk_attach(u64::MAX, ptr::null_mut(), 0) };
    assert_eq!(rc, -libc::EINVAL);
    // SAFETY: a valid string.
    let rc = unsafe { rapiddisk_resize(c"rd2".as_ptr(), 0) };
    assert_eq!(rc, -libc::EINVAL);
    assert_eq!(mgmt(&tree), "");
    // SAFETY: NULL name is allowed.
    assert_eq!(unsafe { rapiddisk_attach(1024, ptr::null_mut(), 0) }, 0);
    assert_eq!(mgmt(&tree), "rapiddisk attach 1 1073741824\n");
}

#[test]
fn failures_carry_the_commands_value_and_message() {
    let _tree = loaded();
    // SAFETY (all calls): valid strings.
    unsafe {
        assert_eq!(rapiddisk_detach(c"rd9".as_ptr()), -1);
        assert_eq!(last_error(), "Error. Device rd9 does not exist.");
        assert_eq!(rapiddisk_detach(c"rd0".as_ptr()), -1);
        assert_eq!(
            last_error(),
            "Error. Unable to remove rd0. This RapidDisk device is currently mapped as a cache drive to rc-wt_sdb."
        );
        assert_eq!(rapiddisk_flush(c"rd0".as_ptr()), -libc::EBUSY);
        assert_eq!(rapiddisk_resize(c"rd9".as_ptr(), 128), -libc::ENOENT);
        assert_eq!(rapiddisk_lock(c"rd9".as_ptr(), 1), -libc::ENOENT);
        assert_eq!(rapiddisk_unmap(c"rc-wt_sdz".as_ptr()), -libc::ENOENT);
        assert_eq!(
            last_error(),
            "Error. Cache target rc-wt_sdz does not exist."
        );
        let name = ptr::null_mut();
        let src = c"/dev/sdb".as_ptr();
        assert_eq!(
            rapiddisk_map(c"rd2".as_ptr(), src, 3, name, 0),
            -libc::EINVAL
        );
        assert_eq!(last_error(), "rapiddisk_map: unknown mode 3");
        let rc = rapiddisk_map(c"rd2".as_ptr(), src, RAPIDDISK_WRITE_THROUGH, name, 0);
        assert_eq!(rc, -1);
        assert_eq!(
            last_error(),
            "Error. At least one of your cache/source devices is currently mapped to rc-wt_sdb."
        );
        // no dm-writecache module in the fixture
        let rc = rapiddisk_map(
            c"rd2".as_ptr(),
            c"/dev/sdc".as_ptr(),
            RAPIDDISK_WRITEBACK,
            name,
            0,
        );
        assert_eq!(rc, -1);
        assert_eq!(
            last_error(),
            "Please ensure that the dm-writecache module is loaded and retry."
        );
    }
}

#[test]
fn names_need_not_be_utf8() {
    let _tree = loaded();
    let rd = CString::new(b"rd\xff".to_vec()).unwrap();
    // SAFETY: a valid string.
    assert_eq!(unsafe { rapiddisk_detach(rd.as_ptr()) }, -1);
    // SAFETY: never NULL.
    let msg = unsafe { CStr::from_ptr(rapiddisk_last_error()) };
    assert_eq!(msg.to_bytes(), b"Error. Device rd\xff does not exist.");
}

#[test]
fn modules_are_checked_by_every_call() {
    let tree = Tree::new();
    use_tree(&tree);
    // SAFETY: a valid string; NULL name is allowed.
    unsafe {
        assert_eq!(rapiddisk_flush(c"rd0".as_ptr()), -1);
        assert_eq!(
            last_error(),
            "Please ensure that the RapidDisk module is loaded and retry."
        );
        assert_eq!(rapiddisk_attach(64, ptr::null_mut(), 0), -1);
    }
    assert_eq!(document(|o| unsafe { rapiddisk_list_json(o) }), (-1, None));
}

#[test]
fn documents_are_the_commands_json() {
    let tree = loaded();
    let (code, list) = command_json(&tree, &["-l"]);
    assert_eq!(code, 0);
    // SAFETY (all calls): valid pointers.
    assert_eq!(
        document(|o| unsafe { rapiddisk_list_json(o) }),
        (0, Some(list.clone()))
    );
    let list = String::from_utf8(list).unwrap();
    assert!(list.starts_with(r#"{"volumes": [{"rapiddisk": [{"device": "rd"#));
    assert!(list.contains(
        r#"{"device": "rc-wt_sdb", "cache": "rd0", "source": "sdb", "mode": "write-through"}"#
    ));
    // device-mapper does not know the fixture's mapping: no counters
    let (code, stats) = command_json(&tree, &["-s", "rc-wt_sdb"]);
    assert_eq!(code, 0);
    assert_eq!(stats, br#"{"statistics": [{"cache_stats": []}]}"#);
    let name = c"rc-wt_sdb".as_ptr();
    assert_eq!(
        document(|o| unsafe { rapiddisk_stats_json(name, o) }),
        (0, Some(stats))
    );
    let name = c"rc-wt_sdz".as_ptr();
    assert_eq!(
        document(|o| unsafe { rapiddisk_stats_json(name, o) }),
        (-1, None)
    );
    assert_eq!(
        last_error(),
        "Error. Cache target rc-wt_sdz does not exist."
    );
    let (rc, res) = document(|o| unsafe { rapiddisk_resources_json(o) });
    assert_eq!(rc, 0);
    let res = String::from_utf8(res.unwrap()).unwrap();
    assert!(
        res.starts_with(r#"{"resources": [{"memory": [{"mem_total": "#),
        "{res}"
    );
    assert!(res.ends_with(r#"}]}, {"volumes": []}]}"#), "{res}");
}

#[test]
fn list_without_ram_disks_is_enoent() {
    let tree = Tree::new()
        .file("sys/kernel/rapiddisk/mgmt", b"")
        .file("sys/module/rapiddisk_cache/refcnt", b"0\n");
    use_tree(&tree);
    // SAFETY: a valid pointer.
    assert_eq!(
        document(|o| unsafe { rapiddisk_list_json(o) }),
        (-libc::ENOENT, None)
    );
    assert_eq!(last_error(), "Unable to locate any RapidDisk devices.");
    assert_eq!(command_json(&tree, &["-l"]).0, -libc::ENOENT as u8);
    assert_eq!(
        document(|o| unsafe { rapiddisk_stats_json(c"rc-wt_sdb".as_ptr(), o) }).0,
        -1
    );
    assert_eq!(last_error(), "No RapidDisk-Cache Mappings exist.");
}

#[test]
fn version_is_the_packages() {
    // SAFETY: a static string.
    let v = unsafe { CStr::from_ptr(rapiddisk_version()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    assert_eq!(v, c"9.2.0");
}

#[test]
fn nvmet_calls_check_arguments_first() {
    let einval = -libc::EINVAL;
    // SAFETY (all calls): NULL or valid pointers, as the contract allows.
    unsafe {
        assert_eq!(rapiddisk_nvmet_ports_json(ptr::null_mut()), einval);
        assert_eq!(rapiddisk_nvmet_targets_json(ptr::null_mut()), einval);
        let (tcp, auto) = (RAPIDDISK_NVME_TCP, RAPIDDISK_ADRFAM_AUTO);
        assert_eq!(
            rapiddisk_nvmet_port_enable(1, ptr::null(), tcp, auto),
            einval
        );
        assert_eq!(last_error(), "rapiddisk_nvmet_port_enable: iface is NULL");
        assert_eq!(
            rapiddisk_nvmet_port_enable(1, c"lo".as_ptr(), 7, auto),
            einval
        );
        assert_eq!(
            rapiddisk_nvmet_port_enable(1, c"lo".as_ptr(), tcp, 9),
            einval
        );
        let none = ptr::null();
        assert_eq!(rapiddisk_nvmet_export(none, 1, none, none, none), einval);
        assert_eq!(last_error(), "rapiddisk_nvmet_export: device is NULL");
        assert_eq!(rapiddisk_nvmet_unexport(none, 1, none), einval);
        assert_eq!(rapiddisk_nvmet_revalidate(none), einval);
    }
}

#[test]
fn nvmet_documents_and_failures_are_the_commands() {
    let tree = loaded();
    // SAFETY (all calls): valid pointers.
    unsafe {
        let (rc, doc) = document(|o| rapiddisk_nvmet_ports_json(o));
        assert_eq!((rc, doc), (-1, None));
        assert!(last_error().starts_with("The NVMe Target subsystem is not loaded."));
        assert_eq!(
            rapiddisk_nvmet_export(c"rd0".as_ptr(), -1, ptr::null(), ptr::null(), ptr::null()),
            -1
        );
        assert!(last_error().starts_with("The NVMe Target subsystem is not loaded."));
    }
    let tree = tree
        .file("sys/kernel/config/nvmet/ports/2/addr_trtype", b"loop\n")
        .file("sys/kernel/config/nvmet/ports/2/addr_traddr", b"\n");
    std::fs::create_dir_all(tree.roots.sys.join("kernel/config/nvmet/subsystems")).unwrap();
    std::fs::create_dir_all(
        tree.roots
            .sys
            .join("kernel/config/nvmet/ports/2/subsystems"),
    )
    .unwrap();
    use_tree(&tree);
    for (call, args) in [
        (
            rapiddisk_nvmet_ports_json as unsafe extern "C" fn(*mut *mut c_char) -> c_int,
            "-N",
        ),
        (rapiddisk_nvmet_targets_json, "-n"),
    ] {
        // SAFETY: a valid out pointer.
        let (rc, doc) = document(|o| unsafe { call(o) });
        let (code, want) = command_json(&tree, &[args]);
        assert_eq!((rc, code), (0, 0));
        assert_eq!(doc.unwrap(), want, "{args}");
    }
    // SAFETY: valid strings.
    let rc = unsafe {
        rapiddisk_nvmet_export(c"rd9".as_ptr(), 2, ptr::null(), ptr::null(), ptr::null())
    };
    assert_eq!(
        (rc, last_error().as_str()),
        (-1, "Error. Device rd9 does not exist.")
    );
    assert_eq!(rapiddisk_nvmet_port_disable(5), -1);
    assert_eq!(last_error(), "Error. NVMe Target Port 5 does not exist.");
}

#[test]
fn save_and_restore_answer_as_the_command() {
    let tree = loaded();
    let dir = tree.roots.sys.parent().unwrap().join("etc/rapiddisk");
    std::fs::create_dir_all(&dir).unwrap();
    let file = CString::new(dir.join("r.json").to_str().unwrap()).unwrap();
    // SAFETY (all calls): valid pointers.
    unsafe {
        // the fixture has no ioctls: the read-only states cannot be read
        assert_eq!(rapiddisk_save(file.as_ptr()), -libc::EIO);
        assert_eq!(
            last_error(),
            "Error. Unable to save: the read-only state of rd0 cannot be read."
        );
        assert!(!dir.join("r.json").exists());
        assert_eq!(rapiddisk_restore(file.as_ptr()), -libc::ENOENT);
        assert_eq!(
            last_error(),
            format!(
                "Error. Unable to read {}: No such file or directory.",
                file.to_str().unwrap()
            )
        );
        std::fs::write(
            dir.join("r.json"),
            br#"{"version": 1, "ram_disks": [], "cache_mappings": []}"#,
        )
        .unwrap();
        assert_eq!(rapiddisk_restore(file.as_ptr()), 0);
        assert_eq!(last_error(), "");
        std::fs::write(dir.join("r.json"), br#"{"version": 2}"#).unwrap();
        assert_eq!(rapiddisk_restore(file.as_ptr()), -libc::EINVAL);
        assert!(last_error()
            .ends_with("format version 2 is newer than this rapiddisk reads (version 1)."));
    }
}
