//! What the cache tests share: the memory a cache of a given shape needs.
use rcache::args::{Geometry, Mode};
use rcache::map::{Cache, SetState};
use rcache::slot::{key_of, state_of, State};
use std::sync::atomic::AtomicU64;

/// Zeroed slot words and per-set state for `sets` sets of `assoc` ways.
pub struct Backing {
    pub geo: Geometry,
    pub words: Vec<AtomicU64>,
    pub sets: Vec<SetState>,
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
        sets: vec![SetState::default(); sets as usize],
    }
}

/// Recounts every set's strays (slots in use whose key is unaligned or off
/// its home way) and checks the cache's counts. Exact while no read hit has
/// failed, as in these tests.
pub fn assert_strays_exact(cache: &Cache, when: &str) {
    let shared = cache.shared();
    let assoc = shared.geo.assoc as u64;
    let mut want = vec![0u32; shared.geo.sets as usize];
    for (slot, cell) in (0..).zip(shared.words()) {
        let w = cell.load(std::sync::atomic::Ordering::Relaxed);
        let in_use = matches!(
            state_of(w),
            State::Valid | State::InProgress | State::InProgressInvalid
        );
        let key = key_of(w);
        if in_use && (!key.is_multiple_of(8) || shared.home(key) != slot) {
            want[(slot / assoc) as usize] += 1;
        }
    }
    let got: Vec<u32> = (0..shared.geo.sets)
        .map(|set| cache.strays(set).unwrap())
        .collect();
    assert_eq!(got, want, "stray counts per set {when}");
}
