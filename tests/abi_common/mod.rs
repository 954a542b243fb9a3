//! Shared by the tests/abi_*.rs header checks.

/// Compiles only when both arguments have the same type.
pub fn same<T>(_c: T, _rust: T) {}

/// `name: (args) -> ret = rust_path;` for each C function of a header: the
/// bindgen declaration and the Rust item must have exactly that type.
macro_rules! same_signature {
    ($($name:ident: ($($arg:ty),*) -> $ret:ty = $rust:path;)*) => {$(
        crate::abi_common::same::<unsafe extern "C" fn($($arg),*) -> $ret>(fns::$name, $rust);
    )*};
}
pub(crate) use same_signature;

/// Same size, alignment and field offsets of a C struct and a Rust one.
macro_rules! same_layout {
    ($c:ty, $rust:ty, [$($field:ident),*]) => {
        assert_eq!(core::mem::size_of::<$c>(), core::mem::size_of::<$rust>(), "size of {}", stringify!($rust));
        assert_eq!(core::mem::align_of::<$c>(), core::mem::align_of::<$rust>(), "align of {}", stringify!($rust));
        $(assert_eq!(core::mem::offset_of!($c, $field), core::mem::offset_of!($rust, $field), "{}", stringify!($field));)*
    };
}
pub(crate) use same_layout;
