//! include/rcache_core.h against module/cache: same function signatures,
//! struct layouts and constants on both sides.
#![allow(non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]

use core::mem::{offset_of, size_of};
use rcache::ffi::{self, RcacheArgs, RcacheGeometry, RcacheStats};

mod abi_common;
use abi_common::{same_layout, same_signature};

mod layout {
    include!(concat!(env!("OUT_DIR"), "/rcache_core_layout.rs"));
}

#[allow(improper_ctypes)]
mod fns {
    pub type rcache = ::rcache::ffi::Rcache;
    pub type rcache_shared = ::rcache::ffi::RcacheShared;
    pub type rcache_args = ::rcache::ffi::RcacheArgs;
    pub type rcache_geometry = ::rcache::ffi::RcacheGeometry;
    pub type rcache_stats = ::rcache::ffi::RcacheStats;
    include!(concat!(env!("OUT_DIR"), "/rcache_core_fns.rs"));
}

#[test]
fn functions_match_the_header() {
    use core::ffi::{c_char, c_int, c_void};
    use fns::{
        rcache as C, rcache_args as A, rcache_geometry as G, rcache_shared as Sh, rcache_stats as S,
    };
    same_signature! {
        rcache_parse_args: (u32, *const *const c_char, *mut A) -> c_int = ffi::rcache_parse_args;
        rcache_create: (*const A, u64, *mut *mut C) -> c_int = ffi::rcache_create;
        rcache_destroy: (*mut C) -> () = ffi::rcache_destroy;
        rcache_get_geometry: (*const C, *mut G) -> () = ffi::rcache_get_geometry;
        rcache_get_stats: (*const C, *mut S) -> () = ffi::rcache_get_stats;
        rcache_reason_text: (c_int) -> *const c_char = ffi::rcache_reason_text;
        rcache_map: (*mut C, c_int, u64, u64, *mut u64) -> c_int = ffi::rcache_map;
        rcache_map_passthrough: (*mut C, u64, u64) -> () = ffi::rcache_map_passthrough;
        rcache_shared: (*const C) -> *const Sh = ffi::rcache_shared;
        rcache_try_hit: (*const Sh, u64, u64, u32) -> u64 = ffi::rcache_try_hit;
        rcache_hit_done: (*const Sh, u64) -> () = ffi::rcache_hit_done;
        rcache_hit_failed: (*mut C, u64) -> () = ffi::rcache_hit_failed;
        rcache_fill_read_done: (*mut C, u64, bool) -> bool = ffi::rcache_fill_read_done;
        rcache_fill_done: (*mut C, u64, bool) -> () = ffi::rcache_fill_done;
        rcache_write_done: (*mut C, u64, bool, bool) -> () = ffi::rcache_write_done;
        rcache_source_done: (*mut C, c_int, u64, u64, bool) -> () = ffi::rcache_source_done;
        rcache_status_info: (*const C, *mut c_char, usize) -> usize = ffi::rcache_status_info;
        rcache_status_table: (*const C, *const c_char, *const c_char, *mut c_char, usize) -> usize = ffi::rcache_status_table;
        rcache_cb_vzalloc: (usize) -> *mut c_void = ffi::rcache_cb_vzalloc;
        rcache_cb_vfree: (*mut c_void) -> () = ffi::rcache_cb_vfree;
    }
}

#[test]
fn structs_match_the_header() {
    same_layout!(
        layout::rcache_args,
        RcacheArgs,
        [size, has_size, mode, assoc, reserved]
    );
    same_layout!(
        layout::rcache_geometry,
        RcacheGeometry,
        [blocks, sets, assoc, mode]
    );
    // the stats struct: C field names, Rust field names, same order
    macro_rules! stats_fields {
        ($($c:ident = $r:ident),*) => {
            assert_eq!(size_of::<layout::rcache_stats>(), size_of::<RcacheStats>());
            $(assert_eq!(offset_of!(layout::rcache_stats, $c), offset_of!(RcacheStats, $r), stringify!($c));)*
        };
    }
    stats_fields!(
        reads = reads,
        writes = writes,
        cache_hits = cache_hits,
        replace = replace,
        write_replace = write_replace,
        read_invalidates = read_invalidates,
        write_invalidates = write_invalidates,
        uncached_reads = uncached_reads,
        uncached_writes = uncached_writes,
        disk_reads = disk_reads,
        disk_writes = disk_writes,
        cache_reads = cache_reads,
        cache_writes = cache_writes,
        cached_blocks = cached_blocks
    );
}

#[test]
fn constants_match_the_header() {
    use rcache::args::Reason;
    assert_eq!(
        layout::rcache_plan_RCACHE_PLAN_SOURCE as i32,
        ffi::RCACHE_PLAN_SOURCE
    );
    assert_eq!(
        layout::rcache_plan_RCACHE_PLAN_HIT as i32,
        ffi::RCACHE_PLAN_HIT
    );
    assert_eq!(
        layout::rcache_plan_RCACHE_PLAN_FILL as i32,
        ffi::RCACHE_PLAN_FILL
    );
    assert_eq!(
        layout::rcache_plan_RCACHE_PLAN_WRITE_BOTH as i32,
        ffi::RCACHE_PLAN_WRITE_BOTH
    );
    assert_eq!(layout::RCACHE_NO_HIT as u64, ffi::RCACHE_NO_HIT);
    assert_eq!(layout::rcache_dir_RCACHE_READ as i32, ffi::RCACHE_READ);
    assert_eq!(layout::rcache_dir_RCACHE_WRITE as i32, ffi::RCACHE_WRITE);
    let reasons = [
        (layout::rcache_reason_RCACHE_R_ARGC, Reason::Argc),
        (
            layout::rcache_reason_RCACHE_R_NOT_RAPIDDISK,
            Reason::NotRapidDisk,
        ),
        (layout::rcache_reason_RCACHE_R_SIZE, Reason::Size),
        (layout::rcache_reason_RCACHE_R_MODE, Reason::Mode),
        (layout::rcache_reason_RCACHE_R_ASSOC, Reason::Assoc),
        (layout::rcache_reason_RCACHE_R_NO_MEMORY, Reason::NoMemory),
    ];
    for (c, rust) in reasons {
        assert_eq!(c as i32, rust as i32, "{rust:?}");
    }
}
