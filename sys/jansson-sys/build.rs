//! Binds the few jansson functions librapiddisk needs, against the headers of
//! the system library that pkg-config finds (the one that is linked).
use std::env;
use std::path::PathBuf;

fn main() {
    let lib = pkg_config::Config::new()
        .atleast_version("2.8") // keys in insertion order from 2.8 on
        .probe("jansson")
        .unwrap_or_else(|e| panic!("jansson not found by pkg-config: {e}"));
    let mut builder = bindgen::Builder::default()
        .header_contents("wrapper.h", "#include <jansson.h>\n")
        .allowlist_type("json_t")
        .allowlist_type("json_type")
        .allowlist_function("json_(object|array|string|integer|delete|dumps)")
        .allowlist_function("json_(object_set_new|array_append_new)")
        .generate_comments(false)
        .layout_tests(false);
    for path in &lib.include_paths {
        builder = builder.clang_arg(format!("-I{}", path.display()));
    }
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    builder
        .generate()
        .unwrap_or_else(|e| panic!("bindgen jansson.h: {e}"))
        .write_to_file(out.join("jansson.rs"))
        .unwrap_or_else(|e| panic!("write jansson.rs: {e}"));
}
