//! The shared half of the -sys crates' build scripts: generate bindings
//! against the include paths of the library pkg-config found (the one that
//! is linked) and write them to `$OUT_DIR/<out>`.
use std::env;
use std::path::PathBuf;

pub use bindgen;
pub use pkg_config;

/// `builder` carries the header and the allowlist; this adds the library's
/// include paths and the common options, then writes the bindings.
pub fn generate(lib: &pkg_config::Library, builder: bindgen::Builder, out: &str) {
    let mut builder = builder.generate_comments(false).layout_tests(false);
    for path in &lib.include_paths {
        builder = builder.clang_arg(format!("-I{}", path.display()));
    }
    let dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    builder
        .generate()
        .unwrap_or_else(|e| panic!("bindgen for {out}: {e}"))
        .write_to_file(dir.join(out))
        .unwrap_or_else(|e| panic!("write {out}: {e}"));
}
