//! What the cache tests share: the memory a cache of a given shape needs.
use rcache::args::{Geometry, Mode};
use std::sync::atomic::AtomicU64;

/// Zeroed slot words and FIFO pointers for `sets` sets of `assoc` ways.
pub struct Backing {
    pub geo: Geometry,
    pub words: Vec<AtomicU64>,
    pub fifo: Vec<u32>,
}

pub fn backing(assoc: u32, sets: u64, mode: Mode) -> Backing {
    let geo = Geometry {
        blocks: assoc as u64 * sets,
        sets,
        assoc,
        mode,
    };
    Backing {
        geo,
        words: (0..geo.blocks).map(|_| AtomicU64::new(0)).collect(),
        fifo: vec![0; sets as usize],
    }
}
