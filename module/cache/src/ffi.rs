//! The C entry points declared in `include/rcache_core.h`.
use crate::args::{self, Args, Mode, Reason};
use crate::map::{Cache, Dir, Plan, SetState, Stats};
use crate::slot::Shared;
use crate::status;
use crate::text::Writer;
use core::ffi::{c_char, c_void, CStr};
use core::mem::size_of;
use core::sync::atomic::AtomicU64;

extern "C" {
    pub fn rcache_cb_vzalloc(size: usize) -> *mut c_void;
    pub fn rcache_cb_vfree(ptr: *mut c_void);
}

/// Opaque to C: `struct rcache`, used under the target's lock.
pub type Rcache = Cache<'static>;
/// Opaque to C: `struct rcache_shared`, the lock-free part of a cache.
pub type RcacheShared = Shared<'static>;

#[repr(C)]
#[derive(Default)]
pub struct RcacheArgs {
    pub size: u64,
    pub has_size: u32,
    pub mode: u32,
    pub assoc: u32,
    pub reserved: u32,
}

#[repr(C)]
#[derive(Default)]
pub struct RcacheGeometry {
    pub blocks: u64,
    pub sets: u64,
    pub assoc: u32,
    pub mode: u32,
}

pub type RcacheStats = Stats;

pub const RCACHE_PLAN_SOURCE: i32 = 0;
pub const RCACHE_PLAN_HIT: i32 = 1;
pub const RCACHE_PLAN_FILL: i32 = 2;
pub const RCACHE_PLAN_WRITE_BOTH: i32 = 3;
pub const RCACHE_READ: i32 = 0;
pub const RCACHE_WRITE: i32 = 1;

fn mode_code(m: Mode) -> u32 {
    match m {
        Mode::WriteThrough => 0,
        Mode::WriteAround => 1,
    }
}

/// # Safety
/// `argv` holds `argc` NUL-terminated strings; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn rcache_parse_args(
    argc: u32,
    argv: *const *const c_char,
    out: *mut RcacheArgs,
) -> i32 {
    let Some(out) = out.as_mut() else {
        return Reason::Argc as i32;
    };
    // the parser looks at the first five words only
    let mut words: [&[u8]; 5] = [&[]; 5];
    let n = (argc as usize).min(words.len());
    for (i, w) in words.iter_mut().enumerate().take(n) {
        let p = *argv.add(i);
        if p.is_null() {
            return Reason::Argc as i32;
        }
        *w = CStr::from_ptr(p).to_bytes();
    }
    match args::parse(words.get(..n).unwrap_or(&[])) {
        Ok(a) => {
            *out = RcacheArgs {
                size: a.size.unwrap_or(0),
                has_size: a.size.is_some() as u32,
                mode: mode_code(a.mode),
                assoc: a.assoc,
                reserved: 0,
            };
            0
        }
        Err(r) => r as i32,
    }
}

fn vzalloc<T>(count: u64) -> Option<&'static mut [T]> {
    let bytes = usize::try_from(count).ok()?.checked_mul(size_of::<T>())?;
    // SAFETY: zeroed memory is a valid [AtomicU64]/[u32] (the only uses).
    unsafe {
        let p = rcache_cb_vzalloc(bytes.max(1)).cast::<T>();
        (!p.is_null()).then(|| core::slice::from_raw_parts_mut(p, count as usize))
    }
}

/// Moves `value` into zeroed memory of its own.
fn boxed<T>(value: T) -> Option<&'static mut T> {
    let p = vzalloc::<T>(1)?.as_mut_ptr();
    // SAFETY: p is valid, aligned (vmalloc pages) and unused.
    unsafe {
        p.write(value);
        Some(&mut *p)
    }
}

fn vfree<T>(p: *const T) {
    // SAFETY: p came from vzalloc (null is ignored).
    unsafe { rcache_cb_vfree(p as *mut c_void) }
}

/// # Safety
/// `args` and `out` are valid pointers.
#[no_mangle]
pub unsafe extern "C" fn rcache_create(
    args: *const RcacheArgs,
    cache_dev_sectors: u64,
    out: *mut *mut Rcache,
) -> i32 {
    let (Some(a), Some(out)) = (args.as_ref(), out.as_mut()) else {
        return Reason::Argc as i32;
    };
    let parsed = Args {
        size: (a.has_size != 0).then_some(a.size),
        mode: if a.mode == 0 {
            Mode::WriteThrough
        } else {
            Mode::WriteAround
        },
        assoc: a.assoc,
    };
    let geo = match args::geometry(&parsed, cache_dev_sectors) {
        Ok(g) => g,
        Err(r) => return r as i32,
    };
    let (Some(words), Some(sets)) = (
        vzalloc::<AtomicU64>(geo.blocks),
        vzalloc::<SetState>(geo.sets),
    ) else {
        return Reason::NoMemory as i32;
    };
    let sets_ptr = sets.as_ptr();
    let Some(shared) = Shared::new(geo, words).and_then(boxed) else {
        vfree(words.as_ptr());
        vfree(sets_ptr);
        return Reason::NoMemory as i32;
    };
    let Some(cache) = Cache::new(shared, sets).and_then(boxed) else {
        vfree(shared.words().as_ptr());
        vfree(shared as *const Shared);
        vfree(sets_ptr);
        return Reason::NoMemory as i32;
    };
    *out = cache;
    0
}

/// # Safety
/// `c` came from rcache_create and is no longer used.
#[no_mangle]
pub unsafe extern "C" fn rcache_destroy(c: *mut Rcache) {
    if c.is_null() {
        return;
    }
    let (shared, sets) = c.read().into_parts();
    vfree(shared.words().as_ptr());
    vfree(shared as *const Shared);
    vfree(sets.as_ptr());
    vfree(c);
}

/// The lock-free part of `c`, for rcache_try_hit and rcache_hit_done.
///
/// # Safety
/// `c` came from rcache_create.
#[no_mangle]
pub unsafe extern "C" fn rcache_shared(c: *const Rcache) -> *const RcacheShared {
    c.as_ref().map_or(core::ptr::null(), |c| c.shared())
}

/// What rcache_try_hit returns for a read that is no lock-free hit (no
/// slot has this number).
pub const RCACHE_NO_HIT: u64 = u64::MAX;

/// A read of `sectors` at `sector` that is a hit on its home way or on the
/// way its hint points to: returns the slot to read, else RCACHE_NO_HIT.
/// Needs no lock; `cpu` picks the line of the hit counter.
///
/// # Safety
/// `s` came from rcache_shared.
#[no_mangle]
pub unsafe extern "C" fn rcache_try_hit(
    s: *const RcacheShared,
    sector: u64,
    sectors: u64,
    cpu: u32,
) -> u64 {
    s.as_ref()
        .and_then(|s| s.try_hit(sector, sectors, cpu))
        .unwrap_or(RCACHE_NO_HIT)
}

/// A read hit (from rcache_try_hit or rcache_map) that read its data
/// ended. Needs no lock.
///
/// # Safety
/// `s` came from rcache_shared.
#[no_mangle]
pub unsafe extern "C" fn rcache_hit_done(s: *const RcacheShared, slot: u64) {
    if let Some(s) = s.as_ref() {
        s.hit_done(slot)
    }
}

/// A read hit whose read of the cache device failed ended; under the lock.
///
/// # Safety
/// As rcache_map.
#[no_mangle]
pub unsafe extern "C" fn rcache_hit_failed(c: *mut Rcache, slot: u64) {
    if let Some(c) = c.as_mut() {
        c.hit_failed(slot)
    }
}

/// # Safety
/// Valid pointers.
#[no_mangle]
pub unsafe extern "C" fn rcache_get_geometry(c: *const Rcache, out: *mut RcacheGeometry) {
    let (Some(c), Some(out)) = (c.as_ref(), out.as_mut()) else {
        return;
    };
    let g = c.geometry();
    *out = RcacheGeometry {
        blocks: g.blocks,
        sets: g.sets,
        assoc: g.assoc,
        mode: mode_code(g.mode),
    };
}

/// # Safety
/// Valid pointers.
#[no_mangle]
pub unsafe extern "C" fn rcache_get_stats(c: *const Rcache, out: *mut RcacheStats) {
    if let (Some(c), Some(out)) = (c.as_ref(), out.as_mut()) {
        *out = c.stats();
    }
}

#[no_mangle]
pub extern "C" fn rcache_reason_text(reason: i32) -> *const c_char {
    match Reason::from_code(reason) {
        Some(r) => r.text().as_ptr(),
        None => c"rapiddisk-cache: Unknown error".as_ptr(),
    }
}

fn dir(d: i32) -> Dir {
    if d == RCACHE_WRITE {
        Dir::Write
    } else {
        Dir::Read
    }
}

/// # Safety
/// Valid pointers; the caller holds the target's lock.
#[no_mangle]
pub unsafe extern "C" fn rcache_map(
    c: *mut Rcache,
    d: i32,
    sector: u64,
    sectors: u64,
    slot: *mut u64,
) -> i32 {
    let (Some(c), Some(slot)) = (c.as_mut(), slot.as_mut()) else {
        return RCACHE_PLAN_SOURCE;
    };
    match c.map(dir(d), sector, sectors) {
        Plan::Source => RCACHE_PLAN_SOURCE,
        Plan::Hit(s) => {
            *slot = s;
            RCACHE_PLAN_HIT
        }
        Plan::Fill(s) => {
            *slot = s;
            RCACHE_PLAN_FILL
        }
        Plan::WriteBoth(s) => {
            *slot = s;
            RCACHE_PLAN_WRITE_BOTH
        }
    }
}

/// # Safety
/// As rcache_map.
#[no_mangle]
pub unsafe extern "C" fn rcache_map_passthrough(c: *mut Rcache, sector: u64, sectors: u64) {
    if let Some(c) = c.as_mut() {
        c.map_passthrough(sector, sectors)
    }
}

/// # Safety
/// As rcache_map.
#[no_mangle]
pub unsafe extern "C" fn rcache_fill_read_done(c: *mut Rcache, slot: u64, ok: bool) -> bool {
    c.as_mut().is_some_and(|c| c.fill_read_done(slot, ok))
}

/// # Safety
/// As rcache_map.
#[no_mangle]
pub unsafe extern "C" fn rcache_fill_done(c: *mut Rcache, slot: u64, cache_ok: bool) {
    if let Some(c) = c.as_mut() {
        c.fill_done(slot, cache_ok)
    }
}

/// # Safety
/// As rcache_map.
#[no_mangle]
pub unsafe extern "C" fn rcache_write_done(
    c: *mut Rcache,
    slot: u64,
    source_ok: bool,
    cache_ok: bool,
) {
    if let Some(c) = c.as_mut() {
        c.write_done(slot, source_ok, cache_ok)
    }
}

/// # Safety
/// As rcache_map.
#[no_mangle]
pub unsafe extern "C" fn rcache_source_done(
    c: *mut Rcache,
    d: i32,
    sector: u64,
    sectors: u64,
    counted: bool,
) {
    if let Some(c) = c.as_mut() {
        c.source_done(dir(d), sector, sectors, counted)
    }
}

/// # Safety
/// `buf` holds `len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn rcache_status_info(
    c: *const Rcache,
    buf: *mut c_char,
    len: usize,
) -> usize {
    let Some(c) = c.as_ref() else { return 0 };
    if buf.is_null() || len == 0 {
        return 0;
    }
    let mut w = Writer::new(core::slice::from_raw_parts_mut(buf.cast(), len));
    status::info(c, &mut w);
    w.finish()
}

/// # Safety
/// `source`/`cache_dev` are NUL-terminated; `buf` holds `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn rcache_status_table(
    c: *const Rcache,
    source: *const c_char,
    cache_dev: *const c_char,
    buf: *mut c_char,
    len: usize,
) -> usize {
    let Some(c) = c.as_ref() else { return 0 };
    if buf.is_null() || len == 0 || source.is_null() || cache_dev.is_null() {
        return 0;
    }
    let mut w = Writer::new(core::slice::from_raw_parts_mut(buf.cast(), len));
    let (s, d) = (
        CStr::from_ptr(source).to_bytes(),
        CStr::from_ptr(cache_dev).to_bytes(),
    );
    status::table(c, s, d, &mut w);
    w.finish()
}
