//! Binds the part of libmicrohttpd the daemon uses (start/stop, responses,
//! header lookup, daemon info, TLS feature probe) against the headers of
//! the system library that pkg-config finds.
use sys_build::{bindgen, pkg_config};

fn main() {
    let lib = pkg_config::Config::new()
        .atleast_version("0.9.71") // enum MHD_Result
        .probe("libmicrohttpd")
        .unwrap_or_else(|e| panic!("libmicrohttpd not found by pkg-config: {e}"));
    let builder = bindgen::Builder::default()
        .header_contents(
            "wrapper.h",
            "#include <sys/types.h>\n#include <sys/select.h>\n#include <sys/socket.h>\n#include <stdint.h>\n#include <stdarg.h>\n#include <microhttpd.h>\n",
        )
        .allowlist_function("MHD_(start|stop)_daemon")
        .allowlist_function("MHD_(create_response_from_buffer|destroy_response)")
        .allowlist_function("MHD_(queue_response|add_response_header)")
        .allowlist_function("MHD_(lookup_connection_value|get_daemon_info|is_feature_supported)")
        .allowlist_type("MHD_(Result|FLAG|OPTION|OptionItem|ResponseMemoryMode|ValueKind)")
        .allowlist_type("MHD_(DaemonInfoType|DaemonInfo|FEATURE)")
        .allowlist_type("MHD_AccessHandlerCallback")
        .rustified_enum("MHD_Result")
        .constified_enum_module("MHD_(FLAG|OPTION|ResponseMemoryMode|ValueKind|DaemonInfoType|FEATURE)")
        .opaque_type("MHD_(Daemon|Connection|Response)")
        .opaque_type("sockaddr");
    sys_build::generate(&lib, builder, "microhttpd.rs");
}
