//! How many reads the lock-free hit path serves under random reads over a
//! working set of random blocks, for a few working-set and source sizes
//! (the cache: 64 sets of 512 ways). Reads run one at a time; the second
//! half of each run is counted.
//!
//! `cargo run --release --features host --example lock_free_share`
// only the backing memory is used here
#[allow(dead_code)]
#[path = "../tests/common/mod.rs"]
mod common;

use rcache::args::Mode;
use rcache::map::{Cache, Dir, Plan};
use rcache::slot::Shared;
use std::collections::HashSet;

/// A fixed pseudo-random sequence, so runs repeat.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn run(working_set: f64, source_laps: u64, reads: u64) {
    let mut backing = common::backing(512, 64, Mode::WriteThrough);
    let geo = backing.geo;
    let shared = Shared::new(geo, &backing.words).unwrap();
    let mut cache = Cache::new(&shared, &mut backing.sets).unwrap();
    let mut rng = Lcg(42);
    let wanted = (geo.blocks as f64 * working_set) as usize;
    let mut blocks = Vec::with_capacity(wanted);
    let mut seen = HashSet::new();
    while blocks.len() < wanted {
        let b = rng.below(geo.blocks * source_laps);
        if seen.insert(b) {
            blocks.push(b);
        }
    }
    let (mut lock_free, mut locked, mut misses) = (0u64, 0u64, 0u64);
    for i in 0..reads {
        let sector = blocks[rng.below(blocks.len() as u64) as usize] * 8;
        let counted = i >= reads / 2;
        let plan = match shared.try_hit(sector, 8, 0) {
            Some(slot) => {
                lock_free += counted as u64;
                Plan::Hit(slot)
            }
            None => {
                let plan = cache.map(Dir::Read, sector, 8);
                match plan {
                    Plan::Hit(_) => locked += counted as u64,
                    _ => misses += counted as u64,
                }
                plan
            }
        };
        match plan {
            Plan::Hit(slot) => cache.hit_done(slot, true),
            Plan::Fill(slot) => {
                if cache.fill_read_done(slot, true) {
                    cache.fill_done(slot, true);
                }
            }
            _ => cache.source_done(Dir::Read, sector, 8, true),
        }
    }
    let all = (lock_free + locked + misses) as f64;
    println!(
        "working set {working_set}x the cache, source {source_laps}x: \
         lock-free hits {:.1}%, hits under the lock {:.1}%, misses {:.1}%",
        100.0 * lock_free as f64 / all,
        100.0 * locked as f64 / all,
        100.0 * misses as f64 / all
    );
}

fn main() {
    for (working_set, source_laps) in [(0.3, 3), (0.6, 3), (0.9, 3), (1.5, 3), (0.9, 10)] {
        run(working_set, source_laps, 2_000_000);
    }
}
