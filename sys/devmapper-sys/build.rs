//! Binds the libdevmapper task API (create/remove/status/message with udev
//! cookies) against the headers of the system library pkg-config finds.
use sys_build::{bindgen, pkg_config};

fn main() {
    let lib = pkg_config::probe_library("devmapper")
        .unwrap_or_else(|e| panic!("libdevmapper not found by pkg-config: {e}"));
    let builder = bindgen::Builder::default()
        .header_contents("wrapper.h", "#include <libdevmapper.h>\n")
        .allowlist_function("dm_task_(create|destroy|run|set_name|add_target)")
        .allowlist_function("dm_task_(set_add_node|set_cookie|get_info|set_sector)")
        .allowlist_function("dm_task_(set_message|get_message_response|retry_remove)")
        .allowlist_function("dm_(get_next_target|udev_wait|lib_release)")
        .allowlist_type("dm_info")
        // the task types and add-node modes are anonymous enums in the header
        .allowlist_var("DM_DEVICE_(CREATE|REMOVE|STATUS|TABLE|TARGET_MSG|INFO)")
        .allowlist_var("DM_ADD_NODE_ON_RESUME")
        .prepend_enum_name(false)
        .opaque_type("dm_task");
    sys_build::generate(&lib, builder, "devmapper.rs");
}
