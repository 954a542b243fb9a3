//! The shared library for C programs is librapiddisk.so.1 to the dynamic
//! linker (include/rapiddisk.h; bump with an incompatible change).
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,librapiddisk.so.1");
}
