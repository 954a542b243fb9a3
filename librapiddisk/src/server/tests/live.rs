//! A real daemon (start-up sequence and libmicrohttpd) in the foreground on
//! 127.0.0.1, against fixture trees.

use super::super::daemon::{start, Env, Running};
use super::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

fn env(tree: &Tree, proc_dir: &Path, memory: Arc<Memory>) -> Env {
    Env {
        roots: tree.roots.clone(),
        uid: 0,
        proc_dir: proc_dir.to_path_buf(),
        pid_file: tree.roots.dev.join("rapiddiskd.pid"),
        log_dir: tree.roots.dev.clone(),
        posixly_correct: false,
        sink: memory,
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// start() with `args`; the exit status, stdout and stderr of a refusal.
fn started(env: &Env, args: &[&str]) -> Result<Running, (u8, String, String)> {
    let argv: Vec<Vec<u8>> = std::iter::once("rapiddiskd")
        .chain(args.iter().copied())
        .map(|a| a.as_bytes().to_vec())
        .collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    start(&argv, env, &mut out, &mut err).map_err(|status| {
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (status, text(out), text(err))
    })
}

/// One raw HTTP/1.1 request; the whole answer (the daemon closes).
fn http(port: u16, request: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).unwrap();
    String::from_utf8(answer).unwrap()
}

fn split(answer: &str) -> (&str, Vec<&str>, &str) {
    let (head, body) = answer.split_once("\r\n\r\n").expect("a header block");
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap();
    (status, lines.collect(), body)
}

fn get(port: u16, method: &str, path: &str) -> String {
    http(
        port,
        &format!("{method} {path} HTTP/1.1\r\nHost: x\r\n\r\n"),
    )
}

#[test]
fn serves_with_upstream_headers_and_bodies() {
    let tree = tree(&["rd0"]);
    let procs = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::default());
    let env = env(&tree, procs.path(), memory.clone());
    let port = free_port();
    let running = started(&env, &["-d", "-p", &port.to_string()])
        .map_err(|e| e.0)
        .unwrap();
    assert_eq!(running.port(), port);
    let pid = std::fs::read_to_string(&env.pid_file).unwrap();
    assert_eq!(pid, format!("{}\n", std::process::id()));

    let answer = get(port, "GET", "/v1/checkServiceStatus?x=1");
    let (status, headers, body) = split(&answer);
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert_eq!(body, r#"{"status": "OK", "version": "9.2.0"}"#);
    assert!(headers.contains(&"Connection: close"), "{headers:?}");
    assert!(headers.contains(&"Content-Length: 36"), "{headers:?}");
    assert!(
        headers.iter().any(|h| h.starts_with("Date: ")),
        "{headers:?}"
    );
    assert!(!headers
        .iter()
        .any(|h| h.to_ascii_lowercase().starts_with("content-type")));
    assert_eq!(headers.len(), 3, "{headers:?}");

    let answer = get(port, "HEAD", "/v1/checkServiceStatus");
    let (status, headers, body) = split(&answer);
    assert_eq!((status, body), ("HTTP/1.1 400 Bad Request", ""));
    assert!(headers.contains(&"Content-Length: 20"), "{headers:?}");

    let answer = get(port, "POST", "/v1/createRapidDisk/128");
    let (status, _, body) = split(&answer);
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert_eq!(
        body,
        r#"{"status": "Success", "message": "Attached device rd1 of size 128 Mbytes."}"#
    );
    // %XX is decoded before matching: %2F splits, %2E%2E is refused
    let answer = get(port, "POST", "/v1/removeRapidDisk/rd0%2Frd1");
    let (status, _, body) = split(&answer);
    assert_eq!(status, "HTTP/1.1 400 Bad Request");
    assert!(body.contains("malformed URL"), "{body}");
    let answer = get(port, "POST", "/v1/removeRapidDisk/%2E%2E");
    assert_eq!(split(&answer).0, "HTTP/1.1 400 Bad Request");
    // %00 is not decoded, so it cannot cut a name short
    let answer = get(port, "POST", "/v1/removeRapidDisk/rd0%00x");
    assert_eq!(
        split(&answer).2,
        r#"{"status": "Failed", "message": "Error. Device rd0%00x does not exist."}"#
    );
    // a body on a GET is not read
    let answer = http(
        port,
        "GET /v1/checkServiceStatus HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
    );
    assert_eq!(split(&answer).2, r#"{"status": "OK", "version": "9.2.0"}"#);
    // an over-long URL is the library's 414, and the daemon goes on
    let long = format!("/v1/removeRapidDisk/{}", "a".repeat(65536));
    let answer = get(port, "POST", &long);
    assert!(
        answer.starts_with("HTTP/1.1 414"),
        "{}",
        &answer[..40.min(answer.len())]
    );
    assert!(split(&get(port, "GET", "/v1/checkServiceStatus"))
        .0
        .ends_with("200 OK"));
    // a request line that is no request: closed without an answer
    assert_eq!(http(port, "GARBAGE\r\n\r\n"), "");
    // metrics carry the counts
    let metrics = get(port, "GET", "/metrics");
    assert!(metrics.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
    assert!(
        metrics
            .contains("rapiddiskd_requests_total{route=\"/v1/checkServiceStatus\",code=\"200\"} 3"),
        "{metrics}"
    );

    assert_eq!(running.stop(), 0);
    assert!(!env.pid_file.exists(), "the pid file is removed");
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "no longer listening"
    );
    let err = stderr(&memory);
    assert!(err.starts_with("rapiddiskd: Starting daemon...\n"), "{err}");
    assert!(
        err.ends_with(
            "rapiddiskd: Daemon loop function exiting: mgmt_thread.\nrapiddiskd: Daemon exiting.\n"
        ),
        "{err}"
    );
}

#[test]
fn concurrent_requests_and_serialized_changes() {
    let tree = tree(&["rd0"]);
    let procs = tempfile::tempdir().unwrap();
    let env = env(&tree, procs.path(), Arc::new(Memory::default()));
    let port = free_port();
    let running = started(
        &env,
        &["-p", &port.to_string(), "--listen", "127.0.0.1", "-d"],
    )
    .map_err(|e| e.0)
    .unwrap();
    // a stalled client holds only its own connection
    let mut stalled = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stalled.write_all(b"GET /v1/check").unwrap();
    let threads: Vec<_> = (0..16)
        .map(|i| {
            std::thread::spawn(move || {
                let path = if i % 2 == 0 {
                    "/v1/createRapidDisk/8"
                } else {
                    "/v1/listRapidDiskVolumes"
                };
                let method = if i % 2 == 0 { "POST" } else { "GET" };
                split(&get(port, method, path)).0.to_string()
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), "HTTP/1.1 200 OK");
    }
    drop(stalled);
    assert_eq!(running.stop(), 0);
}

#[test]
fn refusals_at_start() {
    let tree = tree(&[]);
    let procs = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::default());
    let mut env = env(&tree, procs.path(), memory.clone());
    env.uid = 1000;
    let (status, _, err) = started(&env, &["-d"]).err().unwrap();
    assert_eq!(
        (status, err.as_str()),
        (
            243,
            "\nYou must be root or contain sudo permissions to initiate this\n\n"
        )
    );
    env.uid = 0;
    let (status, out, _) = started(&env, &["-v"]).err().unwrap();
    assert_eq!(status, 0);
    assert!(
        out.starts_with("rapiddiskd 9.2.0\n") && out.ends_with("\n\n"),
        "{out}"
    );
    let (status, _, err) = started(&env, &["-p", "70000"]).err().unwrap();
    assert_eq!(
        (status, err.as_str()),
        (1, "The provided port number should be > 0 and <= 65535.\n")
    );
    // a second instance (two processes called rapiddiskd, itself included)
    for pid in ["100", "200"] {
        std::fs::create_dir(procs.path().join(pid)).unwrap();
        std::fs::write(
            procs.path().join(pid).join("stat"),
            format!("{pid} (rapiddiskd) S 1"),
        )
        .unwrap();
    }
    let (status, _, _) = started(&env, &["-d"]).err().unwrap();
    assert_eq!(status, 255);
    assert_eq!(
        stderr(&memory),
        "rapiddiskd: main, The daemon is already running...\nrapiddiskd: Daemon exiting.\n"
    );
    std::fs::remove_dir_all(procs.path().join("200")).unwrap();
    // the modules
    std::fs::remove_dir_all(tree.roots.sys.join("module/rapiddisk_cache")).unwrap();
    let memory = Arc::new(Memory::default());
    env.sink = memory.clone();
    let (status, _, _) = started(&env, &["-d"]).err().unwrap();
    assert_eq!(status, 255);
    assert_eq!(
        stderr(&memory),
        "rapiddiskd: main, The needed modules are not loaded...\nrapiddiskd: Daemon exiting.\n"
    );
    assert_eq!(
        syslog(&memory),
        [
            (
                Priority::Err,
                "main, The needed modules are not loaded...".to_string()
            ),
            (Priority::Err, "Daemon exiting.".to_string())
        ]
    );
}

#[test]
fn busy_port_and_bad_tls_fail_at_err() {
    let tree = tree(&[]);
    let procs = tempfile::tempdir().unwrap();
    let memory = Arc::new(Memory::default());
    let env = env(&tree, procs.path(), memory.clone());
    let holder = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let port = holder.local_addr().unwrap().port().to_string();
    let (status, _, _) = started(&env, &["-d", "-p", &port]).err().unwrap();
    assert_eq!(status, 255);
    let lines = syslog(&memory);
    assert!(
        lines.contains(&(
            Priority::Err,
            "Error creating MHD Daemon: Address already in use, mgmt_thread.".into()
        )),
        "{lines:?}"
    );
    assert!(!env.pid_file.exists());
    // files that are no certificate and key
    let cert = tree.roots.dev.join("cert.pem");
    std::fs::write(&cert, "not a certificate").unwrap();
    let c = cert.to_str().unwrap();
    let (status, _, _) = started(
        &env,
        &[
            "-d",
            "-p",
            &free_port().to_string(),
            "--tls-cert",
            c,
            "--tls-key",
            c,
        ],
    )
    .err()
    .unwrap();
    assert_eq!(status, 255);
    // a token file others can read
    let token = tree.roots.dev.join("token");
    std::fs::write(&token, "t").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (status, _, err) = started(&env, &["-d", "--token-file", token.to_str().unwrap()])
        .err()
        .unwrap();
    assert_eq!(status, 255);
    assert!(
        err.contains("must not be accessible to group or others"),
        "{err}"
    );
}
