//! Generates Rust declarations from the C headers in include/ so that the
//! tests in tests/abi_*.rs can prove the C and Rust sides agree.
use std::env;
use std::path::PathBuf;

fn bindings(header: &str, opaque: &[&str], functions: bool, out: &str) {
    let mut builder = bindgen::Builder::default()
        .header(header)
        .use_core()
        .generate_comments(false)
        .layout_tests(false);
    // blocklisted types are aliased to the Rust types by the test, so the
    // function signatures can be compared as whole types
    for name in opaque {
        builder = builder.blocklist_type(name);
    }
    if !functions {
        builder = builder.blocklist_function(".*");
    }
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    builder
        .generate()
        .unwrap_or_else(|e| panic!("bindgen {header}: {e}"))
        .write_to_file(out_dir.join(out))
        .unwrap_or_else(|e| panic!("write {out}: {e}"));
}

/// Two outputs per header: the structs as C lays them out (for layout
/// comparisons) and the functions over the Rust types named in `opaque`.
fn header(name: &str, opaque: &[&str]) {
    let path = format!("include/{name}.h");
    println!("cargo:rerun-if-changed={path}");
    bindings(&path, &[], false, &format!("{name}_layout.rs"));
    bindings(&path, opaque, true, &format!("{name}_fns.rs"));
}

fn main() {
    header("rdsk_core", &["rdsk", "rdsk_usage", "rdsk_cmd"]);
    header(
        "rcache_core",
        &[
            "rcache",
            "rcache_shared",
            "rcache_args",
            "rcache_geometry",
            "rcache_stats",
        ],
    );
    header("rapiddisk", &[]);
}
