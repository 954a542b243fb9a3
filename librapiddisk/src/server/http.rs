//! The HTTP side: libmicrohttpd with one thread per connection (so a slow
//! action or a stalled client holds only its own connection), a connection
//! limit and an idle timeout, optionally on one address and with TLS. The
//! handler answers on the first callback for a request, as upstream: a
//! request body is never read.

use super::{Request, Response, Server};
use core::ffi::{c_char, c_uint, c_void, CStr};
use microhttpd_sys as sys;
use std::ffi::CString;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::{self, NonNull};
use std::sync::Arc;

/// Where and how to listen.
#[derive(Debug, Clone)]
pub struct Config {
    /// `None`: every IPv4 address (upstream's `INADDR_ANY`).
    pub address: Option<IpAddr>,
    pub port: u16,
    /// PEM certificate (chain) and private key.
    pub tls: Option<(Vec<u8>, Vec<u8>)>,
    /// Connections served at once; more are refused until one ends.
    pub connection_limit: u32,
    /// Seconds a connection may stay idle before it is closed.
    pub timeout: u32,
}

impl Config {
    /// Upstream's listener on `port`, with this project's limits.
    pub fn new(port: u16) -> Self {
        Config {
            address: None,
            port,
            tls: None,
            connection_limit: 256,
            timeout: 10,
        }
    }
}

/// A running HTTP server; dropping it stops it (open requests finish).
pub struct Http {
    daemon: NonNull<sys::MHD_Daemon>,
    // kept alive for the callbacks and the library, dropped after the stop
    _server: Arc<Server>,
    _tls: Option<(CString, CString)>,
}

// SAFETY: an MHD daemon handle may be stopped from any thread; the server
// it calls into is Sync.
unsafe impl Send for Http {}

/// An `AF_INET`/`AF_INET6` socket address for `MHD_OPTION_SOCK_ADDR`.
enum SockAddr {
    V4(libc::sockaddr_in),
    V6(libc::sockaddr_in6),
}

impl SockAddr {
    fn new(addr: SocketAddr) -> Self {
        match addr {
            SocketAddr::V4(a) => {
                // SAFETY: plain data, all-zero is valid.
                let mut s: libc::sockaddr_in = unsafe { std::mem::zeroed() };
                s.sin_family = libc::AF_INET as libc::sa_family_t;
                s.sin_port = a.port().to_be();
                s.sin_addr.s_addr = u32::from(*a.ip()).to_be();
                SockAddr::V4(s)
            }
            SocketAddr::V6(a) => {
                // SAFETY: plain data, all-zero is valid.
                let mut s: libc::sockaddr_in6 = unsafe { std::mem::zeroed() };
                s.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                s.sin6_port = a.port().to_be();
                s.sin6_addr.s6_addr = a.ip().octets();
                s.sin6_scope_id = a.scope_id();
                SockAddr::V6(s)
            }
        }
    }

    fn ptr(&mut self) -> *mut c_void {
        match self {
            SockAddr::V4(s) => ptr::from_mut(s).cast(),
            SockAddr::V6(s) => ptr::from_mut(s).cast(),
        }
    }
}

fn item(
    option: sys::MHD_OPTION::Type,
    value: isize,
    ptr_value: *mut c_void,
) -> sys::MHD_OptionItem {
    sys::MHD_OptionItem {
        option,
        value,
        ptr_value,
    }
}

fn pem(bytes: &[u8], what: &str) -> io::Result<CString> {
    CString::new(bytes).map_err(|_| io::Error::other(format!("{what}: not a PEM file")))
}

impl Http {
    /// Starts serving `server`. The error is the library's errno (for
    /// example "Address already in use").
    pub fn start(server: Arc<Server>, config: &Config) -> io::Result<Self> {
        use sys::MHD_FLAG as F;
        use sys::MHD_OPTION as O;
        let mut flags =
            F::MHD_USE_INTERNAL_POLLING_THREAD | F::MHD_USE_THREAD_PER_CONNECTION | F::MHD_USE_AUTO;
        let mut options = vec![
            item(
                O::MHD_OPTION_CONNECTION_LIMIT,
                config.connection_limit as isize,
                ptr::null_mut(),
            ),
            item(
                O::MHD_OPTION_CONNECTION_TIMEOUT,
                config.timeout as isize,
                ptr::null_mut(),
            ),
            // a two-argument option in an array: the function goes in `value`
            item(
                O::MHD_OPTION_UNESCAPE_CALLBACK,
                addr(unescape),
                ptr::null_mut(),
            ),
        ];
        let mut addr = config
            .address
            .map(|ip| SockAddr::new(SocketAddr::new(ip, config.port)));
        if let Some(a) = &mut addr {
            if matches!(a, SockAddr::V6(_)) {
                flags |= F::MHD_USE_IPv6;
            }
            options.push(item(O::MHD_OPTION_SOCK_ADDR, 0, a.ptr()));
        }
        let tls = match &config.tls {
            Some((cert, key)) => Some((pem(cert, "certificate")?, pem(key, "key")?)),
            None => None,
        };
        if let Some((cert, key)) = &tls {
            // SAFETY: a pure query of the library's build.
            let has_tls =
                unsafe { sys::MHD_is_feature_supported(sys::MHD_FEATURE::MHD_FEATURE_TLS) };
            if has_tls != sys::MHD_Result::MHD_YES {
                return Err(io::Error::other("libmicrohttpd was built without TLS"));
            }
            flags |= F::MHD_USE_TLS;
            options.push(item(
                O::MHD_OPTION_HTTPS_MEM_KEY,
                0,
                key.as_ptr().cast_mut().cast(),
            ));
            options.push(item(
                O::MHD_OPTION_HTTPS_MEM_CERT,
                0,
                cert.as_ptr().cast_mut().cast(),
            ));
        }
        options.push(item(O::MHD_OPTION_END, 0, ptr::null_mut()));
        let cls = Arc::as_ptr(&server).cast_mut().cast::<c_void>();
        // SAFETY: the option array, the address and the PEM strings live
        // through the call (the PEM strings as long as the daemon); `cls`
        // points to the server, which outlives the daemon (see Drop).
        let daemon = unsafe {
            sys::MHD_start_daemon(
                flags,
                config.port,
                None,
                ptr::null_mut(),
                Some(handle),
                cls,
                O::MHD_OPTION_ARRAY as c_uint,
                options.as_ptr(),
                O::MHD_OPTION_END as c_uint,
            )
        };
        let Some(daemon) = NonNull::new(daemon) else {
            return Err(io::Error::last_os_error());
        };
        Ok(Http {
            daemon,
            _server: server,
            _tls: tls,
        })
    }

    /// The port listened on (the chosen one when started on port 0).
    pub fn port(&self) -> u16 {
        // SAFETY: live daemon; BIND_PORT answers a union with `port` set.
        unsafe {
            let info = sys::MHD_get_daemon_info(
                self.daemon.as_ptr(),
                sys::MHD_DaemonInfoType::MHD_DAEMON_INFO_BIND_PORT,
            );
            if info.is_null() {
                0
            } else {
                (*info).port
            }
        }
    }
}

impl Drop for Http {
    fn drop(&mut self) {
        // SAFETY: we own the daemon; this waits for its threads.
        unsafe { sys::MHD_stop_daemon(self.daemon.as_ptr()) }
    }
}

/// The C type of an unescape callback.
type Unescape = unsafe extern "C" fn(*mut c_void, *mut sys::MHD_Connection, *mut c_char) -> usize;

/// A callback as `intptr_t`, the way an option array carries a function.
fn addr(f: Unescape) -> isize {
    f as *const () as isize
}

/// `%XX` decoding of paths and query arguments ([`super::route::unescape`]).
unsafe extern "C" fn unescape(
    _cls: *mut c_void,
    _connection: *mut sys::MHD_Connection,
    s: *mut c_char,
) -> usize {
    // SAFETY: the library passes a live, NUL-terminated, writable string;
    // the result is never longer, and is terminated again.
    unsafe {
        let len = CStr::from_ptr(s).to_bytes().len();
        let bytes = std::slice::from_raw_parts_mut(s.cast::<u8>(), len);
        let n = super::route::unescape(bytes);
        *s.add(n) = 0;
        n
    }
}

/// Marks a request already answered (for callbacks after the first).
static ANSWERED: u8 = 0;

/// The access handler: answers on the first call, ignores any body.
unsafe extern "C" fn handle(
    cls: *mut c_void,
    connection: *mut sys::MHD_Connection,
    url: *const c_char,
    method: *const c_char,
    _version: *const c_char,
    _upload_data: *const c_char,
    upload_data_size: *mut usize,
    con_cls: *mut *mut c_void,
) -> sys::MHD_Result {
    // SAFETY (whole body): libmicrohttpd passes live pointers for the
    // duration of the call; `cls` is the server given to start.
    unsafe {
        if !(*con_cls).is_null() {
            *upload_data_size = 0;
            return sys::MHD_Result::MHD_YES;
        }
        *con_cls = ptr::from_ref(&ANSWERED).cast_mut().cast();
        let server = &*cls.cast::<Server>();
        let authorization = sys::MHD_lookup_connection_value(
            connection,
            sys::MHD_ValueKind::MHD_HEADER_KIND,
            c"Authorization".as_ptr(),
        );
        let request = Request {
            method: CStr::from_ptr(method).to_bytes(),
            path: CStr::from_ptr(url).to_bytes(),
            authorization: (!authorization.is_null())
                .then(|| CStr::from_ptr(authorization).to_bytes()),
        };
        // a bug in an action must not take the daemon down
        let response = catch_unwind(AssertUnwindSafe(|| server.respond(&request)))
            .unwrap_or_else(|_| Response::failure(500, "Internal error."));
        queue(connection, &response)
    }
}

/// Sends `response` and closes the connection after it.
///
/// # Safety
/// `connection` must be the live connection of the current callback.
unsafe fn queue(connection: *mut sys::MHD_Connection, response: &Response) -> sys::MHD_Result {
    // SAFETY: the body is copied by the library (MUST_COPY); header
    // strings are copied by MHD_add_response_header.
    unsafe {
        let r = sys::MHD_create_response_from_buffer(
            response.body.len(),
            response.body.as_ptr().cast_mut().cast(),
            sys::MHD_ResponseMemoryMode::MHD_RESPMEM_MUST_COPY,
        );
        if r.is_null() {
            return sys::MHD_Result::MHD_NO;
        }
        let header = |name: &CStr, value: &str| {
            if let Ok(value) = CString::new(value) {
                sys::MHD_add_response_header(r, name.as_ptr(), value.as_ptr());
            }
        };
        header(c"Connection", "close");
        if let Some(t) = response.content_type {
            header(c"Content-Type", t);
        }
        if let Some(a) = response.authenticate {
            header(c"WWW-Authenticate", a);
        }
        let queued = sys::MHD_queue_response(connection, c_uint::from(response.status), r);
        sys::MHD_destroy_response(r);
        queued
    }
}
