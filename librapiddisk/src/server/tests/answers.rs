//! Answers of the routes on fixture trees, against spec Appendix A.7, and
//! what is logged.

use super::*;

const MALFORMED: &str =
    r#"{"status": "Failed", "message": "Error: wrong number of arguments or malformed URL."}"#;
const UNSUPPORTED: &str = r#"{"status": "Failed", "message": "Unsupported."}"#;

fn check(r: &Response, status: u16, want: &str) {
    assert_eq!((r.status, body(r)), (status, want));
    assert_eq!(r.content_type, None, "upstream routes send no Content-Type");
}

#[test]
fn appendix_a7_answers() {
    let tree = tree(&["rd0"]);
    let (s, _) = server(&tree, None);
    check(
        &ask(&s, "GET", "/v1/checkServiceStatus"),
        200,
        r#"{"status": "OK", "version": "9.2.0"}"#,
    );
    check(
        &ask(&s, "GET", "/v1/showRapidDiskCacheStats/rc-wt_x"),
        400,
        r#"{"status": "Failed", "message": "Can't get device status."}"#,
    );
    check(
        &ask(&s, "GET", "/v1/showRapidDiskCacheStats"),
        400,
        MALFORMED,
    );
    check(&ask(&s, "GET", "/v1/foo"), 400, UNSUPPORTED);
    check(&ask(&s, "GET", "/v1/checkServiceStatus/"), 400, UNSUPPORTED);
    let attached = r#"{"status": "Success", "message": "Attached device rd1 of size 128 Mbytes."}"#;
    check(&ask(&s, "POST", "/v1/createRapidDisk/128"), 200, attached);
    assert_eq!(mgmt_text(&tree), "rapiddisk attach 1 134217728\n");
    check(&ask(&s, "POST", "/v1/createRapidDisk128"), 200, attached);
    check(&ask(&s, "POST", "/v1/createRapidDisk/"), 400, MALFORMED);
    check(
        &ask(&s, "POST", "/v1/createRapidDisk/abc"),
        200,
        r#"{"status": "Failed", "message": "Not a number."}"#,
    );
    check(&ask(&s, "POST", "/v1/createRapidDisk/1/2"), 400, MALFORMED);
    check(
        &ask(&s, "POST", "/v1/createRapidDisk/99999999999999999999999"),
        200,
        r#"{"status": "Failed", "message": "Invalid size."}"#,
    );
    check(
        &ask(&s, "POST", "/v1/removeRapidDisk/rd9"),
        200,
        r#"{"status": "Failed", "message": "Error. Device rd9 does not exist."}"#,
    );
    check(&ask(&s, "POST", "/v1/resizeRapidDisk/rd0"), 400, MALFORMED);
    check(
        &ask(&s, "POST", "/v1/createRapidDiskCache/rd0/sdz/writeback"),
        400,
        r#"{"status": "Failed", "message": "Invalid cache mode in URL."}"#,
    );
    check(&ask(&s, "POST", "/v1/bar"), 400, UNSUPPORTED);
    check(
        &ask(&s, "PUT", "/v1/checkServiceStatus"),
        400,
        r#"{"status": "Failed"}"#,
    );
    check(
        &ask(&s, "HEAD", "/v1/checkServiceStatus"),
        400,
        r#"{"status": "Failed"}"#,
    );
}

#[test]
fn disk_actions_on_fixtures() {
    let tree = tree(&["rd0", "rd1"]);
    let (s, _) = server(&tree, None);
    let failed = |m: &str| format!(r#"{{"status": "Failed", "message": "{m}"}}"#);
    let ok = |m: &str| format!(r#"{{"status": "Success", "message": "{m}"}}"#);
    check(
        &ask(&s, "POST", "/v1/removeRapidDisk/rd1"),
        200,
        &ok("Detached device rd1."),
    );
    assert_eq!(mgmt_text(&tree), "rapiddisk detach 1\n");
    // a fixture node is a file: the ioctls fail with the command's message
    let no_ioctl = "Inappropriate ioctl for device";
    check(
        &ask(&s, "POST", "/v1/lockRapidDisk/rd0"),
        200,
        &failed(&format!("mem_device_lock: ioctl: {no_ioctl}")),
    );
    check(
        &ask(&s, "POST", "/v1/unlockRapidDisk/rd7"),
        200,
        &failed("Error. Device rd7 does not exist."),
    );
    check(
        &ask(&s, "POST", "/v1/flushRapidDisk/rd0"),
        200,
        &failed(&format!("mem_device_flush: ioctl: {no_ioctl}")),
    );
    check(
        &ask(&s, "POST", "/v1/resizeRapidDisk/rd0/abc"),
        200,
        &failed("Not a number."),
    );
    check(
        &ask(&s, "POST", "/v1/resizeRapidDisk/rd0/128"),
        200,
        &failed(&format!("mem_device_resize: ioctl: {no_ioctl}")),
    );
    check(
        &ask(&s, "POST", "/v1/removeRapidDiskCache/rc-wt_sdb"),
        200,
        &failed("Error. Cache target rc-wt_sdb does not exist."),
    );
    // the source is /dev/ + one segment
    check(
        &ask(
            &s,
            "POST",
            "/v1/createRapidDiskCache/rd0/nosuch/write-around",
        ),
        200,
        &failed("cache_device_map: open: No such file or directory"),
    );
    check(
        &ask(&s, "POST", "/v1/createRapidDiskCache/rd5/sdb/write-back"),
        200,
        &failed("Error. Device rd5 does not exist."),
    );
}

#[test]
fn without_ram_disks() {
    let tree = tree(&[]);
    let (s, _) = server(&tree, None);
    check(
        &ask(&s, "GET", "/v1/listRapidDiskVolumes"),
        200,
        r#"{"volumes": [{"rapiddisk": []}, {"rapiddisk_cache": []}]}"#,
    );
    // no "no devices" pre-check on remove; resize answers a bare Failed
    check(
        &ask(&s, "POST", "/v1/removeRapidDisk/rd0"),
        200,
        r#"{"status": "Failed", "message": "Error. Device rd0 does not exist."}"#,
    );
    check(
        &ask(&s, "POST", "/v1/resizeRapidDisk/rd0/64"),
        200,
        r#"{"status": "Failed"}"#,
    );
    // a size of 0 is not refused by the daemon (the kernel decides)
    check(
        &ask(&s, "POST", "/v1/createRapidDisk/0"),
        200,
        r#"{"status": "Success", "message": "Attached device rd0 of size 0 Mbytes."}"#,
    );
}

#[test]
fn lists_and_discovery_failures() {
    let tree = tree(&["rd0"]);
    let (s, _) = server(&tree, None);
    let r = ask(&s, "GET", "/v1/listRapidDiskVolumes");
    assert_eq!(r.status, 200);
    assert!(
        body(&r).starts_with(
            r#"{"volumes": [{"rapiddisk": [{"device": "rd0", "size": 67108864, "usage": "#
        ),
        "{}",
        body(&r)
    );
    let r = ask(&s, "GET", "/v1/listAllResources");
    assert!(
        body(&r).starts_with(r#"{"resources": [{"memory": [{"mem_total": "#),
        "{}",
        body(&r)
    );
    // /dev/mapper gone: every discovery fails, answered 200 Failed
    std::fs::remove_dir(tree.roots.dev.join("mapper")).unwrap();
    let failed = r#"{"status": "Failed", "message": "search_cache_targets: scandir: No such file or directory"}"#;
    check(&ask(&s, "GET", "/v1/listRapidDiskVolumes"), 200, failed);
    check(&ask(&s, "POST", "/v1/createRapidDisk/64"), 200, failed);
    check(&ask(&s, "POST", "/v1/lockRapidDisk/rd0"), 200, failed);
}

#[test]
fn nvme_listings_answer_the_not_loaded_message() {
    let tree = tree(&[]);
    let (s, _) = server(&tree, None);
    let want = r#"{"status": "Failed", "message": "The NVMe Target subsystem is not loaded. Please load the nvmet and nvmet-tcp (or nvme-loop) kernel modules and ensure that the kernel user configuration filesystem is mounted."}"#;
    check(&ask(&s, "GET", "/v1/listAllNVMeTargets"), 200, want);
    check(&ask(&s, "GET", "/v1/listAllNVMePortsXYZ"), 200, want);
}

#[test]
fn log_lines_and_priorities() {
    let tree = tree(&["rd0"]);
    let (s, memory) = server(&tree, None);
    ask(&s, "GET", "/v1/checkServiceStatus");
    ask(&s, "POST", "/v1/createRapidDisk/128");
    ask(&s, "POST", "/v1/removeRapidDisk/rd2");
    ask(&s, "POST", "/v1/createRapidDisk/99999999999999999999999");
    ask(&s, "GET", "/v1/foo");
    ask(&s, "PUT", "/v1/foo");
    ask(&s, "POST", "/v1/lockRapidDisk/rd%s%n");
    assert_eq!(
        stderr(&memory),
        "rapiddiskd: Received request '/v1/checkServiceStatus'.\n\
         rapiddiskd: Received request '/v1/createRapidDisk'.\n\
         rapiddiskd: Attached device rd1 of size 128 Mbytes.\n\
         rapiddiskd: Received request '/v1/removeRapidDisk'.\n\
         rapiddiskd: Error. Device rd2 does not exist.\n\
         rapiddiskd: Received request '/v1/createRapidDisk'.\n\
         rapiddiskd: Invalid size., Numerical result out of range\n\
         rapiddiskd: Unsupported.\n\
         rapiddiskd: Received request '/v1/lockRapidDisk'.\n\
         rapiddiskd: Error. Device rd%s%n does not exist.\n"
    );
    use Priority::{Err, Info};
    let want: Vec<(Priority, String)> = [
        (Info, "Attached device rd1 of size 128 Mbytes."),
        (Err, "Error. Device rd2 does not exist."),
        (Err, "Invalid size., Numerical result out of range"),
        (Err, "Unsupported."),
        (Err, "Error. Device rd%s%n does not exist."),
    ]
    .iter()
    .map(|(p, m)| (*p, m.to_string()))
    .collect();
    assert_eq!(syslog(&memory), want);
}

#[test]
fn quiet_without_verbose() {
    let tree = tree(&["rd0"]);
    let memory = Arc::new(Memory::default());
    let log = Arc::new(Log {
        sink: memory.clone(),
        verbose: false,
    });
    let s = Server::new(tree.roots.clone(), log, None);
    ask(&s, "POST", "/v1/createRapidDisk/1");
    assert_eq!(stderr(&memory), "");
    assert_eq!(syslog(&memory).len(), 1);
}

#[test]
fn token_guards_every_route_and_changes_nothing() {
    let tree = tree(&["rd0"]);
    let (s, _) = server(&tree, Some("t0k"));
    let with = |auth: Option<&str>, method: &str, path: &str| {
        s.respond(&Request {
            method: method.as_bytes(),
            path: path.as_bytes(),
            authorization: auth.map(str::as_bytes),
        })
    };
    let refused = r#"{"status": "Failed", "message": "Unauthorized."}"#;
    for auth in [
        None,
        Some("Bearer nope"),
        Some("Basic t0k"),
        Some("Bearer t0k2"),
    ] {
        let r = with(auth, "POST", "/v1/createRapidDisk/64");
        assert_eq!((r.status, body(&r)), (401, refused), "{auth:?}");
        assert_eq!(r.authenticate, Some("Bearer"));
        assert_eq!(mgmt_text(&tree), "", "nothing was sent to the kernel");
        assert_eq!(with(auth, "GET", "/metrics").status, 401);
        assert_eq!(with(auth, "GET", "/v1/checkServiceStatus").status, 401);
    }
    let r = with(Some("Bearer t0k"), "POST", "/v1/createRapidDisk/64");
    assert_eq!(r.status, 200);
    assert_eq!(mgmt_text(&tree), "rapiddisk attach 1 67108864\n");
}

#[test]
fn own_routes_have_content_types() {
    let tree = tree(&[]);
    let (s, _) = server(&tree, None);
    let r = ask(&s, "GET", "/v1/openapi.json");
    assert_eq!((r.status, r.content_type), (200, Some("application/json")));
    assert!(body(&r).contains("\"openapi\": \"3."));
    let r = ask(&s, "GET", "/metrics");
    assert_eq!(
        r.content_type,
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
}

#[test]
fn nvme_routes_on_a_tree_with_nvmet() {
    let tree = tree(&["rd0"]);
    let root = tree.roots.sys.join("kernel/config/nvmet");
    for d in ["ports/1/subsystems", "subsystems", "hosts"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::write(root.join("ports/1/addr_trtype"), "tcp\n").unwrap();
    std::fs::write(root.join("ports/1/addr_traddr"), "127.0.0.1\n").unwrap();
    let (s, _) = server(&tree, None);
    check(
        &ask(&s, "GET", "/v1/listAllNVMePorts"),
        200,
        r#"{"targets": [{"nvmet_ports": [{"port": 1, "address": "127.0.0.1", "protocol": "tcp"}]}]}"#,
    );
    check(
        &ask(&s, "GET", "/v1/listAllNVMeTargets"),
        200,
        r#"{"targets": [{"nvmet_targets": []}]}"#,
    );
    check(
        &ask(&s, "POST", "/v1/removeNVMePort/3"),
        200,
        r#"{"status": "Failed", "message": "Error. NVMe Target Port 3 does not exist."}"#,
    );
    check(
        &ask(&s, "POST", "/v1/exportNVMeTarget/rd7/all/any"),
        200,
        r#"{"status": "Failed", "message": "Error. Device rd7 does not exist."}"#,
    );
    // a plain directory is no configfs: the new subsystem has no
    // attributes, the first write fails and the subsystem goes again
    let r = ask(&s, "POST", "/v1/exportNVMeTarget/rd0/1/any");
    assert!(
        body(&r).contains("allowed_hosts. nvmet_export_volume: scandir: No such file or directory"),
        "{}",
        body(&r)
    );
    assert_eq!(
        std::fs::read_dir(root.join("subsystems")).unwrap().count(),
        0
    );
    check(
        &ask(&s, "POST", "/v1/createNVMePort/1/lo/tcp"),
        200,
        r#"{"status": "Failed", "message": "Error. NVMe Target Port 1 already exists."}"#,
    );
    // rmdir of a plain directory holding files: refused and reported
    check(
        &ask(&s, "POST", "/v1/removeNVMePort/1"),
        200,
        r#"{"status": "Failed", "message": "Error. Unable to remove port. nvmet_disable_port: rmdir: Directory not empty"}"#,
    );
}

#[test]
fn save_and_restore_answer_with_the_commands_messages() {
    let tree = tree(&["rd0"]);
    let (s, _) = server(&tree, None);
    // the fixture has no ioctls: the read-only state cannot be read
    let r = ask(&s, "POST", "/v1/saveConfiguration");
    assert_eq!(r.status, 200);
    assert_eq!(
        body(&r),
        r#"{"status": "Failed", "message": "Error. Unable to save: the read-only state of rd0 cannot be read."}"#
    );
    let r = ask(
        &s,
        "POST",
        "/v1/restoreConfiguration/rapiddisk-rs-test-missing.json",
    );
    assert_eq!(
        body(&r),
        r#"{"status": "Failed", "message": "Error. Unable to read /etc/rapiddisk/rapiddisk-rs-test-missing.json: No such file or directory."}"#
    );
}
