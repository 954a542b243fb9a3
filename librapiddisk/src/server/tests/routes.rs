//! Every row of the route table (spec §6.4) and its quirks.

use super::super::route::{route, Action, Refusal, OTHER_METHOD, UNSUPPORTED};
use crate::model::CacheMode;

fn action(method: &str, path: &str) -> Result<Action, Refusal> {
    route(method.as_bytes(), path.as_bytes()).action
}

fn get(path: &str) -> Result<Action, Refusal> {
    action("GET", path)
}

fn post(path: &str) -> Result<Action, Refusal> {
    action("POST", path)
}

fn b(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

#[test]
fn exact_get_routes() {
    assert_eq!(get("/v1/checkServiceStatus"), Ok(Action::CheckStatus));
    assert_eq!(get("/v1/listAllResources"), Ok(Action::ListResources));
    assert_eq!(get("/v1/listRapidDiskVolumes"), Ok(Action::ListVolumes));
    assert_eq!(get("/metrics"), Ok(Action::Metrics));
    assert_eq!(get("/v1/openapi.json"), Ok(Action::OpenApi));
    // exact means exact: a trailing slash or more text is no route
    for p in [
        "/v1/checkServiceStatus/",
        "/v1/checkServiceStatusX",
        "/v1/listAllResources/x",
        "/v1/listRapidDiskVolumes/",
        "/metrics/",
        "/v1/checkservicestatus",
        "v1/checkServiceStatus",
        "",
        "/",
    ] {
        assert_eq!(get(p), Err(Refusal::Unsupported), "{p}");
    }
}

#[test]
fn prefix_get_routes() {
    let stats = |n: &str| Ok(Action::CacheStats(b(n)));
    assert_eq!(get("/v1/showRapidDiskCacheStats/rc-wt_x"), stats("rc-wt_x"));
    assert_eq!(
        get("/v1/showRapidDiskCacheStats/rc-wt_x/"),
        stats("rc-wt_x")
    );
    assert_eq!(get("/v1/showRapidDiskCacheStatsrc-wa_y"), stats("rc-wa_y"));
    assert_eq!(get("/v1/showRapidDiskCacheStats"), Err(Refusal::Malformed));
    assert_eq!(get("/v1/showRapidDiskCacheStats/"), Err(Refusal::Malformed));
    assert_eq!(
        get("/v1/showRapidDiskCacheStats/a/b"),
        Err(Refusal::Malformed)
    );
    // the NVMe listings take no arguments and match any continuation
    assert_eq!(get("/v1/listAllNVMeTargets"), Ok(Action::ListNvmeTargets));
    assert_eq!(
        get("/v1/listAllNVMeTargets/x/y"),
        Ok(Action::ListNvmeTargets)
    );
    assert_eq!(get("/v1/listAllNVMePorts"), Ok(Action::ListNvmePorts));
    assert_eq!(get("/v1/listAllNVMePortsXYZ"), Ok(Action::ListNvmePorts));
}

#[test]
fn post_routes_with_their_argument_counts() {
    assert_eq!(
        post("/v1/createRapidDisk/128"),
        Ok(Action::CreateDisk(b("128")))
    );
    assert_eq!(
        post("/v1/createRapidDisk128"),
        Ok(Action::CreateDisk(b("128")))
    );
    assert_eq!(
        post("/v1/createRapidDisk/abc"),
        Ok(Action::CreateDisk(b("abc")))
    );
    assert_eq!(post("/v1/createRapidDisk/"), Err(Refusal::Malformed));
    assert_eq!(post("/v1/createRapidDisk"), Err(Refusal::Malformed));
    assert_eq!(post("/v1/createRapidDisk/1/2"), Err(Refusal::Malformed));
    assert_eq!(
        post("/v1/removeRapidDisk/rd9"),
        Ok(Action::RemoveDisk(b("rd9")))
    );
    assert_eq!(
        post("/v1/removeRapidDisk//rd0//"),
        Ok(Action::RemoveDisk(b("rd0")))
    );
    assert_eq!(
        post("/v1/resizeRapidDisk/rd0/256"),
        Ok(Action::ResizeDisk(b("rd0"), b("256")))
    );
    assert_eq!(post("/v1/resizeRapidDisk/rd0"), Err(Refusal::Malformed));
    assert_eq!(post("/v1/resizeRapidDisk/rd0/1/2"), Err(Refusal::Malformed));
    assert_eq!(
        post("/v1/flushRapidDisk/rd1"),
        Ok(Action::FlushDisk(b("rd1")))
    );
    assert_eq!(post("/v1/flushRapidDisk"), Err(Refusal::Malformed));
    assert_eq!(
        post("/v1/removeRapidDiskCache/rc-wt_sdb"),
        Ok(Action::RemoveCache(b("rc-wt_sdb")))
    );
    assert_eq!(post("/v1/lockRapidDisk/rd0"), Ok(Action::Lock(b("rd0"))));
    assert_eq!(
        post("/v1/unlockRapidDisk/rd0"),
        Ok(Action::Unlock(b("rd0")))
    );
    assert_eq!(post("/v1/lockRapidDisk/"), Err(Refusal::Malformed));
    assert_eq!(post("/v1/unlockRapidDisk/a/b"), Err(Refusal::Malformed));
}

#[test]
fn cache_routes_and_their_policy_words() {
    let cache = |rd: &str, src: &str, mode| Ok(Action::CreateCache(b(rd), b(src), mode));
    let p = "/v1/createRapidDiskCache/rd0/sdb/";
    assert_eq!(
        post(&format!("{p}write-through")),
        cache("rd0", "sdb", CacheMode::WriteThrough)
    );
    assert_eq!(
        post(&format!("{p}write-around")),
        cache("rd0", "sdb", CacheMode::WriteAround)
    );
    assert_eq!(
        post(&format!("{p}write-back")),
        cache("rd0", "sdb", CacheMode::Writeback)
    );
    // the documented "writeback" is not the word the routes take
    for bad in ["writeback", "wt", "WRITE-THROUGH", "write-back2"] {
        assert_eq!(post(&format!("{p}{bad}")), Err(Refusal::CacheMode), "{bad}");
    }
    assert_eq!(
        post("/v1/createRapidDiskCache/rd0/sdb"),
        Err(Refusal::Malformed)
    );
    assert_eq!(
        post("/v1/createRapidDiskCache/rd0/mapper/x/write-back"),
        Err(Refusal::Malformed)
    );
    // the Cache routes are not the disk routes
    assert_eq!(post("/v1/createRapidDiskCache/1"), Err(Refusal::Malformed));
    assert_eq!(
        post("/v1/removeRapidDiskCache/rd0"),
        Ok(Action::RemoveCache(b("rd0")))
    );
}

#[test]
fn every_occurrence_of_the_prefix_is_removed() {
    assert_eq!(
        post("/v1/createRapidDisk/64/v1/createRapidDisk"),
        Ok(Action::CreateDisk(b("64")))
    );
    assert_eq!(
        post("/v1/removeRapidDisk/rd1/v1/removeRapidDisk/"),
        Ok(Action::RemoveDisk(b("rd1")))
    );
}

#[test]
fn dot_arguments_are_malformed() {
    // libmicrohttpd decodes %2E%2E and %2F before matching
    assert_eq!(post("/v1/removeRapidDisk/.."), Err(Refusal::Malformed));
    assert_eq!(post("/v1/removeRapidDisk/."), Err(Refusal::Malformed));
    assert_eq!(post("/v1/removeRapidDisk/../rd0"), Err(Refusal::Malformed));
    assert_eq!(
        post("/v1/createRapidDiskCache/rd0/../write-through"),
        Err(Refusal::Malformed)
    );
    assert_eq!(
        get("/v1/showRapidDiskCacheStats/.."),
        Err(Refusal::Malformed)
    );
    // dots inside a name are a name
    assert_eq!(
        post("/v1/removeRapidDisk/..rd0"),
        Ok(Action::RemoveDisk(b("..rd0")))
    );
}

#[test]
fn methods_and_wrong_method_for_a_route() {
    for m in [
        "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "get", "Post", "",
    ] {
        let r = route(m.as_bytes(), b"/v1/checkServiceStatus");
        assert_eq!(
            (r.route, r.action),
            (OTHER_METHOD, Err(Refusal::Method)),
            "{m}"
        );
    }
    // a GET route asked with POST and the other way round
    assert_eq!(post("/v1/checkServiceStatus"), Err(Refusal::Unsupported));
    assert_eq!(get("/v1/createRapidDisk/64"), Err(Refusal::Unsupported));
    assert_eq!(post("/v1/bar").unwrap_err(), Refusal::Unsupported);
    assert_eq!(route(b"GET", b"/v1/foo").route, UNSUPPORTED);
}

#[test]
fn route_names_are_the_route_constants() {
    // the remove route is named as itself (upstream logged the cache one)
    assert_eq!(
        route(b"POST", b"/v1/removeRapidDisk/rd0").route,
        "/v1/removeRapidDisk"
    );
    assert_eq!(
        route(b"POST", b"/v1/createRapidDisk128").route,
        "/v1/createRapidDisk"
    );
    assert_eq!(
        route(b"GET", b"/v1/showRapidDiskCacheStats").route,
        "/v1/showRapidDiskCacheStats"
    );
}

#[test]
fn openapi_document_lists_every_route() {
    let doc = include_str!("../../../../docs/openapi.json");
    for (method, path) in super::super::route::all() {
        let key = format!("\"{path}");
        let at = doc
            .find(&key)
            .unwrap_or_else(|| panic!("{path} not in the document"));
        let rest = &doc[at..];
        let method = format!("\"{}\"", method.to_lowercase());
        let next_path = rest[1..].find("\"/").unwrap_or(rest.len());
        assert!(rest[..next_path].contains(&method), "{method} {path}");
    }
}

#[test]
fn unescape_decodes_all_but_nul() {
    let run = |s: &str| {
        let mut b = s.as_bytes().to_vec();
        let n = super::super::route::unescape(&mut b);
        String::from_utf8_lossy(&b[..n]).into_owned()
    };
    assert_eq!(
        run("/v1/removeRapidDisk/%2E%2E%2frd0"),
        "/v1/removeRapidDisk/../rd0"
    );
    assert_eq!(run("rd0%00x"), "rd0%00x");
    assert_eq!(run("a%20b%zz%4"), "a b%zz%4");
    assert_eq!(run("%25%32%35"), "%25");
    assert_eq!(run(""), "");
}

#[test]
fn nvme_post_routes_take_whole_segments_and_checked_ports() {
    use crate::nvmet::Transport;
    assert_eq!(
        post("/v1/createNVMePort/1/lo/tcp"),
        Ok(Action::CreateNvmePort(1, b("lo"), Transport::Tcp))
    );
    assert_eq!(
        post("/v1/createNVMePort/65535/NULL/loop"),
        Ok(Action::CreateNvmePort(65535, b("NULL"), Transport::Loop))
    );
    for bad in [
        "/v1/createNVMePort/1/lo/tcpx",
        "/v1/createNVMePort/x/lo/tcp",
        "/v1/createNVMePort/65536/lo/tcp",
        "/v1/createNVMePort/-1/lo/tcp",
        "/v1/createNVMePort/1/lo",
    ] {
        assert_eq!(post(bad), Err(Refusal::Malformed), "{bad}");
    }
    assert_eq!(
        post("/v1/createNVMePortX/1/lo/tcp"),
        Err(Refusal::Unsupported)
    );
    assert_eq!(post("/v1/removeNVMePort/7"), Ok(Action::RemoveNvmePort(7)));
    assert_eq!(
        post("/v1/exportNVMeTarget/rd0/all/any"),
        Ok(Action::ExportNvme(b("rd0"), None, Vec::new()))
    );
    assert_eq!(
        post("/v1/unexportNVMeTarget/rc-wt_sdb/2/nqn.2014-08.org.nvmexpress:uuid:1"),
        Ok(Action::UnexportNvme(
            b("rc-wt_sdb"),
            Some(2),
            b("nqn.2014-08.org.nvmexpress:uuid:1")
        ))
    );
    assert_eq!(
        post("/v1/exportNVMeTarget/rd0/all"),
        Err(Refusal::Malformed)
    );
    assert_eq!(
        post("/v1/revalidateNVMeTarget/rd0"),
        Ok(Action::RevalidateNvme(b("rd0")))
    );
    assert_eq!(
        get("/v1/revalidateNVMeTarget/rd0"),
        Err(Refusal::Unsupported)
    );
}

#[test]
fn configuration_routes_take_no_path_but_a_plain_name() {
    assert_eq!(
        post("/v1/saveConfiguration"),
        Ok(Action::SaveConfiguration(None))
    );
    assert_eq!(
        post("/v1/restoreConfiguration/old-1.json"),
        Ok(Action::RestoreConfiguration(Some(b("old-1.json"))))
    );
    for bad in [
        "/v1/saveConfiguration/.hidden",
        "/v1/saveConfiguration/a/b",
        "/v1/restoreConfiguration/..",
        "/v1/restoreConfiguration/a%20b",
    ] {
        assert_eq!(post(bad), Err(Refusal::Malformed), "{bad}");
    }
    assert_eq!(get("/v1/saveConfiguration"), Err(Refusal::Unsupported));
}
