//! Binds the few jansson functions librapiddisk needs, against the headers of
//! the system library that pkg-config finds (the one that is linked).
use sys_build::{bindgen, pkg_config};

fn main() {
    let lib = pkg_config::Config::new()
        .atleast_version("2.8") // keys in insertion order from 2.8 on
        .probe("jansson")
        .unwrap_or_else(|e| panic!("jansson not found by pkg-config: {e}"));
    let builder = bindgen::Builder::default()
        .header_contents("wrapper.h", "#include <jansson.h>\n")
        .allowlist_type("json_t")
        .allowlist_type("json_type")
        .allowlist_function("json_(object|array|string|integer|true|false|delete|dumps)")
        .allowlist_function("json_(object_set_new|array_append_new)");
    sys_build::generate(&lib, builder, "jansson.rs");
}
