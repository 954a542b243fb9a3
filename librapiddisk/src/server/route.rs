//! Route matching (spec §6.4) as a pure function of method and URL path
//! (libmicrohttpd has already cut the query string and decoded `%XX`).
//! One table holds every route in dispatch order, so a new route (the NVMe
//! POST routes, for one) is one more row.

use crate::model::CacheMode;
use crate::nvmet::Transport;

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    CheckStatus,
    ListResources,
    ListVolumes,
    CacheStats(Vec<u8>),
    ListNvmeTargets,
    ListNvmePorts,
    Metrics,
    OpenApi,
    /// The size argument as sent (MiB, parsed by the action).
    CreateDisk(Vec<u8>),
    RemoveDisk(Vec<u8>),
    ResizeDisk(Vec<u8>, Vec<u8>),
    FlushDisk(Vec<u8>),
    CreateCache(Vec<u8>, Vec<u8>, CacheMode),
    RemoveCache(Vec<u8>),
    Lock(Vec<u8>),
    Unlock(Vec<u8>),
    CreateNvmePort(i32, Vec<u8>, Transport),
    RemoveNvmePort(i32),
    /// Device, port (`None`: every port), host (empty: any host).
    ExportNvme(Vec<u8>, Option<i32>, Vec<u8>),
    UnexportNvme(Vec<u8>, Option<i32>, Vec<u8>),
    RevalidateNvme(Vec<u8>),
    /// Save to / restore from the default document or the named file of
    /// its directory.
    SaveConfiguration(Option<Vec<u8>>),
    RestoreConfiguration(Option<Vec<u8>>),
}

/// Why a request is refused before any action (all answered with 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Neither GET nor POST: `{"status": "Failed"}`, nothing logged.
    Method,
    /// No route: `Unsupported.`
    Unsupported,
    /// Wrong number of arguments (or a `.`/`..` argument).
    Malformed,
    /// A cache policy other than the three upstream names.
    CacheMode,
}

impl Refusal {
    /// The message of the 400 answer (none for a refused method).
    pub fn message(self) -> Option<&'static str> {
        match self {
            Refusal::Method => None,
            Refusal::Unsupported => Some("Unsupported."),
            Refusal::Malformed => Some("Error: wrong number of arguments or malformed URL."),
            Refusal::CacheMode => Some("Invalid cache mode in URL."),
        }
    }
}

/// The outcome of matching: the route's name (its path constant, used in
/// the logs and the request metrics) and the action or the refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    pub route: &'static str,
    pub action: Result<Action, Refusal>,
}

/// Route name of requests no route matched.
pub const UNSUPPORTED: &str = "unsupported";
/// Route name of requests with another method than GET and POST.
pub const OTHER_METHOD: &str = "other_method";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

#[derive(Clone, Copy)]
enum Match {
    Exact,
    /// The path starts with the route; `except` is a longer route that
    /// starts the same way and is not this one.
    Prefix {
        except: Option<&'static str>,
    },
    /// The path is the route followed by `/` and the arguments (this
    /// project's routes: no prefix quirk).
    Segments,
}

/// Builds the action from the URL arguments (their count is checked).
type Build = fn(Vec<Vec<u8>>) -> Result<Action, Refusal>;

struct Row {
    method: Method,
    path: &'static str,
    matching: Match,
    args: usize,
    build: Build,
}

const fn row(
    method: Method,
    path: &'static str,
    matching: Match,
    args: usize,
    build: Build,
) -> Row {
    Row {
        method,
        path,
        matching,
        args,
        build,
    }
}

const EXACT: Match = Match::Exact;
const PREFIX: Match = Match::Prefix { except: None };

/// Every route, in upstream's dispatch order (GET first, then POST).
#[rustfmt::skip]
const ROUTES: &[Row] = &[
    row(Method::Get, "/v1/checkServiceStatus", EXACT, 0, |_| Ok(Action::CheckStatus)),
    row(Method::Get, "/v1/listAllResources", EXACT, 0, |_| Ok(Action::ListResources)),
    row(Method::Get, "/v1/listRapidDiskVolumes", EXACT, 0, |_| Ok(Action::ListVolumes)),
    row(Method::Get, "/v1/showRapidDiskCacheStats", PREFIX, 1, |a| Ok(Action::CacheStats(one(a)))),
    row(Method::Get, "/v1/listAllNVMeTargets", PREFIX, 0, |_| Ok(Action::ListNvmeTargets)),
    row(Method::Get, "/v1/listAllNVMePorts", PREFIX, 0, |_| Ok(Action::ListNvmePorts)),
    // this project's additions
    row(Method::Get, "/metrics", EXACT, 0, |_| Ok(Action::Metrics)),
    row(Method::Get, "/v1/openapi.json", EXACT, 0, |_| Ok(Action::OpenApi)),
    row(Method::Post, "/v1/createRapidDisk", Match::Prefix { except: Some("/v1/createRapidDiskCache") }, 1,
        |a| Ok(Action::CreateDisk(one(a)))),
    row(Method::Post, "/v1/removeRapidDisk", Match::Prefix { except: Some("/v1/removeRapidDiskCache") }, 1,
        |a| Ok(Action::RemoveDisk(one(a)))),
    row(Method::Post, "/v1/resizeRapidDisk", PREFIX, 2, |a| {
        let [rd, size] = <[Vec<u8>; 2]>::try_from(a).expect("two arguments");
        Ok(Action::ResizeDisk(rd, size))
    }),
    row(Method::Post, "/v1/flushRapidDisk", PREFIX, 1, |a| Ok(Action::FlushDisk(one(a)))),
    row(Method::Post, "/v1/createRapidDiskCache", PREFIX, 3, create_cache),
    row(Method::Post, "/v1/removeRapidDiskCache", PREFIX, 1, |a| Ok(Action::RemoveCache(one(a)))),
    row(Method::Post, "/v1/lockRapidDisk", PREFIX, 1, |a| Ok(Action::Lock(one(a)))),
    row(Method::Post, "/v1/unlockRapidDisk", PREFIX, 1, |a| Ok(Action::Unlock(one(a)))),
    // NVMe target management, this project's additions
    row(Method::Post, "/v1/createNVMePort", SEGMENTS, 3, create_port),
    row(Method::Post, "/v1/removeNVMePort", SEGMENTS, 1, |a| Ok(Action::RemoveNvmePort(port(&one(a))?))),
    row(Method::Post, "/v1/exportNVMeTarget", SEGMENTS, 3, |a| {
        let (dev, port, host) = target(a)?;
        Ok(Action::ExportNvme(dev, port, host))
    }),
    row(Method::Post, "/v1/unexportNVMeTarget", SEGMENTS, 3, |a| {
        let (dev, port, host) = target(a)?;
        Ok(Action::UnexportNvme(dev, port, host))
    }),
    row(Method::Post, "/v1/revalidateNVMeTarget", SEGMENTS, 1, |a| Ok(Action::RevalidateNvme(one(a)))),
    // saving and restoring the configuration, this project's additions
    row(Method::Post, "/v1/saveConfiguration", EXACT, 0, |_| Ok(Action::SaveConfiguration(None))),
    row(Method::Post, "/v1/saveConfiguration", SEGMENTS, 1, |a| Ok(Action::SaveConfiguration(Some(file_name(a)?)))),
    row(Method::Post, "/v1/restoreConfiguration", EXACT, 0, |_| Ok(Action::RestoreConfiguration(None))),
    row(Method::Post, "/v1/restoreConfiguration", SEGMENTS, 1, |a| Ok(Action::RestoreConfiguration(Some(file_name(a)?)))),
];

/// A file name in the document's directory: letters, digits, `.`, `_`
/// and `-`, not starting with `.`, so a client names no other file.
fn file_name(args: Vec<Vec<u8>>) -> Result<Vec<u8>, Refusal> {
    let name = one(args);
    let plain = name
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(b));
    if !plain || name.len() > 255 || name.starts_with(b".") {
        return Err(Refusal::Malformed);
    }
    Ok(name)
}

const SEGMENTS: Match = Match::Segments;

/// A port number: decimal digits only, 0 to 65535 (no `atoi` garbage).
fn port(arg: &[u8]) -> Result<i32, Refusal> {
    let digits = !arg.is_empty() && arg.len() <= 5 && arg.iter().all(u8::is_ascii_digit);
    let n: i32 = std::str::from_utf8(arg)
        .ok()
        .filter(|_| digits)
        .and_then(|s| s.parse().ok())
        .ok_or(Refusal::Malformed)?;
    if n > 65535 {
        return Err(Refusal::Malformed);
    }
    Ok(n)
}

/// `<port>/<interface>/<tcp|rdma|loop>`.
fn create_port(args: Vec<Vec<u8>>) -> Result<Action, Refusal> {
    let [p, iface, transport] = <[Vec<u8>; 3]>::try_from(args).expect("three arguments");
    let transport = match &transport[..] {
        b"tcp" => Transport::Tcp,
        b"rdma" => Transport::Rdma,
        b"loop" => Transport::Loop,
        _ => return Err(Refusal::Malformed),
    };
    Ok(Action::CreateNvmePort(port(&p)?, iface, transport))
}

/// Device, port (`None`: every port) and host (empty: any host).
type Target = (Vec<u8>, Option<i32>, Vec<u8>);

/// `<device>/<port|all>/<host NQN|any>`.
fn target(args: Vec<Vec<u8>>) -> Result<Target, Refusal> {
    let [dev, p, host] = <[Vec<u8>; 3]>::try_from(args).expect("three arguments");
    let p = if p == b"all" { None } else { Some(port(&p)?) };
    let host = if host == b"any" { Vec::new() } else { host };
    Ok((dev, p, host))
}

fn one(args: Vec<Vec<u8>>) -> Vec<u8> {
    args.into_iter().next().expect("one argument")
}

/// `<rd>/<src>/<policy>`: the policy words are upstream's (`write-back`,
/// not the `writeback` its documentation names).
fn create_cache(args: Vec<Vec<u8>>) -> Result<Action, Refusal> {
    let [rd, src, policy] = <[Vec<u8>; 3]>::try_from(args).expect("three arguments");
    let mode = match &policy[..] {
        b"write-through" => CacheMode::WriteThrough,
        b"write-around" => CacheMode::WriteAround,
        b"write-back" => CacheMode::Writeback,
        _ => return Err(Refusal::CacheMode),
    };
    Ok(Action::CreateCache(rd, src, mode))
}

impl Row {
    fn matches(&self, method: Method, path: &[u8]) -> bool {
        if self.method != method {
            return false;
        }
        match self.matching {
            Match::Exact => path == self.path.as_bytes(),
            Match::Segments => path
                .strip_prefix(self.path.as_bytes())
                .is_some_and(|rest| rest.starts_with(b"/")),
            Match::Prefix { except } => {
                path.starts_with(self.path.as_bytes())
                    && !except.is_some_and(|e| path.starts_with(e.as_bytes()))
            }
        }
    }
}

/// The arguments of `path` for route `prefix`, as upstream splits them:
/// every occurrence of the prefix removed, the rest split on `/` with empty
/// segments dropped. `None` unless there are exactly `count`. A `.` or `..`
/// argument is refused too (upstream would take it as a name): `/dev/..`
/// is no source device.
pub fn arguments(path: &[u8], prefix: &[u8], count: usize) -> Option<Vec<Vec<u8>>> {
    let rest = remove_all(path, prefix);
    let args: Vec<Vec<u8>> = rest
        .split(|&b| b == b'/')
        .filter(|s| !s.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    let dots = args.iter().any(|a| a == b"." || a == b"..");
    (args.len() == count && !dots).then_some(args)
}

/// `haystack` with every non-overlapping occurrence of `needle` removed
/// (left to right, as a global regex replace does).
fn remove_all(haystack: &[u8], needle: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if !needle.is_empty() && haystack[i..].starts_with(needle) {
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// Matches a request. Methods are compared case-sensitively, as upstream.
pub fn route(method: &[u8], path: &[u8]) -> Matched {
    let method = match method {
        b"GET" => Method::Get,
        b"POST" => Method::Post,
        _ => {
            return Matched {
                route: OTHER_METHOD,
                action: Err(Refusal::Method),
            }
        }
    };
    let Some(row) = ROUTES.iter().find(|r| r.matches(method, path)) else {
        return Matched {
            route: UNSUPPORTED,
            action: Err(Refusal::Unsupported),
        };
    };
    // routes without arguments take none, whatever follows a prefix
    let action = if row.args == 0 {
        (row.build)(Vec::new())
    } else {
        arguments(path, row.path.as_bytes(), row.args)
            .ok_or(Refusal::Malformed)
            .and_then(row.build)
    };
    Matched {
        route: row.path,
        action,
    }
}

/// The path of every route, with its method, in dispatch order (for the
/// OpenAPI check and the metrics).
pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
    ROUTES.iter().map(|r| {
        let method = match r.method {
            Method::Get => "GET",
            Method::Post => "POST",
        };
        (method, r.path)
    })
}

/// Decodes `%XX` in place, as libmicrohttpd's default does, except `%00`:
/// a NUL would end the C string the handler gets, so `rd0%00x` would act
/// on `rd0`; it stays as written. Returns the new length.
pub fn unescape(s: &mut [u8]) -> usize {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let (mut from, mut to) = (0, 0);
    while from < s.len() {
        let decoded = match s.get(from..from + 3) {
            Some([b'%', h, l]) => hex(*h).zip(hex(*l)).map(|(h, l)| h * 16 + l),
            _ => None,
        };
        match decoded {
            Some(b) if b != 0 => {
                s[to] = b;
                from += 3;
            }
            _ => {
                s[to] = s[from];
                from += 1;
            }
        }
        to += 1;
    }
    to
}
